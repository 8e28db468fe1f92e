import { describe, expect, it } from "@effect/vitest"
import { Channel, InboundMessage } from "@tinbao/core"
import { DateTime, Effect, Either, Exit, Redacted } from "effect"
import * as FakeChannel from "../src/FakeChannel.js"
import * as FakePlatform from "../src/FakePlatform.js"
import { decodeLater, type Received } from "../src/internal/channelSuiteCases.js"
import { alterOneByte, capabilityProblems, directConversationProblem } from "../src/internal/channelSuiteChecks.js"
import { assertNoLeaks, observation, observe } from "../src/internal/channelSuiteObserve.js"
import { ChannelSuite } from "../src/vitest.js"

const secret = Redacted.make("cs-secret-7c0d5e9a41b2f3c8")
const sender = { platformUserId: "cs-user-5f3a9c1e77", displayName: "Trần Thị Mai" }
const message = new InboundMessage.InboundMessage({
  kind: "message",
  channel: "web:test",
  platformMessageId: "m-1",
  conversation: { kind: "group", id: "g-1" },
  sender: Redacted.make(sender),
  attachments: [],
  sentAt: DateTime.unsafeMake(1735718400000)
})
const received: Received = {
  verified: { answer: { status: 200, headers: {}, body: "" }, keep: true },
  decoded: { messages: [message], unsupported: [] }
}

describe("FakePlatform", () => {
  it.scopedLive("records requests, answers from its script, then 599, and refuses a malformed answer", () =>
    Effect.gen(function* () {
      const platform = yield* FakePlatform.make
      yield* platform.respondWith({ status: 202, body: { id: "a" } })
      const first = yield* Effect.promise(() => fetch(`${platform.url}/x?y=1`, { method: "PUT", body: "hi" }))
      expect([first.status, yield* Effect.promise(() => first.json())]).toEqual([202, { id: "a" }])
      const second = yield* Effect.promise(() => fetch(platform.url))
      expect(second.status).toBe(599)
      const recorded = yield* platform.requests
      expect(recorded.map((r) => [r.method, r.path, r.body])).toEqual([
        ["PUT", "/x?y=1", "hi"],
        ["GET", "/", ""]
      ])
      expect(Exit.isFailure(yield* Effect.exit(platform.respondWith({ status: 700 })))).toBe(true)
    })
  )

  it.live("stops listening when its scope closes", () =>
    Effect.gen(function* () {
      const url = yield* Effect.scoped(Effect.map(FakePlatform.make, (p) => p.url))
      const after = yield* Effect.exit(Effect.tryPromise(() => fetch(url)))
      expect(Exit.isFailure(after)).toBe(true)
    })
  )
})

describe("ChannelSuite checks", () => {
  it.live("catch an adapter that logs a sender's identity or puts a secret in an error", () =>
    Effect.gen(function* () {
      const leaky = Effect.tap(Effect.succeed(received), (r) =>
        Effect.logDebug(`from ${JSON.stringify(Redacted.value(r.decoded.messages[0].sender))}`)
      )
      const observed = observation()
      yield* observe(observed, leaky)
      expect(() => assertNoLeaks(observed, [])).toThrow(/identity "cs-user-5f3a9c1e77" in a log line/)
      const quiet = observation()
      yield* observe(quiet, Effect.succeed(received))
      expect(() => assertNoLeaks(quiet, [])).not.toThrow()
      const failing = observation()
      yield* observe(
        failing,
        Effect.fail(
          new Channel.ChannelError({ channel: "x", reason: "permanent", message: `key ${Redacted.value(secret)}` })
        )
      )
      expect(() => assertNoLeaks(failing, [Redacted.value(secret)])).toThrow(/secret #1/)
      expect(() => assertNoLeaks(observation(), [Redacted.value(secret)])).not.toThrow()
    })
  )

  it("alter one character within its alphabet, and find unsound capabilities", () => {
    expect(alterOneByte("sha256=0af")).toBe("sha256=0a0")
    expect(alterOneByte("abcZ==")).toBe("abcG==")
    const bad: Channel.Capabilities = {
      groups: false,
      comments: false,
      attachments: false,
      location: false,
      replyWindow: { _tag: "Hours", hours: 24, humanAgentHours: 1 },
      maxTextLength: 0
    }
    const web = { id: "web", label: { vi: "Trang thông tin điện tử", en: "Web" } }
    expect(capabilityProblems({ id: " ", platform: web, capabilities: bad } as Channel.ChannelAdapter)).toHaveLength(3)
    for (const platform of [{ id: "SMS", label: web.label }, { id: "s", label: web.label }, { id: "sms" }]) {
      const adapter = {
        id: "sms:1",
        platform,
        capabilities: { ...bad, maxTextLength: 1, replyWindow: { _tag: "None" } }
      }
      expect(capabilityProblems(adapter as Channel.ChannelAdapter), JSON.stringify(platform)).toHaveLength(1)
    }
  })

  it("find a direct conversation whose id is not its sender's, but not in an echo", () => {
    const direct = (conversation: InboundMessage.Conversation, kind: InboundMessage.Kind = "message") =>
      new InboundMessage.InboundMessage({ ...message, kind, conversation })
    expect(directConversationProblem(direct(InboundMessage.direct(sender.platformUserId)))).toBeUndefined()
    expect(directConversationProblem(direct(InboundMessage.direct("cs-user-other")))).toMatch(/not its sender/)
    expect(directConversationProblem(direct(InboundMessage.direct("cs-user-other"), "echo"))).toBeUndefined()
    expect(directConversationProblem(message)).toBeUndefined()
  })
})

describe("ChannelSuite's later decoding", () => {
  it("catches a decode that checks the time again", () => {
    const signedAt = Date.now()
    const strict: Channel.ChannelAdapter = {
      ...FakeChannel.make().adapter,
      decode: () =>
        Date.now() - signedAt > 300_000
          ? Either.left(new Channel.ChannelError({ channel: "x", reason: "bad_signature", message: "stale" }))
          : Either.right({ messages: [], unsupported: [] })
    }
    const delivery = FakeChannel.make().signedAt([], 0)
    expect(Either.isRight(strict.decode(delivery))).toBe(true)
    expect(Either.isLeft(decodeLater(strict, delivery))).toBe(true)
    expect(Date.now() - signedAt).toBeLessThan(300_000)
  })
})

// The one fake adapter of the core's tests keeps the contract it stands in for.
const fake = FakeChannel.make({ id: "fake:suite" })
const now = Math.floor(Date.now() / 1000)
const events = [
  { type: "message", id: "f-1", from: "fake-user-3c9a71", name: "Lê Văn Tám", text: "Có cháy", time: 1735718400000 },
  { type: "reaction", id: "f-2", from: "fake-user-3c9a71" },
  { type: "message", id: "f-3", from: "fake-user-3c9a71", group: "fake-group-77", text: "Ở chợ" }
]
ChannelSuite.suite("FakeChannel", {
  make: () => Effect.succeed(fake.adapter),
  signatureHeader: FakeChannel.headers.signature,
  secrets: [Redacted.value(FakeChannel.defaultSecret), Redacted.value(FakeChannel.defaultVerifyToken)],
  incoming: [
    {
      name: "messages and an unknown event",
      delivery: fake.signedAt(events, now),
      expect: {
        status: 200,
        keep: true,
        unsupported: 1,
        messages: [
          { platformMessageId: "f-1", conversation: { kind: "direct", id: "fake-user-3c9a71" }, sentAt: 1735718400000 },
          { platformMessageId: "f-3", conversation: { kind: "group", id: "fake-group-77" } }
        ]
      }
    },
    {
      name: "a handshake",
      delivery: fake.handshake("4711", Redacted.value(FakeChannel.defaultVerifyToken)),
      expect: { status: 200, body: "4711", keep: false, messages: [] }
    },
    {
      name: "a handshake with a wrong token",
      delivery: fake.handshake("4711", "guess-guess"),
      expect: { error: "forbidden" }
    },
    { name: "a stale delivery", delivery: fake.signedAt(events, now - 301), expect: { error: "bad_signature" } },
    { name: "no event", delivery: fake.signedAt([], now), expect: { error: "unsupported_event" } },
    { name: "not JSON", delivery: fake.signedAt('{"events":[', now), expect: { error: "bad_request" } }
  ],
  outgoing: [
    {
      name: "a reply is recorded, not posted",
      message: new Channel.OutboundMessage({
        key: "ack:f-1",
        channel: "fake:suite",
        conversation: InboundMessage.direct("fake-user-3c9a71"),
        text: "Đã nhận"
      }),
      responses: [],
      expect: { requests: [], id: "mid-ack:f-1" }
    }
  ]
})
