/**
 * Days off in Vietnam, for counting working days and moving deadlines off days off.
 *
 * A day off (ngày nghỉ) of a state body is a Saturday, a Sunday, or a public holiday of the Labour Code
 * 2019, Art. 112: 1 January; five days of Tết (the last day of the lunar year and the first four of the
 * new one); the Hùng Kings' day (10th day of the 3rd lunar month); 30 April; 1 May; National Day, 2
 * September and one adjacent day (1 September by default). Lunar dates come from the `date-holidays`
 * package, on the Vietnamese lunar calendar.
 *
 * Every year the government sets compensatory days and swaps working days around the holidays (2024:
 * Monday 29 April off, Saturday 4 May worked; Tết 2024 also 8 and 14 February). Those are not derived:
 * integrators `add` and `remove` them in {@link CalendarOptions}.
 *
 * @since 0.1.0
 * @module
 */

export type { Calendar } from "./internal/calendar/calendar.js"
export {
  CalendarOptions,
  coveredYears,
  DayOff,
  DayOffReason,
  HolidayCalendar,
  HolidayCalendarError,
  layer,
  layerVietnam,
  make,
  unsafeMake,
  vietnam
} from "./internal/calendar/calendar.js"
