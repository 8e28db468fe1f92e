/**
 * The public holidays of the Labour Code (Bộ luật Lao động 2019, Art. 112), as rules of `date-holidays`
 * evaluated in Asia/Ho_Chi_Minh.
 *
 * @since 0.1.0
 */
import Holidays from "date-holidays"
import * as DateTime from "effect/DateTime"
import type { Label } from "../shared/label.js"
import type { DayOff } from "./calendar.js"
import * as LocalDate from "./localDate.js"

interface Rule {
  readonly rule: string
  readonly name: Label
  /** First date the rule applies (the law that introduced the day). */
  readonly since?: string
}

const tet = (day: string, vi: string, en: string, since?: string): Rule => ({
  rule: day,
  name: { vi: `Tết Nguyên đán (${vi})`, en: `Lunar New Year (${en})` },
  ...(since === undefined ? {} : { since })
})

// "vietnamese" is the lunar calendar on Vietnam's meridian (UTC+7); the Chinese one (UTC+8) puts Tết on
// another day in some years (17 vs 18 February 2007). The last day of the year is counted back from the
// first of the new one, because the twelfth month has 29 or 30 days.
const rules: ReadonlyArray<Rule> = [
  { rule: "01-01", name: { vi: "Tết Dương lịch", en: "New Year's Day" } },
  tet("1 day before vietnamese 1-0-1", "ngày cuối năm", "last day of the year"),
  tet("vietnamese 1-0-1", "mùng 1", "day 1"),
  tet("vietnamese 1-0-2", "mùng 2", "day 2"),
  tet("vietnamese 1-0-3", "mùng 3", "day 3"),
  // Labour Code 2012 (in force 1 May 2013) made Tết five days instead of four.
  tet("vietnamese 1-0-4", "mùng 4", "day 4", "2013-05-01"),
  // The 2007 amendment of the Labour Code made the Hùng Kings' day a public holiday.
  {
    rule: "vietnamese 3-0-10",
    name: { vi: "Giỗ Tổ Hùng Vương", en: "Hùng Kings' Commemoration Day" },
    since: "2007-01-01"
  },
  { rule: "04-30", name: { vi: "Ngày Chiến thắng", en: "Reunification Day" } },
  { rule: "05-01", name: { vi: "Ngày Quốc tế Lao động", en: "International Labour Day" } },
  // Labour Code 2019 (in force 1 January 2021) added a second day, before or after 2 September as the
  // government picks each year: before in 2022, 2023 and 2025, after in 2021 and 2024.
  { rule: "09-01", name: { vi: "Quốc khánh (ngày liền kề)", en: "National Day (adjacent day)" }, since: "2021-01-01" },
  { rule: "09-02", name: { vi: "Quốc khánh", en: "National Day" } }
]

// The package's own Tết rule is one five-day span named after New Year's Eve; the per-day rules above
// replace it so that each day has its own name and the law's history holds.
const packageTetSpan = "1 day before vietnamese 1-0-1 P5D"

let engine: Holidays | undefined

const getEngine = (): Holidays => {
  if (engine !== undefined) return engine
  const holidays = new Holidays("VN", { types: ["public"], timezone: LocalDate.zoneName })
  holidays.unsetRule(packageTetSpan)
  for (const { name, rule, since } of rules) {
    const options = { name: { vi: name.vi, en: name.en }, type: "public" as const }
    if (!holidays.setHoliday(rule, since === undefined ? options : { ...options, active: [{ from: since }] })) {
      throw new Error(`date-holidays rejected the rule "${rule}"`)
    }
  }
  engine = holidays
  return holidays
}

// A rule the package adds in a later version has only its Vietnamese name here (the country's language).
const labelOf = (rule: string, vi: string): Label => rules.find((r) => r.rule === rule)?.name ?? { vi, en: vi }

const byYear = new Map<number, ReadonlyArray<DayOff>>()

/**
 * The public holidays of a year, one entry per date, in date order. Computed once per year.
 *
 * @since 0.1.0
 * @category getters
 * @internal
 */
export const publicHolidays = (year: number): ReadonlyArray<DayOff> => {
  const cached = byYear.get(year)
  if (cached !== undefined) return cached
  const days = new Map<LocalDate.LocalDate, DayOff>()
  for (const h of getEngine().getHolidays(year, "vi")) {
    const name = labelOf(h.rule, h.name)
    const end = h.end.getTime()
    // A rule may span several days (a duration); every day it covers is a holiday.
    let date = LocalDate.ofInstant(DateTime.unsafeMake(h.start))
    while (DateTime.toEpochMillis(LocalDate.startOf(date)) < end) {
      if (LocalDate.toParts(date).year === year && !days.has(date)) days.set(date, { date, name, reason: "holiday" })
      date = LocalDate.addDays(date, 1)
    }
  }
  const out = [...days.values()].sort((a, b) => (a.date < b.date ? -1 : 1))
  byYear.set(year, out)
  return out
}
