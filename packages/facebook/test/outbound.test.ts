// The page adapter's replies against a scripted fake Graph API: the outgoing cases one by one (the package's
// suite test runs them again through the channel suite), then what the cases cannot show: quoting, parts resumed
// after a failure, the window without the tag, 190 marking the page "reconnect", and the webhook adapter's routing.
import { describe, expect, it } from "@effect/vitest"
import { Channel, Credentials } from "@tinbao/core"
import { FakePlatform } from "@tinbao/testkit"
import { Cause, DateTime, Effect, Exit, Fiber, Logger, LogLevel, Option, Redacted } from "effect"
import * as Facebook from "../src/Facebook.js"
import {
  channelId,
  commentId,
  makeAdapter,
  makeAdapters,
  messagesPath,
  metaError,
  outgoingCases,
  pageToken,
  psid,
  reply,
  seededCredentials,
  toComment
} from "./outboundCases.js"

const errorOf = <A>(exit: Exit.Exit<A, Channel.ChannelError>) =>
  Exit.isFailure(exit)
    ? Option.getOrThrow(Cause.failureOption(exit.cause))
    : expect.fail(`expected a failure, got ${String(exit.value)}`)

const bodyOf = (request: FakePlatform.Recorded) => JSON.parse(request.body) as Record<string, unknown>

const sent = (id: string) => ({ status: 200, body: { recipient_id: psid, message_id: id } })

const hoursAgo = (hours: number) => DateTime.unsafeMake(Date.now() - hours * 3_600_000)

describe("Facebook outgoing cases", () => {
  for (const c of outgoingCases) {
    it.scopedLive(c.name, () =>
      Effect.gen(function* () {
        const platform = yield* FakePlatform.make
        const adapter = yield* makeAdapter(platform.url)
        yield* Effect.orDie(platform.respondWith(...c.responses))
        const lines: Array<string> = []
        const exit = yield* Effect.exit(adapter.send(c.message)).pipe(
          Effect.provide(
            Logger.replace(
              Logger.defaultLogger,
              Logger.make((o) => void lines.push(Logger.logfmtLogger.log(o)))
            )
          ),
          Logger.withMinimumLogLevel(LogLevel.All)
        )
        for (const line of lines) for (const secret of [pageToken, psid]) expect(line).not.toContain(secret)
        const requests = yield* platform.requests
        expect(requests.map((r) => `${r.method} ${r.path}`)).toHaveLength(c.expect.requests.length)
        for (const [i, e] of c.expect.requests.entries()) {
          const request = requests[i]!
          if (e.method !== undefined) expect(request.method).toBe(e.method)
          if (e.path !== undefined) expect(request.path).toMatch(e.path)
          for (const name of e.headers ?? []) expect(Object.keys(request.headers)).toContain(name)
          if (e.body !== undefined) expect(bodyOf(request)).toMatchObject(e.body)
          expect(request.headers.authorization).toBe(`Bearer ${pageToken}`)
          expect(request.path).not.toContain(pageToken)
          if (!request.path.endsWith("/comments")) expect(request.path).toBe(messagesPath)
        }
        if (c.expect.error !== undefined) {
          const error = errorOf(exit)
          expect(error.reason).toBe(c.expect.error)
          expect(error.retryable).toBe(c.expect.retryable)
          for (const secret of [pageToken, psid, "An error the test gives"]) expect(error.message).not.toContain(secret)
        } else {
          expect(exit).toEqual(Exit.succeed(c.expect.id))
        }
      })
    )
  }
})

describe("Facebook replies", () => {
  it.scopedLive("quotes the reporter's message in the first part only when quoteReplies is on", () =>
    Effect.gen(function* () {
      const platform = yield* FakePlatform.make
      const adapter = yield* makeAdapter(platform.url, { quoteReplies: true, partLength: 100 })
      yield* Effect.orDie(platform.respondWith(sent("m_q-1"), sent("m_q-2")))
      const id = yield* adapter.send(reply({ text: "Phần một. ".repeat(15) }))
      const [first, second] = (yield* platform.requests).map(bodyOf)
      expect(id).toBe("m_q-1")
      expect(first).toMatchObject({ reply_to: { mid: "m_user-message-0001" }, messaging_type: "RESPONSE" })
      expect(second).not.toHaveProperty("reply_to")
    })
  )

  it.scopedLive("after a failure between parts, the retry sends only the parts not yet sent", () =>
    Effect.gen(function* () {
      const platform = yield* FakePlatform.make
      const adapter = yield* makeAdapter(platform.url, { partLength: 100 })
      yield* Effect.orDie(platform.respondWith(sent("m_p-1"), metaError(2, 500), sent("m_p-2"), sent("m_p-3")))
      const message = reply({
        key: "reply:parts",
        text: `${"Một. ".repeat(19)}\n${"Hai. ".repeat(19)}\n${"Ba. ".repeat(20)}`
      })
      expect(errorOf(yield* Effect.exit(adapter.send(message))).reason).toBe("transient")
      expect(yield* adapter.send(message)).toBe("m_p-1")
      const parts = Channel.splitText(message.text, 100)
      expect(parts).toHaveLength(3)
      const texts = (yield* platform.requests).map((r) => (bodyOf(r).message as { text: string }).text)
      expect(texts).toEqual(parts.flatMap((t, i) => (i === 1 ? [t, t] : [t])))
      // Sent in full, the key is forgotten: the same key again is a new message.
      yield* Effect.orDie(platform.respondWith(sent("m_p-4"), sent("m_p-5"), sent("m_p-6")))
      expect(yield* adapter.send(message)).toBe("m_p-4")
    })
  )

  it.scopedLive("with humanAgent, an officer's reply between 24 hours and 7 days goes with the HUMAN_AGENT tag", () =>
    Effect.gen(function* () {
      const platform = yield* FakePlatform.make
      const adapter = yield* makeAdapter(platform.url, { humanAgent: true })
      yield* Effect.orDie(platform.respondWith(sent("m_t-1")))
      expect(yield* adapter.send(reply({ humanAgent: true, lastInboundAt: hoursAgo(30) }))).toBe("m_t-1")
      const [tagged] = (yield* platform.requests).map(bodyOf)
      expect(tagged).toEqual({
        recipient: { id: psid },
        messaging_type: "MESSAGE_TAG",
        tag: "HUMAN_AGENT",
        message: { text: reply().text }
      })
      // Not an officer's (an automatic acknowledgement), or past 7 days: nothing is sent.
      for (const late of [
        reply({ lastInboundAt: hoursAgo(30) }),
        reply({ humanAgent: true, lastInboundAt: hoursAgo(169) })
      ]) {
        const error = errorOf(yield* Effect.exit(adapter.send(late)))
        expect(error.reason).toBe("outside_window")
        expect(error.message).toContain("an officer's reply: 168 hours")
      }
      expect(yield* platform.requests).toHaveLength(1)
    })
  )

  it.scopedLive("without humanAgent, an officer's reply after 24 hours is outside_window, with no request", () =>
    Effect.gen(function* () {
      const platform = yield* FakePlatform.make
      const adapter = yield* makeAdapter(platform.url, { humanAgent: false })
      const error = errorOf(yield* Effect.exit(adapter.send(reply({ humanAgent: true, lastInboundAt: hoursAgo(30) }))))
      expect(error.reason).toBe("outside_window")
      expect(error.message).toMatch(/^Hết thời hạn trả lời trên Messenger: người dân nhắn lần cuối cách đây 30 giờ/)
      expect(error.message).toContain("within 24 hours;")
      expect(yield* platform.requests).toEqual([])
    })
  )

  it.scopedLive("humanAgentHours bounds the tagged reply", () =>
    Effect.gen(function* () {
      const platform = yield* FakePlatform.make
      const adapter = yield* makeAdapter(platform.url, { humanAgent: true, humanAgentHours: 48 })
      yield* Effect.orDie(platform.respondWith(sent("m_h-1")))
      expect(yield* adapter.send(reply({ humanAgent: true, lastInboundAt: hoursAgo(47) }))).toBe("m_h-1")
      const late = errorOf(yield* Effect.exit(adapter.send(reply({ humanAgent: true, lastInboundAt: hoursAgo(49) }))))
      expect(late.reason).toBe("outside_window")
      expect(late.message).toContain("an officer's reply: 48 hours")
      expect(yield* platform.requests).toHaveLength(1)
    })
  )

  it.scopedLive(
    "190 marks the page reconnect; later replies fail without calling Meta until it is connected again",
    () =>
      Effect.gen(function* () {
        const platform = yield* FakePlatform.make
        const credentials = yield* seededCredentials()
        const [adapter] = (yield* makeAdapters(platform.url, credentials)).pages
        yield* Effect.orDie(platform.respondWith(metaError(190, 400, 460)))
        const error = errorOf(yield* Effect.exit(adapter!.send(reply())))
        expect(error.reason).toBe("permanent")
        expect(error.platformCode).toBe("reconnect")
        expect(error.message).toContain("Cần kết nối lại trang")
        expect(error.message).toContain("code 190/460")
        expect(error.message).not.toContain(pageToken)
        expect((yield* credentials.get(channelId))?.status).toBe("reconnect")

        const later = errorOf(yield* Effect.exit(adapter!.send(toComment())))
        expect([later.reason, later.platformCode]).toEqual(["permanent", "reconnect"])
        expect(yield* platform.requests).toHaveLength(1)

        yield* Facebook.connectPage(channelId, Redacted.make("EAAG-page-token-New5")).pipe(
          Effect.provideService(Credentials.Credentials, credentials)
        )
        yield* Effect.orDie(platform.respondWith(sent("m_after-1")))
        expect(yield* adapter!.send(reply())).toBe("m_after-1")
        expect((yield* platform.requests)[1]?.headers.authorization).toBe("Bearer EAAG-page-token-New5")
      })
  )

  it.scopedLive("a 190 for a token the page has since replaced is transient, and the page stays active", () =>
    Effect.gen(function* () {
      const platform = yield* FakePlatform.make
      const credentials = yield* seededCredentials()
      const [adapter] = (yield* makeAdapters(platform.url, credentials)).pages
      yield* Effect.orDie(platform.respondWith({ ...metaError(190), delayMillis: 300 }))
      const sending = yield* Effect.fork(Effect.exit(adapter!.send(reply())))
      yield* Effect.sleep("100 millis")
      yield* Facebook.connectPage(channelId, Redacted.make("EAAG-page-token-New6")).pipe(
        Effect.provideService(Credentials.Credentials, credentials)
      )
      const error = errorOf(yield* Fiber.join(sending))
      expect(error.reason).toBe("transient")
      expect((yield* credentials.get(channelId))?.status).toBe("active")
    })
  )

  it.scopedLive("a page without a stored token must be connected, and Meta is not called", () =>
    Effect.gen(function* () {
      const platform = yield* FakePlatform.make
      const credentials = Credentials.makeEncoded(Credentials.makeMemoryEncoded())
      const [adapter] = (yield* makeAdapters(platform.url, credentials)).pages
      const error = errorOf(yield* Effect.exit(adapter!.send(reply())))
      expect([error.reason, error.platformCode]).toEqual(["permanent", "reconnect"])
      expect(yield* platform.requests).toEqual([])
    })
  )

  it.scopedLive("the webhook adapter sends through the page the message's channel names", () =>
    Effect.gen(function* () {
      const platform = yield* FakePlatform.make
      const { webhook } = yield* makeAdapters(platform.url, yield* seededCredentials())
      yield* Effect.orDie(platform.respondWith(sent("m_w-1")))
      expect(yield* webhook.send(toComment())).toBe("m_w-1")
      const unknown = errorOf(yield* Effect.exit(webhook.send(reply({ channel: "facebook:another-page" }))))
      expect(unknown.reason).toBe("permanent")
      const requests = yield* platform.requests
      expect(requests.map((r) => r.path)).toEqual([messagesPath])
      expect(bodyOf(requests[0]!)).toEqual({
        recipient: { comment_id: commentId },
        message: { text: toComment().text }
      })
    })
  )
})
