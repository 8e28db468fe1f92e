// A tip entered after it was received, on SQLite and PostgreSQL: its register year, its deadlines, the times its event
// keeps and the receipt time the index and the statistics projection hold, read again from a reopened database; and
// the tips' pages filtered by whether a deadline is missed.
import { SqlClient } from "@effect/sql/SqlClient"
import { describe, expect, it } from "@effect/vitest"
import { Actor, Calendar, Category, Statistics, Tips, UnitDirectory } from "@tinbao/core"
import { SqlStatistics } from "@tinbao/sql"
import { NinhBinh } from "@tinbao/testkit"
import { DateTime, Effect, Layer, Redacted, TestClock } from "effect"
import { backends } from "./backends.js"
import { vaultConfig } from "./fixtures.js"

const unit = NinhBinh.unitIds.ninhTien
const officer = Actor.make("can-bo-ninh-tien", unit, ["officer", "leader"])
const input = (receivedAt?: DateTime.Utc): Tips.Receive => ({
  unit,
  channel: "phone",
  identity: Redacted.make({ channel: "phone", platformUserId: "0912000111" }),
  reporterKind: "individual",
  legalType: "to_giac",
  category: Category.CategoryId.make("stolen_property"),
  summary: "Gọi điện báo mất trộm xe máy tối thứ Sáu.",
  ...(receivedAt !== undefined ? { receivedAt } : {})
})

// Tuesday 16 December 2025, 09:00 in Hà Nội, in the police year 2026; the call came on Friday 12 December, 20:00, in
// the police year 2025.
const enteredOn = Date.parse("2025-12-16T09:00:00+07:00")
const calledAt = DateTime.unsafeMake("2025-12-12T13:00:00Z")
const iso = (d: DateTime.Utc | undefined) => (d === undefined ? undefined : DateTime.formatIso(d))

for (const backend of backends()) {
  describe(`A tip entered after it was received, on ${backend.name}`, () => {
    it.effect("is registered in the year of its receipt, with deadlines from it, as stored and read back", () => {
      const open = backend.fresh()
      const tipsOn = Layer.provideMerge(Tips.layer(), Layer.merge(open(vaultConfig()), Calendar.layerVietnam))
      return Effect.gen(function* () {
        yield* TestClock.setTime(enteredOn)
        const entered = yield* Effect.gen(function* () {
          yield* Effect.flatMap(UnitDirectory.UnitDirectory, (d) => d.record(NinhBinh.changes))
          const tips = yield* Tips.Tips
          const late = yield* tips.receive(officer, input(calledAt))
          const now = yield* tips.receive(officer, input())
          return { late, now }
        }).pipe(Effect.provide(tipsOn))
        expect([entered.late.registerYear, entered.late.registerNumber]).toEqual([2025, 1])
        expect([entered.now.registerYear, entered.now.registerNumber]).toEqual([2026, 1])

        // Reopened: the event decodes with both times, the index and the projection hold the receipt.
        yield* Effect.gen(function* () {
          const tips = yield* Tips.Tips
          const tip = yield* tips.get(officer, entered.late.id)
          expect([iso(tip.receivedAt), iso(tip.enteredAt), tip.code]).toEqual([
            "2025-12-12T13:00:00.000Z",
            "2025-12-16T02:00:00.000Z",
            entered.late.code
          ])
          const [event] = yield* tips.history(officer, tip.id)
          expect(event?._tag === "TipReceived" && [iso(event.at), iso(event.enteredAt), event.by]).toEqual([
            "2025-12-12T13:00:00.000Z",
            "2025-12-16T02:00:00.000Z",
            officer.id
          ])
          // Three working days from Friday: to Wednesday 17 December, 24:00; the transfer 24 hours from the call.
          const deadlines = yield* tips.deadlines(officer, tip.id)
          const due = Object.fromEntries(deadlines.map((d) => [d.kind, [iso(d.dueAt), d.status]]))
          expect(due).toMatchObject({
            acknowledgement: ["2025-12-17T17:00:00.000Z", "pending"],
            transfer: ["2025-12-13T13:00:00.000Z", "missed"],
            verification: ["2026-01-01T17:00:00.000Z", "pending"]
          })
          const sql = yield* SqlClient
          const index = yield* sql<{ received_at: number | string }>`SELECT received_at FROM tips WHERE tip = ${tip.id}`
          expect(Number(index[0]!.received_at)).toBe(DateTime.toEpochMillis(calledAt))

          // Counted in the police year 2025 by the statistics engines, the database's as the in-memory one; the
          // projection holds the receipt time too.
          yield* TestClock.adjust("1 hour")
          const engines = [yield* SqlStatistics.make(), yield* Statistics.make()]
          const years = Effect.forEach(engines, (engine) =>
            Effect.forEach([2025, 2026], (year) =>
              Effect.map(
                engine.query({ root: unit, period: { _tag: "PoliceYear", year } } as Statistics.Query),
                (r) => r.total.receivedInPeriod
              )
            )
          )
          expect(yield* years).toEqual([
            [1, 1],
            [1, 1]
          ])
          const projected = yield* sql<{
            received_at: number | string
          }>`SELECT received_at FROM stat_tips WHERE tip = ${tip.id}`
          expect(Number(projected[0]!.received_at)).toBe(DateTime.toEpochMillis(calledAt))

          // Only the tip whose transfer is missed is overdue, page by page.
          const overdue = yield* tips.page(officer, { overdue: true, limit: 1 })
          expect(overdue.tips.map((t) => t.id)).toEqual([tip.id])
          expect(overdue.next).toBeUndefined()
          const onTime = yield* tips.page(officer, { overdue: false, limit: 1 })
          expect(onTime.tips.map((t) => t.id)).toEqual([entered.now.id])
          expect(onTime.next).toBeDefined()
          expect((yield* tips.page(officer, { overdue: false, limit: 1, after: onTime.next! })).tips).toEqual([])
        }).pipe(Effect.provide(tipsOn))
      })
    })
  })
}
