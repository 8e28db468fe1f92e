import { describe, expect, it } from "@effect/vitest"
import { Arbitrary, DateTime, Effect, Either, FastCheck, Schema } from "effect"
import * as Calendar from "../src/Calendar.js"
import * as LocalDate from "../src/LocalDate.js"
import * as Period from "../src/Period.js"

const vietnam = Calendar.vietnam
/** An instant written in local time (Asia/Ho_Chi_Minh), e.g. `local("2025-03-01T09:00")`. */
const local = (s: string): DateTime.Utc => DateTime.unsafeMake(`${s}:00+07:00`)
const end = (start: string, period: Period.Period, calendar: Calendar.Calendar = vietnam): DateTime.Utc =>
  Period.end(local(start), period, calendar)
const swap2024 = Calendar.unsafeMake({
  add: [{ date: LocalDate.unsafeMake("2024-04-29"), name: { vi: "Nghỉ hoán đổi", en: "Swapped day off" } }],
  remove: [LocalDate.unsafeMake("2024-05-04")]
})

describe("Period: values", () => {
  it("describes periods in Vietnamese and English", () => {
    expect(Period.describe(Period.days(20))).toEqual({ vi: "20 ngày", en: "20 days" })
    expect(Period.describe(Period.hours(1))).toEqual({ vi: "1 giờ", en: "1 hour" })
    expect(Period.describe(Period.hours(24))).toEqual({ vi: "24 giờ", en: "24 hours" })
    expect(Period.describe(Period.workingDays(3))).toEqual({ vi: "3 ngày làm việc", en: "3 working days" })
    expect(Period.describe(Period.months(1))).toEqual({ vi: "1 tháng", en: "1 month" })
    expect(Period.describe(Period.months(2))).toEqual({ vi: "2 tháng", en: "2 months" })
  })

  it("accepts only whole, positive, bounded counts", () => {
    expect(Period.days(20)).toEqual({ _tag: "Days", days: 20 })
    expect(() => Period.hours(0)).toThrow()
    expect(() => Period.days(-1)).toThrow()
    expect(() => Period.workingDays(1.5)).toThrow()
    expect(() => Period.months(121)).toThrow()
  })

  it("decodes from JSON with a typed error on bad input", () => {
    const decode = Schema.decodeUnknownEither(Period.Period)
    expect(decode({ _tag: "WorkingDays", days: 3 })).toEqual(Either.right(Period.workingDays(3)))
    expect(Either.isLeft(decode({ _tag: "Weeks", weeks: 2 }))).toBe(true)
    expect(Either.isLeft(decode({ _tag: "Days", days: "20" }))).toBe(true)
    expect(Either.isLeft(decode({ _tag: "Months", months: 0 }))).toBe(true)
  })
})

describe("Period.end: hours and days (BLTTHS Art. 134)", () => {
  it("counts hours exactly, across midnight", () => {
    expect(end("2025-03-01T22:30", Period.hours(24))).toEqual(local("2025-03-02T22:30"))
    expect(end("2025-01-28T23:15", Period.hours(48))).toEqual(local("2025-01-30T23:15"))
  })

  it("does not count the day of receipt and ends at 24:00 of the last day", () => {
    for (const time of ["00:00", "09:00", "23:59"]) {
      expect(end(`2025-03-01T${time}`, Period.days(20))).toEqual(local("2025-03-22T00:00"))
    }
    expect(DateTime.formatIso(end("2025-03-01T09:00", Period.days(20)))).toBe("2025-03-21T17:00:00.000Z")
  })

  it("reads the day of receipt in Vietnam: 23:59 and 00:01 local fall on different days, though on one UTC date", () => {
    const late = local("2025-02-28T23:59")
    const early = local("2025-03-01T00:01")
    expect(DateTime.formatIso(late).slice(0, 10)).toBe(DateTime.formatIso(early).slice(0, 10))
    expect(Period.end(late, Period.days(20), vietnam)).toEqual(local("2025-03-21T00:00"))
    expect(Period.end(early, Period.days(20), vietnam)).toEqual(local("2025-03-22T00:00"))
  })

  it("does not move a days period off a day off", () => {
    expect(end("2025-01-07T10:00", Period.days(20))).toEqual(local("2025-01-28T00:00"))
    expect(end("2025-01-08T10:00", Period.days(20))).toEqual(local("2025-01-29T00:00"))
    expect(end("2025-01-15T10:00", Period.days(20))).toEqual(local("2025-02-05T00:00"))
    expect(end("2025-02-12T10:00", Period.days(4))).toEqual(local("2025-02-17T00:00"))
  })
})

describe("Period.end: working days", () => {
  it("ends at 24:00 of the n-th working day after the day of receipt", () => {
    expect(end("2025-03-07T16:00", Period.workingDays(3))).toEqual(local("2025-03-13T00:00"))
    expect(end("2025-03-08T10:00", Period.workingDays(3))).toEqual(local("2025-03-13T00:00"))
    expect(end("2025-03-10T08:00", Period.workingDays(1))).toEqual(local("2025-03-12T00:00"))
  })

  it("skips Tết", () => {
    expect(end("2025-01-24T09:00", Period.workingDays(3))).toEqual(local("2025-02-05T00:00"))
  })

  it("follows the 2024 swap when the calendar has it", () => {
    expect(end("2024-04-25T09:00", Period.workingDays(3))).toEqual(local("2024-05-03T00:00"))
    expect(end("2024-04-25T09:00", Period.workingDays(3), swap2024)).toEqual(local("2024-05-04T00:00"))
    expect(end("2024-05-02T09:00", Period.workingDays(2))).toEqual(local("2024-05-07T00:00"))
    expect(end("2024-05-02T09:00", Period.workingDays(2), swap2024)).toEqual(local("2024-05-05T00:00"))
  })
})

describe("Period.end: months", () => {
  it("ends on the same date, or the last day of a shorter month", () => {
    expect(end("2024-01-31T10:00", Period.months(1))).toEqual(local("2024-03-01T00:00"))
    expect(end("2025-01-31T10:00", Period.months(1))).toEqual(local("2025-03-01T00:00"))
    expect(end("2023-12-31T10:00", Period.months(2))).toEqual(local("2024-03-01T00:00"))
    expect(end("2024-10-31T10:00", Period.months(4))).toEqual(local("2025-03-01T00:00"))
    expect(end("2024-12-20T10:00", Period.months(2))).toEqual(local("2025-02-21T00:00"))
  })

  it("moves an end on a weekend to the next working day", () => {
    expect(end("2025-09-05T10:00", Period.months(1))).toEqual(local("2025-10-07T00:00"))
    expect(end("2025-09-04T10:00", Period.months(1))).toEqual(local("2025-10-07T00:00"))
  })

  it("moves an end in Tết or on a holiday to the first working day after it", () => {
    expect(end("2024-12-27T10:00", Period.months(1))).toEqual(local("2025-01-28T00:00"))
    expect(end("2024-12-29T10:00", Period.months(1))).toEqual(local("2025-02-04T00:00"))
    expect(end("2025-03-31T10:00", Period.months(1))).toEqual(local("2025-05-03T00:00"))
  })

  it("uses the calendar's added days", () => {
    expect(end("2024-03-29T10:00", Period.months(1))).toEqual(local("2024-04-30T00:00"))
    expect(end("2024-03-29T10:00", Period.months(1), swap2024)).toEqual(local("2024-05-03T00:00"))
  })

  it.effect("works with the calendar from the HolidayCalendar service", () =>
    Effect.gen(function* () {
      const calendar = yield* Calendar.HolidayCalendar
      expect(Period.end(local("2024-03-29T10:00"), Period.months(1), calendar)).toEqual(local("2024-05-03T00:00"))
    }).pipe(Effect.provide(Calendar.layer({ add: [{ date: "2024-04-29", name: { vi: "Nghỉ", en: "Day off" } }] })))
  )
})

describe("Period.end: properties", () => {
  const startArb = FastCheck.integer({
    min: Date.UTC(2020, 0, 1),
    max: Date.UTC(2035, 0, 1)
  }).map((ms) => DateTime.unsafeMake(ms))
  const lastDay = (instant: DateTime.Utc) => LocalDate.ofInstant(DateTime.subtract(instant, { millis: 1 }))

  it("always ends strictly after the start; day-based periods end at a local midnight", () => {
    FastCheck.assert(
      FastCheck.property(startArb, Arbitrary.make(Period.Period), (start, period) => {
        const e = Period.end(start, period, vietnam)
        expect(DateTime.greaterThan(e, start)).toBe(true)
        if (period._tag !== "Hours") expect(e).toEqual(LocalDate.startOf(LocalDate.ofInstant(e)))
      }),
      { numRuns: 500 }
    )
  })

  it("ends a months period on a working day, on or after the same date n months later", () => {
    FastCheck.assert(
      FastCheck.property(startArb, FastCheck.integer({ min: 1, max: 24 }), (start, n) => {
        const last = lastDay(Period.end(start, Period.months(n), vietnam))
        expect(vietnam.isWorkingDay(last)).toBe(true)
        const { month, year } = LocalDate.toParts(LocalDate.ofInstant(start))
        const target = LocalDate.toParts(LocalDate.fromParts(year, month + n, 1))
        expect(last >= LocalDate.fromParts(target.year, target.month, 1)).toBe(true)
      }),
      { numRuns: 500 }
    )
  })

  it("ends n working days no earlier than n days, on a working day", () => {
    FastCheck.assert(
      FastCheck.property(startArb, FastCheck.integer({ min: 1, max: 60 }), (start, n) => {
        const working = Period.end(start, Period.workingDays(n), vietnam)
        expect(DateTime.greaterThanOrEqualTo(working, Period.end(start, Period.days(n), vietnam))).toBe(true)
        expect(vietnam.isWorkingDay(lastDay(working))).toBe(true)
      }),
      { numRuns: 500 }
    )
  })
})
