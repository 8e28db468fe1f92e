// Generated and mutated deliveries (fast-check): nothing crashes, nothing unsigned or wrongly signed is accepted,
// every refusal is a typed ChannelError, decode never throws, and no reporter's id or name reaches a description of
// what could not be taken. 10,000 runs per property under CI, fewer elsewhere.
import { describe, expect, it } from "@effect/vitest"
import { type Channel, InboundMessage } from "@tinbao/core"
import { Cause, Effect, Either, Exit, FastCheck as fc, Option, Redacted } from "effect"
import * as Facebook from "../src/Facebook.js"
import { appSecret, channelA, channelB, get, makeAdapters, signed, verifyToken } from "./inboundCases.js"
import { bodies, pageA, pageB } from "./inboundFixtures.js"

const runs = process.env.CI ? 10_000 : 2_000
const timeout = runs * 20 + 30_000

// The runs in chunks, each with a seed of its own, yielding to the event loop between them: one long synchronous
// run would starve the test runner's messages.
const check = async <T extends ReadonlyArray<unknown>>(property: fc.IProperty<T>) => {
  const chunk = 500
  for (let done = 0; done < runs; done += chunk) {
    fc.assert(property, { numRuns: Math.min(chunk, runs - done), seed: 20261217 + done })
    await new Promise((resolve) => setTimeout(resolve, 0))
  }
}

const { webhook: adapter } = Effect.runSync(makeAdapters())

type Outcome =
  | { readonly _tag: "accepted"; readonly verified: Channel.Verified; readonly decoded?: Channel.Decoded }
  | { readonly _tag: "refused"; readonly error: Channel.ChannelError }

// Distinctive identities the generators use: none of them may show in a description of what was not taken.
const psids = ["61999000111", "61999000222", "61999000333"]
const names = ["Phạm Thị Lụa Định", "Hoàng Văn Kiên Trung", "Đỗ Minh Khôi Nguyên"]

// Both steps; a defect, a throw or an untyped failure fails the property with its cause.
const receive = (delivery: Channel.RawDelivery): Outcome => {
  const exit = Effect.runSyncExit(adapter.verify(delivery))
  if (Exit.isFailure(exit)) {
    const error = Cause.failureOption(exit.cause)
    if (Option.isNone(error) || error.value._tag !== "ChannelError") throw new Error(Cause.pretty(exit.cause))
    for (const secret of [Redacted.value(appSecret), Redacted.value(verifyToken)]) {
      expect(error.value.message).not.toContain(secret)
    }
    return { _tag: "refused", error: error.value }
  }
  if (!exit.value.keep) return { _tag: "accepted", verified: exit.value }
  const decoded = adapter.decode(delivery)
  if (Either.isLeft(decoded)) throw new Error(`a delivery verify kept did not decode: ${decoded.left.message}`)
  for (const m of decoded.right.messages) {
    expect(m).toBeInstanceOf(InboundMessage.InboundMessage)
    expect([channelA, channelB]).toContain(m.channel)
    if (m.conversation.kind === "direct") expect(Redacted.isRedacted(m.conversation.id)).toBe(true)
  }
  const described = decoded.right.unsupported.join("\n")
  for (const identity of [...psids, ...names]) expect(described).not.toContain(identity)
  return { _tag: "accepted", verified: exit.value, decoded: decoded.right }
}

const id = fc.oneof(
  fc.constantFrom(...psids),
  fc.stringMatching(/^[0-9]{6,20}$/),
  fc.string({ maxLength: 24 }),
  fc.integer({ min: 0, max: 2 ** 53 - 1 }),
  fc.constantFrom(2 ** 53 + 2, 1e21, -1, 0.5),
  fc.constant(null)
)
const time = fc.oneof(
  fc.integer({ min: 1_600_000_000_000, max: 1_900_000_000_000 }),
  fc.integer({ min: 1_600_000_000, max: 1_900_000_000 }),
  fc.integer({ min: 1_600_000_000_000, max: 1_900_000_000_000 }).map(String),
  fc.string({ maxLength: 14 }),
  fc.constant(undefined)
)
const url = fc.oneof(fc.webUrl(), fc.string({ maxLength: 30 }))
const name = fc.oneof(fc.constantFrom(...names), fc.string({ maxLength: 30 }), fc.anything())
const words = fc.oneof(fc.string({ maxLength: 200 }), fc.fullUnicodeString({ maxLength: 50 }), fc.anything())

const attachment = fc.record(
  {
    type: fc.oneof(
      fc.constantFrom("image", "video", "audio", "file", "fallback", "location", "reel", "ig_reel", "post", "ig_post"),
      fc.string({ maxLength: 20 })
    ),
    payload: fc.oneof(
      fc.record(
        { url, URL: url, title: fc.string(), sticker_id: id, coordinates: fc.anything() },
        { requiredKeys: [] }
      ),
      fc.record({
        coordinates: fc.record(
          { lat: fc.oneof(fc.double(), fc.string()), long: fc.oneof(fc.double(), fc.string()) },
          { requiredKeys: [] }
        )
      }),
      fc.constantFrom(null, ""),
      fc.anything()
    ),
    url,
    URL: url,
    title: fc.string()
  },
  { requiredKeys: ["type"] }
)

const messagingEvent = fc.record(
  {
    sender: fc.record({ id }, { requiredKeys: [] }),
    recipient: fc.record({ id }, { requiredKeys: [] }),
    timestamp: time,
    message: fc.record(
      {
        mid: id,
        text: words,
        is_echo: fc.oneof(fc.boolean(), fc.anything()),
        app_id: fc.constantFrom(Number("1234567890123456789"), "1234567890123456789"),
        quick_reply: fc.record({ payload: words }, { requiredKeys: [] }),
        reply_to: fc.record({ mid: id }, { requiredKeys: [] }),
        attachments: fc.oneof(fc.array(attachment, { maxLength: 3 }), fc.anything())
      },
      { requiredKeys: [] }
    ),
    postback: fc.record({ title: words, payload: words, mid: id }, { requiredKeys: [] }),
    delivery: fc.record({ mids: fc.array(id, { maxLength: 3 }), watermark: time }, { requiredKeys: [] }),
    read: fc.record({ watermark: time }, { requiredKeys: [] }),
    reaction: fc.anything()
  },
  { requiredKeys: [] }
)

const feedValue = fc.record(
  {
    item: fc.oneof(fc.constantFrom("comment", "status", "post", "reaction", "like", "photo"), fc.string()),
    verb: fc.oneof(fc.constantFrom("add", "edited", "edit", "remove", "hide", "unhide", "block"), fc.string()),
    post_id: id,
    comment_id: id,
    parent_id: id,
    from: fc.record({ id: fc.oneof(id, fc.constantFrom(pageA, pageB)), name }, { requiredKeys: [] }),
    sender_id: id,
    sender_name: name,
    message: words,
    created_time: time,
    photo: url,
    video: fc.oneof(url, fc.anything())
  },
  { requiredKeys: [] }
)

// A comment with every field a comment needs, the rest still generated: most generated values are refused early.
const goodId = fc.oneof(fc.constantFrom(...psids), fc.stringMatching(/^[0-9]{6,20}$/))
const comment = fc
  .record({
    verb: fc.constantFrom("add", "edited", "remove", "hide", "unhide"),
    post_id: goodId,
    comment_id: goodId,
    from: fc.record({ id: fc.oneof(goodId, fc.constantFrom(pageA, pageB)), name }, { requiredKeys: ["id"] }),
    created_time: fc.integer({ min: 1_600_000_000, max: 1_900_000_000 }),
    rest: feedValue
  })
  .map(({ rest, ...required }) => ({ ...rest, ...required, item: "comment" }))

const change = fc.record(
  {
    field: fc.oneof(fc.constant("feed"), fc.string({ maxLength: 12 })),
    value: fc.oneof(comment, feedValue, fc.anything())
  },
  { requiredKeys: [] }
)

const entry = fc.record(
  {
    id: fc.oneof(fc.constantFrom(pageA, pageB, "0", Number(pageA)), id),
    time,
    messaging: fc.oneof(fc.array(messagingEvent, { maxLength: 4 }), fc.anything()),
    changes: fc.oneof(fc.array(change, { maxLength: 3 }), fc.anything()),
    standby: fc.array(fc.anything(), { maxLength: 2 })
  },
  { requiredKeys: ["id"] }
)

const body = fc.record(
  { object: fc.oneof(fc.constant("page"), fc.string({ maxLength: 12 })), entry: fc.array(entry, { maxLength: 4 }) },
  { requiredKeys: ["object", "entry"] }
)

// A change to a signed delivery: the body's bytes, the signature, the method, or nothing that matters.
const mutation = fc.oneof(
  fc.record({ kind: fc.constant("flip" as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("append" as const), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
  fc.record({ kind: fc.constant("header" as const), value: fc.string({ maxLength: 80 }) }),
  fc.record({ kind: fc.constant("drop" as const) }),
  fc.record({ kind: fc.constant("sha1" as const), value: fc.string({ maxLength: 50 }) }),
  fc.record({ kind: fc.constant("method" as const), method: fc.constantFrom("GET", "PUT", "DELETE", "post") })
)

const mutate = (
  delivery: Channel.RawDelivery,
  m: typeof mutation extends fc.Arbitrary<infer A> ? A : never
): Channel.RawDelivery => {
  const header = Facebook.signatureHeader
  const bytes = new Uint8Array(delivery.body)
  switch (m.kind) {
    case "flip": {
      const at = m.at % Math.max(1, bytes.length)
      bytes[at] = bytes[at]! ^ (1 << m.bit)
      return { ...delivery, body: bytes }
    }
    case "truncate":
      return { ...delivery, body: bytes.subarray(0, m.at % Math.max(1, bytes.length)) }
    case "append":
      return { ...delivery, body: Uint8Array.from([...bytes, ...m.bytes]) }
    case "header":
      return { ...delivery, headers: { ...delivery.headers, [header]: m.value } }
    case "drop": {
      const { [header]: _, ...rest } = delivery.headers
      return { ...delivery, headers: rest }
    }
    case "sha1": {
      // Without the SHA-256 header, and a legacy one the adapter is not configured to accept.
      const { [header]: _, ...rest } = delivery.headers
      return { ...delivery, headers: { ...rest, "x-hub-signature": `sha1=${m.value}` } }
    }
    case "method":
      return { ...delivery, method: m.method }
  }
}

const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i])

const samples = [...Object.values(bodies).map((b) => b()), { object: "page", entry: [] }]

describe("fuzzing Facebook inbound", () => {
  it(
    "takes generated signed deliveries without crashing, and keeps what it cannot take",
    async () => {
      const kinds = new Set<string>()
      await check(
        fc.property(body, (generated) => {
          const outcome = receive(signed(generated))
          expect(outcome._tag).toBe("accepted")
          for (const m of outcome._tag === "accepted" ? (outcome.decoded?.messages ?? []) : []) kinds.add(m.kind)
          if (outcome._tag === "accepted" && generated.object !== "page") {
            expect(outcome.decoded?.messages).toEqual([])
            expect(outcome.decoded?.unsupported.length).toBe(1)
          }
        })
      )
      // The generators reach every kind of event, not only the refusals.
      expect([...kinds].sort()).toEqual(["comment", "delivery", "echo", "message", "postback", "removed", "seen"])
    },
    timeout
  )

  it(
    "takes any signed JSON, or refuses it as a bad request, typed",
    async () => {
      await check(
        fc.property(fc.anything(), (value) => {
          const outcome = receive(signed(JSON.stringify(value) ?? "null"))
          if (outcome._tag === "refused") expect(outcome.error.reason).toBe("bad_request")
        })
      )
    },
    timeout
  )

  it(
    "accepts no delivery changed after signing, and refuses every one with a typed error",
    async () => {
      await check(
        fc.property(fc.oneof(fc.constantFrom(...samples), body), mutation, (generated, m) => {
          const original = signed(generated)
          const changed = mutate(original, m)
          const outcome = receive(changed)
          const untouched =
            same(changed.body, original.body) &&
            changed.method.toUpperCase() === "POST" &&
            changed.headers[Facebook.signatureHeader] === original.headers[Facebook.signatureHeader]
          if (!untouched) {
            expect(outcome._tag).toBe("refused")
            if (outcome._tag === "refused") {
              expect(["bad_signature", "bad_request", "forbidden"]).toContain(outcome.error.reason)
            }
          }
        })
      )
    },
    timeout
  )

  it(
    "refuses arbitrary bytes with an arbitrary signature, typed, and decodes them without throwing",
    async () => {
      await check(
        fc.property(fc.uint8Array({ maxLength: 400 }), fc.string({ maxLength: 80 }), (bytes, signature) => {
          const delivery: Channel.RawDelivery = {
            method: "POST",
            url: "/webhooks/facebook",
            headers: { [Facebook.signatureHeader]: `sha256=${signature}` },
            body: bytes
          }
          expect(receive(delivery)._tag).toBe("refused")
          const decoded = adapter.decode(delivery)
          if (Either.isLeft(decoded)) expect(decoded.left.reason).toBe("bad_request")
        })
      )
    },
    timeout
  )

  it(
    "answers a handshake only with the right token and a plain challenge",
    async () => {
      const token = Redacted.value(verifyToken)
      await check(
        fc.property(
          fc.oneof(fc.constant("subscribe"), fc.string({ maxLength: 12 })),
          fc.oneof(fc.constant(token), fc.string({ maxLength: 30 })),
          fc.oneof(fc.stringMatching(/^[0-9]{1,12}$/), fc.string({ maxLength: 140 })),
          (mode, given, challenge) => {
            const query = new URLSearchParams({
              "hub.mode": mode,
              "hub.verify_token": given,
              "hub.challenge": challenge
            })
            const outcome = receive(get(query.toString()))
            if (mode !== "subscribe" || given !== token) {
              expect(outcome._tag === "refused" && outcome.error.reason).toBe("forbidden")
            } else if (/^[A-Za-z0-9_-]{1,128}$/.test(challenge)) {
              expect(outcome._tag === "accepted" && outcome.verified).toMatchObject({
                answer: { status: 200, body: challenge },
                keep: false
              })
            } else expect(outcome._tag === "refused" && outcome.error.reason).toBe("bad_request")
          }
        )
      )
    },
    timeout
  )
})
