// Generated and mutated deliveries for both adapters (fast-check): nothing crashes, nothing unsigned is accepted,
// every refusal is a typed ChannelError, and a signed event the adapter does not know is kept. 10,000 runs per
// property under CI=true, fewer elsewhere.
import { FetchHttpClient } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { type Channel, Credentials, InboundMessage } from "@tinbao/core"
import { Cause, Effect, Either, Exit, FastCheck as fc, Option, Redacted } from "effect"
import * as ZaloBot from "../src/ZaloBot.js"
import * as ZaloOa from "../src/ZaloOa.js"
import { botToken, secretToken } from "./botCases.js"
import { appId, bodies } from "./fixtures.js"
import { config, secretKey } from "./oaCases.js"

const runs = process.env.CI === "true" ? 10_000 : 1_000
const timeout = runs * 20 + 30_000

// The runs in chunks, each with a seed of its own, yielding to the event loop between them: one long synchronous
// run would starve the test runner's messages.
const check = async <T extends ReadonlyArray<unknown>>(property: fc.IProperty<T>) => {
  const chunk = 500
  for (let done = 0; done < runs; done += chunk) {
    fc.assert(property, { numRuns: Math.min(chunk, runs - done), seed: 20261207 + done })
    await new Promise((resolve) => setTimeout(resolve, 0))
  }
}

const oa = Effect.runSync(
  ZaloOa.make(config("http://127.0.0.1:9")).pipe(
    Effect.provide(Credentials.layerMemory),
    Effect.provide(FetchHttpClient.layer)
  )
)
const bot = Effect.runSync(
  ZaloBot.make({ id: "zalo-bot:fuzz", token: botToken, secretToken, apiUrl: "http://127.0.0.1:9" }).pipe(
    Effect.provide(FetchHttpClient.layer)
  )
)

type Outcome =
  | { readonly _tag: "accepted"; readonly verified: Channel.Verified; readonly decoded?: Channel.Decoded }
  | { readonly _tag: "refused"; readonly error: Channel.ChannelError }

// Both steps; a defect, a throw or an untyped failure fails the property with its cause.
const receive = (adapter: Channel.ChannelAdapter, delivery: Channel.RawDelivery): Outcome => {
  const exit = Effect.runSyncExit(adapter.verify(delivery))
  if (Exit.isFailure(exit)) {
    const error = Cause.failureOption(exit.cause)
    if (Option.isNone(error) || error.value._tag !== "ChannelError") throw new Error(Cause.pretty(exit.cause))
    return { _tag: "refused", error: error.value }
  }
  if (!exit.value.keep) return { _tag: "accepted", verified: exit.value }
  const decoded = adapter.decode(delivery)
  if (Either.isLeft(decoded)) throw new Error(`a delivery verify kept did not decode: ${decoded.left.message}`)
  for (const m of decoded.right.messages) {
    expect(m).toBeInstanceOf(InboundMessage.InboundMessage)
    if (m.conversation.kind === "direct") expect(Redacted.isRedacted(m.conversation.id)).toBe(true)
  }
  return { _tag: "accepted", verified: exit.value, decoded: decoded.right }
}

const id = fc.oneof(
  fc.stringMatching(/^[0-9]{6,20}$/),
  fc.string({ minLength: 0, maxLength: 24 }),
  fc.integer({ min: 0, max: 2 ** 53 - 1 }),
  fc.double(),
  fc.constant(null)
)
const time = fc.oneof(
  fc.integer({ min: 1_600_000_000_000, max: 1_900_000_000_000 }).map(String),
  fc.integer({ min: 1_600_000_000, max: 1_900_000_000 }),
  fc.string({ maxLength: 14 }),
  fc.constant(undefined)
)
const eventNames = [
  ...["text", "image", "link", "audio", "video", "sticker", "gif", "location", "file", "business_card"].flatMap((k) => [
    `user_send_${k}`,
    `user_send_group_${k}`,
    `oa_send_${k}`
  ]),
  "anonymous_send_text",
  "follow",
  "unfollow",
  "user_submit_info",
  "user_received_message",
  "user_seen_message",
  "user_join_group",
  "user_click_chatnow"
]
const attachment = fc.record(
  {
    type: fc.oneof(
      fc.constantFrom("image", "gif", "sticker", "audio", "video", "file", "link", "location", "business_card"),
      fc.string()
    ),
    payload: fc.oneof(
      fc.record(
        { url: fc.oneof(fc.webUrl(), fc.string()), name: fc.string(), size: fc.oneof(fc.nat(), fc.string()) },
        { requiredKeys: [] }
      ),
      fc.record({
        coordinates: fc.record(
          { latitude: fc.oneof(fc.double(), fc.string()), longitude: fc.oneof(fc.double(), fc.string()) },
          { requiredKeys: [] }
        )
      }),
      fc.anything()
    )
  },
  { requiredKeys: ["type"] }
)
const oaEvent = fc.record(
  {
    app_id: fc.constant(appId),
    event_name: fc.oneof(fc.constantFrom(...eventNames), fc.string({ maxLength: 30 })),
    timestamp: fc.oneof(
      fc.integer({ min: 1_600_000_000_000, max: 1_900_000_000_000 }).map(String),
      fc.integer({ min: 1_600_000_000_000, max: 1_900_000_000_000 })
    ),
    sender: fc.record({ id }, { requiredKeys: [] }),
    recipient: fc.record({ id, group_id: id }, { requiredKeys: [] }),
    follower: fc.record({ id }, { requiredKeys: [] }),
    message: fc.record(
      {
        msg_id: id,
        text: fc.oneof(fc.string({ maxLength: 200 }), fc.fullUnicodeString({ maxLength: 50 }), fc.anything()),
        attachments: fc.oneof(fc.array(attachment, { maxLength: 3 }), fc.anything()),
        quote_msg_id: id,
        msg_ids: fc.array(id, { maxLength: 3 })
      },
      { requiredKeys: [] }
    ),
    info: fc.oneof(
      fc.record(
        { name: fc.string(), phone: fc.oneof(fc.string(), fc.nat()), address: fc.string() },
        { requiredKeys: [] }
      ),
      fc.anything()
    ),
    extra: fc.anything()
  },
  { requiredKeys: ["app_id", "event_name", "timestamp"] }
)

// A change to a signed delivery: the body's bytes, the signature, the method, or nothing that matters.
const mutation = fc.oneof(
  fc.record({ kind: fc.constant("flip" as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("append" as const), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
  fc.record({ kind: fc.constant("header" as const), value: fc.string({ maxLength: 80 }) }),
  fc.record({ kind: fc.constant("drop" as const) }),
  fc.record({ kind: fc.constant("method" as const), method: fc.constantFrom("GET", "PUT", "DELETE") })
)

const mutate = (
  delivery: Channel.RawDelivery,
  header: string,
  m: typeof mutation extends fc.Arbitrary<infer A> ? A : never
) => {
  const body = new Uint8Array(delivery.body)
  switch (m.kind) {
    case "flip": {
      const at = m.at % Math.max(1, body.length)
      body[at] = body[at]! ^ (1 << m.bit)
      return { ...delivery, body }
    }
    case "truncate":
      return { ...delivery, body: body.subarray(0, m.at % Math.max(1, body.length)) }
    case "append":
      return { ...delivery, body: Uint8Array.from([...body, ...m.bytes]) }
    case "header":
      return { ...delivery, headers: { ...delivery.headers, [header]: m.value } }
    case "drop": {
      const { [header]: _, ...rest } = delivery.headers
      return { ...delivery, headers: rest }
    }
    case "method":
      return { ...delivery, method: m.method }
  }
}

const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i])

describe("fuzzing ZaloOa", () => {
  it(
    "takes generated signed events without crashing, and keeps the ones it does not know",
    async () => {
      await check(
        fc.property(oaEvent, (event) => {
          const outcome = receive(oa, ZaloOa.delivery(secretKey, event))
          expect(outcome._tag).toBe("accepted")
          if (outcome._tag === "accepted" && !eventNames.includes(event.event_name)) {
            expect(outcome.decoded?.unsupported.length).toBeGreaterThan(0)
            expect(outcome.decoded?.messages).toEqual([])
          }
        })
      )
    },
    timeout
  )

  it(
    "accepts no delivery changed after signing, and refuses every one with a typed error",
    async () => {
      const samples = Object.values(bodies).map((b) => b())
      await check(
        fc.property(fc.constantFrom(...samples), mutation, (body, m) => {
          const signed = ZaloOa.delivery(secretKey, body)
          const changed = mutate(signed, ZaloOa.signatureHeader, m)
          const outcome = receive(oa, changed)
          const untouched =
            same(changed.body, signed.body) &&
            changed.method === "POST" &&
            changed.headers[ZaloOa.signatureHeader] === signed.headers[ZaloOa.signatureHeader]
          if (!untouched) {
            expect(outcome._tag).toBe("refused")
            if (outcome._tag === "refused")
              expect(["bad_signature", "bad_request", "forbidden"]).toContain(outcome.error.reason)
          }
        })
      )
    },
    timeout
  )

  it(
    "refuses arbitrary bytes with an arbitrary signature, typed",
    async () => {
      await check(
        fc.property(fc.uint8Array({ maxLength: 400 }), fc.string({ maxLength: 80 }), (body, signature) => {
          const outcome = receive(oa, {
            method: "POST",
            url: "/",
            headers: { [ZaloOa.signatureHeader]: signature },
            body
          })
          expect(outcome._tag).toBe("refused")
        })
      )
    },
    timeout
  )
})

const botUpdate = fc.record(
  {
    event_name: fc.oneof(
      fc.constantFrom(
        "message.text.received",
        "message.image.received",
        "message.sticker.received",
        "message.unsupported.received",
        "user.follow",
        "webhook.test"
      ),
      fc.string({ maxLength: 30 })
    ),
    message: fc.record(
      {
        message_id: id,
        date: time,
        text: fc.oneof(fc.string({ maxLength: 100 }), fc.anything()),
        photo: fc.oneof(fc.webUrl(), fc.string()),
        photo_url: fc.oneof(fc.webUrl(), fc.string()),
        photos: fc.array(fc.record({ url: fc.webUrl() }), { maxLength: 2 }),
        sticker: fc.oneof(fc.string(), fc.record({ id, url: fc.webUrl() }, { requiredKeys: [] })),
        from: fc.record(
          { id, display_name: fc.string(), name: fc.string(), is_bot: fc.boolean() },
          { requiredKeys: [] }
        ),
        chat: fc.record(
          { id, chat_type: fc.oneof(fc.constantFrom("PRIVATE", "GROUP", "individual"), fc.string()) },
          { requiredKeys: [] }
        )
      },
      { requiredKeys: [] }
    ),
    timestamp: time,
    user: fc.record({ id }, { requiredKeys: [] })
  },
  { requiredKeys: ["event_name"] }
)
const botBody = fc.oneof(
  botUpdate,
  botUpdate.map((result) => ({ ok: true, result })),
  fc.array(botUpdate, { maxLength: 3 }).map((result) => ({ ok: true, result })),
  fc.anything()
)

describe("fuzzing ZaloBot", () => {
  it(
    "takes generated updates, flat and wrapped, with the secret token without crashing",
    async () => {
      await check(
        fc.property(botBody, (body) => {
          const json = JSON.stringify(body)
          const outcome = receive(bot, ZaloBot.delivery(secretToken, json === undefined ? "null" : json))
          if (outcome._tag === "refused") expect(outcome.error.reason).toBe("bad_request")
          const name = typeof body === "object" && body !== null && "event_name" in body ? String(body.event_name) : ""
          const known =
            ["user.follow", "user.unfollow", "webhook.test"].includes(name) || /^message\.[a-z_]+\.received$/.test(name)
          if (outcome._tag === "accepted" && outcome.verified.keep && name !== "" && !known) {
            expect(outcome.decoded?.unsupported.length).toBeGreaterThan(0)
          }
        })
      )
    },
    timeout
  )

  it(
    "accepts nothing without the secret token, and refuses every such delivery with a typed error",
    async () => {
      await check(
        fc.property(botBody, mutation, (body, m) => {
          const signed = ZaloBot.delivery(secretToken, JSON.stringify(body) ?? "null")
          const changed = mutate(signed, ZaloBot.secretHeader, m)
          const outcome = receive(bot, changed)
          const tokenKept = changed.headers[ZaloBot.secretHeader] === Redacted.value(secretToken)
          if (!tokenKept || changed.method !== "POST") {
            expect(outcome._tag).toBe("refused")
            if (outcome._tag === "refused") expect(["bad_signature", "bad_request"]).toContain(outcome.error.reason)
          } else if (outcome._tag === "refused") expect(outcome.error.reason).toBe("bad_request")
        })
      )
    },
    timeout
  )
})
