import { Context, Effect, Layer, ParseResult, Schema } from "effect"
import { Label } from "../shared/label.js"
import * as LocalDate from "./localDate.js"
import * as internal from "./years.js"

/**
 * The years the calendar knows: Saturdays are days off for state bodies since Decree 188/1999, and the
 * lunar tables are checked up to 2199. Dates outside throw a {@link HolidayCalendarError}.
 *
 * @since 0.1.0
 * @category constants
 */
export const coveredYears: { readonly from: number; readonly to: number } = { from: 2000, to: 2199 }

const covers = (year: number): boolean => year >= coveredYears.from && year <= coveredYears.to

/**
 * Why a day is off: a weekend (`weekend`), a public holiday (`holiday`), or a day the integrator added (`added`).
 *
 * @since 0.1.0
 * @category models
 */
export const DayOffReason = Schema.Literal("weekend", "holiday", "added")

/**
 * @since 0.1.0
 * @category models
 */
export type DayOffReason = typeof DayOffReason.Type

/**
 * A day off with its name and why it is off. A holiday on a weekend is listed as the holiday.
 *
 * @since 0.1.0
 * @category models
 */
export const DayOff = Schema.Struct({ date: LocalDate.LocalDate, name: Label, reason: DayOffReason }).annotations({
  identifier: "DayOff"
})

/**
 * @since 0.1.0
 * @category models
 */
export type DayOff = typeof DayOff.Type

const CoveredDate = LocalDate.LocalDate.pipe(
  Schema.filter((date) => covers(Number(date.slice(0, 4))), {
    message: () => `a date in the years ${coveredYears.from}–${coveredYears.to}`
  })
)

/**
 * Changes to the default calendar: `add` makes dates days off (compensatory days, swapped days), `remove`
 * makes dates working days, weekends included (the Saturday worked in a swap). A date may not be in both.
 *
 * @since 0.1.0
 * @category models
 */
export const CalendarOptions = Schema.Struct({
  add: Schema.optional(Schema.Array(Schema.Struct({ date: CoveredDate, name: Label }))),
  remove: Schema.optional(Schema.Array(CoveredDate))
})
  .pipe(
    Schema.filter((options) => {
      const removed = new Set(options.remove ?? [])
      const both = (options.add ?? []).find((day) => removed.has(day.date))
      return both === undefined || `${both.date} is both added as a day off and removed`
    })
  )
  .annotations({ identifier: "CalendarOptions" })

/**
 * @since 0.1.0
 * @category models
 */
export type CalendarOptions = typeof CalendarOptions.Type

/**
 * The error of the holiday calendar: options that do not decode (`InvalidOptions`), or a date outside
 * {@link coveredYears} (`YearNotCovered`, thrown by the calendar's functions, which are pure).
 *
 * @since 0.1.0
 * @category errors
 */
export class HolidayCalendarError extends Schema.TaggedError<HolidayCalendarError>("@tinbao/core/HolidayCalendarError")(
  "HolidayCalendarError",
  {
    reason: Schema.Literal("InvalidOptions", "YearNotCovered"),
    message: Schema.String,
    cause: Schema.optional(Schema.Defect)
  }
) {}

/**
 * A calendar of days off. Its functions are pure and fast: the days off of a year are computed on the
 * first question about that year and kept, so `isDayOff` is a lookup afterwards.
 *
 * @since 0.1.0
 * @category models
 */
export interface Calendar {
  /** Whether the date is a day off (weekend, holiday or added, and not removed). */
  readonly isDayOff: (date: LocalDate.LocalDate) => boolean
  /** Whether the date is a working day. */
  readonly isWorkingDay: (date: LocalDate.LocalDate) => boolean
  /** The days off from `from` to `to`, both included, in date order. */
  readonly daysOff: (from: LocalDate.LocalDate, to: LocalDate.LocalDate) => ReadonlyArray<DayOff>
  /** The first working day after the date (the date itself is not considered). */
  readonly nextWorkingDay: (date: LocalDate.LocalDate) => LocalDate.LocalDate
  /**
   * The `n`-th working day after the date, the date itself not counted (before it when `n` is negative;
   * the date itself when `n` is 0). `n` must be an integer.
   */
  readonly addWorkingDays: (date: LocalDate.LocalDate, n: number) => LocalDate.LocalDate
}

/**
 * A calendar from options already typed (trusted literals); throws a `ParseError` when a date is both
 * added and removed or lies outside {@link coveredYears}. Decode untrusted options with {@link make}.
 *
 * @since 0.1.0
 * @category constructors
 */
export const unsafeMake = (options: CalendarOptions = {}): Calendar => {
  Schema.validateSync(CalendarOptions)(options)
  return internal.makeCalendar(
    new Map((options.add ?? []).map((day) => [day.date, day.name] as const)),
    new Set(options.remove ?? []),
    covers,
    (date) => {
      throw new HolidayCalendarError({
        reason: "YearNotCovered",
        message: `The holiday calendar covers the years ${coveredYears.from}–${coveredYears.to}; ${date} is outside them.`
      })
    }
  )
}

/**
 * A calendar from options as they come from configuration (dates as `YYYY-MM-DD` strings), decoded
 * with {@link CalendarOptions}; bad options fail with a `HolidayCalendarError` of reason `InvalidOptions`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: typeof CalendarOptions.Encoded = {}): Effect.Effect<Calendar, HolidayCalendarError> =>
  Schema.decodeUnknown(CalendarOptions)(options).pipe(
    Effect.mapError(
      (error) =>
        new HolidayCalendarError({
          reason: "InvalidOptions",
          message: `Invalid holiday calendar options: ${ParseResult.TreeFormatter.formatErrorSync(error)}`,
          cause: error
        })
    ),
    Effect.map(unsafeMake)
  )

/**
 * The Vietnam calendar as the law sets it, without any government swap.
 *
 * @since 0.1.0
 * @category constants
 */
export const vietnam: Calendar = /* @__PURE__ */ unsafeMake()

/**
 * The holiday calendar as a service.
 *
 * @since 0.1.0
 * @category tags
 */
export class HolidayCalendar extends Context.Tag("@tinbao/core/HolidayCalendar")<HolidayCalendar, Calendar>() {}

/**
 * The holiday calendar with the integrator's changes, decoded from configuration.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: typeof CalendarOptions.Encoded): Layer.Layer<HolidayCalendar, HolidayCalendarError> =>
  Layer.effect(HolidayCalendar, make(options))

/**
 * The Vietnam calendar as the law sets it ({@link vietnam}).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerVietnam: Layer.Layer<HolidayCalendar> = Layer.succeed(HolidayCalendar, vietnam)
