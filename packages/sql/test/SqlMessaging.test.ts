// The messaging ports on SQLite and PostgreSQL: the published messaging conformance suite on a fresh database
// per test, with probes that read and write the tables directly; then what only SQL storage does (corrupt rows
// of the intake ledger, bindings and conversation activity, which memory cannot hold; driver failures).
import { SqlClient } from "@effect/sql/SqlClient"
import { describe, expect, it } from "@effect/vitest"
import { Binding, ConversationActivity, Inbox, IntakeLedger, Outbox, type Tip, type Unit } from "@tinbao/core"
import { MessagingSuite, Postgres } from "@tinbao/testkit/vitest"
import { DateTime, Effect, Layer } from "effect"
import { type Backend, backends, pgCheck } from "./backends.js"
import { vaultConfig } from "./fixtures.js"

const exec = (statement: string) => Effect.flatMap(SqlClient, (sql) => sql.unsafe(statement))

const column = (field: string) => field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)

// A row written as the adapters write theirs (a flag as 0/1, headers as JSON), whatever its values.
const insertRow = (table: string, row: Readonly<Record<string, unknown>>) =>
  Effect.flatMap(SqlClient, (sql) => {
    const columns: Record<string, unknown> = {}
    for (const [field, value] of Object.entries(row)) {
      columns[column(field)] =
        typeof value === "boolean" ? Number(value) : field === "headers" ? JSON.stringify(value) : value
    }
    return sql`INSERT INTO ${sql(table)} ${sql.insert(columns)}`
  })

const probes: MessagingSuite.Probes<SqlClient> = {
  outboxRows: () => exec("SELECT * FROM outbox"),
  writeOutboxRow: (row) => insertRow("outbox", row),
  writeInboxRow: (row) => insertRow("inbox", row)
}

// Every build opens a database of its own, as the suite requires.
const freshEachBuild = (backend: Backend) => Layer.unwrapEffect(Effect.sync(() => backend.fresh()(vaultConfig())))

const tip = "T-0001" as Tip.TipId
const OA = "zalo-oa:4318097521"
const USER = "8123456789012345"

for (const backend of backends()) {
  MessagingSuite.suite(`messaging suite on ${backend.name}`, freshEachBuild(backend), { probes })

  describe(`SQL messaging ports on ${backend.name}`, () => {
    it.effect("intake ledger: reports a corrupt entry by its fields, without their values", () =>
      Effect.gen(function* () {
        const ledger = yield* IntakeLedger.IntakeLedger
        yield* ledger.put("msg:1", { tip, at: 1_735_718_400_000, fingerprint: "FP-abc" })
        yield* exec(`UPDATE intake_ledger SET entry = '{"tip":"","at":"FP-secret"}'`)
        const error = yield* Effect.flip(ledger.get("msg:1"))
        expect(error.reason).toBe("corrupt")
        expect(error.message).toContain("entry.tip")
        expect(error.message).toContain("entry.at")
        expect(error.message).not.toContain("FP-secret")
      }).pipe(Effect.provide(backend.fresh()(vaultConfig())))
    )

    it.effect("bindings: reports a corrupt row by its column", () =>
      Effect.gen(function* () {
        const bindings = yield* Binding.Bindings
        yield* bindings.bind(new Binding.Binding({ channel: OA, unit: "ninh-binh" as Unit.UnitId }))
        yield* exec("UPDATE bindings SET unit = ' '")
        const error = yield* Effect.flip(bindings.list)
        expect([error.reason, error.message]).toEqual([
          "corrupt",
          "A stored row of the table bindings is not valid: check unit."
        ])
      }).pipe(Effect.provide(backend.fresh()(vaultConfig())))
    )

    it.effect("conversation activity: a direct conversation under the vault's fingerprint, no identity stored", () =>
      Effect.gen(function* () {
        const activity = yield* ConversationActivity.ConversationActivity
        const direct = yield* ConversationActivity.directKey(OA, USER)
        const group = { kind: "group", id: "612389004551" } as const
        yield* activity.recordInbound(OA, direct, DateTime.unsafeMake(1_000))
        yield* activity.recordInbound(OA, group, DateTime.unsafeMake(10))
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
            Effect.flatMap(ConversationActivity.ConversationActivity, (a) =>
              a.recordInbound(OA, group, DateTime.unsafeMake(1))
            )
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

// Without a server: a failing test under CI=true, else one skipped test naming the host and port.
Postgres.registerStandIn(pgCheck)
