import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit } from "effect"
import * as Calendar from "../src/Calendar.js"
import { publicHolidays } from "../src/internal/calendar/holidays.js"
import * as LocalDate from "../src/LocalDate.js"

const d = LocalDate.unsafeMake
const vietnam = Calendar.vietnam

const holidaysOf = (calendar: Calendar.Calendar, year: number): ReadonlyArray<string> =>
  calendar
    .daysOff(d(`${year}-01-01`), d(`${year}-12-31`))
    .filter((day) => day.reason === "holiday")
    .map((day) => day.date)

const range = (from: string, to: string): ReadonlyArray<string> => {
  const out: Array<string> = []
  for (let date = d(from); date <= d(to); date = LocalDate.addDays(date, 1)) out.push(date)
  return out
}

const swap2024 = {
  add: [{ date: "2024-04-29", name: { vi: "Nghỉ hoán đổi", en: "Swapped day off" } }],
  remove: ["2024-05-04"]
}

describe("Calendar: the public holidays of Labour Code 2019 Art. 112", () => {
  it("gives the real dates of 2024 (Tết 9–13 February, Hùng Kings 18 April)", () => {
    expect(holidaysOf(vietnam, 2024)).toEqual([
      "2024-01-01",
      ...range("2024-02-09", "2024-02-13"),
      "2024-04-18",
      "2024-04-30",
      "2024-05-01",
      "2024-09-01",
      "2024-09-02"
    ])
  })

  it("gives the real dates of 2025 (Tết 28 January – 1 February, Hùng Kings 7 April, National Day 1–2 September)", () => {
    expect(holidaysOf(vietnam, 2025)).toEqual([
      "2025-01-01",
      ...range("2025-01-28", "2025-02-01"),
      "2025-04-07",
      "2025-04-30",
      "2025-05-01",
      "2025-09-01",
      "2025-09-02"
    ])
  })

  it("names each Tết day, and puts the lunar new year of 2026 on 17 February", () => {
    expect(vietnam.daysOff(d("2026-02-16"), d("2026-02-20")).map((day) => [day.date, day.name.vi])).toEqual([
      ["2026-02-16", "Tết Nguyên đán (ngày cuối năm)"],
      ["2026-02-17", "Tết Nguyên đán (mùng 1)"],
      ["2026-02-18", "Tết Nguyên đán (mùng 2)"],
      ["2026-02-19", "Tết Nguyên đán (mùng 3)"],
      ["2026-02-20", "Tết Nguyên đán (mùng 4)"]
    ])
  })

  it("follows the Vietnamese lunar calendar where it differs from the Chinese one", () => {
    const firstDays = (year: number) =>
      vietnam
        .daysOff(d(`${year}-01-01`), d(`${year}-03-01`))
        .filter((day) => day.name.en === "Lunar New Year (day 1)")
        .map((day) => day.date)
    expect(firstDays(2007)).toEqual(["2007-02-17"])
    expect(firstDays(2030)).toEqual(["2030-02-02"])
    expect([2021, 2022, 2023, 2024, 2025, 2026, 2027, 2028, 2029].flatMap((year) => firstDays(year))).toEqual([
      "2021-02-12",
      "2022-02-01",
      "2023-01-22",
      "2024-02-10",
      "2025-01-29",
      "2026-02-17",
      "2027-02-06",
      "2028-01-26",
      "2029-02-13"
    ])
  })

  it("has eleven holidays every year since 2021, five consecutive Tết days and a lunar new year from 21 January to 20 February", () => {
    for (let year = 2021; year <= 2045; year++) {
      const holidays = publicHolidays(year)
      expect(holidays).toHaveLength(11)
      const tet = holidays.filter((day) => day.name.en.startsWith("Lunar New Year")).map((day) => day.date)
      expect(tet).toEqual(range(tet[0], LocalDate.addDays(d(tet[0]), 4)))
      expect(tet[1] >= `${year}-01-21` && tet[1] <= `${year}-02-20`).toBe(true)
    }
  })

  it("follows the law's history: one National Day before 2021, four Tết days before 2014, no Hùng Kings' day before 2007", () => {
    expect(vietnam.isWorkingDay(d("2020-09-01"))).toBe(true)
    expect(vietnam.isDayOff(d("2021-09-01"))).toBe(true)
    expect(holidaysOf(vietnam, 2013).filter((date) => date.startsWith("2013-02"))).toEqual(
      range("2013-02-09", "2013-02-12")
    )
    expect(holidaysOf(vietnam, 2014).filter((date) => date < "2014-03-01")).toEqual([
      "2014-01-01",
      ...range("2014-01-30", "2014-02-03")
    ])
    expect(vietnam.daysOff(d("2006-01-01"), d("2006-12-31")).some((day) => day.name.vi === "Giỗ Tổ Hùng Vương")).toBe(
      false
    )
    expect(holidaysOf(vietnam, 2007)).toContain("2007-04-26")
  })

  it("computes a year's holidays once", () => {
    expect(publicHolidays(2031)).toBe(publicHolidays(2031))
  })
})

describe("Calendar: days off and working days", () => {
  it("lists weekends with their names, and a holiday on a weekend as the holiday", () => {
    expect(vietnam.daysOff(d("2025-01-31"), d("2025-02-03"))).toEqual([
      { date: "2025-01-31", name: { vi: "Tết Nguyên đán (mùng 3)", en: "Lunar New Year (day 3)" }, reason: "holiday" },
      { date: "2025-02-01", name: { vi: "Tết Nguyên đán (mùng 4)", en: "Lunar New Year (day 4)" }, reason: "holiday" },
      { date: "2025-02-02", name: { vi: "Chủ nhật", en: "Sunday" }, reason: "weekend" }
    ])
    expect(vietnam.daysOff(d("2025-03-07"), d("2025-03-09")).map((day) => day.name.vi)).toEqual(["Thứ Bảy", "Chủ nhật"])
    expect(vietnam.daysOff(d("2025-03-09"), d("2025-03-08"))).toEqual([])
  })

  it("tells days off from working days", () => {
    expect(vietnam.isDayOff(d("2025-04-30"))).toBe(true)
    expect(vietnam.isDayOff(d("2025-03-08"))).toBe(true)
    expect(vietnam.isDayOff(d("2025-03-10"))).toBe(false)
    expect(vietnam.isWorkingDay(d("2025-03-10"))).toBe(true)
    expect(vietnam.isWorkingDay(d("2025-01-29"))).toBe(false)
  })

  it("finds the next working day after a date, never the date itself", () => {
    expect(vietnam.nextWorkingDay(d("2025-03-04"))).toBe("2025-03-05")
    expect(vietnam.nextWorkingDay(d("2025-01-24"))).toBe("2025-01-27")
    expect(vietnam.nextWorkingDay(d("2025-01-27"))).toBe("2025-02-03")
    expect(vietnam.nextWorkingDay(d("2025-12-31"))).toBe("2026-01-02")
  })

  it("adds working days forwards and backwards, across Tết and the year's end", () => {
    expect(vietnam.addWorkingDays(d("2025-03-07"), 3)).toBe("2025-03-12")
    expect(vietnam.addWorkingDays(d("2025-01-24"), 3)).toBe("2025-02-04")
    expect(vietnam.addWorkingDays(d("2024-12-27"), 3)).toBe("2025-01-02")
    expect(vietnam.addWorkingDays(d("2025-01-02"), -3)).toBe("2024-12-27")
    expect(vietnam.addWorkingDays(d("2025-02-04"), -2)).toBe("2025-01-27")
    expect(vietnam.addWorkingDays(d("2025-02-01"), 0)).toBe("2025-02-01")
    expect(() => vietnam.addWorkingDays(d("2025-02-01"), 1.5)).toThrow(RangeError)
  })

  it("throws a YearNotCovered error outside 2000–2199", () => {
    const error = (f: () => unknown) => {
      try {
        f()
      } catch (e) {
        return e
      }
      return undefined
    }
    for (const f of [
      () => vietnam.isDayOff(d("1999-12-31")),
      () => vietnam.daysOff(d("2199-12-30"), d("2200-01-01")),
      () => vietnam.nextWorkingDay(d("2199-12-31"))
    ]) {
      const e = error(f)
      expect(e).toBeInstanceOf(Calendar.HolidayCalendarError)
      expect(e).toMatchObject({ reason: "YearNotCovered" })
    }
  })
})

describe("Calendar: the integrator's changes", () => {
  it.effect("takes the 2024 swap: Monday 29 April off, Saturday 4 May worked", () =>
    Effect.gen(function* () {
      const calendar = yield* Calendar.make(swap2024)
      expect(calendar.daysOff(d("2024-04-27"), d("2024-05-05")).map((day) => [day.date, day.reason])).toEqual([
        ["2024-04-27", "weekend"],
        ["2024-04-28", "weekend"],
        ["2024-04-29", "added"],
        ["2024-04-30", "holiday"],
        ["2024-05-01", "holiday"],
        ["2024-05-05", "weekend"]
      ])
      expect(calendar.isWorkingDay(d("2024-05-04"))).toBe(true)
      expect(calendar.nextWorkingDay(d("2024-04-26"))).toBe("2024-05-02")
      expect(vietnam.nextWorkingDay(d("2024-04-26"))).toBe("2024-04-29")
    })
  )

  it.effect("adds the compensatory days of Tết 2024, so that 8–14 February are off", () =>
    Effect.gen(function* () {
      const name = { vi: "Nghỉ bù Tết", en: "Tết compensatory day" }
      const calendar = yield* Calendar.make({
        add: [
          { date: "2024-02-08", name },
          { date: "2024-02-14", name }
        ]
      })
      expect(calendar.daysOff(d("2024-02-07"), d("2024-02-15")).map((day) => day.date)).toEqual(
        range("2024-02-08", "2024-02-14")
      )
      expect(calendar.daysOff(d("2024-02-08"), d("2024-02-08"))[0]).toEqual({
        date: "2024-02-08",
        name,
        reason: "added"
      })
    })
  )

  it.effect("moves the adjacent National Day: 2024 took 3 September instead", () =>
    Effect.gen(function* () {
      const calendar = yield* Calendar.make({
        add: [{ date: "2024-09-03", name: { vi: "Quốc khánh (ngày liền kề)", en: "National Day (adjacent day)" } }]
      })
      expect(calendar.daysOff(d("2024-08-31"), d("2024-09-04")).map((day) => day.date)).toEqual(
        range("2024-08-31", "2024-09-03")
      )
      const without = yield* Calendar.make({ remove: ["2025-09-01"] })
      expect(without.isWorkingDay(d("2025-09-01"))).toBe(true)
      expect(without.isDayOff(d("2025-09-02"))).toBe(true)
    })
  )

  it.effect("rejects bad options with a typed error that says what is wrong", () =>
    Effect.gen(function* () {
      const name = { vi: "Nghỉ", en: "Day off" }
      const cases: ReadonlyArray<[typeof Calendar.CalendarOptions.Encoded, string]> = [
        [{ add: [{ date: "2024-02-30", name }] }, "YYYY-MM-DD"],
        [{ remove: ["29/04/2024"] }, "YYYY-MM-DD"],
        [{ add: [{ date: "2024-04-29", name: { vi: " ", en: "Day off" } }] }, "vi"],
        [{ remove: ["2250-01-01"] }, "2000–2199"],
        [{ add: [{ date: "2024-05-04", name }], remove: ["2024-05-04"] }, "2024-05-04 is both added"]
      ]
      for (const [options, text] of cases) {
        const error = yield* Effect.flip(Calendar.make(options))
        expect(error).toBeInstanceOf(Calendar.HolidayCalendarError)
        expect(error.reason).toBe("InvalidOptions")
        expect(error.message).toContain(text)
      }
      expect(() => Calendar.unsafeMake({ add: [{ date: d("2024-05-04"), name }], remove: [d("2024-05-04")] })).toThrow(
        "both added"
      )
    })
  )
})

describe("HolidayCalendar", () => {
  it.effect("layer decodes the options and provides the calendar", () =>
    Effect.gen(function* () {
      const calendar = yield* Calendar.HolidayCalendar
      expect(calendar.isDayOff(d("2024-04-29"))).toBe(true)
      expect(calendar.isDayOff(d("2024-05-04"))).toBe(false)
    }).pipe(Effect.provide(Calendar.layer(swap2024)))
  )

  it.effect("layer fails with the calendar's error on bad options", () =>
    Effect.gen(function* () {
      const exit = yield* Effect.exit(
        Effect.provide(Calendar.HolidayCalendar, Calendar.layer({ remove: ["2024-13-01"] }))
      )
      expect(Exit.isFailure(exit) && exit.cause._tag === "Fail" && exit.cause.error.reason).toBe("InvalidOptions")
    })
  )

  it.effect("layerVietnam provides the law's calendar", () =>
    Effect.gen(function* () {
      const calendar = yield* Calendar.HolidayCalendar
      expect(calendar).toBe(Calendar.vietnam)
      expect(calendar.isDayOff(d("2024-04-29"))).toBe(false)
    }).pipe(Effect.provide(Calendar.layerVietnam))
  )
})
