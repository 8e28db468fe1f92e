import * as LocalDate from "./localDate.js"

/**
 * An inclusive range of dates.
 *
 * @since 0.1.0
 * @category models
 */
export interface DateRange {
  readonly first: LocalDate.LocalDate
  readonly last: LocalDate.LocalDate
}

/**
 * The police statistical year a date belongs to: dates from 15 December count for the next year.
 *
 * @since 0.1.0
 * @category getters
 */
export const policeYearOf = (date: LocalDate.LocalDate): number => {
  const { day, month, year } = LocalDate.toParts(date)
  return month === 12 && day >= 15 ? year + 1 : year
}

/**
 * The dates of a police statistical year: 15 December of the year before to 14 December.
 *
 * @since 0.1.0
 * @category constructors
 */
export const policeYear = (year: number): DateRange => ({
  first: LocalDate.fromParts(year - 1, 12, 15),
  last: LocalDate.fromParts(year, 12, 14)
})

/**
 * The police statistical month a date belongs to, as `{ year, month }`: from the 15th a date counts for the next month.
 *
 * @since 0.1.0
 * @category getters
 */
export const policeMonthOf = (date: LocalDate.LocalDate): { readonly year: number; readonly month: number } => {
  const { day, month, year } = LocalDate.toParts(date)
  if (day < 15) return { year, month }
  return month === 12 ? { year: year + 1, month: 1 } : { year, month: month + 1 }
}

/**
 * The dates of a police statistical month (month 1–12): the 15th of the month before to the 14th.
 *
 * @since 0.1.0
 * @category constructors
 */
export const policeMonth = (year: number, month: number): DateRange => ({
  first: LocalDate.fromParts(year, month - 1, 15),
  last: LocalDate.fromParts(year, month, 14)
})

/**
 * A calendar year, 1 January to 31 December.
 *
 * @since 0.1.0
 * @category constructors
 */
export const calendarYear = (year: number): DateRange => ({
  first: LocalDate.fromParts(year, 1, 1),
  last: LocalDate.fromParts(year, 12, 31)
})

/**
 * Whether a date falls inside a range, ends included.
 *
 * @since 0.1.0
 * @category predicates
 */
export const contains = (range: DateRange, date: LocalDate.LocalDate): boolean =>
  range.first <= date && date <= range.last
