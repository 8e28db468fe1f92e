// What only the SQL outbox does; its behaviour is checked by the messaging conformance suite in
// SqlMessaging.test.ts. Here: two app instances (two connection pools) on one database, and the wording of a
// row that fails the table's own column types.
import { SqlClient } from "@effect/sql/SqlClient"
import { describe, expect, it } from "@effect/vitest"
import { IdentityVault, Outbox } from "@tinbao/core"
import { SqlMigrations } from "@tinbao/sql"
import { Postgres } from "@tinbao/testkit/vitest"
import { DateTime, Effect, Schema } from "effect"
import { backends, pgCheck } from "./backends.js"
import { exec, undoTipPages, vaultConfig } from "./fixtures.js"

const alias = Schema.decodeSync(IdentityVault.AliasId)("AL-0123456789ABCDEF")

const message = (key: string): Outbox.Message => ({
  key,
  channel: "zalo-oa:207145032978",
  conversation: { kind: "direct", id: alias },
  recipient: alias,
  text: "Công an phường đã nhận tin báo của bạn, mã NINHTIEN-2024-0026."
})

for (const backend of backends()) {
  describe(`SqlOutbox on ${backend.name}`, () => {
    it.effect("names the table and the column of a flag that is neither 0 nor 1", () =>
      Effect.gen(function* () {
        const o = yield* Outbox.Outbox
        yield* o.enqueue(message("a"))
        yield* exec("UPDATE outbox SET human_agent = 5 WHERE key = 'a'")
        const flag = yield* Effect.flip(o.get("a"))
        expect([flag.reason, flag.message]).toEqual([
          "corrupt",
          "A stored row of the table outbox is not valid: check human_agent."
        ])
      }).pipe(Effect.provide(backend.fresh()(vaultConfig())))
    )

    it.effect("reads the entries stored before 8_outbox_public as private, and keeps a public one after it", () =>
      Effect.gen(function* () {
        const open = backend.fresh()
        const post = { kind: "post", id: "1048576001_1221316769" } as const
        // The database as the release before 8 left it: no `public` column, migrations 8 and 9 not run, an entry
        // queued.
        yield* Effect.gen(function* () {
          yield* (yield* Outbox.Outbox).enqueue(message("ack:T1"))
          yield* undoTipPages
          yield* exec("ALTER TABLE outbox DROP COLUMN public")
          yield* exec(`DELETE FROM ${SqlMigrations.table} WHERE migration_id = 8`)
        }).pipe(Effect.provide(open(vaultConfig())))
        yield* Effect.gen(function* () {
          const o = yield* Outbox.Outbox
          expect((yield* o.get("ack:T1"))?.public).toBe(false)
          yield* o.enqueue({ ...message("reply:T1:2"), conversation: post, replyTo: "c1", public: true })
          expect((yield* o.get("reply:T1:2"))?.public).toBe(true)
          const rows = yield* Effect.flatMap(
            SqlClient,
            (sql) => sql<{ key: string; public: number | boolean }>`SELECT key, public FROM outbox ORDER BY key`
          )
          expect(rows.map((r) => [r.key, Number(r.public)])).toEqual([
            ["ack:T1", 0],
            ["reply:T1:2", 1]
          ])
        }).pipe(Effect.provide(open(vaultConfig())))
      })
    )

    it.effect("gives two instances claiming in parallel over 100 due entries each entry once", () =>
      Effect.gen(function* () {
        const open = backend.fresh()
        const [one, two] = [open(vaultConfig()), open(vaultConfig())]
        const now = yield* DateTime.now
        yield* Effect.provide(
          Effect.flatMap(Outbox.Outbox, (o) =>
            Effect.forEach(
              Array.from({ length: 100 }, (_, i) => message(`m-${i}`)),
              o.enqueue,
              { discard: true }
            )
          ),
          one
        )
        const drain = Effect.flatMap(Outbox.Outbox, (o) =>
          Effect.gen(function* () {
            const keys: Array<string> = []
            while (true) {
              const claimed = yield* o.claim(now, 7, 60_000)
              if (claimed.length === 0) return keys
              keys.push(...claimed.map((e) => e.key))
            }
          })
        )
        const [a, b] = yield* Effect.all([Effect.provide(drain, one), Effect.provide(drain, two)], {
          concurrency: 2
        })
        const all = [...a, ...b]
        expect(new Set(all).size).toBe(100)
        expect(all).toHaveLength(100)
        const check = Effect.flatMap(Outbox.Outbox, (o) => o.claim(now, 100, 60_000))
        expect(yield* Effect.provide(check, two)).toEqual([])
        const expired = yield* Effect.provide(
          Effect.flatMap(Outbox.Outbox, (o) => o.claim(DateTime.add(now, { minutes: 1 }), 100, 60_000)),
          two
        )
        expect(expired).toHaveLength(100)
        expect(new Set(expired.map((e) => e.attempts))).toEqual(new Set([2]))
      })
    )
  })
}

// Without a server: a failing test under CI=true, else one skipped test naming the host and port.
Postgres.registerStandIn(pgCheck)
