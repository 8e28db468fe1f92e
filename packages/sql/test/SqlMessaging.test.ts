import { SqlClient } from "@effect/sql/SqlClient"
import { describe, expect, it } from "@effect/vitest"
import { Binding, Dispatcher, Inbox, IntakeLedger, Outbox, type Tip, type Unit } from "@tinbao/core"
import { DateTime, Effect, Option } from "effect"
import { backends, host, pgReachable, port } from "./backends.js"
import { vaultConfig } from "./fixtures.js"

const exec = (statement: string) => Effect.flatMap(SqlClient, (sql) => sql.unsafe(statement))

const tip = "T-0001" as Tip.TipId
const unit = (id: string) => id as Unit.UnitId
const OA = "zalo-oa:4318097521"
const USER = "8123456789012345"

for (const backend of backends()) {
  describe(`SQL messaging ports on ${backend.name}`, () => {
    it.effect("intake ledger: gets what was put, replaces it, and reports a corrupt entry by its field", () =>
      Effect.gen(function* () {
        const ledger = yield* IntakeLedger.IntakeLedger
        expect(yield* ledger.get("msg:1")).toEqual(Option.none())
        const entry: IntakeLedger.Entry = {
          tip,
          at: 1_735_718_400_000,
          fingerprint: "FP-abc",
          conversation: { kind: "group", id: "612389004551" },
          replyTo: "mid-7"
        }
        yield* ledger.put("msg:1", entry)
        expect(yield* ledger.get("msg:1")).toEqual(Option.some(entry))
        yield* ledger.put("msg:1", { tip: "T-0002" as Tip.TipId, at: 5 })
        expect(yield* ledger.get("msg:1")).toEqual(Option.some({ tip: "T-0002", at: 5 }))
        yield* exec(`UPDATE intake_ledger SET entry = '{"tip":"","at":"FP-secret"}'`)
        const error = yield* Effect.flip(ledger.get("msg:1"))
        expect(error.reason).toBe("corrupt")
        expect(error.message).toContain("entry.tip")
        expect(error.message).toContain("entry.at")
        expect(error.message).not.toContain("FP-secret")
      }).pipe(Effect.provide(backend.fresh()(vaultConfig())))
    )

    it.effect("bindings: a conversation's own binding before its channel's, replace, unbind, list", () =>
      Effect.gen(function* () {
        const bindings = yield* Binding.Bindings
        expect(yield* bindings.resolve(OA, "g-1")).toEqual(Option.none())
        yield* bindings.bind(new Binding.Binding({ channel: OA, unit: unit("ninh-binh") }))
        yield* bindings.bind(new Binding.Binding({ channel: OA, conversation: "g-1", unit: unit("ninh-tien") }))
        expect(yield* bindings.resolve(OA, "g-1")).toEqual(
          Option.some(new Binding.Binding({ channel: OA, conversation: "g-1", unit: unit("ninh-tien") }))
        )
        expect(yield* bindings.resolve(OA, "g-2")).toEqual(
          Option.some(new Binding.Binding({ channel: OA, unit: unit("ninh-binh") }))
        )
        yield* bindings.bind(new Binding.Binding({ channel: OA, conversation: "g-1", unit: unit("ninh-phong") }))
        expect(Option.map(yield* bindings.resolve(OA, "g-1"), (b) => b.unit)).toEqual(Option.some("ninh-phong"))
        expect((yield* bindings.list).map((b) => [b.channel, b.conversation, b.unit])).toEqual([
          [OA, undefined, "ninh-binh"],
          [OA, "g-1", "ninh-phong"]
        ])
        yield* bindings.unbind(OA, "g-1")
        yield* bindings.unbind(OA, "g-9")
        expect(Option.map(yield* bindings.resolve(OA, "g-1"), (b) => b.unit)).toEqual(Option.some("ninh-binh"))
        yield* bindings.unbind(OA)
        expect(yield* bindings.list).toEqual([])
        yield* bindings.bind(new Binding.Binding({ channel: OA, unit: unit("ninh-binh") }))
        yield* exec("UPDATE bindings SET unit = ' '")
        const error = yield* Effect.flip(bindings.list)
        expect([error.reason, error.message]).toEqual([
          "corrupt",
          "A stored row of the table bindings is not valid: check unit."
        ])
      }).pipe(Effect.provide(backend.fresh()(vaultConfig())))
    )

    it.effect("conversation activity: the window follows the latest message, replies count, no identity stored", () =>
      Effect.gen(function* () {
        const activity = yield* Dispatcher.ConversationActivity
        const direct = yield* Dispatcher.directKey(OA, USER)
        const at = (millis: number) => DateTime.unsafeMake(millis)
        expect(yield* activity.get(OA, direct)).toBeUndefined()
        yield* activity.recordReply(OA, direct, at(500))
        expect(yield* activity.get(OA, direct)).toBeUndefined()
        yield* activity.recordInbound(OA, direct, at(1_000))
        yield* activity.recordReply(OA, direct, at(2_000))
        yield* activity.recordReply(OA, direct, at(3_000))
        yield* activity.recordReply(OA, direct, at(999))
        expect(yield* activity.get(OA, direct)).toEqual({ lastInboundAt: at(1_000), repliesSince: 2 })
        // An older delivery arriving late changes nothing; a newer one reopens the window and resets the count.
        yield* activity.recordInbound(OA, direct, at(900))
        expect(yield* activity.get(OA, direct)).toEqual({ lastInboundAt: at(1_000), repliesSince: 2 })
        yield* activity.recordInbound(OA, direct, at(4_000))
        expect(yield* activity.get(OA, direct)).toEqual({ lastInboundAt: at(4_000), repliesSince: 0 })
        const group = { kind: "group", id: "612389004551" } as const
        yield* activity.recordInbound(OA, group, at(10))
        expect(yield* activity.get(OA, group)).toEqual({ lastInboundAt: at(10), repliesSince: 0 })
        expect(yield* activity.get("fb-page:1", group)).toBeUndefined()
        const rows = yield* exec("SELECT * FROM conversation_activity")
        expect(rows).toHaveLength(2)
        expect(JSON.stringify(rows)).toContain(direct.id)
        expect(JSON.stringify(rows)).not.toContain(USER)
        yield* exec("UPDATE conversation_activity SET replies = -3")
        const error = yield* Effect.flip(activity.get(OA, group))
        expect([error.reason, error.message]).toEqual([
          "corrupt",
          "A stored row of the table conversation_activity is not valid: check replies."
        ])
      }).pipe(Effect.provide(backend.fresh()(vaultConfig())))
    )

    it.effect("turns driver failures into each port's own unavailable error", () =>
      Effect.gen(function* () {
        for (const table of ["outbox", "inbox", "intake_ledger", "bindings", "conversation_activity"]) {
          yield* exec(`DROP TABLE ${table}`)
        }
        const group = { kind: "group", id: "612389004551" } as const
        const failures = yield* Effect.all([
          Effect.flip(Effect.flatMap(Outbox.Outbox, (o) => o.get("a"))),
          Effect.flip(Effect.flatMap(Inbox.Inbox, (i) => i.deadLetters())),
          Effect.flip(Effect.flatMap(IntakeLedger.IntakeLedger, (l) => l.put("k", { tip, at: 1 }))),
          Effect.flip(Effect.flatMap(Binding.Bindings, (b) => b.resolve(OA, "g-1"))),
          Effect.flip(
            Effect.flatMap(Dispatcher.ConversationActivity, (a) => a.recordInbound(OA, group, DateTime.unsafeMake(1)))
          )
        ])
        expect(failures.map((e) => [e._tag, e.reason])).toEqual([
          ["OutboxError", "unavailable"],
          ["InboxError", "unavailable"],
          ["IntakeLedgerError", "unavailable"],
          ["BindingError", "unavailable"],
          ["ConversationActivityError", "unavailable"]
        ])
      }).pipe(Effect.provide(backend.fresh()(vaultConfig())))
    )
  })
}

if (!pgReachable) {
  describe("SQL messaging ports on postgresql", () => {
    if (process.env.CI === "true") {
      it(`PostgreSQL is reachable at ${host}:${port} (required in CI)`, () => {
        throw new Error(`PostgreSQL is not reachable at ${host}:${port}, and CI=true requires these tests to run`)
      })
    } else {
      it.skip(`PostgreSQL not reachable at ${host}:${port}: skipped`, () => {})
    }
  })
}
