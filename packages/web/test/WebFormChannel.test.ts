import { createHmac } from "node:crypto"
import { readFileSync } from "node:fs"
import { describe, expect, it } from "@effect/vitest"
import { Actor, Binding, type Channel, Channels, Inbox, Intake, Tips, UnitDirectory, Webhook } from "@tinbao/core"
import { FakePlatform, NinhBinh } from "@tinbao/testkit"
import { ChannelSuite } from "@tinbao/testkit/vitest"
import { Duration, Effect, Either, Layer, Redacted, TestClock } from "effect"
import * as WebFormChannel from "../src/WebFormChannel.js"
import { incomingCases, outgoingCases, repliesPath, reply } from "./cases.js"
import * as fixtures from "./fixtures.js"

const secret = Redacted.make("wf-secret-7c0d5e9a41b2f3c8")
const verifyToken = Redacted.make("wf-verify-93a1b7e2")
const { reporter, officer } = fixtures
const config = (url: string): WebFormChannel.Config => ({
  id: "web:congan-ninhbinh",
  secret,
  verifyToken,
  endpoint: `${url}${repliesPath}`
})
const make = (url = "http://127.0.0.1:9", extra: Partial<WebFormChannel.Config> = {}) =>
  Effect.orDie(WebFormChannel.make({ ...config(url), ...extra }))

// Signed as the files hold them, pretty-printed: signatures cover the exact bytes.
const file = (name: string): Uint8Array => readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url))
const signed = (name: string) => WebFormChannel.delivery(secret, file(name))

ChannelSuite.suite("WebFormChannel", {
  make: (url) => make(url),
  signatureHeader: WebFormChannel.headers.signature,
  incoming: incomingCases(secret, verifyToken),
  outgoing: outgoingCases,
  secrets: [Redacted.value(secret), Redacted.value(verifyToken)]
})

const reason = <A>(effect: Effect.Effect<A, Channel.ChannelError>) =>
  Effect.map(Effect.flip(effect), (e) => ({ reason: e.reason, message: e.message }))
// Both steps, as the webhook and its worker take a delivery: verify on arrival, then decode.
const receive = (delivery: Channel.RawDelivery, extra: Partial<WebFormChannel.Config> = {}) =>
  Effect.flatMap(make(undefined, extra), (adapter) =>
    Effect.flatMap(adapter.verify(delivery), (verified) =>
      Effect.map(adapter.decode(delivery), (decoded) => ({ ...verified, ...decoded }))
    )
  )
const body = (events: ReadonlyArray<unknown>): string => JSON.stringify({ events })
const text = (id: string, value: string) => ({
  type: "message",
  id,
  sender: reporter,
  text: value,
  time: 1
})

describe("WebFormChannel inbound", () => {
  it("signs the timestamp, a dot and the exact body with HMAC-SHA256", () => {
    const expected = createHmac("sha256", Redacted.value(secret)).update('1735718400.{"events":[]}').digest("hex")
    expect(WebFormChannel.sign(secret, '{"events":[]}', 1735718400)).toBe(`sha256=${expected}`)
  })

  it.effect("accepts a delivery signed 4 minutes ago and refuses one 6 minutes ago or ahead", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(1735718400000)
      const at = (seconds: number) => WebFormChannel.delivery(secret, body([]), { timestamp: 1735718400 + seconds })
      expect((yield* receive(at(-240))).answer.status).toBe(200)
      expect(yield* reason(receive(at(-360)))).toMatchObject({ reason: "bad_signature", message: /5 minutes/ })
      expect((yield* reason(receive(at(360)))).reason).toBe("bad_signature")
    })
  )

  it.effect("decodes a delivery it verified on arrival any time later, never checking the signature's time again", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(1735718400000)
      const adapter = yield* make()
      const arrived = signed("text")
      expect((yield* adapter.verify(WebFormChannel.delivery(secret, body([]), { timestamp: 1735718400 }))).keep).toBe(
        false
      )
      const fresh = WebFormChannel.delivery(secret, file("text"), { timestamp: 1735718400 })
      expect(yield* adapter.verify(fresh)).toMatchObject({ keep: true, answer: { status: 200 } })
      yield* TestClock.adjust("2 hours")
      expect((yield* reason(adapter.verify(fresh))).reason).toBe("bad_signature")
      const later = adapter.decode(fresh)
      expect(Either.map(later, (d) => d.messages.map((m) => m.platformMessageId))).toEqual(
        Either.right(["wf-msg-0001"])
      )
      expect(Either.isRight(adapter.decode(arrived))).toBe(true)
    })
  )

  it.live("verifies the exact bytes: the same JSON re-serialised does not pass", () =>
    Effect.gen(function* () {
      const original = signed("text")
      const compact = new TextEncoder().encode(JSON.stringify(JSON.parse(new TextDecoder().decode(original.body))))
      expect((yield* reason(receive({ ...original, body: compact }))).reason).toBe("bad_signature")
      const upper = { ...original.headers, "x-tinbao-signature": original.headers["x-tinbao-signature"].toUpperCase() }
      expect((yield* reason(receive({ ...original, headers: upper }))).reason).toBe("bad_signature")
    })
  )

  it.live("refuses a 10 MB body before reading it, and honours maxBodyBytes", () =>
    Effect.gen(function* () {
      const huge = WebFormChannel.delivery(secret, new Uint8Array(10 * 1024 * 1024).fill(0x20))
      expect(yield* reason(receive(huge))).toMatchObject({ reason: "bad_request", message: /over 1048576/ })
      const padded = body([text("m-1", "x".repeat(800))])
      expect((yield* receive(WebFormChannel.delivery(secret, padded), { maxBodyBytes: 1024 })).messages).toHaveLength(1)
      const over = WebFormChannel.delivery(secret, body([text("m-1", "x".repeat(1100))]))
      expect((yield* reason(receive(over, { maxBodyBytes: 1024 }))).reason).toBe("bad_request")
    })
  )

  it.live("refuses JSON nested 10,000 levels deep without overflowing, and counts no brackets in strings", () =>
    Effect.gen(function* () {
      const deep = `{"events":[${"[".repeat(10000)}${"]".repeat(10000)}]}`
      expect(yield* reason(receive(WebFormChannel.delivery(secret, deep)))).toMatchObject({
        reason: "bad_request",
        message: /nested deeper than 64/
      })
      const brackets = body([text("m-1", `${"[{".repeat(200)} \\" ${"}]".repeat(200)}`)])
      expect((yield* receive(WebFormChannel.delivery(secret, brackets))).messages).toHaveLength(1)
    })
  )

  it.live("refuses invalid UTF-8, a truncated body, and what is not JSON", () =>
    Effect.gen(function* () {
      const invalid = Uint8Array.from([...new TextEncoder().encode('{"events":[],"x":"'), 0xc3, 0x28, 0x22, 0x7d])
      const bad = yield* reason(receive(WebFormChannel.delivery(secret, invalid)))
      expect(bad).toMatchObject({ reason: "bad_request", message: /UTF-8/ })
      const whole = signed("text")
      const cut = { ...whole, body: whole.body.subarray(0, whole.body.length - 20) }
      expect((yield* reason(receive(cut))).reason).toBe("bad_signature")
      const resigned = WebFormChannel.delivery(secret, cut.body)
      expect(yield* reason(receive(resigned))).toMatchObject({ reason: "bad_request", message: /truncated/ })
      for (const wrong of ['{"events":{}}', "[]", "null", JSON.stringify({ events: Array(1001).fill(0) })]) {
        expect((yield* reason(receive(WebFormChannel.delivery(secret, wrong)))).reason).toBe("bad_request")
      }
    })
  )

  it.live("takes application/json in UTF-8 only", () =>
    Effect.gen(function* () {
      const as = (type: string | undefined) => {
        const d = signed("text")
        const { "content-type": _, ...rest } = d.headers
        return { ...d, headers: type === undefined ? rest : { ...rest, "content-type": type } }
      }
      expect((yield* receive(as("Application/JSON; charset=UTF-8"))).messages).toHaveLength(1)
      for (const type of ["text/plain", "application/json; charset=iso-8859-1", "multipart/form-data", undefined]) {
        expect((yield* reason(receive(as(type)))).reason, String(type)).toBe("bad_request")
      }
    })
  )

  it.live("names where an event is malformed, never the values, and refuses other methods", () =>
    Effect.gen(function* () {
      const event = {
        ...text("m-1", "x"),
        sender: { id: reporter.id, name: 42 },
        attachments: [{ type: "image", url: "javascript:alert(1)" }]
      }
      const bad = yield* reason(receive(WebFormChannel.delivery(secret, body([event]))))
      expect(bad.reason).toBe("bad_request")
      expect(bad.message).toMatch(/sender\.name/)
      expect(bad.message).toMatch(/attachments\.0\.url/)
      expect(bad.message).not.toContain(reporter.id)
      expect(bad.message).not.toContain("javascript")
      const when = yield* reason(
        receive(WebFormChannel.delivery(secret, body([{ ...text("m-2", "x"), time: "hôm qua" }])))
      )
      expect(when).toMatchObject({ reason: "bad_request", message: /time/ })
      const put = { ...signed("text"), method: "PUT" }
      expect((yield* reason(receive(put))).reason).toBe("bad_request")
    })
  )

  it.live("refuses a NUL character in a sender's id, naming the field and not the id", () =>
    Effect.gen(function* () {
      const nul = { ...text("m-3", "x"), sender: { id: `${reporter.id}\u0000`, name: "Nguyễn Văn Bí Mật" } }
      const bad = yield* reason(receive(WebFormChannel.delivery(secret, body([nul]))))
      expect(bad.reason).toBe("bad_request")
      // The web form's direct conversation is the sender's id, so the first field refused is the conversation's.
      expect(bad.message).toMatch(/conversation\.id: a platform id: .*no NUL character/)
      expect(bad.message).not.toContain(reporter.id)
      expect(bad.message).not.toContain("Bí Mật")
    })
  )

  it.live("normalises Vietnamese text to NFC and keeps ids as strings", () =>
    Effect.gen(function* () {
      const decomposed = "Báo tin cháy".normalize("NFD")
      const received = yield* receive(WebFormChannel.delivery(secret, body([text("m-1", decomposed)])))
      expect(received.messages[0].text).toBe("Báo tin cháy".normalize("NFC"))
      const numeric = body([text("m-2", "x")]).replace('"id":"m-2"', '"id":9007199254740993')
      expect((yield* reason(receive(WebFormChannel.delivery(secret, numeric)))).reason).toBe("bad_request")
    })
  )

  it.live("answers handshakes only with a verify token configured and a numeric challenge", () =>
    Effect.gen(function* () {
      const ok = fixtures.handshake("42", Redacted.value(verifyToken))
      const { verifyToken: _token, ...withoutToken } = config("http://127.0.0.1:9")
      const noToken = yield* Effect.orDie(WebFormChannel.make(withoutToken))
      expect((yield* reason(noToken.verify(ok))).reason).toBe("forbidden")
      expect((yield* reason(receive(fixtures.handshake("42", "wf-verify-guess")))).reason).toBe("forbidden")
      const word = fixtures.handshake("abc", Redacted.value(verifyToken))
      expect((yield* reason(receive(word))).reason).toBe("bad_request")
    })
  )
})

describe("WebFormChannel behind the webhook", () => {
  const channel = "web:congan-ninhbinh"
  const layer = Layer.mergeAll(
    Intake.layerMemory(),
    Inbox.layerMemory,
    Layer.effect(
      Channels.Channels,
      Effect.flatMap(make(), (adapter) => Channels.make([adapter]))
    )
  )

  it.scoped("takes in as a tip a delivery processed 2 hours after it arrived, its 5-minute signature long past", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(Date.parse("2025-01-01T08:00:00Z"))
      yield* Effect.flatMap(UnitDirectory.UnitDirectory, (d) => d.record(NinhBinh.allChanges))
      const bindings = yield* Binding.Bindings
      yield* bindings.bind(Binding.Binding.make({ channel, unit: NinhBinh.unitIds.vanGiang }))
      const webhook = yield* Webhook.make({ worker: false, process: Intake.process })
      const now = Math.floor(Date.parse("2025-01-01T08:00:00Z") / 1000)
      const answer = yield* webhook.accept(channel, WebFormChannel.delivery(secret, file("text"), { timestamp: now }))
      expect(answer).toMatchObject({ status: 200, body: '{"received":1,"unsupported":0}' })
      // The worker was down: it gets to the delivery two hours later.
      yield* TestClock.adjust("2 hours")
      expect(yield* webhook.drain).toMatchObject({ claimed: 1, done: 1, dead: 0 })
      const leader = Actor.make("lanh-dao-tinh", NinhBinh.unitIds.province, ["officer", "leader"])
      const [tip] = yield* (yield* Tips.Tips).list(leader)
      expect(tip).toMatchObject({ channel: "web", channelId: channel, unit: NinhBinh.unitIds.vanGiang })
    }).pipe(Effect.provide(layer))
  )
})

describe("WebFormChannel configuration and outbound", () => {
  it.effect("refuses a bad configuration naming the fields, never the secret", () =>
    Effect.gen(function* () {
      const short = Redacted.make("too-short")
      const e = yield* Effect.flip(WebFormChannel.make({ ...config("ftp://x"), secret: short }))
      expect(e.reason).toBe("permanent")
      expect(e.message).toMatch(/secret/)
      expect(e.message).toMatch(/endpoint/)
      expect(`${e.message} ${JSON.stringify(e)}`).not.toContain("too-short")
    })
  )

  it.scopedLive("gives up on a site that does not answer in time, as transient", () =>
    Effect.gen(function* () {
      const platform = yield* FakePlatform.make
      yield* platform.respondWith({ status: 200, body: { id: "late" }, delayMillis: 1000 })
      const adapter = yield* make(platform.url, { timeout: Duration.millis(100) })
      const e = yield* Effect.flip(adapter.send(reply))
      expect([e.reason, e.retryable]).toEqual(["transient", true])
    })
  )

  it.scopedLive("signs a reply so that the site can check it with verify, and only as it was sent", () =>
    Effect.gen(function* () {
      const platform = yield* FakePlatform.make
      yield* platform.respondWith({ status: 201, body: { id: "wf-out-0100" } })
      yield* Effect.flatMap(make(platform.url), (adapter) => adapter.send(reply))
      const [posted] = yield* platform.requests
      const now = Date.now()
      const upper = Object.fromEntries(
        Object.entries(posted.headers).map(([name, value]) => [name.toUpperCase(), value])
      )
      expect(WebFormChannel.verify(secret, posted.headers, posted.body, now)).toBeUndefined()
      expect(WebFormChannel.verify(secret, upper, new TextEncoder().encode(posted.body), now)).toBeUndefined()
      expect(WebFormChannel.verify(secret, posted.headers, `${posted.body} `, now)).toBe("mismatch")
      expect(WebFormChannel.verify(secret, posted.headers, posted.body, now + 6 * 60 * 1000)).toBe("stale")
      const other = Redacted.make("another-site-secret-0a1b")
      expect(WebFormChannel.verify(other, posted.headers, posted.body, now)).toBe("mismatch")
      expect(WebFormChannel.verify(secret, { "content-type": "application/json" }, posted.body, now)).toBe("missing")
    })
  )

  it("lists its fixtures as the JSON files hold them", () => {
    const files = {
      text: "text",
      imageWithLocation: "image-location",
      group: "group",
      follow: "follow",
      receipt: "delivery-receipt",
      echo: "echo",
      unknown: "unknown-type",
      postback: "postback"
    } as const
    for (const [builder, name] of Object.entries(files)) {
      const built = fixtures.bodies[builder as keyof typeof files]()
      expect(JSON.parse(new TextDecoder().decode(file(name))), name).toEqual(built)
    }
    expect(officer.id).not.toBe(reporter.id)
  })
})
