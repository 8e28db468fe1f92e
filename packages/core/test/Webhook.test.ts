import { createHmac } from "node:crypto"
import { inspect } from "node:util"
import { HttpApp } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { DateTime, Effect, Layer, Logger, Redacted, Schema } from "effect"
import { type ChannelAdapter, ChannelError, type Received } from "../src/Channel.js"
import * as Channels from "../src/Channels.js"
import { InboundMessage } from "../src/InboundMessage.js"
import * as Inbox from "../src/Inbox.js"
import * as Webhook from "../src/Webhook.js"

const ID = "web:test"
const SECRET = "s3cr3t-Zq8-webhook-key"
const VERIFY = "verify-Kp2-token"
const USER = "843009701254"
const NAME = "Nguyễn Văn An"

const encode = (text: string) => new TextEncoder().encode(text)
const sign = (body: Uint8Array) => `sha256=${createHmac("sha256", SECRET).update(body).digest("hex")}`

const depth = (text: string) => {
  let level = 0
  let deepest = 0
  for (const ch of text) {
    if (ch === "{" || ch === "[") deepest = Math.max(deepest, ++level)
    else if (ch === "}" || ch === "]") level -= 1
  }
  return deepest
}

const Body = Schema.Struct({
  events: Schema.Array(
    Schema.Struct({
      type: Schema.String,
      id: Schema.String,
      from: Schema.String,
      text: Schema.String,
      time: Schema.Number
    })
  )
})

// A small signed JSON channel, enough to drive every answer of the webhook.
const adapter: ChannelAdapter = {
  id: ID,
  platform: "web",
  capabilities: {
    groups: false,
    comments: false,
    attachments: false,
    location: false,
    replyWindow: { _tag: "None" },
    maxTextLength: 4000
  },
  send: () => Effect.die("not used"),
  receive: (delivery) =>
    Effect.gen(function* () {
      const refuse = (reason: ChannelError["reason"], message: string) =>
        Effect.fail(new ChannelError({ channel: ID, reason, message }))
      if (delivery.method === "GET") {
        const url = new URL(delivery.url, "http://localhost")
        if (url.searchParams.get("verify") !== VERIFY)
          return yield* refuse("bad_signature", "The verify token is wrong.")
        return { answer: { status: 200, body: url.searchParams.get("challenge") ?? "" }, messages: [], unsupported: [] }
      }
      if (delivery.headers["x-test-signature"] !== sign(delivery.body)) {
        return yield* refuse("bad_signature", "The signature does not match the body.")
      }
      const text = yield* Effect.try({
        try: () => new TextDecoder("utf-8", { fatal: true }).decode(delivery.body),
        catch: () => new ChannelError({ channel: ID, reason: "bad_request", message: "The body is not UTF-8." })
      })
      if (depth(text) > 64) return yield* refuse("bad_request", "The JSON is nested deeper than 64 levels.")
      const json = yield* Effect.try({
        try: () => JSON.parse(text) as unknown,
        catch: () => new ChannelError({ channel: ID, reason: "bad_request", message: "The body is not JSON." })
      })
      const body = yield* Effect.mapError(
        Schema.decodeUnknown(Body)(json),
        () => new ChannelError({ channel: ID, reason: "bad_request", message: "The body is not a test delivery." })
      )
      if (body.events.length === 0) return yield* refuse("unsupported_event", "The delivery holds no known event.")
      if (body.events.some((e) => e.type === "explode")) return yield* Effect.die(new Error(`exploded: ${SECRET}`))
      const messages = body.events
        .filter((e) => e.type === "message")
        .map(
          (e) =>
            new InboundMessage({
              kind: "message",
              channel: ID,
              platformMessageId: e.id,
              conversation: { kind: "direct", id: e.from },
              sender: Redacted.make({ platformUserId: e.from, displayName: NAME }),
              text: e.text,
              sentAt: DateTime.unsafeMake(e.time)
            })
        )
      const unsupported = body.events.filter((e) => e.type !== "message").map((e) => e.type)
      return { answer: { status: 200, body: "ok" }, messages, unsupported } satisfies Received
    })
}

const event = (type: string, id = "m1") => ({
  type,
  id,
  from: USER,
  text: "Có cháy ở chợ Ninh Tiến",
  time: 1_735_718_400_123
})
const json = (...events: ReadonlyArray<object>) => JSON.stringify({ events })

const post = (body: string | Uint8Array, headers: Record<string, string> = {}, channel = ID) => {
  const bytes = typeof body === "string" ? encode(body) : body
  return new Request(`http://tinbao.test/webhooks/${channel}`, {
    method: "POST",
    body: bytes,
    headers: { "content-type": "application/json", "x-test-signature": sign(bytes), ...headers }
  })
}

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

const layer = Layer.mergeAll(Inbox.layerMemory, Channels.layer([adapter]), capture)

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
  for (const secret of [SECRET, VERIFY, USER, NAME]) expect(logged).not.toContain(secret)
}

describe("Webhook", () => {
  it.scoped("acknowledges a verified delivery, stores it and leaves processing to the worker", () =>
    Effect.gen(function* () {
      const { webhook, processed, inbox } = yield* setup()
      expect(yield* call(webhook.handler, post(json(event("message"))))).toEqual({ status: 200, body: "ok" })
      expect(processed).toEqual([])
      expect(yield* webhook.drain).toEqual({ claimed: 1, done: 1, retried: 0, dead: 0 })
      expect(processed.map((m) => [m.platformMessageId, m.text])).toEqual([["m1", "Có cháy ở chợ Ninh Tiến"]])
      expect(Redacted.value(processed[0]!.sender).platformUserId).toBe(USER)
      expect(yield* pending(inbox)).toEqual([])
      clean()
    }).pipe(Effect.provide(layer))
  )

  it.scoped("answers the GET handshake without storing anything", () =>
    Effect.gen(function* () {
      const { webhook, inbox } = yield* setup()
      const url = `http://tinbao.test/webhooks/${ID}?challenge=1158201444`
      expect(yield* call(webhook.handler, new Request(`${url}&verify=${VERIFY}`))).toEqual({
        status: 200,
        body: "1158201444"
      })
      expect((yield* call(webhook.handler, new Request(`${url}&verify=guess`))).status).toBe(401)
      expect(yield* pending(inbox)).toEqual([])
      clean()
    }).pipe(Effect.provide(layer))
  )

  it.scoped("refuses unknown channels, bad signatures, other content types and methods", () =>
    Effect.gen(function* () {
      const { webhook, inbox } = yield* setup({ contentTypes: { [ID]: ["application/x-www-form-urlencoded"] } })
      const body = json(event("message"))
      expect((yield* call(webhook.handler, post(body, {}, "zalo-oa:999"))).status).toBe(404)
      expect((yield* call(webhook.handler, post(body, { "x-test-signature": "sha256=00" }))).status).toBe(401)
      expect((yield* call(webhook.handler, post(body, { "content-type": "text/plain" }))).status).toBe(415)
      expect((yield* call(webhook.handler, post(body, { "content-type": "" }))).status).toBe(415)
      expect(
        (yield* call(webhook.handler, post(body, { "content-type": "application/json; charset=utf-8" }))).status
      ).toBe(200)
      expect((yield* call(webhook.handler, post(body, { "content-type": "application/ld+json" }))).status).toBe(200)
      // Accepted for this channel, so the adapter decides: it is not JSON.
      const form = yield* call(webhook.handler, post("a=1", { "content-type": "application/x-www-form-urlencoded" }))
      expect(form).toEqual({ status: 400, body: "bad_request: The body is not JSON." })
      const put = new Request(`http://tinbao.test/webhooks/${ID}`, { method: "PUT", body })
      expect((yield* call(webhook.handler, put)).status).toBe(404)
      const direct = { method: "PUT", url: "/webhooks/web:test", headers: {}, body: encode(body) }
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
      expect(yield* call(webhook.handler, post(huge))).toMatchObject({ status: 413 })
      const declared = post(json(event("message")), { "content-length": String(20 * 1024 * 1024) })
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
      const base = json(event("message"))
      const exact = base + " ".repeat(200 - encode(base).length)
      expect((yield* call(webhook.handler, post(exact))).status).toBe(200)
      expect((yield* call(webhook.handler, post(`${exact} `))).status).toBe(413)
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
      const full = json(event("message"))
      const truncated = yield* call(webhook.handler, post(full.slice(0, full.length - 7)))
      expect(truncated).toEqual({ status: 400, body: "bad_request: The body is not JSON." })
      const latin1 = new Uint8Array([...encode('{"events":[{"text":"'), 0xc3, 0x28, ...encode('"}]}')])
      expect(yield* call(webhook.handler, post(latin1))).toEqual({
        status: 400,
        body: "bad_request: The body is not UTF-8."
      })
      const deep = `${"[".repeat(10_000)}${"]".repeat(10_000)}`
      const nested = yield* call(webhook.handler, post(deep))
      expect(nested).toEqual({ status: 400, body: "bad_request: The JSON is nested deeper than 64 levels." })
      expect(yield* pending(inbox)).toEqual([])
      clean()
    }).pipe(Effect.provide(layer))
  )

  it.scoped("says 200 to what it does not understand and keeps it as a dead letter", () =>
    Effect.gen(function* () {
      const { webhook, inbox } = yield* setup()
      expect(yield* call(webhook.handler, post(json()))).toEqual({ status: 200, body: "kept" })
      expect((yield* call(webhook.handler, post(json(event("message"), event("reaction", "r1"))))).status).toBe(200)
      expect((yield* call(webhook.handler, post(json(event("explode"))))).status).toBe(200)
      const dead = yield* inbox.deadLetters()
      expect(dead.map((e) => e.deadReason)).toEqual([
        "unsupported_event: The delivery holds no known event.",
        "unsupported events: reaction",
        "the adapter of channel web:test failed unexpectedly"
      ])
      expect(yield* pending(inbox)).toHaveLength(1)
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
      expect((yield* call(webhook.handler, post(json(event("message"))))).status).toBe(503)
      expect(lines.join("\n")).toContain("unavailable")
      clean()
    }).pipe(Effect.provide(layer))
  )

  it.scoped("serves the same answers as an HttpApp and a router", () =>
    Effect.gen(function* () {
      const { webhook, inbox } = yield* setup({ path: "/hooks/:channel" })
      const request = (body: string) =>
        new Request(`http://tinbao.test/hooks/${ID}`, {
          method: "POST",
          body,
          headers: { "content-type": "application/json", "x-test-signature": sign(encode(body)) }
        })
      expect(yield* call(HttpApp.toWebHandler(webhook.app), request(json(event("message", "a"))))).toEqual({
        status: 200,
        body: "ok"
      })
      expect((yield* call(HttpApp.toWebHandler(webhook.router), request(json(event("message", "b"))))).status).toBe(200)
      expect((yield* call(HttpApp.toWebHandler(webhook.app), new Request("http://tinbao.test/elsewhere"))).status).toBe(
        404
      )
      // These handlers run on the default runtime, whose clock is the real one.
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
