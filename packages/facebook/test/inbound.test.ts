import { createHmac } from "node:crypto"
import { inspect } from "node:util"
import { describe, expect, it } from "@effect/vitest"
import { type Channel, InboundMessage, LocalDate } from "@tinbao/core"
import { DateTime, Effect, Either, Redacted } from "effect"
import * as Facebook from "../src/Facebook.js"
import { commentIdOf, editId } from "../src/internal/shared/ids.js"
import { appSecret, get, makeAdapters, signed, verifyToken } from "./inboundCases.js"
import {
  bodies,
  commenter,
  commenterName,
  escaped,
  lateSeconds,
  olderCommenter,
  olderCommenterName,
  pageA,
  post,
  user
} from "./inboundFixtures.js"

const decoded = (adapter: Channel.ChannelAdapter, delivery: Channel.RawDelivery) =>
  Effect.flatMap(adapter.verify(delivery), (verified) => {
    expect(verified.keep).toBe(true)
    return adapter.decode(delivery)
  })

describe("Facebook inbound", () => {
  it("signs as Meta does: the HMAC-SHA256 of the exact bytes with the App Secret", () => {
    const body = escaped(bodies.textAndImage())
    const expected = createHmac("sha256", Redacted.value(appSecret)).update(body).digest("hex")
    expect(Facebook.sign(appSecret, body)).toBe(`sha256=${expected}`)
    expect(signed(body).headers[Facebook.signatureHeader]).toBe(`sha256=${expected}`)
  })

  it.effect("accepts the legacy sha1 signature only when configured and without a sha256 header", () =>
    Effect.gen(function* () {
      const body = JSON.stringify(bodies.comment())
      const sha1 = `sha1=${createHmac("sha1", Redacted.value(appSecret)).update(body).digest("hex")}`
      const legacy: Channel.RawDelivery = { ...signed(body), headers: { "X-Hub-Signature": sha1 } }
      const strict = yield* makeAdapters()
      expect((yield* Effect.flip(strict.webhook.verify(legacy))).reason).toBe("bad_signature")
      const lenient = yield* makeAdapters(undefined, { acceptSha1: true })
      expect((yield* lenient.webhook.verify(legacy)).keep).toBe(true)
      expect(
        (yield* lenient.pages[0]!.verify({ ...legacy, headers: { "x-hub-signature": sha1.toUpperCase() } })).keep
      ).toBe(true)
      // A wrong sha256 is not saved by a right sha1, and a wrong sha1 is refused.
      const both = { ...legacy, headers: { ...legacy.headers, [Facebook.signatureHeader]: `sha256=${"0".repeat(64)}` } }
      expect((yield* Effect.flip(lenient.webhook.verify(both))).reason).toBe("bad_signature")
      const wrong = { ...legacy, headers: { "x-hub-signature": `sha1=${"0".repeat(40)}` } }
      expect((yield* Effect.flip(lenient.webhook.verify(wrong))).reason).toBe("bad_signature")
    })
  )

  it.effect("answers the handshake on every adapter of the app, and compares the token whole", () =>
    Effect.gen(function* () {
      const { all } = yield* makeAdapters()
      const token = Redacted.value(verifyToken)
      for (const adapter of all) {
        const ok = yield* adapter.verify(get(`hub.mode=subscribe&hub.challenge=42&hub.verify_token=${token}`))
        expect(ok).toEqual({
          answer: { status: 200, headers: { "content-type": "text/plain; charset=utf-8" }, body: "42" },
          keep: false
        })
      }
      for (const query of [
        `hub.mode=subscribe&hub.challenge=42&hub.verify_token=${token}x`,
        `hub.mode=subscribe&hub.challenge=42&hub.verify_token=${token.slice(0, -1)}`,
        "hub.mode=subscribe&hub.challenge=42",
        `hub.challenge=42&hub.verify_token=${token}`
      ]) {
        const error = yield* Effect.flip(all[0]!.verify(get(query)))
        expect(error.reason, query).toBe("forbidden")
        expect(error.message).not.toContain(token)
      }
      for (const challenge of ["", "a%20b", "x".repeat(129)]) {
        const error = yield* Effect.flip(
          all[0]!.verify(get(`hub.mode=subscribe&hub.challenge=${challenge}&hub.verify_token=${token}`))
        )
        expect(error.reason, challenge).toBe("bad_request")
      }
    })
  )

  it.effect("takes the page's own comment, and its edit, as echoes: never tip material", () =>
    Effect.gen(function* () {
      const { webhook } = yield* makeAdapters()
      const own = yield* decoded(webhook, signed(bodies.ownComment()))
      expect(own.unsupported).toEqual([])
      const [echo] = own.messages
      expect(echo?.kind).toBe("echo")
      expect(echo?.conversation).toEqual({ kind: "post", id: post })
      expect(Redacted.value(echo!.sender).platformUserId).toBe(pageA)
      expect(InboundMessage.isTipMaterial(echo!)).toBe(false)
      const edit = bodies.ownComment()
      edit.entry[0]!.changes[0]!.value.verb = "edited"
      const [edited] = (yield* decoded(webhook, signed(edit))).messages
      expect(edited?.kind).toBe("echo")
      // A citizen's comment on the same post is tip material.
      const [theirs] = (yield* decoded(webhook, signed(bodies.comment()))).messages
      expect(theirs?.kind).toBe("comment")
      expect(InboundMessage.isTipMaterial(theirs!)).toBe(true)
    })
  )

  it.effect("gives each edit of a comment an id of its own, the same for a redelivery, naming the comment", () =>
    Effect.gen(function* () {
      const { webhook } = yield* makeAdapters()
      const edit = (text: string) => {
        const body = bodies.edited()
        body.entry[0]!.changes[0]!.value.message = text
        return signed(body)
      }
      const [first] = (yield* decoded(webhook, edit("Có vụ trộm xe máy"))).messages
      const [again] = (yield* decoded(webhook, edit("Có vụ trộm xe máy"))).messages
      const [second] = (yield* decoded(webhook, edit("Có vụ trộm hai xe máy"))).messages
      expect(first?.platformMessageId).toBe(editId("1221316769_1213590066", "Có vụ trộm xe máy"))
      expect(again?.platformMessageId).toBe(first?.platformMessageId)
      expect(second?.platformMessageId).not.toBe(first?.platformMessageId)
      expect(commentIdOf(second!.platformMessageId!)).toBe("1221316769_1213590066")
      expect(second?.replyTo).toBe("1221316769_1213590066")
    })
  )

  it.effect("keeps a quick reply's and a button's payload as Meta wrote it", () =>
    Effect.gen(function* () {
      const { webhook } = yield* makeAdapters()
      const [quick] = (yield* decoded(webhook, signed(bodies.quickReply()))).messages
      const [button] = (yield* decoded(webhook, signed(bodies.postback()))).messages
      expect([quick?.kind, quick?.payload]).toEqual(["message", "CATEGORY_DRUGS"])
      expect([button?.kind, button?.payload, button?.text]).toEqual(["postback", "START_TIP", "Gửi tin báo"])
      expect(InboundMessage.isTipMaterial(button!)).toBe(true)
    })
  )

  it.effect("records how a comment was taken down in the payload", () =>
    Effect.gen(function* () {
      const { webhook } = yield* makeAdapters()
      const payloads = []
      for (const body of [bodies.removed(), bodies.hidden(), bodies.unhidden()]) {
        const [m] = (yield* decoded(webhook, signed(body))).messages
        expect(InboundMessage.isTipMaterial(m!)).toBe(false)
        payloads.push(m?.payload)
      }
      expect(payloads).toEqual(["remove", "hide", "unhide"])
    })
  )

  it.effect("lands a time in seconds and the same instant in ms on the same day in Asia/Ho_Chi_Minh", () =>
    Effect.gen(function* () {
      const { webhook } = yield* makeAdapters()
      const [millis] = (yield* decoded(webhook, signed(bodies.lateMillis()))).messages
      const [seconds] = (yield* decoded(webhook, signed(bodies.lateSeconds()))).messages
      expect(DateTime.toEpochMillis(millis!.sentAt)).toBe(lateSeconds * 1000)
      expect(DateTime.toEpochMillis(seconds!.sentAt)).toBe(lateSeconds * 1000)
      expect(LocalDate.ofInstant(millis!.sentAt)).toBe("2025-01-01")
      expect(LocalDate.ofInstant(seconds!.sentAt)).toBe("2025-01-01")
      // Two seconds later it is the next day there: the instant was chosen so that a unit mistake shows.
      expect(LocalDate.ofInstant(DateTime.add(seconds!.sentAt, { seconds: 2 }))).toBe("2025-01-02")
    })
  )

  it.effect("keeps a commenter's id and name in the redacted sender only, in NFC", () =>
    Effect.gen(function* () {
      const { webhook } = yield* makeAdapters()
      const nfd = bodies.comment()
      nfd.entry[0]!.changes[0]!.value.from.name = commenterName.normalize("NFD")
      nfd.entry[0]!.changes[0]!.value.message = "Có vụ trộm".normalize("NFD")
      const [comment] = (yield* decoded(webhook, signed(nfd))).messages
      expect(Redacted.value(comment!.sender)).toEqual({ platformUserId: commenter, displayName: commenterName })
      expect(comment?.text).toBe("Có vụ trộm".normalize("NFC"))
      const [older] = (yield* decoded(webhook, signed(bodies.olderComment()))).messages
      expect(Redacted.value(older!.sender)).toEqual({
        platformUserId: String(olderCommenter),
        displayName: olderCommenterName
      })
      const shown = [comment, older].flatMap((m) => [String(m), JSON.stringify(m), inspect(m, { depth: 10 })]).join()
      for (const identity of [commenter, commenterName, String(olderCommenter), olderCommenterName]) {
        expect(shown).not.toContain(identity)
      }
    })
  )

  it.effect("names fields, never values, when a message breaks its rules", () =>
    Effect.gen(function* () {
      const { webhook } = yield* makeAdapters()
      const nul = bodies.comment()
      nul.entry[0]!.changes[0]!.value.from.name = `${commenterName}\u0000`
      nul.entry[0]!.changes[0]!.value.message = "bí mật\u0000"
      const text = bodies.textAndImage()
      text.entry[0]!.messaging[0]!.sender.id = `${user}\u0000`
      for (const body of [nul, text]) {
        const { unsupported } = yield* decoded(webhook, signed(body))
        expect(unsupported).toHaveLength(1)
        expect(unsupported[0]).toMatch(/^entry\.0\.(changes|messaging)\.0\.[a-z]+: the message is not valid: .*NUL/)
        for (const identity of [commenterName, "bí mật", user]) expect(unsupported[0]).not.toContain(identity)
      }
    })
  )

  it.effect("decodes a batch beyond Meta's 1,000 entries whole, and ignores only the Test button's", () =>
    Effect.gen(function* () {
      const { webhook } = yield* makeAdapters()
      const entry = bodies.textAndImage().entry[0]!
      const many = {
        object: "page",
        entry: [...Array.from({ length: 1001 }, () => entry), ...bodies.testButton().entry]
      }
      const result = yield* decoded(webhook, signed(many))
      expect(result.messages).toHaveLength(2002)
      expect(result.unsupported).toEqual([])
    })
  )

  it.effect("refuses a body over maxBodyBytes, and any method but GET and POST", () =>
    Effect.gen(function* () {
      const { webhook } = yield* makeAdapters(undefined, { maxBodyBytes: 256 })
      const large = signed(bodies.mixed())
      expect((yield* Effect.flip(webhook.verify(large))).reason).toBe("bad_request")
      expect(Either.isLeft(webhook.decode(large))).toBe(true)
      for (const method of ["PUT", "DELETE", "PATCH"]) {
        expect((yield* Effect.flip(webhook.verify({ ...signed(bodies.comment()), method }))).reason).toBe("bad_request")
      }
    })
  )

  it.effect("carries each page's channel on its messages, whichever adapter decodes", () =>
    Effect.gen(function* () {
      const { all } = yield* makeAdapters()
      for (const adapter of all) {
        const { messages } = yield* decoded(adapter, signed(bodies.mixed()))
        expect(messages.map((m) => m.channel)).toEqual([
          "facebook:dong-thanh",
          "facebook:dong-thanh",
          "facebook:dong-thanh",
          "facebook:ninh-phong",
          "facebook:dong-thanh",
          "facebook:dong-thanh"
        ])
      }
    })
  )

  it.effect("describes what it cannot take by path, never by a value", () =>
    Effect.gen(function* () {
      const { webhook } = yield* makeAdapters()
      const seen = []
      for (const body of [
        bodies.unreadableAttachments(),
        bodies.oneMalformed(),
        bodies.otherPage(),
        bodies.instagram(),
        bodies.unknownItem(),
        bodies.unknownField(),
        bodies.unknownVerb(),
        bodies.unknownEvent(),
        bodies.standby()
      ]) {
        seen.push(...(yield* decoded(webhook, signed(body))).unsupported)
      }
      expect(seen).toEqual([
        'entry.0.messaging.0.message.attachments.0: an attachment of a type tinbao does not know ("appointment_booking")',
        "entry.0.messaging.0.message.attachments.1: a post without a url",
        "entry.0.messaging.0.message.attachments.2: a media attachment (image) without a url",
        "entry.0.messaging.0.message.attachments.3: a location whose coordinates are out of range",
        "entry.0.messaging.1: malformed at sender.id, sender",
        "entry.0.messaging.2: not an object",
        "entry.1.changes.0.value: no comment_id",
        "entry.0: for a page this app does not serve",
        'object: "instagram", not "page"',
        'entry.0.changes.0.value: the item "crosspost" tinbao does not know',
        'entry.0.changes.0: the field "ratings" tinbao does not take',
        'entry.0.changes.0.value: a comment with the verb "block" tinbao does not know',
        "entry.0.messaging.0: an event tinbao does not know (reaction)",
        "entry.0.standby: events tinbao does not take"
      ])
    })
  )
})
