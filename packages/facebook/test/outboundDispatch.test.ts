// Replies through the core's dispatcher to a fake Graph API that fails 30 % of calls (dropped connections, 500s,
// the rate limits 4 and 613): every reply is delivered once, its parts included; a reply past the window is
// failed without reaching Meta; a refused page token marks the page "reconnect" and stops the calls. No token,
// app secret or person's id shows in a log line, an outbox error or a request's URL.
import { describe, expect, it } from "@effect/vitest"
import { Channel, Channels, ConversationActivity, Credentials, Dispatcher, IdentityVault, Outbox } from "@tinbao/core"
import { DateTime, Effect, Layer, Logger, LogLevel, Redacted } from "effect"
import * as Facebook from "../src/Facebook.js"
import * as FakeGraph from "./fakeGraph.js"
import {
  appSecret,
  channelId,
  commentId,
  makeAdapters,
  pageId,
  pageToken,
  postId,
  seededCredentials
} from "./outboundCases.js"

const psidOf = (n: number) => `2468013579${String(1_000_000 + n)}`

// A reporter in the vault who last wrote `hours` ago.
const reporter = (n: number, hours = 1) =>
  Effect.gen(function* () {
    const vault = yield* IdentityVault.IdentityVault
    const alias = yield* vault.seal(
      Redacted.make({ channel: channelId, platformUserId: psidOf(n), displayName: `Người dân ${n}` })
    )
    const key = yield* ConversationActivity.directKey(channelId, psidOf(n))
    const activity = yield* ConversationActivity.ConversationActivity
    const at = DateTime.unsafeMake(Date.now() - hours * 3_600_000)
    yield* activity.recordInbound(channelId, key, at)
    return alias
  })

const queue = (key: string, alias: IdentityVault.AliasId, text: string, humanAgent = false) =>
  Effect.flatMap(Outbox.Outbox, (outbox) =>
    outbox.enqueue({
      key,
      channel: channelId,
      conversation: { kind: "direct", id: alias },
      recipient: alias,
      text,
      replyTo: `m_user-${key}`,
      humanAgent
    })
  )

const services = (
  fake: { readonly url: string },
  credentials: Credentials.Credentials["Type"],
  extra: Partial<Facebook.Config> = {}
) =>
  Effect.map(makeAdapters(fake.url, credentials, extra), (adapters) =>
    Layer.mergeAll(
      Outbox.layerMemory,
      IdentityVault.layerMemory,
      ConversationActivity.layerMemory,
      Channels.layer(adapters.all)
    )
  )

const fast = { baseMillis: 1, factor: 1, maxDelayMillis: 2, maxAttempts: 200, jitter: 0 }

const drain = (rounds: number) =>
  Effect.gen(function* () {
    const outbox = yield* Outbox.Outbox
    for (let round = 0; round < rounds; round++) {
      yield* Dispatcher.runOnce({ policy: fast, concurrency: 20, batchSize: 200 })
      if ((yield* outbox.list("pending")).length === 0) return
      yield* Effect.sleep("3 millis")
    }
  })

// Every log line, at every level, as the logfmt and JSON loggers write it.
const capturing = (lines: Array<string>) =>
  Logger.replace(
    Logger.defaultLogger,
    Logger.make<unknown, void>((options) => {
      lines.push(Logger.logfmtLogger.log(options), JSON.stringify(Logger.structuredLogger.log(options)))
    })
  )

const textOf = (i: number) =>
  i % 3 === 0
    ? `${`Trả lời dài số ${i}, phần một. `.repeat(70)}\n${`Phần hai của trả lời ${i}. `.repeat(30)}`
    : `Trả lời số ${i}`

describe("Facebook replies through the dispatcher", () => {
  it.scopedLive(
    "delivers each of 60 replies once, parts included, through 30 % failures and rate limits",
    () =>
      Effect.gen(function* () {
        const fake = yield* FakeGraph.make({ pageId, token: pageToken, failureRate: 0.3, seed: 20261207 })
        const lines: Array<string> = []
        const layer = yield* services(fake, yield* seededCredentials())
        const entries = yield* Effect.gen(function* () {
          const aliases = yield* Effect.forEach(
            Array.from({ length: 20 }, (_, n) => n),
            (n) => reporter(n)
          )
          for (let i = 0; i < 60; i++) yield* queue(`reply-${i}`, aliases[i % 20]!, textOf(i))
          yield* drain(400)
          const outbox = yield* Outbox.Outbox
          expect(yield* outbox.list("failed")).toEqual([])
          return yield* outbox.list("sent")
        }).pipe(Effect.provide(layer), Effect.provide(capturing(lines)), Logger.withMinimumLogLevel(LogLevel.All))
        expect(entries).toHaveLength(60)
        const expected = Array.from({ length: 60 }, (_, i) => Channel.splitText(textOf(i), 2000)).flat()
        expect(expected.length).toBe(80)
        expect(fake.deliveries.map((d) => d.text).sort()).toEqual(expected.sort())
        expect(fake.deliveries.every((d) => d.messagingType === "RESPONSE")).toBe(true)
        expect(fake.stats.failures).toBeGreaterThan(10)
        expect(fake.stats.rateLimited).toBeGreaterThan(5)
        expect(fake.stats.refused).toBe(0)
        // The failures met on the way are logged with their errors' messages, which the check below reads.
        expect(lines.some((line) => line.includes("Facebook refused it with code 613"))).toBe(true)
        const watched = [pageToken, Redacted.value(appSecret), ...Array.from({ length: 20 }, (_, n) => psidOf(n))]
        for (const text of lines) for (const secret of watched) expect(text).not.toContain(secret)
        for (const request of fake.requests) {
          expect(request.path).not.toMatch(/access_token|EAAG|24680135791/)
          expect(request.headers.authorization).toBe(`Bearer ${pageToken}`)
        }
      }),
    60_000
  )

  it.scopedLive("fails a reply past 24 hours without the tag before Meta, and tags an officer's", () =>
    Effect.gen(function* () {
      const fake = yield* FakeGraph.make({ pageId, token: pageToken })
      const layer = yield* services(fake, yield* seededCredentials(), { humanAgent: true })
      yield* Effect.gen(function* () {
        const stale = yield* reporter(1, 30)
        yield* queue("late-ack", stale, "Tin trả lời tự động muộn")
        yield* queue("late-officer", stale, "Cán bộ trả lời sau 30 giờ", true)
        const outbox = yield* Outbox.Outbox
        yield* outbox.enqueue({
          key: "private-reply",
          channel: channelId,
          conversation: { kind: "post", id: postId },
          text: "Công an phường sẽ nhắn riêng cho bạn.",
          replyTo: commentId
        })
        yield* drain(5)
        const late = yield* outbox.get("late-ack")
        expect(late?.status).toBe("failed")
        expect(late?.lastError?.reason).toBe("outside_window")
        expect((yield* outbox.get("late-officer"))?.status).toBe("sent")
        expect((yield* outbox.get("private-reply"))?.status).toBe("sent")
      }).pipe(Effect.provide(layer), Logger.withMinimumLogLevel(LogLevel.None))
      const byText = (a: { text: string }, b: { text: string }) => a.text.localeCompare(b.text)
      expect([...fake.deliveries].sort(byText)).toEqual(
        [
          {
            text: "Cán bộ trả lời sau 30 giờ",
            recipient: { id: psidOf(1) },
            messagingType: "MESSAGE_TAG",
            tag: "HUMAN_AGENT"
          },
          { text: "Công an phường sẽ nhắn riêng cho bạn.", recipient: { comment_id: commentId } }
        ].sort(byText)
      )
      expect(fake.requests.some((r) => r.body.includes("Tin trả lời tự động muộn"))).toBe(false)
    })
  )

  it.scopedLive("a refused page token marks the page reconnect; later replies fail without calling Meta", () =>
    Effect.gen(function* () {
      const fake = yield* FakeGraph.make({ pageId, token: pageToken })
      const credentials = yield* seededCredentials()
      const layer = yield* services(fake, credentials)
      yield* Effect.gen(function* () {
        const alias = yield* reporter(2)
        const outbox = yield* Outbox.Outbox
        yield* queue("before", alias, "Trước khi token bị thu hồi")
        yield* drain(5)
        fake.revoke()
        yield* queue("refused", alias, "Token đã bị thu hồi")
        yield* drain(5)
        const refused = yield* outbox.get("refused")
        expect(refused?.status).toBe("failed")
        expect(refused?.lastError?.reason).toBe("permanent")
        expect(refused?.lastError?.message).toContain("Cần kết nối lại trang")
        expect(refused?.lastError?.message).not.toMatch(new RegExp(`${pageToken}|${psidOf(2)}`))
        expect((yield* credentials.get(channelId))?.status).toBe("reconnect")
        const calls = fake.requests.length
        yield* queue("after", alias, "Sau khi trang cần kết nối lại")
        yield* drain(5)
        expect((yield* outbox.get("after"))?.status).toBe("failed")
        expect(fake.requests.length).toBe(calls)

        fake.accept("EAAG-page-token-Again8")
        yield* Facebook.connectPage(channelId, Redacted.make("EAAG-page-token-Again8")).pipe(
          Effect.provideService(Credentials.Credentials, credentials)
        )
        yield* queue("reconnected", alias, "Trang đã được kết nối lại")
        yield* drain(5)
        expect((yield* outbox.get("reconnected"))?.status).toBe("sent")
      }).pipe(Effect.provide(layer), Logger.withMinimumLogLevel(LogLevel.None))
      expect(fake.stats.refused).toBe(1)
      expect(fake.deliveries.map((d) => d.text)).toEqual(["Trước khi token bị thu hồi", "Trang đã được kết nối lại"])
    })
  )
})
