// Platform credentials on SQLite and PostgreSQL: the published credentials suite on a fresh database per test,
// with a probe that reads the table directly; then what only SQL storage does: two instances sharing one
// PostgreSQL database refresh once between them, a row under another account does not open, a wrong key is named.
import { SqlClient } from "@effect/sql/SqlClient"
import { describe, expect, it } from "@effect/vitest"
import { Credentials } from "@tinbao/core"
import { CredentialsSuite } from "@tinbao/testkit/vitest"
import { DateTime, Effect, Exit, Layer, Redacted, Scope } from "effect"
import { type Backend, backends } from "./backends.js"
import { randomKey, vaultConfig } from "./fixtures.js"

const raw = (account: string) =>
  Effect.flatMap(SqlClient, (sql) =>
    Effect.map(sql`SELECT * FROM credentials WHERE account = ${account}`, (rows) => JSON.stringify(rows))
  )

const freshEachBuild = (backend: Backend) => Layer.unwrapEffect(Effect.sync(() => backend.fresh()(vaultConfig())))

const hour = 3_600_000
const account = "zalo-oa:207145032978"
const tokens = (n: number, now: number): Credentials.Tokens => ({
  accessToken: Redacted.make(`sql-access-${n}-7d1e`),
  refreshToken: Redacted.make(`sql-refresh-${n}-2b9c`),
  expiresAt: DateTime.unsafeMake(now + 25 * hour)
})

for (const backend of backends()) {
  CredentialsSuite.suite(`credentials suite on ${backend.name}`, freshEachBuild(backend), { raw })

  describe(`SQL credentials on ${backend.name}`, () => {
    it.live("refreshes once for twenty callers spread over two instances of storage on one database", () =>
      Effect.gen(function* () {
        const open = backend.fresh()
        const config = vaultConfig()
        const scope = yield* Scope.make()
        const first = yield* Layer.buildWithScope(open(config), scope)
        // SQLite is one process's file: its lock is that process's, so the second instance is the same storage.
        const second = backend.name === "postgresql" ? yield* Layer.buildWithScope(open(config), scope) : first
        const now = Date.now()
        const used = yield* Effect.provide(
          Effect.flatMap(Credentials.Credentials, (c) =>
            c.connect(account, { ...tokens(1, now), expiresAt: DateTime.unsafeMake(now + 60_000) })
          ),
          first
        )
        const spent = new Set<string>()
        let calls = 0
        let reused = 0
        const refresh: Credentials.Refresher = (token) =>
          Effect.gen(function* () {
            calls++
            yield* Effect.sleep("30 millis")
            if (spent.has(Redacted.value(token))) {
              reused++
              return yield* Effect.fail({ _tag: "Rejected", message: "used already" } as const)
            }
            spent.add(Redacted.value(token))
            return tokens(calls + 1, Date.now())
          })
        const results = yield* Effect.all(
          Array.from({ length: 20 }, (_, i) =>
            Effect.provide(
              Effect.flatMap(Credentials.Credentials, (c) => c.token(account, { refresh, after: used.generation })),
              i % 2 === 0 ? first : second
            )
          ),
          { concurrency: "unbounded" }
        )
        yield* Scope.close(scope, Exit.void)
        expect([calls, reused]).toEqual([1, 0])
        expect(new Set(results.map((c) => Redacted.value(c.accessToken)))).toEqual(new Set(["sql-access-2-7d1e"]))
      })
    )

    it.effect("refuses a sealed row copied under another account, and names a missing key", () =>
      Effect.gen(function* () {
        const credentials = yield* Credentials.Credentials
        const sql = yield* SqlClient
        yield* credentials.connect(account, tokens(1, 0))
        yield* sql`INSERT INTO credentials SELECT 'zalo-oa:other', key_id, iv, ciphertext, tag, expires_at,
          refresh_expires_at, generation, status, problem, updated_at FROM credentials WHERE account = ${account}`
        const copied = yield* Effect.flip(credentials.get("zalo-oa:other"))
        expect(copied.reason).toBe("corrupt")
        expect(copied.message).not.toContain("sql-access")
        yield* sql`UPDATE credentials SET key_id = 'k9' WHERE account = ${account}`
        const missing = yield* Effect.flip(credentials.get(account))
        expect([missing.reason, missing.message]).toEqual([
          "corrupt",
          `The tokens of ${account} cannot be opened: it was sealed with vault key "k9", which is not configured.`
        ])
      }).pipe(Effect.provide(backend.fresh()(vaultConfig({ k1: randomKey() }))))
    )
  })
}
