/**
 * A small SMS-gateway channel adapter, written from docs/channels.md as an integrator would: the worked example of
 * an adapter for a new platform, and the proof that an adapter which follows the contract passes the channel suite.
 *
 * Inbound, the gateway POSTs one SMS as JSON, `{ id, from: "+84901234567", to, text, receivedAt }`, with the
 * shared token in `x-gateway-token`. Outbound, a reply is POSTed to `<gateway>/messages` as `{ to, text,
 * reference }` with the same token; the gateway answers `{ id }`.
 */
import { Channel, ChannelCheck, InboundMessage } from "@tinbao/core"
import { Effect, Either, ParseResult, Redacted, Schema } from "effect"

export const platform: Channel.Platform = { id: "sms", label: { vi: "Tin nhắn SMS", en: "SMS" } }

export const tokenHeader = "x-gateway-token"

export interface Config {
  /** The channel's id, e.g. `sms:0912000111` (the number citizens text). */
  readonly id: string
  /** The token the gateway and tinbao share. */
  readonly token: Redacted.Redacted<string>
  /** The gateway's base URL. */
  readonly gateway: string
}

const Phone = Schema.String.pipe(Schema.pattern(/^\+?\d{6,15}$/))

const Sms = Schema.Struct({
  id: Schema.NonEmptyTrimmedString.pipe(Schema.maxLength(100)),
  from: Phone,
  to: Phone,
  text: Schema.String.pipe(Schema.maxLength(1600)),
  receivedAt: InboundMessage.PlatformTime
})

const decodeSms = Schema.decodeUnknownEither(Sms, { errors: "all" })

// Where a field is malformed, never what it holds: `from` is a phone number.
const where = (error: ParseResult.ParseError) =>
  [...new Set(ParseResult.ArrayFormatter.formatErrorSync(error).map((i) => i.path.join(".") || "(root)"))].join(", ")

export const capabilities: Channel.Capabilities = {
  groups: false,
  comments: false,
  attachments: false,
  location: false,
  replyWindow: { _tag: "None" },
  maxTextLength: 640
}

export const make = (config: Config): Channel.ChannelAdapter => {
  const refuse = (reason: Channel.Reason, message: string) =>
    new Channel.ChannelError({ channel: config.id, reason, message })

  // Pure and deterministic: the bytes of a delivery verify accepted, any time later.
  const decode = (delivery: Channel.RawDelivery): Either.Either<Channel.Decoded, Channel.ChannelError> =>
    Either.gen(function* () {
      const json = yield* ChannelCheck.readJson(config.id, delivery.body, { maxBytes: 64 * 1024, maxDepth: 4 })
      const sms = yield* Either.mapLeft(decodeSms(json), (e) =>
        refuse("bad_request", `the SMS is malformed at ${where(e)}`)
      )
      const message = new InboundMessage.InboundMessage({
        kind: "message",
        channel: config.id,
        platformMessageId: sms.id,
        // The contract: a direct conversation's id is the sender's platform id (here, the phone number), redacted.
        conversation: InboundMessage.direct(sms.from),
        sender: Redacted.make({ platformUserId: sms.from }),
        text: sms.text.normalize("NFC"),
        sentAt: sms.receivedAt
      })
      return { messages: [message], unsupported: [] }
    })

  const verify = (delivery: Channel.RawDelivery): Effect.Effect<Channel.Verified, Channel.ChannelError> =>
    Effect.gen(function* () {
      if (delivery.method.toUpperCase() !== "POST") return yield* refuse("bad_request", "the gateway POSTs messages")
      const given = ChannelCheck.lowerCaseHeaders(delivery.headers)[tokenHeader]
      if (given === undefined || !ChannelCheck.sameSecret(given, config.token)) {
        return yield* refuse("bad_signature", `the delivery's ${tokenHeader} is missing or wrong`)
      }
      // Malformed bodies are refused now, while the gateway can still be told.
      yield* decode(delivery)
      yield* Effect.logDebug("sms: one message verified")
      return {
        answer: { status: 200, headers: { "content-type": "application/json" }, body: '{"ok":true}' },
        keep: true
      }
    }).pipe(Effect.annotateLogs({ channel: config.id }))

  const reasonOf = (status: number): Channel.Reason =>
    status === 429 ? "rate_limited" : status >= 500 ? "transient" : "permanent"

  const send = (message: Channel.OutboundMessage): Effect.Effect<string, Channel.ChannelError> =>
    Effect.gen(function* () {
      const { conversation } = message
      if (conversation.kind !== "direct") return yield* refuse("permanent", "an SMS goes to one phone, not a group")
      if (message.text.length > capabilities.maxTextLength) {
        return yield* refuse("permanent", `an SMS reply takes at most ${capabilities.maxTextLength} characters`)
      }
      const body = JSON.stringify({ to: Redacted.value(conversation.id), text: message.text, reference: message.key })
      const response = yield* Effect.tryPromise({
        try: (signal) =>
          fetch(`${config.gateway}/messages`, {
            method: "POST",
            headers: {
              "content-type": "application/json",
              "idempotency-key": message.key,
              [tokenHeader]: Redacted.value(config.token)
            },
            body,
            signal,
            redirect: "manual"
          }).then(async (r) => ({ status: r.status, text: await r.text() })),
        catch: () => refuse("transient", "the gateway could not be reached")
      })
      if (response.status < 200 || response.status >= 300) {
        const reason = reasonOf(response.status)
        return yield* refuse(reason, `the gateway refused the SMS with HTTP ${response.status} (${reason})`)
      }
      const id = Either.getOrUndefined(Either.try(() => (JSON.parse(response.text) as { id?: unknown }).id))
      return typeof id === "string" && id.length > 0
        ? id
        : yield* refuse("permanent", "the gateway answered without a message id: it may have sent it")
    }).pipe(Effect.annotateLogs({ channel: config.id, key: message.key }))

  return { id: config.id, platform, capabilities, verify, decode, send }
}

/** A delivery as the gateway posts it. */
export const delivery = (
  token: Redacted.Redacted<string>,
  sms: Readonly<Record<string, unknown>> | string
): Channel.RawDelivery => ({
  method: "POST",
  url: "/webhooks/sms",
  headers: { "content-type": "application/json", [tokenHeader]: Redacted.value(token) },
  body: new TextEncoder().encode(typeof sms === "string" ? sms : JSON.stringify(sms))
})
