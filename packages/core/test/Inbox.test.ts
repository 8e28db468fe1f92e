// What only the memory store and `Inbox.makeEncoded` do. The inbox's behaviour (store, claim, retry, dead
// letters, replay, purge, corrupt rows) is checked by the messaging conformance suite, run on the memory layers
// in Outbox.test.ts and on SQLite and PostgreSQL in @tinbao/sql.
import { describe, expect, it } from "@effect/vitest"
import { DateTime, Effect, TestClock } from "effect"
import * as Inbox from "../src/Inbox.js"

const delivery = {
  method: "POST",
  url: "https://tinbao.example/webhooks/fb-page:1048576001",
  headers: { "content-type": "application/json", "x-hub-signature-256": "sha256=00ff" },
  body: new TextEncoder().encode("{}")
}

describe("Inbox.makeEncoded over the memory store", () => {
  it.effect("writes a delivery as a flat row, its body in base64", () =>
    Effect.gen(function* () {
      const store = Inbox.makeMemoryEncoded()
      const id = yield* Inbox.makeEncoded(store).store("fb-page:1048576001", delivery, DateTime.unsafeMake(5))
      expect(yield* store.get(id)).toEqual({
        id,
        channel: "fb-page:1048576001",
        method: "POST",
        url: delivery.url,
        headers: delivery.headers,
        body: "e30=",
        receivedAt: 5,
        status: "pending",
        attempts: 0,
        nextAttemptAt: 5,
        leaseUntil: null,
        deadReason: null,
        lastError: null
      })
    })
  )

  it.effect("refuses a second row with an id already stored", () =>
    Effect.gen(function* () {
      const store = Inbox.makeMemoryEncoded()
      const id = yield* Inbox.makeEncoded(store).store("fb-page:1048576001", delivery, DateTime.unsafeMake(5))
      const error = yield* Effect.flip(store.insert({ ...(yield* store.get(id))!, body: "e31=" }))
      expect([error.reason, error.message]).toEqual(["invalid", `A delivery with id ${id} exists.`])
      expect((yield* store.get(id))?.body).toBe("e30=")
    })
  )
})

describe("Inbox.runRetention", () => {
  it.scoped(
    "purges in the background, a round every pollMillis: processed deliveries after 7 days, dead letters after 90",
    () =>
      Effect.gen(function* () {
        const inbox = yield* Inbox.Inbox
        const done = yield* inbox.store("fb-page:1048576001", delivery, yield* DateTime.now)
        const dead = yield* inbox.store("fb-page:1048576001", delivery, yield* DateTime.now, { deadLetter: "x" })
        yield* inbox.claim(yield* DateTime.now, 1, 1000)
        yield* inbox.done(done)
        // A round a day, not an hour: the test clock runs each round, and 90 days of hourly rounds take seconds.
        yield* Inbox.runRetention({ pollMillis: 86_400_000 })
        yield* TestClock.adjust("7 days")
        expect(yield* inbox.get(done)).toBeDefined()
        yield* TestClock.adjust("1 day")
        expect(yield* inbox.get(done)).toBeUndefined()
        yield* TestClock.adjust("82 days")
        expect((yield* inbox.get(dead))?.status).toBe("dead")
        yield* TestClock.adjust("1 day")
        expect(yield* inbox.get(dead)).toBeUndefined()
      }).pipe(Effect.provide(Inbox.layerMemory))
  )

  it.scoped("refuses options out of range before it starts", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(Inbox.runRetention({ keepDone: "0 millis" }))
      expect([error.reason, error.message]).toEqual([
        "invalid",
        "The inbox's keepDone must be a positive, finite duration."
      ])
      expect((yield* Effect.flip(Inbox.runRetention({ pollMillis: -1 }))).reason).toBe("invalid")
      expect(Inbox.defaultRetention).toEqual({ keepDone: "7 days", keepDeadLetters: "90 days", pollMillis: 3_600_000 })
    }).pipe(Effect.provide(Inbox.layerMemory))
  )
})
