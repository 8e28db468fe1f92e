import { describe, expect, it } from "@effect/vitest"
import { NinhBinh } from "@tinbao/testkit"
import { Chunk, DateTime, Effect, Either, Layer, Redacted, Stream, TestClock } from "effect"
import * as Actor from "../src/Actor.js"
import * as Calendar from "../src/Calendar.js"
import { CategoryId } from "../src/Category.js"
import * as LocalDate from "../src/LocalDate.js"
import * as Statistics from "../src/Statistics.js"
import * as StatisticsExport from "../src/StatisticsExport.js"
import type { Tip } from "../src/Tip.js"
import { TipStore } from "../src/TipStore.js"
import * as Tips from "../src/Tips.js"
import type { UnitId } from "../src/Unit.js"
import { UnitDirectory } from "../src/UnitDirectory.js"

const ids = NinhBinh.unitIds
const live = Statistics.layerMemory().pipe(Layer.provideMerge(Tips.layerMemory()))
const at = (local: string) => TestClock.setTime(Date.parse(`${local}+07:00`))
const officerOf = (unit: UnitId) => Actor.make(`can-bo-${unit}`, unit, ["officer", "leader"])

/** Receives a tip at a local time through the service, and optionally takes it to a decision three days later. */
const receive = (unit: UnitId, when: string, resolve: boolean, category = "crime") =>
  Effect.gen(function* () {
    const tips = yield* Tips.Tips
    const officer = officerOf(unit)
    yield* at(when)
    let tip: Tip = yield* tips.receive(officer, {
      unit,
      channel: "zalo",
      channelId: `nhom-zalo-${unit}`,
      identity: Redacted.make({ channel: "oa-ninh-binh", platformUserId: "zalo-user-1", displayName: "Người dân" }),
      reporterKind: "individual",
      legalType: "phan_anh",
      category: CategoryId.make(category),
      summary: "Phản ánh về an ninh trật tự trong thôn"
    })
    if (!resolve) return tip
    const step = (command: Parameters<Tips.Tips["Type"]["execute"]>[1]["command"]) =>
      Effect.flatMap(Tips.Tips, (t) => t.execute(officer, { tip: tip.id, expectedVersion: tip.version, command }))
    tip = yield* step({ _tag: "Acknowledge" })
    tip = yield* step({ _tag: "Accept" })
    yield* TestClock.adjust("3 days")
    return yield* step({ _tag: "Resolve", outcome: { _tag: "Handled", summary: "Đã xác minh, xử lý" } })
  })

const setup = Effect.gen(function* () {
  yield* at("2020-01-01T08:00")
  yield* Effect.flatMap(UnitDirectory, (d) => d.record(NinhBinh.allChanges))
  return yield* Statistics.StatisticsEngine
})

describe("Statistics engine", () => {
  it.effect("reproduces the seed: Ninh Tiến received 26 tips through its Zalo groups in 2023 and resolved all 26", () =>
    Effect.gen(function* () {
      const engine = yield* setup
      // Received late in 2022 and resolved in January: 2023's activity, not its cohort.
      yield* receive(ids.ninhTien, "2022-12-30T09:00", true)
      for (let i = 0; i < 26; i++) {
        const month = String(1 + Math.floor(i / 3)).padStart(2, "0")
        yield* receive(ids.ninhTien, `2023-${month}-${String(3 + 9 * (i % 3)).padStart(2, "0")}T08:30`, true)
      }
      yield* receive(ids.ninhNhat, "2023-05-05T10:00", false)
      // Read after the year: its figures are taken at its end.
      yield* at("2024-01-02T08:00")
      const query = { root: ids.ninhTien, period: { _tag: "CalendarYear", year: 2023 } } as const
      const report = yield* engine.queryAs(officerOf(ids.ninhTien), query)
      expect(report.total).toMatchObject({
        receivedInPeriod: 26,
        resolvedOfReceived: 26,
        resolutionRate: 1,
        resolvedInPeriod: 27,
        openAtEnd: 0
      })
      // The December tip's acknowledgement fell due on 4 January: it counts among 2023's deadlines.
      expect(report.total.compliance.acknowledgement).toEqual({ met: 27, metLate: 0, missed: 0, pending: 0 })
      expect(report.total.timeToResolve.p50Millis).toBe(3 * 24 * 60 * 60 * 1000)
      const [header, total] = StatisticsExport.parseCsv(StatisticsExport.toCsv(report))
      expect(total[header.indexOf("Tỷ lệ giải quyết, % (resolution rate, %)")]).toBe("100")
      expect(total[header.indexOf("Tiếp nhận (received)")]).toBe("26")
    }).pipe(Effect.provide(live))
  )

  it.effect("gives the same report as compute over the stored log", () =>
    Effect.gen(function* () {
      const engine = yield* setup
      for (const [unit, day] of [
        [ids.vanGiang, "2023-02-01"],
        [ids.ninhPhuc, "2023-02-14"],
        [ids.city, "2023-02-15"]
      ] as const) {
        yield* receive(unit, `${day}T09:00`, true, "traffic")
        yield* receive(unit, `${day}T10:00`, false, "drugs")
      }
      yield* at("2025-08-01T08:00")
      const query: Statistics.Query = {
        root: ids.province,
        asOf: LocalDate.unsafeMake("2025-08-01"),
        period: { _tag: "PoliceYear", year: 2023 },
        groupBy: ["unit", "category"]
      }
      const report = yield* engine.query(query)
      const store = yield* TipStore
      const log = Chunk.toReadonlyArray(yield* Stream.runCollect(store.stream()))
      const hierarchy = yield* Effect.flatMap(UnitDirectory, (d) => d.hierarchy)
      const now = yield* DateTime.now
      expect(Either.getOrThrow(Statistics.compute(log, hierarchy, Calendar.vietnam, query, { now }))).toEqual(report)
      expect(report.total.receivedInPeriod).toBe(6)
      expect(report.groups.map((g) => [g.label.vi, g.measures.receivedInPeriod])).toEqual([
        ["Công an tỉnh Ninh Bình (trực tiếp) · Trật tự, an toàn giao thông", 1],
        ["Công an tỉnh Ninh Bình (trực tiếp) · Ma túy", 1],
        ["Công an phường Hoa Lư · Trật tự, an toàn giao thông", 1],
        ["Công an phường Hoa Lư · Ma túy", 1],
        ["Công an phường Đông Hoa Lư · Trật tự, an toàn giao thông", 1],
        ["Công an phường Đông Hoa Lư · Ma túy", 1]
      ])
    }).pipe(Effect.provide(live))
  )

  it.effect("lets an actor query only roots within its scope, judging old units by who answers for them today", () =>
    Effect.gen(function* () {
      const engine = yield* setup
      const year = { _tag: "CalendarYear", year: 2023 } as const
      const denied = (actor: Actor.Actor, root: UnitId) => Effect.flip(engine.queryAs(actor, { root, period: year }))
      yield* at("2023-06-01T09:00")
      expect(yield* denied(officerOf(ids.ninhTien), ids.city)).toMatchObject({
        _tag: "AccessDenied",
        reason: "scope",
        message: "Unit ca-tp-ninh-binh is outside the scope of unit ca-x-ninh-tien."
      })
      const custodian = Actor.make("quan-ly-danh-tinh", ids.province, ["identity_custodian"])
      expect(yield* denied(custodian, ids.ninhTien)).toMatchObject({ _tag: "AccessDenied", reason: "role" })
      const viewer = Actor.make("xem-tinh", ids.province, ["viewer"])
      expect((yield* engine.queryAs(viewer, { root: ids.ninhTien, period: year })).root.id).toBe(ids.ninhTien)
      // After the 2025 merger, Tây Hoa Lư answers for Ninh Tiến's history; Hoa Lư does not.
      yield* at("2025-08-01T09:00")
      const tayHoaLu = Actor.make("xem-tay-hoa-lu", ids.tayHoaLu, ["viewer"])
      expect((yield* engine.queryAs(tayHoaLu, { root: ids.ninhTien, period: year })).total.receivedInPeriod).toBe(0)
      const hoaLu = Actor.make("xem-hoa-lu", ids.hoaLu, ["viewer"])
      expect(yield* denied(hoaLu, ids.ninhTien)).toMatchObject({ reason: "scope" })
    }).pipe(Effect.provide(live))
  )

  it.effect("fails with a StatisticsError that says what is wrong with a query", () =>
    Effect.gen(function* () {
      const engine = yield* setup
      const bad = { root: ids.ninhTien, period: { _tag: "PoliceMonth", year: 2023, month: 13 } }
      const error = yield* Effect.flip(engine.query(bad as Statistics.Query))
      expect(error).toMatchObject({ _tag: "StatisticsError", reason: "invalid" })
      expect(error.message).toContain("between 1 and 12")
      yield* at("2025-08-01T08:00")
      const merged = yield* Effect.flip(
        engine.query({
          root: ids.ninhTien,
          asOf: LocalDate.unsafeMake("2025-08-01"),
          period: { _tag: "CalendarYear", year: 2023 }
        })
      )
      expect(merged).toMatchObject({
        reason: "invalid",
        message: expect.stringContaining("does not exist on 2025-08-01")
      })
      const decoded = Statistics.decodeQuery({ root: ids.ninhTien, period: { _tag: "CalendarYear", year: "2023" } })
      expect(Either.isLeft(decoded)).toBe(true)
    }).pipe(Effect.provide(live))
  )
})
