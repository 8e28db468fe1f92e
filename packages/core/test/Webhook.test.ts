import { inspect } from "node:util"
import { HttpApp } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { FakeChannel } from "@tinbao/testkit"
import { DateTime, Effect, Layer, Logger, Redacted } from "effect"
import type { RawDelivery } from "../src/Channel.js"
import * as Channels from "../src/Channels.js"
import type { InboundMessage } from "../src/InboundMessage.js"
import * as Inbox from "../src/Inbox.js"
import * as Webhook from "../src/Webhook.js"

const ID = "web:test"
const USER = "843009701254"
const NAME = "Nguyễn Văn An"
const fake = FakeChannel.make({ id: ID })
const VERIFY = Redacted.value(FakeChannel.defaultVerifyToken)

const event = (type: string, id = "m1"): FakeChannel.Event => ({
  type,
  id,
  from: USER,
  name: NAME,
  text: "Có cháy ở chợ Ninh Tiến",
  time: 1_735_718_400_123
})

const encode = (text: string) => new TextEncoder().encode(text)

const request = (delivery: RawDelivery, url = delivery.url) =>
  new Request(`http://tinbao.test${url}`, {
    method: delivery.method,
    headers: delivery.headers,
    ...(delivery.method === "GET" ? {} : { body: delivery.body })
  })

// A POST signed now, by the test's clock.
const post = (
  body: ReadonlyArray<FakeChannel.Event> | string | Uint8Array,
  headers: Record<string, string> = {},
  channel = ID
) => Effect.map(fake.delivery(body, { headers, url: `/webhooks/${channel}` }), (d) => request(d))

const call = (handler: (request: Request) => Promise<Response>, request: Request) =>
  Effect.promise(async () => {
    const response = await handler(request)
    return { status: response.status, body: await response.text() }
  })

const lines: Array<string> = []
const capture = Logger.replace(
  Logger.defaultLogger,
  Logger.make(({ message }) => {
    lines.push(inspect(message, { depth: 10 }))
  })
)

const layer = Layer.mergeAll(Inbox.layerMemory, Channels.layer([fake.adapter]), capture)

const setup = (options: Partial<Webhook.Options<never, never>> = {}) =>
  Effect.gen(function* () {
    lines.length = 0
    const processed: Array<InboundMessage> = []
    const webhook = yield* Webhook.make({
      process: (messages) =>
        Effect.sync(() => {
          processed.push(...messages)
        }),
      worker: false,
      ...options
    })
    return { webhook, processed, inbox: yield* Inbox.Inbox }
  })

const pending = (inbox: Inbox.Inbox["Type"]) =>
  Effect.flatMap(DateTime.now, (now) => inbox.claim(DateTime.add(now, { days: 1 }), 100, 1000))

const clean = () => {
  const logged = lines.join("\n")
  for (const secret of [Redacted.value(FakeChannel.defaultSecret), VERIFY, USER, NAME]) {
    expect(logged).not.toContain(secret)
  }
}

describe("Webhook", () => {
  it.scoped("acknowledges a verified delivery, stores it and leaves processing to the worker", () =>
    Effect.gen(function* () {
      const { webhook, processed, inbox } = yield* setup()
      expect(yield* call(webhook.handler, yield* post([event("message")]))).toEqual({ status: 200, body: "ok" })
      expect(processed).toEqual([])
      expect(yield* webhook.drain).toEqual({ claimed: 1, done: 1, retried: 0, dead: 0 })
      expect(processed.map((m) => [m.platformMessageId, m.text])).toEqual([["m1", "Có cháy ở chợ Ninh Tiến"]])
      expect(Redacted.value(processed[0]!.sender).platformUserId).toBe(USER)
      expect(yield* pending(inbox)).toEqual([])
      clean()
    }).pipe(Effect.provide(layer))
  )

  it.scoped("answers the GET handshake without storing anything, and a wrong verify token with 403", () =>
    Effect.gen(function* () {
      const { webhook, inbox } = yield* setup()
      expect(yield* call(webhook.handler, request(fake.handshake("1158201444", VERIFY)))).toEqual({
        status: 200,
        body: "1158201444"
      })
      // Facebook requires 403 for a wrong hub.verify_token: the adapter refuses it as `forbidden`.
      expect(yield* call(webhook.handler, request(fake.handshake("1158201444", "guess")))).toEqual({
        status: 403,
        body: "forbidden: the handshake's verify token is wrong"
      })
      expect(yield* pending(inbox)).toEqual([])
      expect(yield* inbox.deadLetters()).toEqual([])
      clean()
    }).pipe(Effect.provide(layer))
  )

  it.scoped("refuses unknown channels, bad signatures, other content types and methods", () =>
    Effect.gen(function* () {
      const { webhook, inbox } = yield* setup({ contentTypes: { [ID]: ["application/x-www-form-urlencoded"] } })
      const body = [event("message")]
      expect((yield* call(webhook.handler, yield* post(body, {}, "zalo-oa:999"))).status).toBe(404)
      const forged = yield* post(body, { [FakeChannel.headers.signature]: "sha256=00" })
      expect((yield* call(webhook.handler, forged)).status).toBe(401)
      expect((yield* call(webhook.handler, yield* post(body, { "content-type": "text/plain" }))).status).toBe(415)
      expect((yield* call(webhook.handler, yield* post(body, { "content-type": "" }))).status).toBe(415)
      const charset = yield* post(body, { "content-type": "application/json; charset=utf-8" })
      expect((yield* call(webhook.handler, charset)).status).toBe(200)
      const ld = yield* post(body, { "content-type": "application/ld+json" })
      expect((yield* call(webhook.handler, ld)).status).toBe(200)
      // Accepted for this channel, so the adapter decides: it is not JSON.
      const form = yield* call(
        webhook.handler,
        yield* post("a=1", { "content-type": "application/x-www-form-urlencoded" })
      )
      expect(form).toEqual({ status: 400, body: "bad_request: the body is not valid JSON (is it truncated?)" })
      const put = new Request(`http://tinbao.test/webhooks/${ID}`, { method: "PUT", body: JSON.stringify(body) })
      expect((yield* call(webhook.handler, put)).status).toBe(404)
      const direct = { method: "PUT", url: "/webhooks/web:test", headers: {}, body: encode("{}") }
      expect(yield* webhook.accept(ID, direct)).toMatchObject({ status: 405, headers: { allow: "GET, POST" } })
      expect(yield* pending(inbox)).toHaveLength(2)
      const logged = lines.join("\n")
      for (const reason of ["unknown_channel", "bad_signature", "unsupported_media_type", "method_not_allowed"]) {
        expect(logged).toContain(reason)
      }
      clean()
    }).pipe(Effect.provide(layer))
  )

  it.scoped("stops reading a body at the limit", () =>
    Effect.gen(function* () {
      const { webhook, inbox } = yield* setup()
      const huge = new Uint8Array(10 * 1024 * 1024).fill(0x20)
      expect(yield* call(webhook.handler, yield* post(huge))).toMatchObject({ status: 413 })
      const declared = yield* post([event("message")], { "content-length": String(20 * 1024 * 1024) })
      expect((yield* call(webhook.handler, declared)).status).toBe(413)
      let pulled = 0
      const chunk = new Uint8Array(64 * 1024).fill(0x20)
      const stream = new ReadableStream<Uint8Array>({
        pull: (controller) => {
          pulled += 1
          if (pulled > 160) controller.close()
          else controller.enqueue(chunk)
        }
      })
      const streamed = new Request(`http://tinbao.test/webhooks/${ID}`, {
        method: "POST",
        body: stream,
        headers: { "content-type": "application/json" },
        duplex: "half"
      } as RequestInit)
      expect((yield* call(webhook.handler, streamed)).status).toBe(413)
      expect(pulled).toBeLessThan(24)
      expect(yield* pending(inbox)).toEqual([])
      clean()
    }).pipe(Effect.provide(layer))
  )

  it.scoped("takes a body of exactly the limit, and not one byte more", () =>
    Effect.gen(function* () {
      const { webhook } = yield* setup({ maxBodyBytes: 200 })
      const base = JSON.stringify({ events: [event("message")] })
      const exact = base + " ".repeat(200 - encode(base).length)
      expect((yield* call(webhook.handler, yield* post(exact))).status).toBe(200)
      expect((yield* call(webhook.handler, yield* post(`${exact} `))).status).toBe(413)
      const tooLong = {
        method: "POST",
        url: "/",
        headers: { "content-type": "application/json" },
        body: encode(`${exact} `)
      }
      expect((yield* webhook.accept(ID, tooLong)).status).toBe(413)
    }).pipe(Effect.provide(layer))
  )

  it.scoped("gives a clear 4xx for truncated, non-UTF-8 and deeply nested bodies", () =>
    Effect.gen(function* () {
      const { webhook, inbox } = yield* setup()
      const full = JSON.stringify({ events: [event("message")] })
      const truncated = yield* call(webhook.handler, yield* post(full.slice(0, full.length - 7)))
      expect(truncated).toEqual({ status: 400, body: "bad_request: the body is not valid JSON (is it truncated?)" })
      const latin1 = new Uint8Array([...encode('{"events":[{"text":"'), 0xc3, 0x28, ...encode('"}]}')])
      expect(yield* call(webhook.handler, yield* post(latin1))).toEqual({
        status: 400,
        body: "bad_request: the body is not valid UTF-8"
      })
      const deep = `${"[".repeat(10_000)}${"]".repeat(10_000)}`
      const nested = yield* call(webhook.handler, yield* post(deep))
      expect(nested).toEqual({ status: 400, body: "bad_request: the body's JSON is nested deeper than 64 levels" })
      expect(yield* pending(inbox)).toEqual([])
      clean()
    }).pipe(Effect.provide(layer))
  )

  it.scoped("says 200 to what it does not understand and keeps it as a dead letter", () =>
    Effect.gen(function* () {
      const { webhook, inbox, processed } = yield* setup()
      expect(yield* call(webhook.handler, yield* post([]))).toEqual({ status: 200, body: "kept" })
      expect((yield* call(webhook.handler, yield* post([event("message"), event("reaction", "r1")]))).status).toBe(200)
      expect((yield* call(webhook.handler, yield* post([event("crash")]))).status).toBe(200)
      expect((yield* inbox.deadLetters()).map((e) => e.deadReason)).toEqual([
        "unsupported_event: the delivery holds no event",
        "the adapter of channel web:test failed unexpectedly"
      ])
      // The worker takes the message in and keeps the delivery, for its unknown event, as a dead letter.
      expect(yield* webhook.drain).toMatchObject({ claimed: 1, dead: 1 })
      expect(yield* pending(inbox)).toEqual([])
      expect(processed.map((m) => m.platformMessageId)).toEqual(["m1"])
      expect((yield* inbox.deadLetters()).map((e) => e.deadReason)).toContain("unsupported events: reaction")
      expect(lines.join("\n")).toContain("dead_letter")
      clean()
    }).pipe(Effect.provide(layer))
  )

  it.scoped("answers 503 when the inbox cannot store, so that the platform sends again", () =>
    Effect.gen(function* () {
      const memory = Inbox.makeMemoryEncoded()
      const broken: Inbox.Encoded = {
        ...memory,
        insert: () => Effect.fail(new Inbox.InboxError({ reason: "unavailable", message: "The database is down." }))
      }
      const { webhook } = yield* setup().pipe(Effect.provideService(Inbox.Inbox, Inbox.makeEncoded(broken)))
      expect((yield* call(webhook.handler, yield* post([event("message")]))).status).toBe(503)
      expect(lines.join("\n")).toContain("unavailable")
      clean()
    }).pipe(Effect.provide(layer))
  )

  it.scoped("serves the same answers as an HttpApp and a router", () =>
    Effect.gen(function* () {
      const { webhook, inbox } = yield* setup({ path: "/hooks/:channel" })
      // These handlers run on the default runtime, whose clock is the real one: sign at the real time.
      const signed = (id: string) =>
        request(fake.signedAt([event("message", id)], Math.floor(Date.now() / 1000)), `/hooks/${ID}`)
      expect(yield* call(HttpApp.toWebHandler(webhook.app), signed("a"))).toEqual({ status: 200, body: "ok" })
      expect((yield* call(HttpApp.toWebHandler(webhook.router), signed("b"))).status).toBe(200)
      expect((yield* call(HttpApp.toWebHandler(webhook.app), new Request("http://tinbao.test/elsewhere"))).status).toBe(
        404
      )
      const stored = yield* inbox.claim(DateTime.unsafeMake(Date.now() + 86_400_000), 10, 1000)
      expect(stored.map((e) => e.channel)).toEqual([ID, ID])
    }).pipe(Effect.provide(layer))
  )

  it.scoped("rejects options out of range", () =>
    Effect.gen(function* () {
      expect(yield* Effect.flip(setup({ maxBodyBytes: 0 }))).toMatchObject({ reason: "invalid" })
      expect((yield* Effect.flip(setup({ path: "/webhooks" }))).message).toContain(":channel")
    }).pipe(Effect.provide(layer))
  )
})
