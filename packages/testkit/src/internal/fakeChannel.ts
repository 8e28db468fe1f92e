import { Channel, ChannelCheck, InboundMessage } from "@tinbao/core"
import { Clock, DateTime, Effect, Either, ParseResult, Redacted, Schema } from "effect"
import type { DeliveryOptions, Event, FakeChannel, Options } from "../FakeChannel.js"

/**
 * The platform a fake channel declares unless told otherwise.
 *
 * @since 0.2.0
 * @category constants
 */
export const defaultPlatform: Channel.Platform = { id: "fake", label: { vi: "Kênh thử nghiệm", en: "Test channel" } }

/**
 * The secret a fake channel signs with unless told otherwise.
 *
 * @since 0.2.0
 * @category constants
 */
export const defaultSecret: Redacted.Redacted<string> = Redacted.make("fake-channel-secret-5e1d7a3c")

/**
 * The verify token of a fake channel's handshakes unless told otherwise.
 *
 * @since 0.2.0
 * @category constants
 */
export const defaultVerifyToken: Redacted.Redacted<string> = Redacted.make("fake-verify-0b9c4e27")

/**
 * The headers of the fake's signature scheme.
 *
 * @since 0.2.0
 * @category constants
 */
export const headers = { signature: "x-fake-signature", timestamp: "x-fake-timestamp" } as const

const EventSchema = Schema.Struct({
  type: Schema.String,
  id: Schema.String,
  from: Schema.String,
  name: Schema.optional(Schema.String),
  text: Schema.optional(Schema.String),
  time: Schema.optional(Schema.Number),
  group: Schema.optional(Schema.String),
  post: Schema.optional(Schema.String),
  replyTo: Schema.optional(Schema.String),
  payload: Schema.optional(Schema.String)
})

const decodeBody = Schema.decodeUnknownEither(Schema.Struct({ events: Schema.Array(EventSchema) }))

const encoder = new TextEncoder()

const bytesOf = (body: ReadonlyArray<Event> | string | Uint8Array): Uint8Array =>
  body instanceof Uint8Array ? body : encoder.encode(typeof body === "string" ? body : JSON.stringify({ events: body }))

class Crash extends Error {}

/** @internal */
export const make = (options: Options = {}): FakeChannel => {
  const id = options.id ?? "fake:channel"
  const secret = options.secret ?? defaultSecret
  const verifyToken = options.verifyToken ?? defaultVerifyToken
  const tolerance = options.toleranceSeconds ?? 300
  const understands = options.understands ?? ((type: string) => InboundMessage.Kind.literals.some((k) => k === type))
  const sent: Array<Channel.OutboundMessage> = []
  let attempts = 0
  const refuse = (reason: Channel.Reason, message: string) => new Channel.ChannelError({ channel: id, reason, message })

  const toMessage = (event: typeof EventSchema.Type) =>
    ChannelCheck.message(id, {
      kind: InboundMessage.Kind.literals.find((k) => k === event.type) ?? "message",
      channel: id,
      platformMessageId: event.id,
      conversation:
        event.group !== undefined
          ? { kind: "group", id: event.group }
          : event.post !== undefined
            ? { kind: "post", id: event.post }
            : InboundMessage.direct(event.from),
      sender: Redacted.make({
        platformUserId: event.from,
        ...(event.name === undefined ? {} : { displayName: event.name })
      }),
      ...(event.text === undefined ? {} : { text: event.text }),
      ...(event.replyTo === undefined ? {} : { replyTo: event.replyTo }),
      ...(event.payload === undefined ? {} : { payload: event.payload }),
      sentAt: DateTime.unsafeMake(event.time ?? 0)
    })

  // Pure: the same bytes always give the same messages. An event of type "crash" throws, as a broken adapter would,
  // with the secret in its message, so that a test can check that a caller never logs an adapter's defect.
  const decode = (delivery: Channel.RawDelivery): Either.Either<Channel.Decoded, Channel.ChannelError> =>
    Either.gen(function* () {
      const json = yield* ChannelCheck.readJson(id, delivery.body)
      const body = yield* Either.mapLeft(decodeBody(json), (e) =>
        refuse("bad_request", `the body is not a fake delivery: ${ParseResult.TreeFormatter.formatErrorSync(e)}`)
      )
      if (body.events.some((e) => e.type === "crash")) throw new Crash(`crashed on ${Redacted.value(secret)}`)
      if (body.events.length === 0)
        return yield* Either.left(refuse("unsupported_event", "the delivery holds no event"))
      const messages: Array<InboundMessage.InboundMessage> = []
      const unsupported: Array<string> = []
      for (const event of body.events) {
        if (!understands(event.type)) unsupported.push(event.type)
        else {
          const message = yield* Either.mapLeft(toMessage(event), (e) =>
            refuse("bad_request", `event ${event.id.slice(0, 40)}: ${e.message}`)
          )
          messages.push(message)
        }
      }
      return { messages, unsupported }
    })

  const handshake = (url: string): Effect.Effect<Channel.Verified, Channel.ChannelError> => {
    const query = URL.canParse(url, "http://localhost") ? new URL(url, "http://localhost").searchParams : undefined
    if (query === undefined) return Effect.fail(refuse("bad_request", "the handshake's URL is malformed"))
    const challenge = query.get("challenge") ?? ""
    if (!/^\d{1,32}$/.test(challenge))
      return Effect.fail(refuse("bad_request", "a handshake needs a numeric challenge"))
    if (!ChannelCheck.sameSecret(query.get("verify") ?? "", verifyToken)) {
      return Effect.fail(refuse("forbidden", "the handshake's verify token is wrong"))
    }
    return Effect.succeed({ answer: { status: 200, body: challenge }, keep: false })
  }

  const verify = (delivery: Channel.RawDelivery): Effect.Effect<Channel.Verified, Channel.ChannelError> =>
    Effect.gen(function* () {
      if (delivery.method.toUpperCase() === "GET") return yield* handshake(delivery.url)
      const lower = ChannelCheck.lowerCaseHeaders(delivery.headers)
      const time = ChannelCheck.checkTimestamp(lower[headers.timestamp], yield* Clock.currentTimeMillis, {
        unit: "seconds",
        toleranceSeconds: tolerance
      })
      if (Either.isLeft(time)) return yield* refuse("bad_signature", `the delivery's timestamp is ${time.left}`)
      const expected = `sha256=${ChannelCheck.hmacSha256Hex(secret, `${lower[headers.timestamp]}.`, delivery.body)}`
      if (!ChannelCheck.sameSecret(lower[headers.signature] ?? "", expected)) {
        return yield* refuse("bad_signature", "the signature does not match the body")
      }
      // Malformed bodies are refused now, while the platform can still be told.
      const decoded = yield* Effect.sync(() => decode(delivery))
      return yield* Either.map(decoded, () => ({ answer: { status: 200, body: "ok" }, keep: true }))
    })

  const signedAt = (
    body: ReadonlyArray<Event> | string | Uint8Array,
    timestamp: number,
    delivery: DeliveryOptions = {}
  ): Channel.RawDelivery => {
    const bytes = bytesOf(body)
    return {
      method: "POST",
      url: delivery.url ?? `/webhooks/${id}`,
      headers: {
        "content-type": "application/json",
        [headers.signature]: `sha256=${ChannelCheck.hmacSha256Hex(secret, `${timestamp}.`, bytes)}`,
        [headers.timestamp]: String(timestamp),
        ...delivery.headers
      },
      body: bytes
    }
  }

  const capabilities: Channel.Capabilities = {
    groups: true,
    comments: false,
    attachments: false,
    location: false,
    replyWindow: { _tag: "None" },
    maxTextLength: 2000,
    ...options.capabilities
  }

  // What the channel cannot carry is refused before an attempt, as a real adapter refuses it before a request.
  const cannotCarry = (message: Channel.OutboundMessage): string | undefined =>
    message.text.length > capabilities.maxTextLength
      ? `the reply has ${message.text.length} characters, over ${capabilities.maxTextLength}`
      : (message.conversation.kind === "group" && !capabilities.groups) ||
          (message.conversation.kind === "post" && !capabilities.comments)
        ? `the channel has no ${message.conversation.kind} conversations`
        : undefined

  const adapter: Channel.ChannelAdapter = {
    id,
    platform: options.platform ?? defaultPlatform,
    capabilities,
    verify,
    decode,
    send: (message) =>
      Effect.suspend(() => {
        const refusal = cannotCarry(message)
        if (refusal !== undefined) return Effect.fail(refuse("permanent", refusal))
        attempts += 1
        return options.send === undefined ? Effect.succeed(`mid-${message.key}`) : options.send(message, attempts)
      }).pipe(Effect.tap(() => Effect.sync(() => sent.push(message)))),
    ...(options.refreshToken === undefined ? {} : { refreshToken: options.refreshToken })
  }

  return {
    adapter,
    sent,
    get attempts() {
      return attempts
    },
    delivery: (body, delivery) =>
      Effect.map(Clock.currentTimeMillis, (now) => signedAt(body, Math.floor(now / 1000), delivery)),
    signedAt,
    handshake: (challenge, token) => ({
      method: "GET",
      url: `/webhooks/${id}?${new URLSearchParams({ challenge, verify: token }).toString()}`,
      headers: {},
      body: new Uint8Array(0)
    })
  }
}
