import { DateTime, Schema } from "effect"

/**
 * The zone every date in tinbao is read in.
 *
 * @since 0.1.0
 * @category constants
 */
export const zoneName = "Asia/Ho_Chi_Minh"

/**
 * The offset of {@link zoneName} from UTC, in milliseconds.
 *
 * @since 0.1.0
 * @category constants
 */
export const zoneOffsetMillis = 7 * 60 * 60 * 1000

const DAY = 24 * 60 * 60 * 1000
const pattern = /^(\d{4})-(\d{2})-(\d{2})$/

const isValid = (s: string): boolean => {
  const m = pattern.exec(s)
  if (m === null) return false
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])]
  const date = new Date(Date.UTC(y, mo - 1, d))
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d
}

/**
 * A calendar date `YYYY-MM-DD` in `Asia/Ho_Chi_Minh`. Strings compare in date order.
 *
 * @since 0.1.0
 * @category models
 */
export const LocalDate = Schema.String.pipe(
  Schema.filter(isValid, { message: () => "a date written YYYY-MM-DD that exists on the calendar" }),
  Schema.brand("@tinbao/core/LocalDate")
).annotations({ identifier: "LocalDate" })

/**
 * @since 0.1.0
 * @category models
 */
export type LocalDate = typeof LocalDate.Type

// Dates are formatted from day numbers with integer arithmetic (Howard Hinnant's civil-from-days): deadline and
// statistics loops turn millions of instants into dates, and Date#toISOString was most of their cost.
const pad2 = (n: number) => (n < 10 ? `0${n}` : `${n}`)
const format = (year: number, month: number, day: number): LocalDate =>
  `${year < 1000 ? String(year).padStart(4, "0") : year}-${pad2(month)}-${pad2(day)}` as LocalDate

const civilFromDays = (days: number): LocalDate => {
  const z = days + 719468
  const era = Math.floor(z / 146097)
  const doe = z - era * 146097
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365)
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100))
  const mp = Math.floor((5 * doy + 2) / 153)
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1
  const month = mp < 10 ? mp + 3 : mp - 9
  return format(yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
}

/**
 * Reads a date written `YYYY-MM-DD`; throws on a date that does not exist.
 * For trusted literals (fixtures, tests); decode untrusted input with the Schema.
 *
 * @since 0.1.0
 * @category constructors
 */
export const unsafeMake = (s: string): LocalDate => LocalDate.make(s)

/**
 * The date from its parts (month 1–12). Parts out of range roll over, as `Date.UTC` does.
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromParts = (year: number, month: number, day: number): LocalDate =>
  civilFromDays(Math.floor(Date.UTC(year, month - 1, day) / DAY))

/**
 * The year, month (1–12) and day of a date.
 *
 * @since 0.1.0
 * @category getters
 */
export const toParts = (date: LocalDate): { readonly year: number; readonly month: number; readonly day: number } => ({
  year: Number(date.slice(0, 4)),
  month: Number(date.slice(5, 7)),
  day: Number(date.slice(8, 10))
})

/**
 * The date on which an instant falls in `Asia/Ho_Chi_Minh`.
 *
 * @since 0.1.0
 * @category conversions
 */
export const ofInstant = (instant: DateTime.Utc): LocalDate =>
  civilFromDays(Math.floor((DateTime.toEpochMillis(instant) + zoneOffsetMillis) / DAY))

/**
 * The instant at which a date begins (00:00 in `Asia/Ho_Chi_Minh`).
 *
 * @since 0.1.0
 * @category conversions
 */
export const startOf = (date: LocalDate): DateTime.Utc => {
  const { day, month, year } = toParts(date)
  return DateTime.unsafeMake(Date.UTC(year, month - 1, day) - zoneOffsetMillis)
}

/**
 * The instant at which a date ends: 24:00 of that day, which is 00:00 of the next.
 *
 * @since 0.1.0
 * @category conversions
 */
export const endOf = (date: LocalDate): DateTime.Utc => DateTime.unsafeMake(DateTime.toEpochMillis(startOf(date)) + DAY)

/**
 * The date `days` days later (earlier when negative).
 *
 * @since 0.1.0
 * @category combinators
 */
export const addDays = (date: LocalDate, days: number): LocalDate => {
  const { day, month, year } = toParts(date)
  return fromParts(year, month, day + days)
}

/**
 * The day of the week: 0 is Sunday, 6 is Saturday.
 *
 * @since 0.1.0
 * @category getters
 */
export const dayOfWeek = (date: LocalDate): number => {
  const { day, month, year } = toParts(date)
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay()
}

/**
 * Whole days from `from` to `to` (negative when `to` is earlier).
 *
 * @since 0.1.0
 * @category getters
 */
export const daysBetween = (from: LocalDate, to: LocalDate): number =>
  Math.round((DateTime.toEpochMillis(startOf(to)) - DateTime.toEpochMillis(startOf(from))) / DAY)

/**
 * The number of days in a month (month 1–12).
 *
 * @since 0.1.0
 * @category getters
 */
export const daysInMonth = (year: number, month: number): number => new Date(Date.UTC(year, month, 0)).getUTCDate()

/** A date as Vietnamese documents write it, day first: `21/03/2025`. @internal */
export const vietnameseText = (date: LocalDate): string =>
  `${date.slice(8, 10)}/${date.slice(5, 7)}/${date.slice(0, 4)}`
