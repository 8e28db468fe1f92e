import { describe, expect, it } from "@effect/vitest"
import { DateTime, Effect, TestClock } from "effect"
import type { RawDelivery } from "../src/Channel.js"
import * as Inbox from "../src/Inbox.js"

const CHANNEL = "fb-page:1048576001"
const bytes = (text: string) => new TextEncoder().encode(text)

const delivery = (text = '{"object":"page","entry":[]}'): RawDelivery => ({
  method: "POST",
  url: "https://tinbao.example/webhooks/fb-page:1048576001",
  headers: { "content-type": "application/json", "x-hub-signature-256": "sha256=00ff" },
  body: bytes(text)
})

const reasonOf = <A, R>(effect: Effect.Effect<A, Inbox.InboxError, R>) =>
  Effect.map(Effect.flip(effect), (e) => e.reason)

describe("Inbox", () => {
  it.effect("stores a delivery byte for byte and hands it to one worker at a time", () =>
    Effect.gen(function* () {
      const inbox = yield* Inbox.Inbox
      // Not UTF-8, on purpose: the inbox keeps bytes, not text.
      const raw = { ...delivery(), body: new Uint8Array([0xff, 0xfe, 0x00, 0x7b]) }
      const id = yield* inbox.store(CHANNEL, raw, yield* DateTime.now)
      expect(id).toMatch(/^IB-[0-9a-f]{32}$/)
      const stored = (yield* inbox.get(id))!
      expect(stored).toMatchObject({ channel: CHANNEL, status: "pending", attempts: 0 })
      expect(stored.delivery.body).toEqual(raw.body)
      expect(stored.delivery.headers).toEqual(raw.headers)
      const now = yield* DateTime.now
      const [claimed] = yield* inbox.claim(now, 10, 30_000)
      expect(claimed).toMatchObject({ id, status: "processing", attempts: 1 })
      expect(yield* inbox.claim(now, 10, 30_000)).toEqual([])
      expect((yield* inbox.claim(DateTime.add(now, { seconds: 30 }), 10, 30_000)).map((e) => e.attempts)).toEqual([2])
      yield* inbox.done(id)
      expect((yield* inbox.get(id))?.status).toBe("done")
      expect(yield* reasonOf(inbox.done(id))).toBe("conflict")
    }).pipe(Effect.provide(Inbox.layerMemory))
  )

  it.effect("keeps the body as base64 in the encoded store", () =>
    Effect.gen(function* () {
      const store = Inbox.makeMemoryEncoded()
      const inbox = Inbox.makeEncoded(store)
      const id = yield* inbox.store(CHANNEL, delivery("{}"), DateTime.unsafeMake(5))
      expect(yield* store.get(id)).toMatchObject({ body: "e30=", receivedAt: 5, status: "pending", leaseUntil: null })
      yield* store.insert({ ...(yield* store.get(id))!, id: "IB-bad", body: "%%%" })
      const error = yield* Effect.flip(inbox.get("IB-bad" as Inbox.InboxId))
      expect(error.reason).toBe("corrupt")
      expect(error.message).toContain("id, body")
    })
  )

  it.effect("retries a failed delivery later, never dropping it", () =>
    Effect.gen(function* () {
      const inbox = yield* Inbox.Inbox
      const id = yield* inbox.store(CHANNEL, delivery(), yield* DateTime.now)
      const now = yield* DateTime.now
      yield* inbox.claim(now, 10, 30_000)
      yield* inbox.retryAt(id, DateTime.add(now, { seconds: 10 }), "IntakeError")
      expect(yield* inbox.get(id)).toMatchObject({ status: "pending", lastError: "IntakeError" })
      expect(yield* inbox.claim(DateTime.add(now, { seconds: 9 }), 10, 30_000)).toEqual([])
      expect(yield* inbox.claim(DateTime.add(now, { seconds: 10 }), 10, 30_000)).toHaveLength(1)
      yield* inbox.done(id)
      expect((yield* inbox.get(id))?.lastError).toBeUndefined()
    }).pipe(Effect.provide(Inbox.layerMemory))
  )

  it.effect("keeps dead letters to inspect and replays them", () =>
    Effect.gen(function* () {
      const inbox = yield* Inbox.Inbox
      const first = yield* inbox.store(CHANNEL, delivery(), yield* DateTime.now, {
        deadLetter: "unsupported: reaction"
      })
      yield* TestClock.adjust("1 second")
      const second = yield* inbox.store(CHANNEL, delivery(), yield* DateTime.now)
      yield* inbox.deadLetter(second, "bad_signature")
      const dead = yield* inbox.deadLetters()
      expect(dead.map((e) => [e.id, e.deadReason])).toEqual([
        [first, "unsupported: reaction"],
        [second, "bad_signature"]
      ])
      expect(yield* inbox.claim(yield* DateTime.now, 10, 1000)).toEqual([])
      yield* TestClock.adjust("1 hour")
      yield* inbox.replay(first)
      const replayed = (yield* inbox.get(first))!
      expect(replayed).toMatchObject({ status: "pending" })
      expect(replayed.deadReason).toBe("unsupported: reaction")
      expect(DateTime.toEpochMillis(replayed.nextAttemptAt)).toBe(3_601_000)
      expect((yield* inbox.claim(yield* DateTime.now, 10, 1000)).map((e) => e.id)).toEqual([first])
      expect(yield* reasonOf(inbox.replay(first))).toBe("conflict")
      expect(yield* reasonOf(inbox.replay("IB-00000000000000000000000000000000" as Inbox.InboxId))).toBe("not_found")
      expect((yield* inbox.deadLetters()).map((e) => e.id)).toEqual([second])
    }).pipe(Effect.provide(Inbox.layerMemory))
  )

  it.effect("purges what is done, and only that", () =>
    Effect.gen(function* () {
      const inbox = yield* Inbox.Inbox
      const done = yield* inbox.store(CHANNEL, delivery(), DateTime.unsafeMake(0))
      const pending = yield* inbox.store(CHANNEL, delivery(), DateTime.unsafeMake(0))
      const dead = yield* inbox.store(CHANNEL, delivery(), DateTime.unsafeMake(0), { deadLetter: "x" })
      yield* inbox.claim(DateTime.unsafeMake(0), 1, 1000)
      yield* inbox.done(done)
      expect(yield* inbox.purge(DateTime.unsafeMake(0))).toBe(0)
      expect(yield* inbox.purge(DateTime.unsafeMake(1))).toBe(1)
      expect(yield* inbox.get(done)).toBeUndefined()
      expect((yield* inbox.get(pending))?.status).toBe("pending")
      expect((yield* inbox.get(dead))?.status).toBe("dead")
    }).pipe(Effect.provide(Inbox.layerMemory))
  )

  it.effect("refuses malformed deliveries and claims", () =>
    Effect.gen(function* () {
      const inbox = yield* Inbox.Inbox
      const now = yield* DateTime.now
      expect(yield* reasonOf(inbox.store(" ", delivery(), now))).toBe("invalid")
      const notBytes = { ...delivery(), body: "text" as unknown as Uint8Array }
      const error = yield* Effect.flip(inbox.store(CHANNEL, notBytes, now))
      expect(error).toMatchObject({ reason: "invalid" })
      expect(error.message).toContain("body")
      expect(yield* reasonOf(inbox.claim(now, 0, 1000))).toBe("invalid")
      expect(yield* reasonOf(inbox.done("IB-00000000000000000000000000000000" as Inbox.InboxId))).toBe("not_found")
    }).pipe(Effect.provide(Inbox.layerMemory))
  )
})
