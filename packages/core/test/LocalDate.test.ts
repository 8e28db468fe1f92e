import { describe, expect, it } from "@effect/vitest"
import { DateTime, FastCheck } from "effect"
import * as LocalDate from "../src/LocalDate.js"

const iso = (millis: number) => new Date(millis).toISOString().slice(0, 10)

describe("LocalDate", () => {
  it("reads the date of an instant in Asia/Ho_Chi_Minh (UTC+7)", () => {
    expect(LocalDate.ofInstant(DateTime.unsafeMake("2024-12-14T16:59:59.999Z"))).toBe("2024-12-14")
    expect(LocalDate.ofInstant(DateTime.unsafeMake("2024-12-14T17:00:00.000Z"))).toBe("2024-12-15")
    expect(LocalDate.ofInstant(DateTime.unsafeMake("1999-12-31T17:00:00.000Z"))).toBe("2000-01-01")
  })

  it("agrees with the platform's calendar for any instant from 1970 to 2200", () => {
    FastCheck.assert(
      FastCheck.property(FastCheck.integer({ min: 0, max: Date.UTC(2200, 0, 1) }), (millis) => {
        expect(LocalDate.ofInstant(DateTime.unsafeMake(millis))).toBe(iso(millis + LocalDate.zoneOffsetMillis))
      }),
      { numRuns: 2000 }
    )
  })

  it("builds dates from parts, rolling over like Date.UTC", () => {
    expect(LocalDate.fromParts(2024, 2, 30)).toBe("2024-03-01")
    expect(LocalDate.fromParts(2024, 13, 1)).toBe("2025-01-01")
    expect(LocalDate.fromParts(2023, 1, 0)).toBe("2022-12-31")
    expect(LocalDate.fromParts(2000, 2, 29)).toBe("2000-02-29")
    expect(LocalDate.addDays(LocalDate.unsafeMake("2024-02-28"), 2)).toBe("2024-03-01")
    expect(LocalDate.daysBetween(LocalDate.unsafeMake("2024-01-01"), LocalDate.unsafeMake("2025-01-01"))).toBe(366)
  })

  it("refuses dates that do not exist", () => {
    expect(() => LocalDate.unsafeMake("2025-02-29")).toThrow()
    expect(() => LocalDate.unsafeMake("2024-1-01")).toThrow()
  })
})
