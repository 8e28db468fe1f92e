/**
 * The core's values as plain JavaScript: its instants (`DateTime.Utc`) become `Date`s, everything else is copied
 * as it is. One rule for every value the Promise API gives, so that a field the core adds later comes out the same
 * way without a change here.
 *
 * @internal
 */
import { DateTime } from "effect"
import type { Plain } from "../TipLine.js"

const convert = (value: unknown): unknown => {
  if (DateTime.isDateTime(value)) return DateTime.toDate(value)
  if (Array.isArray(value)) return value.map(convert)
  if (typeof value === "object" && value !== null) {
    const out: Record<string, unknown> = {}
    for (const [key, field] of Object.entries(value)) out[key] = convert(field)
    return out
  }
  return value
}

/** @internal */
export const plain = <A>(value: A): Plain<A> => convert(value) as Plain<A>

/** An instant the caller gave as a `Date` (or epoch milliseconds, or an ISO string), as the core takes it. @internal */
export const instant = (value: Date | number | string): DateTime.Utc => DateTime.unsafeMake(value)
