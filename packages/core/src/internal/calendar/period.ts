import * as DateTime from "effect/DateTime"
import * as Schema from "effect/Schema"
import type { Label } from "../shared/label.js"
import type { Calendar } from "./calendar.js"
import * as LocalDate from "./localDate.js"

// Ten years bounds every period: the law's longest is months, and an absurd count gets a decoding error
// instead of a date past the calendar.
const count = (max: number) => Schema.Int.pipe(Schema.between(1, max))

/**
 * A period of whole hours (at most 87,600: ten years).
 *
 * @since 0.1.0
 * @category models
 */
export const Hours = Schema.TaggedStruct("Hours", { hours: count(87_600) })

/**
 * @since 0.1.0
 * @category models
 */
export type Hours = typeof Hours.Type

/**
 * A period of calendar days, days off included (at most 3,660).
 *
 * @since 0.1.0
 * @category models
 */
export const Days = Schema.TaggedStruct("Days", { days: count(3_660) })

/**
 * @since 0.1.0
 * @category models
 */
export type Days = typeof Days.Type

/**
 * A period of working days (at most 2,610).
 *
 * @since 0.1.0
 * @category models
 */
export const WorkingDays = Schema.TaggedStruct("WorkingDays", { days: count(2_610) })

/**
 * @since 0.1.0
 * @category models
 */
export type WorkingDays = typeof WorkingDays.Type

/**
 * A period of months (at most 120).
 *
 * @since 0.1.0
 * @category models
 */
export const Months = Schema.TaggedStruct("Months", { months: count(120) })

/**
 * @since 0.1.0
 * @category models
 */
export type Months = typeof Months.Type

/**
 * A legal period: hours, days, working days or months.
 *
 * @since 0.1.0
 * @category models
 */
export const Period = Schema.Union(Hours, Days, WorkingDays, Months).annotations({ identifier: "Period" })

/**
 * @since 0.1.0
 * @category models
 */
export type Period = typeof Period.Type

/**
 * `n` hours; throws a `ParseError` unless `n` is a whole number from 1.
 *
 * @since 0.1.0
 * @category constructors
 */
export const hours = (n: number): Period => Hours.make({ hours: n })

/**
 * `n` days; throws a `ParseError` unless `n` is a whole number from 1.
 *
 * @since 0.1.0
 * @category constructors
 */
export const days = (n: number): Period => Days.make({ days: n })

/**
 * `n` working days; throws a `ParseError` unless `n` is a whole number from 1.
 *
 * @since 0.1.0
 * @category constructors
 */
export const workingDays = (n: number): Period => WorkingDays.make({ days: n })

/**
 * `n` months; throws a `ParseError` unless `n` is a whole number from 1.
 *
 * @since 0.1.0
 * @category constructors
 */
export const months = (n: number): Period => Months.make({ months: n })

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`

/**
 * The period in words, e.g. `{ vi: "20 ngày", en: "20 days" }`.
 *
 * @since 0.1.0
 * @category getters
 */
export const describe = (period: Period): Label => {
  switch (period._tag) {
    case "Hours":
      return { vi: `${period.hours} giờ`, en: plural(period.hours, "hour") }
    case "Days":
      return { vi: `${period.days} ngày`, en: plural(period.days, "day") }
    case "WorkingDays":
      return { vi: `${period.days} ngày làm việc`, en: plural(period.days, "working day") }
    case "Months":
      return { vi: `${period.months} tháng`, en: plural(period.months, "month") }
  }
}

const sameDateMonthsLater = (date: LocalDate.LocalDate, n: number): LocalDate.LocalDate => {
  const { day, month, year } = LocalDate.toParts(date)
  const target = LocalDate.toParts(LocalDate.fromParts(year, month + n, 1))
  return LocalDate.fromParts(target.year, target.month, Math.min(day, LocalDate.daysInMonth(target.year, target.month)))
}

/**
 * The instant the period expires when it starts at `start` (see the module documentation for the
 * counting). Day-based periods end at 24:00 local time, which is 00:00 of the next local day.
 * The calendar throws its `HolidayCalendarError` if it is asked about a year it does not cover.
 *
 * @since 0.1.0
 * @category combinators
 */
export const end = (start: DateTime.Utc, period: Period, calendar: Calendar): DateTime.Utc => {
  switch (period._tag) {
    case "Hours":
      return DateTime.add(start, { hours: period.hours })
    case "Days":
      return LocalDate.endOf(LocalDate.addDays(LocalDate.ofInstant(start), period.days))
    case "WorkingDays":
      return LocalDate.endOf(calendar.addWorkingDays(LocalDate.ofInstant(start), period.days))
    case "Months": {
      const last = sameDateMonthsLater(LocalDate.ofInstant(start), period.months)
      return LocalDate.endOf(calendar.isDayOff(last) ? calendar.nextWorkingDay(last) : last)
    }
  }
}
