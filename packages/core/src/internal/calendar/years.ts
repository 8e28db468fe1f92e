/**
 * The calendar value: one table per year, built on the first question about that year.
 *
 * @since 0.1.0
 */

import type { Label } from "../shared/label.js"
import type { Calendar, DayOff } from "./calendar.js"
import { publicHolidays } from "./holidays.js"
import * as LocalDate from "./localDate.js"

interface Year {
  readonly year: number
  readonly dates: ReadonlyArray<LocalDate.LocalDate>
  readonly index: ReadonlyMap<string, number>
  readonly off: ReadonlyMap<string, DayOff>
}

const saturday: Label = { vi: "Thứ Bảy", en: "Saturday" }
const sunday: Label = { vi: "Chủ nhật", en: "Sunday" }

// Weekends first, public holidays over them, added days over both, removed days taken out last.
const makeYear = (year: number, added: ReadonlyMap<string, Label>, removed: ReadonlySet<string>): Year => {
  const dates: Array<LocalDate.LocalDate> = []
  const index = new Map<string, number>()
  const off = new Map<string, DayOff>()
  const first = LocalDate.fromParts(year, 1, 1)
  const weekday = LocalDate.dayOfWeek(first)
  for (let i = 0, date = first; date.startsWith(`${year}-`); i++, date = LocalDate.addDays(date, 1)) {
    dates.push(date)
    index.set(date, i)
    const dow = (weekday + i) % 7
    if (dow === 0 || dow === 6) off.set(date, { date, name: dow === 0 ? sunday : saturday, reason: "weekend" })
  }
  for (const day of publicHolidays(year)) off.set(day.date, day)
  for (const [date, name] of added) {
    if (index.has(date)) off.set(date, { date: date as LocalDate.LocalDate, name, reason: "added" })
  }
  for (const date of removed) off.delete(date)
  return { year, dates, index, off }
}

/**
 * A calendar with the days added and removed; `uncovered` is called (and must throw) for a date in a year
 * the calendar does not cover.
 *
 * @since 0.1.0
 * @category constructors
 * @internal
 */
export const makeCalendar = (
  added: ReadonlyMap<string, Label>,
  removed: ReadonlySet<string>,
  covers: (year: number) => boolean,
  uncovered: (date: LocalDate.LocalDate) => never
): Calendar => {
  const years = new Map<number, Year>()
  const yearOf = (date: LocalDate.LocalDate): Year => {
    const year = Number(date.slice(0, 4))
    let table = years.get(year)
    if (table === undefined) {
      if (!covers(year)) return uncovered(date)
      table = makeYear(year, added, removed)
      years.set(year, table)
    }
    return table
  }
  const isDayOff = (date: LocalDate.LocalDate): boolean => yearOf(date).off.has(date)
  // Walks the year's list of dates rather than doing date arithmetic: working-day counts run in hot loops.
  const step = (date: LocalDate.LocalDate, direction: 1 | -1): LocalDate.LocalDate => {
    let table = yearOf(date)
    let i = table.index.get(date)!
    for (;;) {
      i += direction
      if (i < 0 || i >= table.dates.length) {
        const next = table.year + direction
        table = yearOf(direction > 0 ? LocalDate.fromParts(next, 1, 1) : LocalDate.fromParts(next, 12, 31))
        i = direction > 0 ? 0 : table.dates.length - 1
      }
      if (!table.off.has(table.dates[i])) return table.dates[i]
    }
  }
  return {
    isDayOff,
    isWorkingDay: (date) => !isDayOff(date),
    daysOff: (from, to) => {
      const out: Array<DayOff> = []
      for (let date = from; date <= to; date = LocalDate.addDays(date, 1)) {
        const day = yearOf(date).off.get(date)
        if (day !== undefined) out.push(day)
      }
      return out
    },
    nextWorkingDay: (date) => step(date, 1),
    addWorkingDays: (date, n) => {
      if (!Number.isSafeInteger(n)) throw new RangeError(`A number of working days must be an integer, got ${n}.`)
      let out = date
      for (let left = Math.abs(n); left > 0; left--) out = step(out, n > 0 ? 1 : -1)
      return out
    }
  }
}
