import { describe, expect, it } from "@effect/vitest"
import { DateTime, Effect, Layer, Schema, TestClock } from "effect"
import { AliasId } from "../src/IdentityVault.js"
import * as Outbox from "../src/Outbox.js"

const alias = Schema.decodeSync(AliasId)("AL-0123456789ABCDEF")
const other = Schema.decodeSync(AliasId)("AL-ZYXWVTSRQPNMKJHG")

const message = (key: string, overrides: Partial<Outbox.Message> = {}): Outbox.Message => ({
  key,
  channel: "zalo-oa:207145032978",
  conversation: { kind: "direct", id: alias },
  recipient: alias,
  text: "Công an phường đã nhận tin báo của bạn, mã NINHTIEN-2024-0026.",
  ...overrides
})

const outbox = Outbox.Outbox
const reasonOf = <A, R>(effect: Effect.Effect<A, Outbox.OutboxError, R>) =>
  Effect.map(Effect.flip(effect), (e) => e.reason)

describe("Outbox", () => {
  it.effect("enqueues a message as a pending entry, due now", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(1_735_718_400_000)
      const o = yield* outbox
      const { entry, created } = yield* o.enqueue(message("ack:T1", { tip: "T1" as never }))
      expect(created).toBe(true)
      expect(entry).toMatchObject({ key: "ack:T1", status: "pending", attempts: 0, humanAgent: false, tip: "T1" })
      expect(DateTime.toEpochMillis(entry.createdAt)).toBe(1_735_718_400_000)
      expect(DateTime.toEpochMillis(entry.nextAttemptAt)).toBe(1_735_718_400_000)
      expect(yield* o.get("ack:T1")).toEqual(entry)
      expect(yield* o.get("ack:T2")).toBeUndefined()
    }).pipe(Effect.provide(Outbox.layerMemory))
  )

  it.effect("keeps the first entry when a key is enqueued twice, and says so", () =>
    Effect.gen(function* () {
      const o = yield* outbox
      const first = yield* o.enqueue(message("ack:T1"))
      yield* TestClock.adjust("1 minute")
      const second = yield* o.enqueue(message("ack:T1", { text: "Another text" }))
      expect(second.created).toBe(false)
      expect(second.entry).toEqual(first.entry)
      expect((yield* o.list()).map((e) => e.text)).toEqual([first.entry.text])
    }).pipe(Effect.provide(Outbox.layerMemory))
  )

  it.effect("refuses malformed messages and platform ids as direct conversations", () =>
    Effect.gen(function* () {
      const o = yield* outbox
      expect(yield* reasonOf(o.enqueue(message("k", { text: "" })))).toBe("invalid")
      expect(yield* reasonOf(o.enqueue(message(" ")))).toBe("invalid")
      expect(yield* reasonOf(o.enqueue(message("k", { recipient: "843009701254" as AliasId })))).toBe("invalid")
      const noRecipient = { ...message("k") }
      delete (noRecipient as { recipient?: AliasId }).recipient
      const error = yield* Effect.flip(o.enqueue(noRecipient))
      expect(error.reason).toBe("invalid")
      expect(error.message).toContain("alias")
      const group = yield* o.enqueue(message("g", { conversation: { kind: "group", id: "612389004551" } }))
      expect(group.entry.conversation).toEqual({ kind: "group", id: "612389004551" })
      expect(yield* o.list()).toHaveLength(1)
    }).pipe(Effect.provide(Outbox.layerMemory))
  )

  it.effect("keeps the alias, never the platform id, as a direct conversation", () =>
    Effect.gen(function* () {
      const store = Outbox.makeMemoryEncoded()
      const o = Outbox.makeEncoded(store)
      const { entry } = yield* o.enqueue(message("k", { conversation: { kind: "direct", id: "843009701254" } }))
      expect(entry.conversation).toEqual({ kind: "direct", id: alias })
      expect(JSON.stringify(yield* store.list())).not.toContain("843009701254")
    })
  )

  it.effect("claims due entries once, earliest first, and again when the lease expires", () =>
    Effect.gen(function* () {
      const o = yield* outbox
      yield* o.enqueue(message("a"))
      yield* TestClock.adjust("1 second")
      yield* o.enqueue(message("b", { conversation: { kind: "direct", id: other }, recipient: other }))
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
      // The dispatcher that held attempt 1 lost its lease: it cannot settle any more.
      expect(yield* reasonOf(o.complete("a", 1, "mid-1"))).toBe("lease_lost")
      const sent = yield* o.complete("a", 2, "mid-2")
      expect(sent).toMatchObject({ status: "sent", platformMessageId: "mid-2", attempts: 2 })
      expect(sent.leaseUntil).toBeUndefined()
      expect(yield* reasonOf(o.complete("a", 2, "mid-3"))).toBe("lease_lost")
      expect(yield* reasonOf(o.complete("zzz", 1, "mid"))).toBe("not_found")
      expect(yield* o.claim(DateTime.add(later, { hours: 1 }), 10, 60_000)).toHaveLength(1)
    }).pipe(Effect.provide(Outbox.layerMemory))
  )

  it.effect("puts an entry back for later with its error, or fails it", () =>
    Effect.gen(function* () {
      const o = yield* outbox
      yield* o.enqueue(message("a"))
      yield* o.enqueue(message("b", { conversation: { kind: "post", id: "1221316769_1213590066" } }))
      const now = yield* DateTime.now
      yield* o.claim(now, 10, 60_000)
      const error = { reason: "rate_limited", message: "The page sends too fast." } as const
      const retried = yield* o.retryAt("a", 1, DateTime.add(now, { seconds: 30 }), error)
      expect(retried).toMatchObject({ status: "pending", lastError: error, attempts: 1 })
      const failed = yield* o.fail("b", 1, { reason: "outside_window", message: "closed" })
      expect(failed).toMatchObject({ status: "failed", lastError: { reason: "outside_window" } })
      expect(yield* o.claim(DateTime.add(now, { seconds: 29 }), 10, 60_000)).toEqual([])
      expect((yield* o.claim(DateTime.add(now, { seconds: 30 }), 10, 60_000)).map((e) => e.key)).toEqual(["a"])
      expect((yield* o.list("failed")).map((e) => e.key)).toEqual(["b"])
      expect((yield* o.list("sending")).map((e) => e.key)).toEqual(["a"])
      expect(yield* o.list("sent")).toEqual([])
      expect(yield* reasonOf(o.fail("b", 1, error))).toBe("lease_lost")
    }).pipe(Effect.provide(Outbox.layerMemory))
  )

  it.effect("rejects bad claims and completions", () =>
    Effect.gen(function* () {
      const o = yield* outbox
      const now = yield* DateTime.now
      expect(yield* reasonOf(o.claim(now, 0, 1000))).toBe("invalid")
      expect(yield* reasonOf(o.claim(now, 1.5, 1000))).toBe("invalid")
      expect(yield* reasonOf(o.claim(now, 10, -1))).toBe("invalid")
      yield* o.enqueue(message("a"))
      yield* o.claim(now, 10, 1000)
      expect(yield* reasonOf(o.complete("a", 1, " "))).toBe("invalid")
    }).pipe(Effect.provide(Outbox.layerMemory))
  )

  it.effect("reports a corrupt row by its column, without its values", () =>
    Effect.gen(function* () {
      const store = Outbox.makeMemoryEncoded()
      const o = Outbox.makeEncoded(store)
      const { entry } = yield* o.enqueue(message("a"))
      const row = (yield* store.get("a"))!
      expect(row).toMatchObject({ key: "a", recipient: alias, conversationId: alias, createdAt: 0, leaseUntil: null })
      yield* store.insert({ ...row, key: "bad", recipient: "843009701254", attempts: -1 })
      const error = yield* Effect.flip(o.get("bad"))
      expect(error.reason).toBe("corrupt")
      expect(error.message).toContain("recipient")
      expect(error.message).toContain("attempts")
      expect(error.message).not.toContain("843009701254")
      expect(yield* reasonOf(o.list())).toBe("corrupt")
      expect(yield* o.get("a")).toEqual(entry)
    })
  )

  it.effect("shares one store between layers built from it", () =>
    Effect.gen(function* () {
      const store = Outbox.makeMemoryEncoded()
      const layer = Layer.succeed(Outbox.Outbox, Outbox.makeEncoded(store))
      yield* Effect.provide(
        Effect.flatMap(Outbox.Outbox, (o) => o.enqueue(message("a"))),
        layer
      )
      const listed = yield* Effect.provide(
        Effect.flatMap(Outbox.Outbox, (o) => o.list()),
        Layer.succeed(Outbox.Outbox, Outbox.makeEncoded(store))
      )
      expect(listed.map((e) => e.key)).toEqual(["a"])
    })
  )
})
