/**
 * Legal periods (thời hạn) and the instant they expire, counted as the Criminal Procedure Code
 * (BLTTHS 2015, Art. 134) counts time, in Asia/Ho_Chi_Minh:
 *
 * - `Hours`: exactly that many hours after the start.
 * - `Days`: the day of the start is not counted (Civil Code Art. 147, and BLTTHS practice): the period runs
 *   from the next day and ends at 24:00 of its last day. A tip received any time on 1 March with 20 days
 *   ends at 24:00 on 21 March (00:00 on 22 March). A `Days` period is not moved off days off: Art. 134
 *   moves only month periods.
 * - `WorkingDays`: ends at 24:00 of the n-th working day after the day of the start. Received on a Friday,
 *   3 working days end at 24:00 on Wednesday (Thursday when the Monday is a holiday).
 * - `Months`: ends at 24:00 on the same date of the n-th next month; if that month has no such date, on
 *   its last day (31 January + 1 month is 28 or 29 February); if that day is a day off, the first working
 *   day after it is the last day.
 *
 * Days off come from a {@link Calendar}; see `docs/deadlines.md` for worked examples.
 *
 * @since 0.1.0
 * @module
 */
export {
  Days,
  days,
  describe,
  end,
  Hours,
  hours,
  Months,
  months,
  Period,
  WorkingDays,
  workingDays
} from "./internal/calendar/period.js"
