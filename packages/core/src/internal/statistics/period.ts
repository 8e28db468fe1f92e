import * as DateTime from "effect/DateTime"
import type { Dimension, PeriodSpec } from "../../Statistics.js"
import * as LocalDate from "../calendar/localDate.js"
import * as StatisticalPeriod from "../calendar/statisticalPeriod.js"
import type { Label } from "../shared/label.js"

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

const vnDate = (date: LocalDate.LocalDate) => {
  const { day, month, year } = LocalDate.toParts(date)
  return `${pad2(day)}/${pad2(month)}/${year}`
}

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
