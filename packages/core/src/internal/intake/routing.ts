import { Option, Schema } from "effect"
import type { InboundMessage } from "../channel/inboundMessage.js"
import { type Category, CategoryId } from "../lifecycle/category.js"
import { UnitId } from "../units/unit.js"
import type { Binding } from "./binding.js"

/**
 * A routing rule.
 *
 * @since 0.1.0
 * @category models
 */
export const Rule = Schema.Union(
  Schema.TaggedStruct("Binding", {}),
  Schema.TaggedStruct("Keyword", { keywords: Schema.NonEmptyArray(Schema.NonEmptyTrimmedString), unit: UnitId }),
  Schema.TaggedStruct("Area", {
    unit: UnitId,
    polygon: Schema.Array(Schema.Tuple(Schema.Number, Schema.Number)).pipe(Schema.minItems(3))
  })
).annotations({ identifier: "RoutingRule" })

/**
 * @since 0.1.0
 * @category models
 */
export type Rule = typeof Rule.Type

/**
 * Where a tip goes and why.
 *
 * @since 0.1.0
 * @category models
 */
export interface Route {
  readonly unit: UnitId
  readonly category: CategoryId
  readonly rule: string
}

const fold = (text: string) => text.toLowerCase().replace(/đ/g, "d").normalize("NFD").replace(/\p{M}/gu, "")

// Ray casting; the polygon's points are [latitude, longitude].
const inside = (lat: number, lng: number, polygon: ReadonlyArray<readonly [number, number]>): boolean => {
  let within = false
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const [yi, xi] = polygon[i]!
    const [yj, xj] = polygon[j]!
    if (yi > lat !== yj > lat && lng < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) within = !within
  }
  return within
}

/**
 * The category whose keywords appear first in the text (taxonomy order), else `other`.
 *
 * @since 0.1.0
 * @category routing
 */
export const categorize = (text: string, taxonomy: Iterable<Category>): CategoryId => {
  const folded = fold(text)
  for (const category of taxonomy) {
    if (foldedKeywords(category).some((k) => folded.includes(k))) return category.id
  }
  return CategoryId.make("other")
}

// A taxonomy's keywords, folded once per category rather than at every message.
const folds = new WeakMap<Category, ReadonlyArray<string>>()
const foldedKeywords = (category: Category): ReadonlyArray<string> => {
  const known = folds.get(category)
  if (known !== undefined) return known
  const folded = category.keywords.map(fold)
  folds.set(category, folded)
  return folded
}

/**
 * Applies the rules in order; `None` when no rule matches (an unbound channel with no other rule).
 *
 * @since 0.1.0
 * @category routing
 */
export const route = (
  rules: ReadonlyArray<Rule>,
  message: InboundMessage,
  binding: Option.Option<Binding>,
  taxonomy: Iterable<Category>
): Option.Option<Route> => {
  const text = [
    message.text ?? "",
    ...message.attachments.flatMap((a) => (a._tag === "Link" && a.title ? [a.title] : []))
  ]
    .join(" ")
    .trim()
  const category = categorize(text, taxonomy)
  const folded = fold(text)
  for (const rule of rules) {
    switch (rule._tag) {
      case "Binding":
        if (Option.isSome(binding)) {
          const b = binding.value
          const where = b.conversation === undefined ? b.channel : `${b.channel}/${b.conversation}`
          return Option.some({ unit: b.unit, category, rule: `binding ${where}` })
        }
        break
      case "Keyword": {
        const hit = rule.keywords.find((k) => folded.includes(fold(k)))
        if (hit !== undefined) return Option.some({ unit: rule.unit, category, rule: `keyword "${hit}"` })
        break
      }
      case "Area": {
        const place = message.attachments.find((a) => a._tag === "Location")
        if (place?._tag === "Location" && inside(place.latitude, place.longitude, rule.polygon)) {
          return Option.some({ unit: rule.unit, category, rule: `area of ${rule.unit}` })
        }
        break
      }
    }
  }
  return Option.none()
}
