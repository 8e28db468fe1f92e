/**
 * Calendar dates as people in Vietnam read them, and the instants that bound them.
 *
 * Time is stored in UTC; dates are read in `Asia/Ho_Chi_Minh`. Vietnam has kept
 * UTC+7 without daylight saving since 1975, so the zone is a fixed offset here,
 * which keeps date arithmetic exact and free of the host's time zone.
 *
 * @since 0.1.0
 * @module
 */
export {
  addDays,
  dayOfWeek,
  daysBetween,
  daysInMonth,
  endOf,
  fromParts,
  LocalDate,
  ofInstant,
  startOf,
  toParts,
  unsafeMake,
  zoneName,
  zoneOffsetMillis
} from "./internal/calendar/localDate.js"
