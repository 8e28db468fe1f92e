/**
 * Tip codes: how they are built from a unit tag, a year and a number, and how they are found in a reporter's text.
 *
 * @internal
 */

import { fnv1a } from "../shared/hash.js"

/** @internal */
export const maxTagLength = 10

/** @internal */
export const tagPattern = /^[A-Z0-9]{1,10}$/

/** @internal */
export const codePattern = /^[A-Z0-9]{1,10}-\d{4}-\d{4,}$/

/**
 * Removes Vietnamese diacritics. NFD splits "ế" into "e" and its marks, but "đ" is a letter of its own and needs
 * its own rule.
 *
 * @internal
 */
export const foldDiacritics = (text: string): string =>
  text.replace(/đ/g, "d").replace(/Đ/g, "D").normalize("NFD").replace(/\p{M}/gu, "")

/**
 * The tag a text gives: folded, upper-cased, only A–Z and 0–9, at most ten characters; "" when nothing is left.
 *
 * @internal
 */
export const cleanTag = (text: string): string =>
  foldDiacritics(text)
    .toUpperCase()
    .replace(/[^A-Z0-9]/g, "")
    .slice(0, maxTagLength)

/**
 * A tag for a unit id with no letter or digit to keep (FNV-1a, 32 bits, base 36): "DV" (đơn vị) and up to
 * seven characters. Stable, so the unit keeps its codes.
 *
 * @internal
 */
export const hashTag = (text: string): string => `DV${fnv1a(text).toString(36).toUpperCase()}`

// Unit ids often begin with what the unit is ("ca-phuong-van-giang"); the kind says nothing a reporter needs to
// type, so it is dropped and the place name kept ("VANGIANG").
const kindWords =
  /^(?:(?:ca|cong|an|cong-an|phuong|p|xa|x|thi-tran|tt|dac-khu|tinh|thanh-pho|tp|huyen|quan|don|tram|doi)[-_ .]+)+/i

/** @internal */
export const placeOf = (unitId: string): string => {
  const folded = foldDiacritics(unitId)
  const place = folded.replace(kindWords, "")
  return place.length > 0 ? place : folded
}

// Units are few and every tip asks for its unit's tag: folding the id each time (Unicode normalisation, several
// regular expressions) cost more than the rest of numbering. Bounded, in case ids come from outside.
const tags = new Map<string, string>()

/** @internal */
export const tagOf = (unitId: string, officialCode?: string): string => {
  const key = officialCode === undefined ? unitId : `${unitId}\u0000${officialCode}`
  const known = tags.get(key)
  if (known !== undefined) return known
  const tag = cleanTag(officialCode ?? "") || cleanTag(placeOf(unitId)) || cleanTag(unitId) || hashTag(unitId)
  if (tags.size >= 10_000) tags.clear()
  tags.set(key, tag)
  return tag
}

/** @internal */
export const format = (unitTag: string, year: number, number: number): string =>
  `${unitTag}-${year}-${String(number).padStart(4, "0")}`

// A tag is not the tail of a longer word, and the number is not the head of a longer one; any dash will do between
// the parts, since phones turn "-" into "–" and people put spaces around it.
const inText = /(?<![\p{L}\p{N}])([A-Za-z0-9]{1,10})\s*[-‐‑‒–—_]\s*(\d{4})\s*[-‐‑‒–—_]\s*(\d{1,9})(?![\p{L}\p{N}])/gu

// What any text `inText` matches has, unfolded.
const maybeCode = /\d{4}\s*[-‐‑‒–—_]\s*\d/u

/** @internal */
export interface Parsed {
  readonly code: string
  readonly unitTag: string
  readonly year: number
  readonly number: number
}

/**
 * The first tip code in a text, in its canonical form; `undefined` when there is none.
 *
 * @internal
 */
export const findCode = (text: string): Parsed | undefined => {
  // Folding keeps digits, dashes and spaces as they are: a text without a year, a dash and a digit holds no code,
  // and most messages are told so without folding them (Unicode normalisation is the costly part).
  if (!maybeCode.test(text)) return undefined
  for (const match of foldDiacritics(text).matchAll(inText)) {
    const unitTag = match[1].toUpperCase()
    const year = Number(match[2])
    const number = Number(match[3])
    if (number >= 1) return { code: format(unitTag, year, number), unitTag, year, number }
  }
  return undefined
}
