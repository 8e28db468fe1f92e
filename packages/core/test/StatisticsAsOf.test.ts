// Figures taken at min(end of the period, now): the current month, a period ending today, and a period that has not
// begun. The worked example of docs/statistics.md ("A period under way"), on the in-memory engine and `compute`.
import { describe, expect, it } from "@effect/vitest"
import { NinhBinh } from "@tinbao/testkit"
import { Chunk, DateTime, Effect, Either, Layer, Stream, TestClock } from "effect"
import { ActorId } from "../src/Actor.js"
import * as Calendar from "../src/Calendar.js"
import { CategoryId, type LegalType } from "../src/Category.js"
import { AliasId } from "../src/IdentityVault.js"
import * as Statistics from "../src/Statistics.js"
import * as StatisticsExport from "../src/StatisticsExport.js"
import { TipId } from "../src/Tip.js"
import * as TipEvent from "../src/TipEvent.js"
import { TipStore } from "../src/TipStore.js"
import * as Tips from "../src/Tips.js"
import { UnitDirectory } from "../src/UnitDirectory.js"

const ids = NinhBinh.unitIds
const live = Statistics.layerMemory().pipe(Layer.provideMerge(Tips.layerMemory()))
const local = (s: string) => Date.parse(`${s}+07:00`)

const received = (n: number, at: string, legalType: LegalType) =>
  new TipEvent.TipReceived({
    tip: TipId.make(`tip-${n}`),
    by: ActorId.make("can-bo-ninh-tien"),
    at: DateTime.unsafeMake(local(at)),
    unit: ids.ninhTien,
    code: `NT-${n}`,
    registerNumber: n,
    registerYear: 2025,
    channel: "zalo",
    reporterKind: "individual",
    alias: AliasId.make("AL-0123456789ABCDEF"),
    legalType,
    category: CategoryId.make("crime"),
    summary: "Phản ánh thử nghiệm"
  })

/**
 * Ninh Tiến commune police, March 2025, none of the tips acknowledged: A (feedback) on Monday 3 March, its
 * acknowledgement due at 24:00 on Thursday 6 March; B (a crime report) at 20:00 on Thursday 13 March, to be
 * transferred within 24 hours (by 20:00 on Friday 14 March); C (a crime report) 30 seconds before 16:00 on Friday 14
 * March, when the figures are asked for.
 */
const tips = [
  received(1, "2025-03-03T09:00", "phan_anh"),
  received(2, "2025-03-13T20:00", "tin_bao"),
  received(3, "2025-03-14T15:59:30", "tin_bao")
]
const now = local("2025-03-14T16:00")

const seeded = Effect.gen(function* () {
  yield* TestClock.setTime(local("2025-01-01T08:00"))
  yield* Effect.flatMap(UnitDirectory, (d) => d.record(NinhBinh.allChanges))
  const store = yield* TipStore
  yield* store.append(tips.map((event) => ({ tip: event.tip, expectedVersion: 0, events: [event] })))
  yield* TestClock.setTime(now)
  return yield* Statistics.StatisticsEngine
})

const none = { met: 0, metLate: 0, missed: 0, pending: 0 }
const root = ids.ninhTien

describe("Statistics of a period under way", () => {
  it.effect("counts the current month as it stands now: a tip received seconds ago is not overdue", () =>
    Effect.gen(function* () {
      const engine = yield* seeded
      const report = yield* engine.query({ root, period: { _tag: "CalendarMonth", year: 2025, month: 3 } })
      expect(report.total).toMatchObject({ receivedInPeriod: 3, openAtEnd: 3, overdueAtEnd: 1 })
      // Deadlines due in March, read at 16:00 on 14 March: A's acknowledgement is missed; the rest are still to come.
      expect(report.total.compliance).toEqual({
        acknowledgement: { ...none, missed: 1, pending: 2 },
        transfer: { ...none, pending: 2 },
        verification: none,
        suspension_notice: none,
        restoration: none,
        resolution: { ...none, pending: 1 }
      })
      expect(report.measuredAt).toEqual(DateTime.unsafeMake(now))
      // The unit tree of the day the figures are taken, not of 31 March.
      expect(report.asOf).toBe("2025-03-14")
    }).pipe(Effect.provide(live))
  )

  it.effect("counts a period ending today up to now, not to 24:00: a deadline due this evening is pending", () =>
    Effect.gen(function* () {
      const engine = yield* seeded
      // Police month 3/2025 runs from 15 February to 14 March: it ends at 24:00 today.
      const month = { _tag: "PoliceMonth", year: 2025, month: 3 } as const
      const today = yield* engine.query({ root, period: month })
      expect(today.total).toMatchObject({ receivedInPeriod: 3, openAtEnd: 3, overdueAtEnd: 1 })
      expect(today.total.compliance.acknowledgement).toEqual({ ...none, missed: 1 })
      expect(today.total.compliance.transfer).toEqual({ ...none, pending: 1 })
      expect(today.measuredAt).toEqual(DateTime.unsafeMake(now))
      const day = yield* engine.query({ root, period: { _tag: "Day", date: "2025-03-14" } as never })
      expect(day.total).toMatchObject({ receivedInPeriod: 1, openAtEnd: 3, overdueAtEnd: 1 })

      // Once the day is over, the same query is the month's final report: B was not transferred by 20:00.
      yield* TestClock.setTime(local("2025-03-15T08:00"))
      const final = yield* engine.query({ root, period: month })
      expect(final.measuredAt).toEqual(DateTime.unsafeMake(local("2025-03-15T00:00")))
      expect(final.total).toMatchObject({ receivedInPeriod: 3, openAtEnd: 3, overdueAtEnd: 2 })
      expect(final.total.compliance.transfer).toEqual({ ...none, missed: 1 })
    }).pipe(Effect.provide(live))
  )

  it.effect("counts the stocks of a year under way in the month of now, and lists the months to come", () =>
    Effect.gen(function* () {
      const engine = yield* seeded
      const report = yield* engine.query({
        root,
        period: { _tag: "CalendarYear", year: 2025 },
        groupBy: ["calendar_month"]
      })
      expect(report.groups.map((g) => g.key.calendarMonth)).toHaveLength(12)
      const month = (key: string) => report.groups.find((g) => g.key.calendarMonth === key)!.measures
      expect(month("2025-03")).toMatchObject({ receivedInPeriod: 3, openAtEnd: 3, overdueAtEnd: 1 })
      expect(month("2025-12")).toMatchObject({ receivedInPeriod: 0, openAtEnd: 0, overdueAtEnd: 0 })
      // B's and C's verification (20 days) falls due on 2 and 3 April: still to come.
      expect(month("2025-04").compliance.verification).toEqual({ ...none, pending: 2 })
    }).pipe(Effect.provide(live))
  )

  it.effect("refuses a period that has not begun with reason future, saying when it begins", () =>
    Effect.gen(function* () {
      const engine = yield* seeded
      // On 14 March, police month 4/2025 (from 15 March) has not begun.
      const error = yield* Effect.flip(engine.query({ root, period: { _tag: "PoliceMonth", year: 2025, month: 4 } }))
      expect(error).toMatchObject({
        _tag: "StatisticsError",
        reason: "future",
        message: expect.stringContaining(
          "begins on 2025-03-15, after the time of the query (2025-03-14T16:00:00+07:00)"
        )
      })
      const log = Chunk.toReadonlyArray(yield* Stream.runCollect((yield* TipStore).stream()))
      const hierarchy = yield* Effect.flatMap(UnitDirectory, (d) => d.hierarchy)
      const computed = Statistics.compute(
        log,
        hierarchy,
        Calendar.vietnam,
        {
          root,
          period: { _tag: "CalendarYear", year: 2026 }
        },
        { now: DateTime.unsafeMake(now) }
      )
      expect(Either.getLeft(computed).pipe((e) => e._tag === "Some" && e.value.reason)).toBe("future")
    }).pipe(Effect.provide(live))
  )

  it.effect("says as of when in every export: the report's instant, the CSV's first column, the JSON", () =>
    Effect.gen(function* () {
      const engine = yield* seeded
      const report = yield* engine.query({ root, period: { _tag: "CalendarMonth", year: 2025, month: 3 } })
      const [header, ...records] = StatisticsExport.parseCsv(StatisticsExport.toCsv(report))
      expect(header![0]).toBe("Tính đến (as of)")
      expect(records.map((r) => r[0])).toEqual(["2025-03-14T16:00:00+07:00"])
      const json = StatisticsExport.toJson(report)
      expect(JSON.parse(json).measuredAt).toBe("2025-03-14T09:00:00.000Z")
      expect(Either.getOrThrow(StatisticsExport.fromJson(json))).toEqual(report)
      // A period that ended: as of 24:00 on its last day.
      const february = yield* engine.query({ root, period: { _tag: "CalendarMonth", year: 2025, month: 2 } })
      expect(StatisticsExport.toRows(february)[1]![0]).toBe("2025-02-28T24:00:00+07:00")
    }).pipe(Effect.provide(live))
  )

  it.effect("gives compute's report for the same log and now", () =>
    Effect.gen(function* () {
      const engine = yield* seeded
      const log = Chunk.toReadonlyArray(yield* Stream.runCollect((yield* TipStore).stream()))
      const hierarchy = yield* Effect.flatMap(UnitDirectory, (d) => d.hierarchy)
      for (const period of [
        { _tag: "CalendarMonth", year: 2025, month: 3 },
        { _tag: "PoliceMonth", year: 2025, month: 3 },
        { _tag: "PoliceYear", year: 2025 }
      ] as const) {
        const query: Statistics.Query = { root, period, groupBy: ["police_month"] }
        const computed = Statistics.compute(log, hierarchy, Calendar.vietnam, query, { now: DateTime.unsafeMake(now) })
        expect(computed).toEqual(Either.right(yield* engine.query(query)))
      }
    }).pipe(Effect.provide(live))
  )
})
