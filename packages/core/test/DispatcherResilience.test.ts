import { inspect } from "node:util"
import { describe, expect, it } from "@effect/vitest"
import { FakeChannel } from "@tinbao/testkit"
import { DateTime, Deferred, Effect, Fiber, Layer, Logger, Option, Redacted, TestClock } from "effect"
import { type ChannelAdapter, ChannelError, type OutboundMessage } from "../src/Channel.js"
import * as Channels from "../src/Channels.js"
import * as ConversationActivity from "../src/ConversationActivity.js"
import * as Dispatcher from "../src/Dispatcher.js"
import * as IdentityVault from "../src/IdentityVault.js"
import * as InboundMessage from "../src/InboundMessage.js"
import * as Outbox from "../src/Outbox.js"

const CHANNEL = "zalo-oa:207145032978"
const userId = (n: number) => `84300970${String(1000 + n)}`
const name = (n: number) => `Trần Thị Lan ${n}`

const adapter = (
  send: (message: OutboundMessage) => Effect.Effect<string, ChannelError>,
  extra: Partial<FakeChannel.Options> = {}
): ChannelAdapter =>
  FakeChannel.make({
    id: CHANNEL,
    platform: { id: "zalo", label: { vi: "Zalo", en: "Zalo" } },
    capabilities: { groups: false, comments: true },
    send,
    ...extra
  }).adapter

const expired = new ChannelError({ channel: CHANNEL, reason: "token_expired", message: "The access token expired." })

const lines: Array<string> = []
const capture = Logger.replace(
  Logger.defaultLogger,
  Logger.make(({ message, annotations }) => {
    lines.push(inspect({ message, annotations: [...annotations] }, { depth: 10 }))
  })
)

const layer = (...adapters: ReadonlyArray<ChannelAdapter>) =>
  Layer.mergeAll(
    Outbox.layerMemory,
    IdentityVault.layerMemory,
    ConversationActivity.layerMemory,
    Channels.layer(adapters),
    capture
  )

const enqueue = (key: string, n: number, channel = CHANNEL) =>
  Effect.gen(function* () {
    const vault = yield* IdentityVault.IdentityVault
    const alias = yield* vault.seal(Redacted.make({ channel, platformUserId: userId(n), displayName: name(n) }))
    const outbox = yield* Outbox.Outbox
    yield* outbox.enqueue({ key, channel, conversation: { kind: "direct", id: alias }, recipient: alias, text: key })
    return alias
  })

const entry = (key: string) => Effect.map(Outbox.Outbox, (o) => o.get(key)).pipe(Effect.flatten)

describe("Dispatcher under failure", () => {
  it.effect("refreshes an expired token once for 20 concurrent senders", () =>
    Effect.gen(function* () {
      let token = 0
      let started = 0
      let refreshes = 0
      const allStarted = yield* Effect.makeLatch(false)
      const send = () =>
        Effect.gen(function* () {
          const seen = token
          started += 1
          if (started === 20) yield* allStarted.open
          yield* allStarted.await
          return seen === 0 ? yield* Effect.fail(expired) : `mid-${seen}`
        })
      const refreshToken = Effect.gen(function* () {
        refreshes += 1
        yield* Effect.yieldNow()
        token += 1
      })
      const counts = yield* Effect.gen(function* () {
        for (let i = 0; i < 20; i++) yield* enqueue(`k${i}`, i)
        return yield* Dispatcher.runOnce({ concurrency: 20 })
      }).pipe(Effect.provide(layer(adapter(send, { refreshToken }))))
      expect(counts).toMatchObject({ claimed: 20, sent: 20 })
      expect(refreshes).toBe(1)
      expect(started).toBe(40)
    })
  )

  it.effect("shares a failed refresh, and tries again on the next round", () =>
    Effect.gen(function* () {
      let token = 0
      let started = 0
      let refreshes = 0
      const allStarted = yield* Effect.makeLatch(false)
      const send = () =>
        Effect.gen(function* () {
          const seen = token
          started += 1
          if (started === 20) yield* allStarted.open
          yield* allStarted.await
          return seen === 0 ? yield* Effect.fail(expired) : "mid"
        })
      const refreshToken = Effect.suspend(() => {
        refreshes += 1
        if (refreshes === 1) {
          return Effect.fail(new ChannelError({ channel: CHANNEL, reason: "transient", message: "Zalo is down." }))
        }
        token += 1
        return Effect.void
      })
      yield* Effect.gen(function* () {
        for (let i = 0; i < 20; i++) yield* enqueue(`k${i}`, i)
        expect(yield* Dispatcher.runOnce({ concurrency: 20 })).toMatchObject({ retried: 20 })
        expect(refreshes).toBe(1)
        expect((yield* entry("k3"))?.lastError).toEqual({ reason: "transient", message: "Zalo is down." })
        yield* TestClock.adjust("1 minute")
        expect(yield* Dispatcher.runOnce({ concurrency: 20 })).toMatchObject({ sent: 20 })
        expect(refreshes).toBe(2)
      }).pipe(Effect.provide(layer(adapter(send, { refreshToken }))))
    })
  )

  it.effect("fails entries with no adapter or no identity, and retries a timeout or a defect", () =>
    Effect.gen(function* () {
      lines.length = 0
      const sends: Array<string> = []
      const send = (m: OutboundMessage) =>
        Effect.suspend(() => {
          sends.push(m.key)
          if (m.key === "hangs") return Effect.never
          if (m.key === "dies" && m.conversation.kind === "direct") {
            return Effect.die(new Error(`crashed on ${Redacted.value(m.conversation.id)}`))
          }
          return Effect.succeed("mid")
        })
      yield* Effect.gen(function* () {
        yield* enqueue("elsewhere", 1, "fb-page:1048576001")
        const forgotten = yield* enqueue("forgotten", 2)
        yield* Effect.flatMap(IdentityVault.IdentityVault, (v) => v.forget(forgotten))
        yield* enqueue("hangs", 3)
        yield* enqueue("dies", 4)
        const fiber = yield* Effect.fork(Dispatcher.runOnce({ sendTimeoutMillis: 5_000 }))
        yield* TestClock.adjust("5 seconds")
        expect(yield* Fiber.join(fiber)).toMatchObject({ claimed: 4, failed: 2, retried: 2 })
        expect(yield* entry("elsewhere")).toMatchObject({ status: "failed", lastError: { reason: "no_adapter" } })
        expect(yield* entry("forgotten")).toMatchObject({
          status: "failed",
          lastError: { reason: "identity_unavailable" }
        })
        expect((yield* entry("hangs"))?.lastError).toMatchObject({ reason: "transient" })
        expect((yield* entry("hangs"))?.lastError?.message).toContain("5000 ms")
        expect((yield* entry("dies"))?.lastError).toMatchObject({ reason: "transient" })
        expect(sends.sort()).toEqual(["dies", "hangs"])
      }).pipe(Effect.provide(layer(adapter(send))))
      const logged = lines.join("\n")
      expect(logged).toContain("no_adapter")
      for (let n = 1; n <= 4; n++) {
        expect(logged).not.toContain(userId(n))
        expect(logged).not.toContain(name(n))
      }
    })
  )

  it.effect("sends one conversation's messages in order, and comment replies without a window", () =>
    Effect.gen(function* () {
      const sent: Array<string> = []
      const send = (m: OutboundMessage) =>
        Effect.zipRight(
          Effect.yieldNow(),
          Effect.sync(() => {
            sent.push(m.key)
            return "mid"
          })
        )
      const windowed = adapter(send, {
        capabilities: { groups: false, comments: true, replyWindow: { _tag: "Hours", hours: 24 } }
      })
      yield* Effect.gen(function* () {
        const outbox = yield* Outbox.Outbox
        const activity = yield* ConversationActivity.ConversationActivity
        const alias = yield* enqueue("m1", 1)
        yield* activity.recordInbound(
          CHANNEL,
          yield* ConversationActivity.directKey(CHANNEL, userId(1)),
          yield* DateTime.now
        )
        for (const key of ["m2", "m3", "m4"]) {
          yield* TestClock.adjust("1 millis")
          yield* outbox.enqueue({
            key,
            channel: CHANNEL,
            conversation: { kind: "direct", id: alias },
            recipient: alias,
            text: key
          })
        }
        yield* outbox.enqueue({
          key: "c1",
          channel: CHANNEL,
          conversation: { kind: "post", id: "1221316769_1213590066" },
          text: "c1"
        })
        expect(yield* Dispatcher.runOnce()).toMatchObject({ sent: 5 })
        expect(sent.filter((k) => k.startsWith("m"))).toEqual(["m1", "m2", "m3", "m4"])
      }).pipe(Effect.provide(layer(windowed)))
    })
  )

  it.scoped("runs rounds in the background for as long as the scope lives", () =>
    Effect.gen(function* () {
      const delivered = yield* Deferred.make<string>()
      const send = (m: OutboundMessage) => Effect.as(Deferred.succeed(delivered, m.key), "mid")
      yield* Effect.gen(function* () {
        yield* Dispatcher.run({ pollMillis: 1_000 })
        yield* enqueue("late", 1)
        yield* TestClock.adjust("1 second")
        expect(yield* Deferred.await(delivered)).toBe("late")
      }).pipe(Effect.provide(layer(adapter(send))))
    })
  )

  it.effect("rejects bad options and duplicate channel ids", () =>
    Effect.gen(function* () {
      const a = adapter(() => Effect.succeed("mid"))
      const bad = yield* Effect.flip(Dispatcher.runOnce({ batchSize: 0 }).pipe(Effect.provide(layer(a))))
      expect(bad).toMatchObject({ reason: "invalid" })
      expect(bad.message).toContain("batchSize")
      const lease = yield* Effect.flip(
        Dispatcher.runOnce({ leaseMillis: 10_000, sendTimeoutMillis: 10_000 }).pipe(Effect.provide(layer(a)))
      )
      expect(lease.message).toContain("leaseMillis must exceed sendTimeoutMillis")
      expect(yield* Effect.flip(Channels.make([a, a]))).toMatchObject({ reason: "permanent" })
      const channels = yield* Channels.make([a])
      expect(Option.isSome(channels.get(CHANNEL))).toBe(true)
      expect(Option.isNone(channels.get("fb-page:1"))).toBe(true)
    })
  )

  it.effect("records only what the reporter wrote as conversation activity", () =>
    Effect.gen(function* () {
      const conversation = InboundMessage.direct(userId(1))
      const message = (kind: InboundMessage.Kind, millis: number) =>
        new InboundMessage.InboundMessage({
          kind,
          channel: CHANNEL,
          conversation,
          sender: Redacted.make({ platformUserId: userId(1) }),
          text: "x",
          sentAt: DateTime.unsafeMake(millis)
        })
      const activity = yield* ConversationActivity.ConversationActivity
      const key = yield* ConversationActivity.directKey(CHANNEL, userId(1))
      yield* ConversationActivity.recordInbound([
        message("message", 1_000),
        message("seen", 5_000),
        message("echo", 6_000)
      ])
      expect(yield* activity.get(CHANNEL, { kind: "direct", id: userId(1) })).toBeUndefined()
      expect(yield* activity.get(CHANNEL, key)).toEqual({
        lastInboundAt: DateTime.unsafeMake(1_000),
        repliesSince: 0
      })
      yield* ConversationActivity.recordInbound([message("postback", 2_000)])
      expect((yield* activity.get(CHANNEL, key))?.lastInboundAt).toEqual(DateTime.unsafeMake(2_000))
    }).pipe(Effect.provide(Layer.merge(ConversationActivity.layerMemory, IdentityVault.layerMemory)))
  )
})
