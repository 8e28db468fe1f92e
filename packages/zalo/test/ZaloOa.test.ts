import { createHash } from "node:crypto"
import { inspect } from "node:util"
import { FetchHttpClient } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { Channel, Credentials, InboundMessage } from "@tinbao/core"
import { FakePlatform } from "@tinbao/testkit"
import { ChannelSuite } from "@tinbao/testkit/vitest"
import { Effect, Redacted, TestClock, Tracer } from "effect"
import * as ZaloOa from "../src/ZaloOa.js"
import { appId, at, bodies, group, names, oa, user } from "./fixtures.js"
import {
  accessToken,
  appSecret,
  channelId,
  config,
  incomingCases,
  makeWith,
  outgoingCases,
  refreshToken,
  secretKey
} from "./oaCases.js"

ChannelSuite.suite("ZaloOa", {
  make: (url) => makeWith(ZaloOa)(url),
  signatureHeader: ZaloOa.signatureHeader,
  incoming: incomingCases(ZaloOa),
  outgoing: outgoingCases,
  secrets: [
    Redacted.value(secretKey),
    Redacted.value(appSecret),
    accessToken,
    refreshToken,
    "oa-access-token-New9",
    "oa-refresh-token-New4"
  ]
})

describe("ZaloOa", () => {
  const adapter = (url = "http://127.0.0.1:9", extra: Partial<ZaloOa.Config> = {}) => makeWith(ZaloOa)(url, extra)

  it("signs as Zalo does: SHA-256 of app_id, the exact body, timestamp and the OA secret key, not an HMAC", () => {
    const body = JSON.stringify(bodies.text())
    const expected = createHash("sha256")
      .update(`${appId}${body}${at}${Redacted.value(secretKey)}`)
      .digest("hex")
    expect(ZaloOa.sign(secretKey, appId, body, at)).toBe(`mac=${expected}`)
    expect(ZaloOa.delivery(secretKey, body).headers[ZaloOa.signatureHeader]).toBe(`mac=${expected}`)
  })

  it.effect("keeps submitted contact details in the redacted sender only: no name, phone or address shows", () =>
    Effect.gen(function* () {
      const oa = yield* adapter()
      const decoded = yield* oa.decode(ZaloOa.delivery(secretKey, bodies.submitInfo()))
      const [contact] = decoded.messages
      expect(contact?.kind).toBe("contact")
      expect(InboundMessage.isTipMaterial(contact!)).toBe(false)
      expect(Redacted.value(contact!.sender)).toEqual({
        platformUserId: user,
        displayName: names.reporterName,
        phone: names.phone,
        address: "Số 7 ngõ 12 Lê Hồng Phong, Phường Đông Thành, Ninh Bình"
      })
      const flat = yield* oa.decode(ZaloOa.delivery(secretKey, bodies.submitInfoFlat()))
      expect(Redacted.value(flat.messages[0]!.sender)).toMatchObject({
        phone: names.phone,
        address: "Số 7, Đông Thành, Ninh Bình"
      })
      const shown = [String(contact), JSON.stringify(contact), inspect(contact, { depth: 10 })].join("\n")
      for (const secret of [names.reporterName, names.phone, "Lê Hồng Phong", user]) expect(shown).not.toContain(secret)
      // A refusal names no identity either.
      const error = yield* Effect.flip(oa.verify({ ...ZaloOa.delivery(secretKey, bodies.submitInfo()), headers: {} }))
      expect(inspect(error)).not.toContain(names.phone)
    }).pipe(Effect.scoped)
  )

  it.effect("checks the timestamp on arrival only when told, and decodes a delivery two days later", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(Number(at) + 60_000)
      const strict = yield* adapter(undefined, { toleranceSeconds: 300 })
      const delivery = ZaloOa.delivery(secretKey, bodies.text())
      expect((yield* strict.verify(delivery)).keep).toBe(true)
      yield* TestClock.adjust("2 days")
      expect((yield* Effect.flip(strict.verify(delivery))).reason).toBe("bad_signature")
      expect((yield* (yield* adapter()).verify(delivery)).keep).toBe(true)
      expect((yield* strict.decode(delivery)).messages).toHaveLength(1)
    }).pipe(Effect.scoped)
  )

  it.effect("takes the group id from recipient.id or group_id as configured, and can record group lifecycles", () =>
    Effect.gen(function* () {
      const withId = ZaloOa.delivery(secretKey, bodies.groupWithId())
      const byRecipient = yield* adapter(undefined, { groupIdFrom: "recipient.id" })
      expect((yield* byRecipient.decode(withId)).messages[0]?.conversation).toEqual({ kind: "group", id: oa })
      const keep = yield* adapter(undefined, { groupLifecycle: "keep" })
      expect((yield* keep.decode(ZaloOa.delivery(secretKey, bodies.lifecycle()))).unsupported).toHaveLength(1)
    }).pipe(Effect.scoped)
  )

  it.effect("keeps a 1:1 event for another OA of the same app as a dead letter, not as this OA's tip", () =>
    Effect.gen(function* () {
      const other = { ...bodies.text(), recipient: { id: "999000111222" } }
      const decoded = yield* (yield* adapter()).decode(ZaloOa.delivery(secretKey, other))
      expect(decoded.messages).toEqual([])
      expect(decoded.unsupported).toEqual(["user_send_text: for OA 999000111222, not this channel's"])
      expect((yield* (yield* adapter()).decode(ZaloOa.delivery(secretKey, bodies.text()))).messages).toHaveLength(1)
    }).pipe(Effect.scoped)
  )

  it.effect("keeps a message whose fields break their rules as a dead letter naming the field, not the value", () =>
    Effect.gen(function* () {
      const bad = { ...bodies.text(), message: { msg_id: "nul-1", text: "Báo tin\u0000 bí mật" } }
      const decoded = yield* (yield* adapter()).decode(ZaloOa.delivery(secretKey, bad))
      expect(decoded.messages).toEqual([])
      expect(decoded.unsupported).toHaveLength(1)
      expect(decoded.unsupported[0]).toMatch(/^user_send_text: the message is not valid: text: .*NUL/)
      expect(decoded.unsupported[0]).not.toContain("bí mật")
    }).pipe(Effect.scoped)
  )

  it.effect("answers a GET hub.challenge only when told, echoing a short token as plain text", () =>
    Effect.gen(function* () {
      const get = (query: string): Channel.RawDelivery => ({
        method: "GET",
        url: `/webhooks/${channelId}?${query}`,
        headers: {},
        body: new Uint8Array()
      })
      expect((yield* Effect.flip((yield* adapter()).verify(get("hub.challenge=abc123")))).reason).toBe("bad_request")
      const answering = yield* adapter(undefined, { challenge: true })
      expect(yield* answering.verify(get("hub.challenge=abc123"))).toMatchObject({
        answer: { status: 200, body: "abc123" },
        keep: false
      })
      for (const bad of ["", "hub.challenge=", "hub.challenge=%3Cscript%3E", `hub.challenge=${"x".repeat(129)}`]) {
        expect((yield* Effect.flip(answering.verify(get(bad)))).reason, bad).toBe("bad_request")
      }
      // A POST is still checked as before.
      expect((yield* answering.verify(ZaloOa.delivery(secretKey, bodies.text()))).keep).toBe(true)
    }).pipe(Effect.scoped)
  )

  it.effect("refuses a configuration without its URLs or with a short secret, naming the fields only", () =>
    Effect.gen(function* () {
      const made = ZaloOa.make({
        ...config("http://127.0.0.1:9"),
        apiUrl: "openapi",
        secretKey: Redacted.make("short")
      })
      const error = yield* Effect.flip(
        made.pipe(Effect.provide(Credentials.layerMemory), Effect.provide(FetchHttpClient.layer))
      )
      expect(error.message).toBe("the Zalo OA channel's configuration is invalid at secretKey, apiUrl")
    })
  )

  it.scopedLive("uploads an image, then sends it as a media template, quoting when told", () =>
    Effect.gen(function* () {
      const platform = yield* FakePlatform.make
      yield* platform.respondWith(
        { status: 200, body: { error: 0, data: { attachment_id: "att-77" } } },
        { status: 200, body: { error: 0, data: { message_id: "oa-img-1" } } },
        { status: 200, body: { error: 0, data: { token: "file-tok-9" } } },
        { status: 200, body: { error: 0, data: { message_id: "oa-file-1" } } }
      )
      const oaAdapter = yield* adapter(platform.url, { replyReference: "both" })
      const to = { conversation: InboundMessage.direct(user), replyTo: "b9f1c3a0d8e2" }
      const image = { bytes: new Uint8Array([0xff, 0xd8, 0xff]), filename: "thong-bao.jpg", contentType: "image/jpeg" }
      expect(yield* oaAdapter.sendImage(to, image, "Thông báo")).toBe("oa-img-1")
      const pdf = {
        bytes: new TextEncoder().encode("%PDF-1.4"),
        filename: "mau-don.pdf",
        contentType: "application/pdf"
      }
      expect(yield* oaAdapter.sendFile({ conversation: { kind: "group", id: group } }, pdf)).toBe("oa-file-1")
      const [upload, send, uploadFile, sendFile] = yield* platform.requests
      expect(upload?.path).toBe("/v2.0/oa/upload/image")
      expect(upload?.headers["content-type"]).toMatch(/^multipart\/form-data/)
      expect(upload?.body).toContain('filename="thong-bao.jpg"')
      expect(JSON.parse(send!.body)).toEqual({
        recipient: { user_id: user, message_id: "b9f1c3a0d8e2" },
        message: {
          text: "Thông báo",
          quote_message_id: "b9f1c3a0d8e2",
          attachment: {
            type: "template",
            payload: { template_type: "media", elements: [{ media_type: "image", attachment_id: "att-77" }] }
          }
        }
      })
      expect(uploadFile?.path).toBe("/v2.0/oa/upload/file")
      expect(JSON.parse(sendFile!.body)).toEqual({
        recipient: { group_id: group },
        message: { attachment: { type: "file", payload: { token: "file-tok-9" } } }
      })
    })
  )

  it.scopedLive("sends the rest of a reply in parts after a failure between them, not the first part again", () =>
    Effect.gen(function* () {
      const platform = yield* FakePlatform.make
      yield* platform.respondWith(
        { status: 200, body: { error: 0, data: { message_id: "p-1" } } },
        { status: 500 },
        { status: 200, body: { error: 0, data: { message_id: "p-2" } } }
      )
      const oaAdapter = yield* adapter(platform.url)
      const message = new Channel.OutboundMessage({
        key: "reply:parts",
        channel: channelId,
        conversation: InboundMessage.direct(user),
        text: `${"Một. ".repeat(500)}\n${"Hai. ".repeat(100)}`,
        replyTo: "b9f1c3a0d8e2"
      })
      expect((yield* Effect.flip(oaAdapter.send(message))).reason).toBe("transient")
      expect(yield* oaAdapter.send(message)).toBe("p-1")
      const texts = (yield* platform.requests).map(
        (r) => (JSON.parse(r.body) as { message: { text: string } }).message.text
      )
      expect(texts).toHaveLength(3)
      expect(texts[1]).toBe(texts[2])
      expect(texts[0]).not.toBe(texts[1])
    })
  )
})

describe("ZaloOa and tracing", () => {
  it.scopedLive("records no token in a tracing span of its calls", () =>
    Effect.gen(function* () {
      const platform = yield* FakePlatform.make
      yield* platform.respondWith(
        { status: 200, body: { error: -216 } },
        {
          status: 200,
          body: { access_token: "oa-access-token-New9", refresh_token: "oa-refresh-token-New4", expires_in: 90000 }
        },
        { status: 200, body: { error: 0, data: { message_id: "traced-1" } } }
      )
      const oaAdapter = yield* makeWith(ZaloOa)(platform.url)
      const native = yield* Effect.tracer
      const spans: Array<Tracer.Span> = []
      const tracer = Tracer.make({
        span: (...args) => {
          const span = native.span(...args)
          spans.push(span)
          return span
        },
        context: native.context
      })
      const message = new Channel.OutboundMessage({
        key: "traced",
        channel: channelId,
        conversation: InboundMessage.direct(user),
        text: "Xin chào",
        replyTo: "b9f1c3a0d8e2"
      })
      expect(yield* oaAdapter.send(message).pipe(Effect.withTracer(tracer))).toBe("traced-1")
      const attributes = spans.flatMap((s) => [...s.attributes.entries()].map(([k, v]) => `${k}=${String(v)}`))
      expect(attributes.some((a) => a.startsWith("http.request.header.access_token"))).toBe(true)
      for (const token of [accessToken, refreshToken, "oa-access-token-New9", Redacted.value(appSecret)]) {
        expect(attributes.join("\n")).not.toContain(token)
      }
    })
  )
})
