/**
 * How strong a key of the vault must be, and new keys.
 *
 * @internal
 */
import { randomBytes } from "node:crypto"
import { Redacted } from "effect"

/**
 * The size of a key in bytes: a vault key is exactly this long (AES-256), a fingerprint key at least this long.
 *
 * @since 0.2.0
 * @category constants
 */
export const keyBytes = 32

/**
 * A key with fewer distinct byte values, or fewer distinct steps between neighbouring bytes, than this is refused:
 * 32 random bytes fall below it with a chance under 10⁻³⁰.
 *
 * @since 0.2.0
 * @category constants
 */
export const minDistinct = 8

/**
 * The rules a key is checked by:
 * - `encoding`: a vault key is written as 64 hex digits or as base64;
 * - `length`: a vault key is exactly 32 bytes, a fingerprint key at least 32;
 * - `few_distinct_bytes`: fewer than 8 distinct byte values (all bytes alike, `abab…`);
 * - `repeating`: a block of at most half the key, repeated (a 16-byte key written twice);
 * - `steps`: fewer than 8 distinct differences between neighbouring bytes (`01 02 03 …`, `abcdef…`).
 *
 * @since 0.2.0
 * @category models
 */
export type Rule = "encoding" | "length" | "few_distinct_bytes" | "repeating" | "steps"

/**
 * A rule a key broke, and what it says in words: sizes and counts, never a byte of the key.
 *
 * @since 0.2.0
 * @category models
 */
export interface Weakness {
  readonly rule: Rule
  readonly message: string
}

/**
 * The length a key must have.
 *
 * @since 0.2.0
 * @category models
 */
export type Length = { readonly exactly: number } | { readonly atLeast: number }

const distinct = (values: Iterable<number>): number => new Set(values).size

// The shortest block the key is made of when it repeats, if that block is at most half the key.
const period = (bytes: Uint8Array): number | undefined => {
  for (let p = 1; p <= bytes.length / 2; p++) {
    let repeats = true
    for (let i = p; i < bytes.length && repeats; i++) repeats = bytes[i] === bytes[i - p]
    if (repeats) return p
  }
  return undefined
}

function* steps(bytes: Uint8Array): Generator<number> {
  for (let i = 1; i < bytes.length; i++) yield (bytes[i]! - bytes[i - 1]! + 256) % 256
}

/**
 * Why `bytes` cannot be a key, or `undefined` when they can: the {@link Rule}s but `encoding`, in that order.
 *
 * @since 0.2.0
 * @category validation
 */
export const weakness = (bytes: Uint8Array, length: Length): Weakness | undefined => {
  if ("exactly" in length ? bytes.length !== length.exactly : bytes.length < length.atLeast) {
    const wanted = "exactly" in length ? `exactly ${length.exactly}` : `at least ${length.atLeast}`
    return { rule: "length", message: `it is ${bytes.length} bytes long, and it must be ${wanted}` }
  }
  const values = distinct(bytes)
  if (values < minDistinct) {
    return {
      rule: "few_distinct_bytes",
      message: `it has ${values} distinct byte values, and a key needs at least ${minDistinct}`
    }
  }
  const block = period(bytes)
  if (block !== undefined) return { rule: "repeating", message: `it repeats a block of ${block} bytes` }
  const stepped = distinct(steps(bytes))
  if (stepped < minDistinct) {
    return {
      rule: "steps",
      message: `its bytes climb or fall in ${stepped} distinct steps (as 01 02 03 … does), and a key needs at least ${minDistinct}`
    }
  }
  return undefined
}

/**
 * The sentence an error gives for a refused key, e.g. `vault key "k1" is refused by the rule "repeating": it repeats
 * a block of 2 bytes. …`: which key, which rule, and how to make a good one.
 *
 * @since 0.2.0
 * @category formatting
 */
export const refusal = (which: string, weak: Weakness): string =>
  `${which} is refused by the rule "${weak.rule}": ${weak.message}. Make a key with \`npx tinbao keys generate\`.`

/**
 * A new key: 32 random bytes, written in base64 (44 characters, the default) or as 64 hex digits. It serves as a
 * vault key and, as it is written, as a fingerprint key.
 *
 * @since 0.2.0
 * @category constructors
 */
export const generate = (encoding: "base64" | "hex" = "base64"): Redacted.Redacted<string> => {
  const bytes = randomBytes(keyBytes)
  // Drawn again in the vanishing case that chance made a key the rules refuse, so a new key is always accepted.
  while (weakness(bytes, { exactly: keyBytes }) !== undefined) randomBytes(keyBytes).copy(bytes)
  const text = bytes.toString(encoding)
  bytes.fill(0)
  return Redacted.make(text)
}
