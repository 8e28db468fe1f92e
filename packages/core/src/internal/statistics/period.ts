import * as DateTime from "effect/DateTime"
import type { Dimension, PeriodSpec, Query } from "../../Statistics.js"
import * as LocalDate from "../calendar/localDate.js"
import * as StatisticalPeriod from "../calendar/statisticalPeriod.js"
import type { Label } from "../shared/label.js"
import { StatisticsError } from "./engine.js"

/** A period resolved to its dates and to the half-open instant range `[start, end)` they cover, in epoch millis. */
export interface Window {
  readonly first: LocalDate.LocalDate
  readonly last: LocalDate.LocalDate
  readonly start: number
  readonly end: number
}

const pad2 = (n: number) => String(n).padStart(2, "0")

/** @internal */
export const rangeOf = (spec: PeriodSpec): StatisticalPeriod.DateRange => {
  switch (spec._tag) {
    case "Day":
      return { first: spec.date, last: spec.date }
    case "CalendarMonth":
      return {
        first: LocalDate.fromParts(spec.year, spec.month, 1),
        last: LocalDate.fromParts(spec.year, spec.month, LocalDate.daysInMonth(spec.year, spec.month))
      }
    case "CalendarYear":
      return StatisticalPeriod.calendarYear(spec.year)
    case "PoliceMonth":
      return StatisticalPeriod.policeMonth(spec.year, spec.month)
    case "PoliceYear":
      return StatisticalPeriod.policeYear(spec.year)
    case "Range":
      return { first: spec.first, last: spec.last }
  }
}

/** @internal */
export const windowOf = (range: StatisticalPeriod.DateRange): Window => ({
  ...range,
  start: DateTime.toEpochMillis(LocalDate.startOf(range.first)),
  end: DateTime.toEpochMillis(LocalDate.endOf(range.last))
})

/**
 * A query's period at the instant it is asked: its dates and window, the instant its figures are taken (the end of
 * the period, or `now` while it runs), and the date of the unit tree.
 */
export interface Resolved {
  readonly range: StatisticalPeriod.DateRange
  readonly window: Window
  readonly measuredAt: number
  readonly asOf: LocalDate.LocalDate
}

/**
 * Resolves a query's period at `now` (epoch millis): figures are taken at `min(end, now)`, since a running period's
 * end has not happened yet. A period not begun is a `future` error rather than an empty report that reads as "nothing
 * happened" (docs/statistics.md, "When the figures are taken").
 */
export const resolve = (query: Query, now: number): Resolved => {
  const range = rangeOf(query.period)
  const window = windowOf(range)
  if (now < window.start) {
    const label = periodLabel(query.period, range)
    throw new StatisticsError({
      reason: "future",
      message: `${label.en} begins on ${range.first}, after the time of the query (${instantText(now)}): nothing has happened in it yet. The period under way is counted as of the time of the query.`
    })
  }
  const measuredAt = Math.min(window.end, now)
  const asOf = query.asOf ?? (measuredAt === window.end ? range.last : dateOfMillis(measuredAt))
  return { range, window, measuredAt, asOf }
}

/** The month a stock (tips open or overdue when the figures are taken) counts in: that of the instant before. */
export const stockInstant = (resolved: Resolved): number => Math.max(resolved.window.start, resolved.measuredAt - 1)

const DAY = 24 * 60 * 60 * 1000
// A report meets a few thousand distinct days at most, and formatting a date is the costly part.
const dates = new Map<number, LocalDate.LocalDate>()

/** The local date (Asia/Ho_Chi_Minh) of an instant in epoch millis. */
export const dateOfMillis = (millis: number): LocalDate.LocalDate => {
  const day = Math.floor((millis + LocalDate.zoneOffsetMillis) / DAY)
  let date = dates.get(day)
  if (date === undefined) {
    date = new Date(day * DAY).toISOString().slice(0, 10) as LocalDate.LocalDate
    if (dates.size > 100_000) dates.clear()
    dates.set(day, date)
  }
  return date
}

/** The month dimensions, and the key `YYYY-MM` of the month a date falls in for each. */
export type MonthDimension = Extract<Dimension, "calendar_month" | "police_month">

/** @internal */
export const monthKeyOf = (dimension: MonthDimension, date: LocalDate.LocalDate): string => {
  if (dimension === "calendar_month") return date.slice(0, 7)
  const { month, year } = StatisticalPeriod.policeMonthOf(date)
  return `${year}-${pad2(month)}`
}

const monthKeys_ = { calendar_month: new Map<number, string>(), police_month: new Map<number, string>() }

/** The month key of an instant in epoch millis, kept per day. */
export const monthKeyOfMillis = (dimension: MonthDimension, millis: number): string => {
  const day = Math.floor((millis + LocalDate.zoneOffsetMillis) / DAY)
  const cache = monthKeys_[dimension]
  let key = cache.get(day)
  if (key === undefined) {
    key = monthKeyOf(dimension, dateOfMillis(millis))
    if (cache.size > 100_000) cache.clear()
    cache.set(day, key)
  }
  return key
}

const partsOf = (key: string) => ({ year: Number(key.slice(0, 4)), month: Number(key.slice(5, 7)) })

const nextKey = (key: string): string => {
  const { month, year } = partsOf(key)
  return month === 12 ? `${year + 1}-01` : `${year}-${pad2(month + 1)}`
}

/** Every month key from the month of `first` to the month of `last`, in order. */
export const monthKeys = (dimension: MonthDimension, range: StatisticalPeriod.DateRange): ReadonlyArray<string> => {
  const out: Array<string> = []
  const last = monthKeyOf(dimension, range.last)
  for (let key = monthKeyOf(dimension, range.first); key <= last; key = nextKey(key)) out.push(key)
  return out
}

/**
 * An instant as Vietnam's local time with its offset, to the second: `2025-08-10T14:05:09+07:00`. Midnight is written
 * as 24:00 of the day that ends (`2025-08-31T24:00:00+07:00`, valid ISO 8601 and ECMAScript), as reports say "tính
 * đến 24 giờ ngày 31/8": the end of a period reads as its last day, not as the first day of the next.
 */
export const instantText = (millis: number): string => {
  const local = Math.floor(millis / 1000) * 1000 + LocalDate.zoneOffsetMillis
  if (local % DAY === 0) return `${new Date(local - DAY).toISOString().slice(0, 10)}T24:00:00+07:00`
  return `${new Date(local).toISOString().slice(0, 19)}+07:00`
}

const vnDate = LocalDate.vietnameseText

/** @internal */
export const monthLabel = (dimension: MonthDimension, key: string): Label => {
  const { month, year } = partsOf(key)
  if (dimension === "calendar_month") return { vi: `Tháng ${month}/${year}`, en: key }
  const range = StatisticalPeriod.policeMonth(year, month)
  return {
    vi: `Tháng ${month}/${year} (thống kê: ${vnDate(range.first)}–${vnDate(range.last)})`,
    en: `Police month ${key} (${range.first} – ${range.last})`
  }
}

/** @internal */
export const periodLabel = (spec: PeriodSpec, range: StatisticalPeriod.DateRange): Label => {
  const span = `${vnDate(range.first)}–${vnDate(range.last)}`
  switch (spec._tag) {
    case "Day":
      return { vi: `Ngày ${vnDate(range.first)}`, en: `Day ${range.first}` }
    case "CalendarMonth":
      return { vi: `Tháng ${spec.month}/${spec.year}`, en: `Month ${spec.year}-${pad2(spec.month)}` }
    case "CalendarYear":
      return { vi: `Năm ${spec.year}`, en: `Year ${spec.year}` }
    case "PoliceMonth":
      return {
        vi: `Tháng thống kê ${spec.month}/${spec.year} (${span})`,
        en: `Police month ${spec.year}-${pad2(spec.month)} (${range.first} – ${range.last})`
      }
    case "PoliceYear":
      return {
        vi: `Năm thống kê ${spec.year} (${span})`,
        en: `Police year ${spec.year} (${range.first} – ${range.last})`
      }
    case "Range":
      return { vi: `Từ ${vnDate(range.first)} đến ${vnDate(range.last)}`, en: `${range.first} – ${range.last}` }
  }
}
