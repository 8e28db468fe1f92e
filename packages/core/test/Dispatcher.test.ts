import { describe, expect, it } from "@effect/vitest"
import { FakeChannel } from "@tinbao/testkit"
import { DateTime, Effect, Layer, Redacted, TestClock } from "effect"
import { type ChannelAdapter, ChannelError, type OutboundMessage, type ReplyWindow } from "../src/Channel.js"
import * as Channels from "../src/Channels.js"
import * as ConversationActivity from "../src/ConversationActivity.js"
import * as Dispatcher from "../src/Dispatcher.js"
import * as IdentityVault from "../src/IdentityVault.js"
import * as Outbox from "../src/Outbox.js"
import * as RetryPolicy from "../src/RetryPolicy.js"

const CHANNEL = "zalo-oa:207145032978"

const zalo = { id: "zalo", label: { vi: "Zalo", en: "Zalo" } }

const fake = (
  options: {
    readonly window?: ReplyWindow
    readonly send?: (message: OutboundMessage, call: number) => Effect.Effect<string, ChannelError>
    readonly refreshToken?: Effect.Effect<void, ChannelError>
  } = {}
) =>
  FakeChannel.make({
    id: CHANNEL,
    platform: zalo,
    capabilities: { attachments: true, location: true, replyWindow: options.window ?? { _tag: "None" } },
    ...(options.send !== undefined ? { send: options.send } : {}),
    ...(options.refreshToken !== undefined ? { refreshToken: options.refreshToken } : {})
  })

const layer = (...adapters: ReadonlyArray<ChannelAdapter>) =>
  Layer.mergeAll(
    Outbox.layerMemory,
    IdentityVault.layerMemory,
    ConversationActivity.layerMemory,
    Channels.layer(adapters)
  )

const userId = (n: number) => `84300970${String(1000 + n)}`

// Seals a reporter, records that they wrote now (unless told otherwise) and enqueues a reply to them.
const enqueue = (key: string, n: number, options: { wrote?: boolean; humanAgent?: boolean } = {}) =>
  Effect.gen(function* () {
    const vault = yield* IdentityVault.IdentityVault
    const alias = yield* vault.seal(
      Redacted.make({ channel: CHANNEL, platformUserId: userId(n), displayName: `Nguyễn Văn ${n}` })
    )
    if (options.wrote !== false) {
      const activity = yield* ConversationActivity.ConversationActivity
      yield* activity.recordInbound(
        CHANNEL,
        yield* ConversationActivity.directKey(CHANNEL, userId(n)),
        yield* DateTime.now
      )
    }
    const outbox = yield* Outbox.Outbox
    yield* outbox.enqueue({
      key,
      channel: CHANNEL,
      conversation: { kind: "direct", id: alias },
      recipient: alias,
      text: `Đã nhận tin báo ${key}.`,
      ...(options.humanAgent !== undefined ? { humanAgent: options.humanAgent } : {})
    })
    return alias
  })

const entry = (key: string) => Effect.flatMap(Outbox.Outbox, (o) => o.get(key))

const error = (reason: ChannelError["reason"]) =>
  new ChannelError({ channel: CHANNEL, reason, message: `The platform said ${reason}.` })

describe("Dispatcher", () => {
  it.effect("sends a due entry to the revealed recipient and records it", () => {
    const f = fake()
    return Effect.gen(function* () {
      const alias = yield* enqueue("ack:T1", 1)
      const told: Array<string> = []
      const onSent = (e: Outbox.Entry) => Effect.sync(() => told.push(`${e.key} ${e.platformMessageId}`))
      const counts = yield* Dispatcher.runOnce({ onSent })
      expect(counts).toEqual({ claimed: 1, sent: 1, retried: 0, failed: 0, unsettled: 0 })
      expect(told).toEqual(["ack:T1 mid-ack:T1"])
      expect(f.sent).toHaveLength(1)
      const [message] = f.sent
      // The reporter's platform id, revealed from the vault into the Redacted id of the direct conversation.
      const { conversation } = message!
      expect(conversation.kind).toBe("direct")
      expect(Redacted.isRedacted(conversation.id)).toBe(true)
      expect(Redacted.value(conversation.id as Redacted.Redacted<string>)).toBe(userId(1))
      expect(`${JSON.stringify(message)} ${String(conversation.id)}`).not.toContain(userId(1))
      const stored = (yield* entry("ack:T1"))!
      expect(stored).toMatchObject({ status: "sent", platformMessageId: "mid-ack:T1", attempts: 1, recipient: alias })
      expect(JSON.stringify(stored)).not.toContain(userId(1))
      const activity = yield* ConversationActivity.ConversationActivity
      expect(
        (yield* activity.get(CHANNEL, yield* ConversationActivity.directKey(CHANNEL, userId(1))))?.repliesSince
      ).toBe(1)
      expect(yield* Dispatcher.runOnce()).toMatchObject({ claimed: 0, sent: 0 })
      // A failing hook does not undo the send.
      yield* enqueue("ack:T2", 2)
      expect(yield* Dispatcher.runOnce({ onSent: () => Effect.fail("intake down") })).toMatchObject({ sent: 1 })
      expect((yield* entry("ack:T2"))?.status).toBe("sent")
    }).pipe(Effect.provide(layer(f.adapter)))
  })

  it.effect("never sends an entry twice with two dispatchers running at once", () => {
    const perKey = new Map<string, number>()
    const f = fake({
      send: (message) =>
        Effect.gen(function* () {
          yield* Effect.yieldNow()
          perKey.set(message.key, (perKey.get(message.key) ?? 0) + 1)
          yield* Effect.yieldNow()
          return `mid-${message.key}`
        })
    })
    return Effect.gen(function* () {
      for (let i = 0; i < 100; i++) yield* enqueue(`k${i}`, i)
      const drain = Effect.iterate([] as Array<Dispatcher.Counts>, {
        while: (rounds) => rounds.length === 0 || rounds[rounds.length - 1]!.claimed > 0,
        body: (rounds) => Effect.map(Dispatcher.runOnce({ batchSize: 7, concurrency: 4 }), (c) => [...rounds, c])
      })
      const [a, b] = yield* Effect.all([drain, drain], { concurrency: "unbounded" })
      const sentBy = (rounds: Array<Dispatcher.Counts>) => rounds.reduce((n, c) => n + c.sent, 0)
      expect(sentBy(a!) + sentBy(b!)).toBe(100)
      expect(sentBy(a!)).toBeGreaterThan(0)
      expect(sentBy(b!)).toBeGreaterThan(0)
      expect(perKey.size).toBe(100)
      expect([...perKey.values()].every((n) => n === 1)).toBe(true)
      expect(f.attempts).toBe(100)
    }).pipe(Effect.provide(layer(f.adapter)))
  })

  it.effect("takes over an entry only when the crashed dispatcher's lease expires", () => {
    const f = fake()
    return Effect.gen(function* () {
      yield* enqueue("k", 1)
      const outbox = yield* Outbox.Outbox
      yield* outbox.claim(yield* DateTime.now, 10, 120_000)
      expect(yield* Dispatcher.runOnce()).toMatchObject({ claimed: 0 })
      yield* TestClock.adjust("119 seconds")
      expect(yield* Dispatcher.runOnce()).toMatchObject({ claimed: 0 })
      yield* TestClock.adjust("1 second")
      expect(yield* Dispatcher.runOnce()).toMatchObject({ claimed: 1, sent: 1 })
      expect((yield* entry("k"))?.attempts).toBe(2)
      expect(f.sent).toHaveLength(1)
    }).pipe(Effect.provide(layer(f.adapter)))
  })

  it("computes the backoff schedule", () => {
    const p = RetryPolicy.defaultPolicy
    expect([1, 2, 3, 4, 5].map((n) => RetryPolicy.delay(p, n, 0))).toEqual([2000, 4000, 8000, 16000, 32000])
    expect(RetryPolicy.delay(p, 10, 0)).toBe(900_000)
    expect(RetryPolicy.delay(p, 40, 0)).toBe(900_000)
    expect(RetryPolicy.delay(p, 1, 0.5)).toBe(1800)
    expect(RetryPolicy.delay(p, 10, 0.999999)).toBe(720_000)
    const total = Array.from({ length: p.maxAttempts - 1 }, (_, i) => RetryPolicy.delay(p, i + 1, 0)).reduce(
      (a, b) => a + b
    )
    expect(Math.round(total / 60_000)).toBe(47)
  })

  it.effect("retries transient failures with backoff, then gives up", () => {
    const f = fake({ send: () => Effect.fail(error("transient")) })
    const policy = { baseMillis: 1000, factor: 3, maxDelayMillis: 5000, maxAttempts: 4, jitter: 0.2 }
    return Effect.gen(function* () {
      yield* enqueue("k", 1)
      const waits: Array<number> = []
      for (const expected of [1000, 3000, 5000]) {
        expect(yield* Dispatcher.runOnce({ policy })).toMatchObject({ claimed: 1, retried: 1 })
        const e = (yield* entry("k"))!
        expect(e.lastError).toEqual({ reason: "transient", message: "The platform said transient." })
        const wait = DateTime.toEpochMillis(e.nextAttemptAt) - DateTime.toEpochMillis(yield* DateTime.now)
        expect(wait).toBeGreaterThanOrEqual(expected * 0.8)
        expect(wait).toBeLessThanOrEqual(expected)
        waits.push(wait)
        yield* TestClock.adjust(wait - 1)
        expect(yield* Dispatcher.runOnce({ policy })).toMatchObject({ claimed: 0 })
        yield* TestClock.adjust(1)
      }
      expect(yield* Dispatcher.runOnce({ policy })).toMatchObject({ claimed: 1, failed: 1 })
      const e = (yield* entry("k"))!
      expect(e.status).toBe("failed")
      expect(e.lastError?.message).toContain("Gave up after 4 attempts")
      expect(f.attempts).toBe(4)
    }).pipe(Effect.provide(layer(f.adapter)))
  })

  it.effect("fails at once on reasons that retrying cannot help", () => {
    const reasons = ["outside_window", "recipient_unavailable", "permanent", "bad_request"] as const
    const f = fake({ send: (_, call) => Effect.fail(error(reasons[call - 1]!)) })
    return Effect.gen(function* () {
      for (const [i] of reasons.entries()) yield* enqueue(`k${i}`, i)
      for (const [i, reason] of reasons.entries()) {
        expect(yield* Dispatcher.runOnce({ batchSize: 1 })).toMatchObject({ failed: 1 })
        expect(yield* entry(`k${i}`)).toMatchObject({ status: "failed", attempts: 1, lastError: { reason } })
      }
      expect(f.attempts).toBe(4)
    }).pipe(Effect.provide(layer(f.adapter)))
  })

  it.effect("refuses to send outside the reply window without calling the platform", () => {
    const f = fake({ window: { _tag: "Hours", hours: 24, humanAgentHours: 168 } })
    return Effect.gen(function* () {
      yield* enqueue("never-wrote", 1, { wrote: false })
      yield* enqueue("late", 2)
      yield* enqueue("late-officer", 3, { humanAgent: true })
      yield* TestClock.adjust("25 hours")
      expect(yield* Dispatcher.runOnce()).toMatchObject({ claimed: 3, sent: 1, failed: 2 })
      expect(f.sent.map((m) => m.key)).toEqual(["late-officer"])
      expect(f.attempts).toBe(1)
      const never = (yield* entry("never-wrote"))!
      expect(never.lastError?.reason).toBe("outside_window")
      expect(never.lastError?.message).toContain("has not written")
      expect((yield* entry("late"))!.lastError?.message).toContain("within 24 hours")
    }).pipe(Effect.provide(layer(f.adapter)))
  })

  it.effect("counts replies against a quota window, reset by the reporter's next message", () => {
    const f = fake({ window: { _tag: "Quota", replies: 2, withinHours: 48 } })
    return Effect.gen(function* () {
      const vault = yield* IdentityVault.IdentityVault
      const outbox = yield* Outbox.Outbox
      const activity = yield* ConversationActivity.ConversationActivity
      const conversation = yield* ConversationActivity.directKey(CHANNEL, userId(1))
      yield* activity.recordInbound(CHANNEL, conversation, yield* DateTime.now)
      const alias = yield* vault.seal(Redacted.make({ channel: CHANNEL, platformUserId: userId(1) }))
      const reply = (key: string) =>
        outbox.enqueue({
          key,
          channel: CHANNEL,
          conversation: { kind: "direct", id: alias },
          recipient: alias,
          text: key
        })
      for (const key of ["r1", "r2", "r3"]) yield* reply(key)
      expect(yield* Dispatcher.runOnce()).toMatchObject({ sent: 2, failed: 1 })
      expect(f.sent.map((m) => m.key)).toEqual(["r1", "r2"])
      expect((yield* entry("r3"))!.lastError?.message).toContain("2 replies")
      yield* TestClock.adjust("1 hour")
      yield* activity.recordInbound(CHANNEL, conversation, DateTime.unsafeMake(0))
      yield* reply("r4")
      expect(yield* Dispatcher.runOnce()).toMatchObject({ failed: 1 })
      yield* activity.recordInbound(CHANNEL, conversation, yield* DateTime.now)
      yield* reply("r5")
      yield* TestClock.adjust("47 hours")
      expect(yield* Dispatcher.runOnce()).toMatchObject({ sent: 1 })
      yield* reply("r6")
      yield* TestClock.adjust("2 hours")
      expect(yield* Dispatcher.runOnce()).toMatchObject({ failed: 1 })
      expect(f.sent.map((m) => m.key)).toEqual(["r1", "r2", "r5"])
      expect(f.attempts).toBe(3)
    }).pipe(Effect.provide(layer(f.adapter)))
  })
})
