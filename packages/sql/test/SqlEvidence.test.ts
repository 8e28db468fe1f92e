// The evidence records on SQLite and PostgreSQL: the published evidence suite on a fresh database per test, with
// probes that read and write the table directly; then what only SQL storage does (the claims' index, driver
// failures).
import { SqlClient } from "@effect/sql/SqlClient"
import { describe, expect, it } from "@effect/vitest"
import { Evidence, type Tip } from "@tinbao/core"
import { EvidenceSuite, Postgres } from "@tinbao/testkit/vitest"
import { DateTime, Effect, Layer } from "effect"
import { type Backend, backends, pgCheck } from "./backends.js"
import { vaultConfig } from "./fixtures.js"

const column = (field: string) => field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)

const probes: EvidenceSuite.Probes<SqlClient> = {
  rows: () => Effect.flatMap(SqlClient, (sql) => sql`SELECT * FROM evidence`),
  writeRow: (row) =>
    Effect.flatMap(SqlClient, (sql) => {
      const columns: Record<string, unknown> = {}
      for (const [field, value] of Object.entries(row)) {
        columns[column(field)] = typeof value === "boolean" ? Number(value) : value
      }
      return sql`INSERT INTO evidence ${sql.insert(columns)}`
    })
}

// Every build opens a database of its own, as the suite requires.
const freshEachBuild = (backend: Backend) => Layer.unwrapEffect(Effect.sync(() => backend.fresh()(vaultConfig())))

const tip = "tip_0193a1b2c3d4e5f60718293a4b5c" as Tip.TipId

for (const backend of backends()) {
  EvidenceSuite.suite(`evidence suite on ${backend.name}`, freshEachBuild(backend), { probes })

  describe(`SQL evidence records on ${backend.name}`, () => {
    it.effect("keeps the due records in a partial index of the unrecorded rows", () =>
      Effect.gen(function* () {
        const sql = yield* SqlClient
        const records = yield* Evidence.EvidenceRecords
        const a = (yield* records.request(tip, "http://127.0.0.1:9/a.jpg")).entry
        yield* records.request(tip, "http://127.0.0.1:9/b.jpg")
        const now = yield* DateTime.now
        yield* records.claim(now, 1, 60_000)
        yield* records.notRetrieved(a.id, 1, { reason: "not_found", message: "gone" }, { recorded: true })
        const unrecorded = yield* sql<{ readonly n: number | string }>`SELECT count(*) AS n FROM evidence
          WHERE recorded = 0`
        expect(Number(unrecorded[0]!.n)).toBe(1)
        const indexes = yield* sql.onDialectOrElse({
          pg: () =>
            sql<{ readonly def: string }>`SELECT indexdef AS def FROM pg_indexes WHERE indexname = 'evidence_due'`,
          orElse: () => sql<{ readonly def: string }>`SELECT sql AS def FROM sqlite_master WHERE name = 'evidence_due'`
        })
        expect(indexes[0]?.def).toMatch(/WHERE \(?recorded = 0\)?/)
      }).pipe(Effect.provide(backend.fresh()(vaultConfig())))
    )

    it.effect("turns driver failures into the port's unavailable error", () =>
      Effect.gen(function* () {
        const sql = yield* SqlClient
        yield* sql`DROP TABLE evidence`
        const records = yield* Evidence.EvidenceRecords
        const failures = yield* Effect.all([
          Effect.flip(records.request(tip, "http://127.0.0.1:9/a.jpg")),
          Effect.flip(records.byTip(tip)),
          Effect.flip(records.claim(yield* DateTime.now, 1, 1_000))
        ])
        expect(failures.map((e) => [e._tag, e.reason])).toEqual([
          ["EvidenceError", "unavailable"],
          ["EvidenceError", "unavailable"],
          ["EvidenceError", "unavailable"]
        ])
      }).pipe(Effect.provide(backend.fresh()(vaultConfig())))
    )
  })
}

// Without a server: a failing test under CI=true, else one skipped test naming the host and port.
Postgres.registerStandIn(pgCheck)
