import { SqlClient } from "@effect/sql/SqlClient"
import { describe, expect, it } from "@effect/vitest"
import { IdentityVault, Outbox } from "@tinbao/core"
import { DateTime, Effect, Schema, TestClock } from "effect"
import { backends, host, pgReachable, port } from "./backends.js"
import { vaultConfig } from "./fixtures.js"

const alias = Schema.decodeSync(IdentityVault.AliasId)("AL-0123456789ABCDEF")
const PLATFORM_ID = "843009701254"

const message = (key: string, overrides: Partial<Outbox.Message> = {}): Outbox.Message => ({
  key,
  channel: "zalo-oa:207145032978",
  conversation: { kind: "direct", id: alias },
  recipient: alias,
  text: "Công an phường đã nhận tin báo của bạn, mã NINHTIEN-2024-0026.",
  ...overrides
})

const reasonOf = <A, R>(effect: Effect.Effect<A, Outbox.OutboxError, R>) =>
  Effect.map(Effect.flip(effect), (e) => e.reason)

const exec = (statement: string) => Effect.flatMap(SqlClient, (sql) => sql.unsafe(statement))

for (const backend of backends()) {
  describe(`SqlOutbox on ${backend.name}`, () => {
    it.effect("enqueues once per key and keeps the first entry", () =>
      Effect.gen(function* () {
        yield* TestClock.setTime(1_735_718_400_000)
        const o = yield* Outbox.Outbox
        const first = yield* o.enqueue(message("ack:T1", { tip: "T1" as never, humanAgent: true, replyTo: "m-1" }))
        expect(first.created).toBe(true)
        expect(first.entry).toMatchObject({ key: "ack:T1", status: "pending", attempts: 0, humanAgent: true })
        expect(DateTime.toEpochMillis(first.entry.createdAt)).toBe(1_735_718_400_000)
        yield* TestClock.adjust("1 minute")
        const second = yield* o.enqueue(message("ack:T1", { text: "Another text" }))
        expect(second.created).toBe(false)
        expect(second.entry).toEqual(first.entry)
        expect(yield* o.get("ack:T1")).toEqual(first.entry)
        expect(yield* o.get("ack:T2")).toBeUndefined()
        expect((yield* o.list()).map((e) => e.text)).toEqual([first.entry.text])
      }).pipe(Effect.provide(backend.fresh()(vaultConfig())))
    )

    it.effect("leases due entries earliest first, again after expiry, and refuses a stale settle", () =>
      Effect.gen(function* () {
        const o = yield* Outbox.Outbox
        yield* o.enqueue(message("a"))
        yield* TestClock.adjust("1 second")
        yield* o.enqueue(message("b", { conversation: { kind: "group", id: "612389004551" } }))
        const now = yield* DateTime.now
        const first = yield* o.claim(now, 1, 60_000)
        expect(first.map((e) => [e.key, e.status, e.attempts])).toEqual([["a", "sending", 1]])
        expect(DateTime.toEpochMillis(first[0]!.leaseUntil!)).toBe(DateTime.toEpochMillis(now) + 60_000)
        expect((yield* o.claim(now, 10, 60_000)).map((e) => e.key)).toEqual(["b"])
        expect(yield* o.claim(now, 10, 60_000)).toEqual([])
        const later = DateTime.add(now, { millis: 60_000 })
        const again = yield* o.claim(later, 10, 60_000)
        expect(again.map((e) => [e.key, e.attempts])).toEqual([
          ["a", 2],
          ["b", 2]
        ])
        expect(yield* reasonOf(o.complete("a", 1, "mid-1"))).toBe("lease_lost")
        const sent = yield* o.complete("a", 2, "mid-2")
        expect(sent).toMatchObject({ status: "sent", platformMessageId: "mid-2", attempts: 2 })
        expect(sent.leaseUntil).toBeUndefined()
        expect(yield* reasonOf(o.complete("a", 2, "mid-3"))).toBe("lease_lost")
        expect(yield* reasonOf(o.complete("zzz", 1, "mid"))).toBe("not_found")
        const error = { reason: "rate_limited", message: "The page sends too fast." } as const
        const retried = yield* o.retryAt("b", 2, DateTime.add(later, { seconds: 30 }), error)
        expect(retried).toMatchObject({ status: "pending", lastError: error, attempts: 2 })
        expect(yield* o.claim(DateTime.add(later, { seconds: 29 }), 10, 60_000)).toEqual([])
        yield* o.claim(DateTime.add(later, { seconds: 30 }), 10, 60_000)
        const failed = yield* o.fail("b", 3, { reason: "outside_window", message: "closed" })
        expect(failed).toMatchObject({ status: "failed", lastError: { reason: "outside_window" } })
        expect((yield* o.list("failed")).map((e) => e.key)).toEqual(["b"])
        expect((yield* o.list("sent")).map((e) => e.key)).toEqual(["a"])
        expect(yield* o.list("sending")).toEqual([])
      }).pipe(Effect.provide(backend.fresh()(vaultConfig())))
    )

    it.effect("stores the alias, never the platform id of a direct conversation", () =>
      Effect.gen(function* () {
        const o = yield* Outbox.Outbox
        const { entry } = yield* o.enqueue(message("k", { conversation: { kind: "direct", id: PLATFORM_ID } }))
        expect(entry.conversation).toEqual({ kind: "direct", id: alias })
        const rows = yield* exec("SELECT * FROM outbox")
        expect(rows).toHaveLength(1)
        expect(JSON.stringify(rows)).toContain(alias)
        expect(JSON.stringify(rows)).not.toContain(PLATFORM_ID)
      }).pipe(Effect.provide(backend.fresh()(vaultConfig())))
    )

    it.effect("reports a corrupt row as corrupt, by its column and without its value", () =>
      Effect.gen(function* () {
        const o = yield* Outbox.Outbox
        yield* o.enqueue(message("a"))
        yield* o.enqueue(message("b"))
        yield* exec("UPDATE outbox SET human_agent = 5 WHERE key = 'a'")
        const flag = yield* Effect.flip(o.get("a"))
        expect([flag.reason, flag.message]).toEqual([
          "corrupt",
          "A stored row of the table outbox is not valid: check human_agent."
        ])
        yield* exec(`UPDATE outbox SET recipient = '${PLATFORM_ID}', attempts = -1 WHERE key = 'b'`)
        const bad = yield* Effect.flip(o.get("b"))
        expect(bad.reason).toBe("corrupt")
        expect(bad.message).toContain("recipient")
        expect(bad.message).toContain("attempts")
        expect(bad.message).not.toContain(PLATFORM_ID)
        expect(yield* reasonOf(o.list())).toBe("corrupt")
      }).pipe(Effect.provide(backend.fresh()(vaultConfig())))
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

if (!pgReachable) {
  describe("SqlOutbox on postgresql", () => {
    if (process.env.CI === "true") {
      it(`PostgreSQL is reachable at ${host}:${port} (required in CI)`, () => {
        throw new Error(`PostgreSQL is not reachable at ${host}:${port}, and CI=true requires these tests to run`)
      })
    } else {
      it.skip(`PostgreSQL not reachable at ${host}:${port}: skipped`, () => {})
    }
  })
}
