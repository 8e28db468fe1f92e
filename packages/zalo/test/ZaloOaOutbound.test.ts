// Replies through the dispatcher to a fake Zalo that fails 30 % of calls and expires the access token twice
// mid-run: every reply is delivered once, each expiry costs one refresh among 20 concurrent senders, and no
// refresh token is used twice. Then the quota: a long reply costs its parts, and a reply beyond it is held.
import { FetchHttpClient } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { Channels, ConversationActivity, Credentials, Dispatcher, IdentityVault, Outbox } from "@tinbao/core"
import { DateTime, Effect, Layer, Logger, LogLevel, Redacted } from "effect"
import * as ZaloOa from "../src/ZaloOa.js"
import * as FakeZalo from "./fakeZalo.js"
import { appSecret, channelId, config } from "./oaCases.js"

const userOf = (n: number) => `84300970${String(5000 + n)}`

// The reporters in the vault, each having written a message the replies answer.
const reporters = (count: number) =>
  Effect.forEach(
    Array.from({ length: count }, (_, n) => n),
    (n) =>
      Effect.gen(function* () {
        const vault = yield* IdentityVault.IdentityVault
        const identity = Redacted.make({ channel: channelId, platformUserId: userOf(n), displayName: `Người dân ${n}` })
        const alias = yield* vault.seal(identity)
        const key = yield* ConversationActivity.directKey(channelId, userOf(n))
        const activity = yield* ConversationActivity.ConversationActivity
        yield* activity.recordInbound(channelId, key, yield* DateTime.now)
        return alias
      })
  )

const queue = (key: string, alias: IdentityVault.AliasId, text: string) =>
  Effect.flatMap(Outbox.Outbox, (outbox) =>
    outbox.enqueue({
      key,
      channel: channelId,
      conversation: { kind: "direct", id: alias },
      recipient: alias,
      text,
      replyTo: `user-msg-${key}`
    })
  )

const services = (fake: { readonly url: string }, extra: Partial<ZaloOa.Config> = {}) =>
  Effect.gen(function* () {
    const credentials = Credentials.makeEncoded(Credentials.makeMemoryEncoded())
    yield* credentials.connect(channelId, {
      accessToken: Redacted.make("fake-access-1"),
      refreshToken: Redacted.make("fake-refresh-1"),
      expiresAt: DateTime.add(yield* DateTime.now, { hours: 25 })
    })
    const adapter = yield* ZaloOa.make({ ...config(fake.url), ...extra }).pipe(
      Effect.provideService(Credentials.Credentials, credentials),
      Effect.provide(FetchHttpClient.layer)
    )
    return Layer.mergeAll(
      Outbox.layerMemory,
      IdentityVault.layerMemory,
      ConversationActivity.layerMemory,
      Channels.layer([adapter])
    )
  })

const fast = { baseMillis: 1, factor: 1, maxDelayMillis: 2, maxAttempts: 200, jitter: 0 }

const drain = (rounds: number) =>
  Effect.gen(function* () {
    for (let round = 0; round < rounds; round++) {
      const counts = yield* Dispatcher.runOnce({ policy: fast, concurrency: 20, batchSize: 200 })
      if (counts.claimed === 0 && round > 0) {
        const outbox = yield* Outbox.Outbox
        const pending = (yield* outbox.list("pending")).length
        if (pending === 0) return
      }
      yield* Effect.sleep("3 millis")
    }
  })

describe("ZaloOa replies under failure", () => {
  it.scopedLive(
    "delivers each of 60 replies once through 30 % failures and two expiries, refreshing once per expiry",
    () =>
      Effect.gen(function* () {
        const fake = yield* FakeZalo.make({
          failureRate: 0.3,
          seed: 20261207,
          expireAfter: [15, 40],
          accessToken: "fake-access-1",
          refreshToken: "fake-refresh-1",
          appSecret: Redacted.value(appSecret)
        })
        const layer = yield* services(fake)
        yield* Effect.gen(function* () {
          const aliases = yield* reporters(20)
          for (let i = 0; i < 60; i++) yield* queue(`reply-${i}`, aliases[i % 20]!, `Trả lời số ${i}`)
          yield* drain(400)
          const outbox = yield* Outbox.Outbox
          const sent = yield* outbox.list("sent")
          expect(sent).toHaveLength(60)
        }).pipe(Effect.provide(layer), Logger.withMinimumLogLevel(LogLevel.None))
        expect([...fake.delivered.values()].every((n) => n === 1)).toBe(true)
        expect(fake.delivered.size).toBe(60)
        expect(fake.stats.failures).toBeGreaterThan(10)
        expect(fake.stats.expiries).toBe(2)
        expect(fake.stats.refreshes).toBe(2)
        expect(fake.stats.reused).toBe(0)
      }),
    60_000
  )

  it.scopedLive("counts a reply in parts against the quota, and holds a reply beyond it as outside_window", () =>
    Effect.gen(function* () {
      const fake = yield* FakeZalo.make({
        accessToken: "fake-access-1",
        refreshToken: "fake-refresh-1",
        appSecret: Redacted.value(appSecret)
      })
      const layer = yield* services(fake)
      yield* Effect.gen(function* () {
        const [alias] = yield* reporters(1)
        // 6 short replies, then one of 2 parts (8 in all), then one more: the quota of 8 is used up.
        for (let i = 0; i < 6; i++) yield* queue(`q-${i}`, alias!, `Trả lời ngắn ${i}`)
        yield* queue("q-long", alias!, `${"Nội dung dài. ".repeat(150)}`)
        yield* Dispatcher.runOnce({ policy: fast })
        yield* queue("q-over", alias!, "Một tin nữa")
        yield* Dispatcher.runOnce({ policy: fast })
        const outbox = yield* Outbox.Outbox
        expect((yield* outbox.list("sent")).map((e) => e.key).sort()).toEqual(
          ["q-0", "q-1", "q-2", "q-3", "q-4", "q-5", "q-long"].sort()
        )
        const held = yield* outbox.get("q-over")
        expect(held?.status).toBe("failed")
        expect(held?.lastError?.reason).toBe("outside_window")
        expect(held?.lastError?.message).toMatch(/8 replies/)
        // A long reply that would cross the quota is held whole, before any part is sent.
        const activity = yield* ConversationActivity.ConversationActivity
        const key = yield* ConversationActivity.directKey(channelId, userOf(0))
        expect((yield* activity.get(channelId, key))?.repliesSince).toBe(8)
      }).pipe(Effect.provide(layer), Logger.withMinimumLogLevel(LogLevel.None))
      expect(fake.delivered.size).toBe(8)
    })
  )
})

// An OA whose access token has 10 minutes left, against a fake Zalo whose current refresh token is `refreshToken`.
const nearExpiry = (refreshToken: string) =>
  Effect.gen(function* () {
    const fake = yield* FakeZalo.make({
      accessToken: "fake-access-1",
      refreshToken,
      appSecret: Redacted.value(appSecret)
    })
    const credentials = Credentials.makeEncoded(Credentials.makeMemoryEncoded())
    yield* credentials.connect(channelId, {
      accessToken: Redacted.make("fake-access-1"),
      refreshToken: Redacted.make("fake-refresh-1"),
      expiresAt: DateTime.add(yield* DateTime.now, { minutes: 10 })
    })
    const adapter = yield* ZaloOa.make(config(fake.url)).pipe(
      Effect.provideService(Credentials.Credentials, credentials),
      Effect.provide(FetchHttpClient.layer)
    )
    return { fake, credentials, adapter }
  })

describe("ZaloOa.keepFresh", () => {
  it.scopedLive("refreshes a token close to expiry once, and leaves a fresh one alone", () =>
    Effect.gen(function* () {
      const { fake, credentials, adapter } = yield* nearExpiry("fake-refresh-1")
      yield* adapter.keepFresh
      expect(fake.stats.refreshes).toBe(1)
      const renewed = yield* credentials.get(channelId)
      expect(Redacted.value(renewed!.refreshToken!)).toBe("fake-refresh-2")
      // The new access token lasts 25 hours: nothing to do on the next rounds.
      yield* adapter.keepFresh
      yield* adapter.keepFresh
      expect(fake.stats.refreshes).toBe(1)
    }).pipe(Logger.withMinimumLogLevel(LogLevel.None))
  )

  it.scopedLive("fails as reconnect when Zalo refuses the refresh token", () =>
    Effect.gen(function* () {
      const { credentials, adapter } = yield* nearExpiry("fake-refresh-other")
      const error = yield* Effect.flip(adapter.keepFresh)
      expect([error.reason, error.platformCode]).toEqual(["permanent", "reconnect"])
      expect((yield* credentials.get(channelId))?.status).toBe("reconnect")
    }).pipe(Logger.withMinimumLogLevel(LogLevel.None))
  )
})
