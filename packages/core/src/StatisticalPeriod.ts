/**
 * Police statistical periods (Decree 94/2016): the year runs from 15 December of
 * the previous year to 14 December, the month from the 15th to the 14th.
 * Statistical year 2020 is 15/12/2019 – 14/12/2020; month 8/2024 is 15/7 – 14/8/2024.
 *
 * @since 0.1.0
 * @module
 */

export type { DateRange } from "./internal/calendar/statisticalPeriod.js"
export {
  calendarYear,
  contains,
  policeMonth,
  policeMonthOf,
  policeYear,
  policeYearOf
} from "./internal/calendar/statisticalPeriod.js"
