import { SqlClient } from "@effect/sql/SqlClient"
import { describe, expect, it } from "@effect/vitest"
import { type Channel, Inbox } from "@tinbao/core"
import { DateTime, Effect, TestClock } from "effect"
import { backends, host, pgReachable, port } from "./backends.js"
import { vaultConfig } from "./fixtures.js"

const CHANNEL = "fb-page:1048576001"

const delivery = (
  body: Uint8Array = new TextEncoder().encode('{"object":"page","entry":[]}')
): Channel.RawDelivery => ({
  method: "POST",
  url: "https://tinbao.example/webhooks/fb-page:1048576001",
  headers: { "content-type": "application/json", "x-hub-signature-256": "sha256=00ff" },
  body
})

const reasonOf = <A, R>(effect: Effect.Effect<A, Inbox.InboxError, R>) =>
  Effect.map(Effect.flip(effect), (e) => e.reason)

const exec = (statement: string) => Effect.flatMap(SqlClient, (sql) => sql.unsafe(statement))

for (const backend of backends()) {
  describe(`SqlInbox on ${backend.name}`, () => {
    it.effect("keeps the bytes exactly, a non-UTF-8 body too, and leases to one worker at a time", () =>
      Effect.gen(function* () {
        const inbox = yield* Inbox.Inbox
        const body = new Uint8Array([0xff, 0xfe, 0x00, 0x7b, 0xc3, 0x28, 0x80, 0x0a])
        const id = yield* inbox.store(CHANNEL, delivery(body), yield* DateTime.now)
        const stored = (yield* inbox.get(id))!
        expect(stored).toMatchObject({ channel: CHANNEL, status: "pending", attempts: 0 })
        expect(stored.delivery.body).toEqual(body)
        expect(stored.delivery.headers).toEqual(delivery().headers)
        const now = yield* DateTime.now
        const [claimed] = yield* inbox.claim(now, 10, 30_000)
        expect(claimed).toMatchObject({ id, status: "processing", attempts: 1 })
        expect(yield* inbox.claim(now, 10, 30_000)).toEqual([])
        expect((yield* inbox.claim(DateTime.add(now, { seconds: 30 }), 10, 30_000)).map((e) => e.attempts)).toEqual([2])
        yield* inbox.retryAt(id, DateTime.add(now, { minutes: 5 }), "IntakeError")
        expect(yield* inbox.get(id)).toMatchObject({ status: "pending", lastError: "IntakeError" })
        expect(yield* inbox.claim(DateTime.add(now, { seconds: 299 }), 10, 30_000)).toEqual([])
        expect(yield* inbox.claim(DateTime.add(now, { minutes: 5 }), 10, 30_000)).toHaveLength(1)
        yield* inbox.done(id)
        expect((yield* inbox.get(id))?.status).toBe("done")
        expect(yield* reasonOf(inbox.done(id))).toBe("conflict")
        expect(yield* reasonOf(inbox.done("IB-00000000000000000000000000000000" as Inbox.InboxId))).toBe("not_found")
      }).pipe(Effect.provide(backend.fresh()(vaultConfig())))
    )

    it.effect("keeps dead letters, replays them, and purges only what is done", () =>
      Effect.gen(function* () {
        const inbox = yield* Inbox.Inbox
        const first = yield* inbox.store(CHANNEL, delivery(), yield* DateTime.now, {
          deadLetter: "unsupported: reaction"
        })
        yield* TestClock.adjust("1 second")
        const second = yield* inbox.store(CHANNEL, delivery(), yield* DateTime.now)
        yield* inbox.deadLetter(second, "bad_signature")
        expect((yield* inbox.deadLetters()).map((e) => [e.id, e.deadReason])).toEqual([
          [first, "unsupported: reaction"],
          [second, "bad_signature"]
        ])
        expect(yield* inbox.claim(yield* DateTime.now, 10, 1000)).toEqual([])
        yield* TestClock.adjust("1 hour")
        yield* inbox.replay(first)
        const replayed = (yield* inbox.get(first))!
        expect(replayed).toMatchObject({ status: "pending", deadReason: "unsupported: reaction" })
        expect(DateTime.toEpochMillis(replayed.nextAttemptAt)).toBe(3_601_000)
        expect(yield* reasonOf(inbox.replay(first))).toBe("conflict")
        expect((yield* inbox.claim(yield* DateTime.now, 10, 1000)).map((e) => e.id)).toEqual([first])
        yield* inbox.done(first)
        expect(yield* inbox.purge(DateTime.unsafeMake(0))).toBe(0)
        expect(yield* inbox.purge(yield* DateTime.now)).toBe(1)
        expect(yield* inbox.get(first)).toBeUndefined()
        expect((yield* inbox.get(second))?.status).toBe("dead")
      }).pipe(Effect.provide(backend.fresh()(vaultConfig())))
    )

    it.effect("reports corrupt rows by their columns", () =>
      Effect.gen(function* () {
        const inbox = yield* Inbox.Inbox
        const a = yield* inbox.store(CHANNEL, delivery(), yield* DateTime.now)
        const b = yield* inbox.store(CHANNEL, delivery(), yield* DateTime.now)
        yield* exec(`UPDATE inbox SET headers = 'Bearer secret-token' WHERE id = '${a}'`)
        const headers = yield* Effect.flip(inbox.get(a))
        expect([headers.reason, headers.message]).toEqual([
          "corrupt",
          "A stored row of the table inbox is not valid: check headers."
        ])
        yield* exec(`UPDATE inbox SET body = '%%%' WHERE id = '${b}'`)
        const body = yield* Effect.flip(inbox.get(b))
        expect(body.reason).toBe("corrupt")
        expect(body.message).toContain("body")
        expect(body.message).not.toContain("%%%")
      }).pipe(Effect.provide(backend.fresh()(vaultConfig())))
    )

    it.effect("gives two instances claiming in parallel each delivery once", () =>
      Effect.gen(function* () {
        const open = backend.fresh()
        const [one, two] = [open(vaultConfig()), open(vaultConfig())]
        const now = yield* DateTime.now
        const ids = yield* Effect.provide(
          Effect.flatMap(Inbox.Inbox, (inbox) =>
            Effect.forEach(Array.from({ length: 60 }), () => inbox.store(CHANNEL, delivery(), now))
          ),
          one
        )
        const drain = Effect.flatMap(Inbox.Inbox, (inbox) =>
          Effect.gen(function* () {
            const claimed: Array<string> = []
            while (true) {
              const batch = yield* inbox.claim(now, 5, 60_000)
              if (batch.length === 0) return claimed
              claimed.push(...batch.map((e) => e.id))
            }
          })
        )
        const [a, b] = yield* Effect.all([Effect.provide(drain, one), Effect.provide(drain, two)], {
          concurrency: 2
        })
        expect([...a, ...b].sort()).toEqual([...ids].sort())
      })
    )
  })
}

if (!pgReachable) {
  describe("SqlInbox on postgresql", () => {
    if (process.env.CI === "true") {
      it(`PostgreSQL is reachable at ${host}:${port} (required in CI)`, () => {
        throw new Error(`PostgreSQL is not reachable at ${host}:${port}, and CI=true requires these tests to run`)
      })
    } else {
      it.skip(`PostgreSQL not reachable at ${host}:${port}: skipped`, () => {})
    }
  })
}
