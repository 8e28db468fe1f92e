import { describe, expect, it } from "@effect/vitest"
import { Channel, InboundMessage } from "@tinbao/core"
import { Effect, Redacted } from "effect"
import type { OutgoingCase } from "../src/ChannelSuite.js"
import { receive } from "../src/internal/channelSuiteCases.js"
import { assertNoLeaks, observation, observe } from "../src/internal/channelSuiteObserve.js"
import { ChannelSuite } from "../src/vitest.js"
import * as Sms from "./sms.js"

const token = Redacted.make("sms-gateway-token-4f9e2a7c")
const from = "+84901234567"
const sms = { id: "sms-0001", from, to: "0912000111", text: "Có người lạ cạy cửa nhà số 12", receivedAt: 1735718400 }
const make = (url: string) => Sms.make({ id: "sms:0912000111", token, gateway: url })

const reply = new Channel.OutboundMessage({
  key: "ack:TB-2025-0001",
  channel: "sms:0912000111",
  conversation: InboundMessage.direct(from),
  text: "Công an phường đã nhận tin báo của bạn, mã TB-2025-0001."
})

const refused = (name: string, status: number, error: Channel.Reason, retryable: boolean): OutgoingCase => ({
  name,
  message: reply,
  responses: [{ status }],
  expect: { requests: [{ method: "POST", path: "/messages" }], error, retryable }
})

ChannelSuite.suite("SMS gateway", {
  make: (url) => Effect.succeed(make(url)),
  signatureHeader: Sms.tokenHeader,
  secrets: [Redacted.value(token)],
  incoming: [
    {
      name: "an SMS",
      delivery: Sms.delivery(token, sms),
      expect: {
        status: 200,
        keep: true,
        unsupported: 0,
        messages: [
          {
            kind: "message",
            platformMessageId: "sms-0001",
            text: sms.text,
            conversation: { kind: "direct", id: from },
            sentAt: 1735718400000
          }
        ]
      }
    },
    {
      name: "an SMS from a number without the country code",
      delivery: Sms.delivery(token, { ...sms, id: "sms-0002", from: "0987654321" }),
      expect: { messages: [{ conversation: { kind: "direct", id: "0987654321" } }] }
    },
    {
      name: "a sender that is not a phone number",
      delivery: Sms.delivery(token, { ...sms, from: "Ngân hàng" }),
      expect: { error: "bad_request" }
    },
    {
      name: "a body that is not JSON",
      delivery: Sms.delivery(token, "from=%2B84901234567"),
      expect: { error: "bad_request" }
    },
    {
      name: "a GET",
      delivery: { ...Sms.delivery(token, sms), method: "GET", body: new Uint8Array(0) },
      expect: { error: "bad_request" }
    }
  ],
  outgoing: [
    {
      name: "a reply goes to the sender's number",
      message: reply,
      responses: [{ status: 202, body: { id: "gw-out-0100" } }],
      expect: {
        id: "gw-out-0100",
        requests: [
          {
            method: "POST",
            path: "/messages",
            headers: [Sms.tokenHeader, "idempotency-key"],
            body: { to: from, reference: reply.key }
          }
        ]
      }
    },
    refused("a 429 is rate_limited", 429, "rate_limited", true),
    refused("a 503 is transient", 503, "transient", true),
    refused("a 400 is permanent", 400, "permanent", false),
    {
      name: "a dropped connection is transient",
      message: reply,
      responses: [{ drop: true }],
      expect: { requests: [{ path: "/messages" }], error: "transient", retryable: true }
    }
  ]
})

// The leak check that the suite runs on every case, run here on adapters that leak on purpose.
describe("the channel suite's leak check", () => {
  const logsThePhone = (url: string): Channel.ChannelAdapter => {
    const adapter = make(url)
    return {
      ...adapter,
      verify: (d) =>
        Effect.tap(adapter.verify(d), () =>
          Effect.logInfo(`sms from ${(JSON.parse(new TextDecoder().decode(d.body)) as { from: string }).from}`)
        )
    }
  }
  const quotesThePhone = (url: string): Channel.ChannelAdapter => ({
    ...make(url),
    send: (m) =>
      Effect.fail(
        new Channel.ChannelError({
          channel: "sms:0912000111",
          reason: "recipient_unavailable",
          message: `no such number: ${m.conversation.kind === "direct" ? Redacted.value(m.conversation.id) : ""}`
        })
      )
  })

  it.live("passes the adapter that follows the contract", () =>
    Effect.gen(function* () {
      const observed = observation()
      yield* observe(observed, receive(make("http://127.0.0.1:9"), Sms.delivery(token, sms)))
      expect(observed.identities).toContain(from)
      expect(() => assertNoLeaks(observed, [Redacted.value(token)])).not.toThrow()
    })
  )

  it.live("catches an adapter that writes the phone number into a log line", () =>
    Effect.gen(function* () {
      const observed = observation()
      yield* observe(observed, receive(logsThePhone("http://127.0.0.1:9"), Sms.delivery(token, sms)))
      expect(() => assertNoLeaks(observed, [])).toThrow(/identity "\+84901234567" in a log line/)
    })
  )

  it.live("catches an adapter that writes the phone number into an error", () =>
    Effect.gen(function* () {
      const observed = observation()
      observed.identities.add(from)
      yield* observe(observed, quotesThePhone("http://127.0.0.1:9").send(reply))
      expect(() => assertNoLeaks(observed, [])).toThrow(/identity "\+84901234567" in a produced value or error/)
    })
  )
})
