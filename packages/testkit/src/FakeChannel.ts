/**
 * One configurable fake channel adapter for tests of what sits around adapters (the webhook and its worker, the
 * dispatcher, intake's processor): a small signed JSON protocol that follows the channel contract, with every
 * behaviour a test needs to steer.
 *
 * Inbound, a delivery is a POST of `{ "events": [...] }` (see {@link Event}) with `x-fake-signature:
 * sha256=<hex>`, the HMAC-SHA256 with the secret of `<timestamp>.<exact body>`, and `x-fake-timestamp` in epoch
 * seconds; `verify` refuses it (`bad_signature`) when the signature does not match or the timestamp is more than
 * `toleranceSeconds` from now, and `decode` never looks at either. A `GET ?challenge=<n>&verify=<token>` is a
 * handshake, `forbidden` with a wrong token. An event whose type the fake does not `understand` is unsupported; a
 * delivery without events is refused as `unsupported_event`; an event of type `crash` makes `verify` die and
 * `decode` throw, as a broken adapter would. Outbound, `send` refuses what the declared capabilities cannot carry
 * (`permanent`, before an attempt), records what it sent, and answers `mid-<key>` unless told otherwise.
 *
 * ```ts
 * const fake = FakeChannel.make({ id: "zalo-oa:1", send: (m, attempt) => attempt === 1 ? fail : ok })
 * const delivery = yield* fake.delivery([{ type: "message", id: "m1", from: "user-7f3a", text: "Có cháy" }])
 * yield* webhook.accept(fake.adapter.id, delivery)
 * ```
 *
 * @since 0.2.0
 * @module
 */
import type { Channel } from "@tinbao/core"
import type { Effect, Redacted } from "effect"
import * as internal from "./internal/fakeChannel.js"

export { defaultPlatform, defaultSecret, defaultVerifyToken, headers } from "./internal/fakeChannel.js"

/**
 * An event of the fake protocol. `from` is the sender's platform id (and the direct conversation's id); `group`
 * puts the event in that group instead, and `post` in that post's comment thread. `time` is epoch milliseconds (0
 * when absent). An understood `type` that is not an `InboundMessage.Kind` becomes a message. `replyTo` and
 * `payload` become the message's own (an edited comment names the comment it edits; a `removed` event names the
 * message taken down, with `remove`, `hide` or `unhide` as its payload).
 *
 * @since 0.2.0
 * @category models
 */
export interface Event {
  readonly type: string
  readonly id: string
  readonly from: string
  readonly name?: string
  readonly text?: string
  readonly time?: number
  readonly group?: string
  readonly post?: string
  readonly replyTo?: string
  readonly payload?: string
}

/**
 * How the fake behaves. Everything has a default: id `fake:channel`, platform {@link defaultPlatform}, a reply
 * window of `None` and 2,000 characters, the default secret and verify token, 300 seconds of tolerance, every
 * `InboundMessage.Kind` understood, and sends that succeed with `mid-<key>`. `send` is given the attempt's number,
 * counted from 1 over the fake's life.
 *
 * @since 0.2.0
 * @category models
 */
export interface Options {
  readonly id?: string
  readonly platform?: Channel.Platform
  readonly capabilities?: Partial<Channel.Capabilities>
  readonly secret?: Redacted.Redacted<string>
  readonly verifyToken?: Redacted.Redacted<string>
  readonly toleranceSeconds?: number
  readonly understands?: (type: string) => boolean
  readonly send?: (message: Channel.OutboundMessage, attempt: number) => Effect.Effect<string, Channel.ChannelError>
  readonly refreshToken?: Effect.Effect<void, Channel.ChannelError>
}

/**
 * How a delivery is built: the signature's time in epoch seconds (now, by the Effect clock, for
 * `delivery`), and headers to add or override after signing.
 *
 * @since 0.2.0
 * @category models
 */
export interface DeliveryOptions {
  readonly headers?: Readonly<Record<string, string>>
  readonly url?: string
}

/**
 * A fake channel: the adapter, what it sent (successful sends, in order), how many sends were attempted, and
 * builders of deliveries it accepts. A body given as a string or bytes is signed exactly as given.
 *
 * @since 0.2.0
 * @category models
 */
export interface FakeChannel {
  readonly adapter: Channel.ChannelAdapter
  readonly sent: ReadonlyArray<Channel.OutboundMessage>
  readonly attempts: number
  /** A POST of the body, signed now by the Effect clock. */
  readonly delivery: (
    body: ReadonlyArray<Event> | string | Uint8Array,
    options?: DeliveryOptions
  ) => Effect.Effect<Channel.RawDelivery>
  /** A POST of the body, signed at `timestamp` (epoch seconds). */
  readonly signedAt: (
    body: ReadonlyArray<Event> | string | Uint8Array,
    timestamp: number,
    options?: DeliveryOptions
  ) => Channel.RawDelivery
  /** A GET handshake with the challenge and the token given. */
  readonly handshake: (challenge: string, token: string) => Channel.RawDelivery
}

/**
 * Builds a fake channel.
 *
 * @since 0.2.0
 * @category constructors
 */
export const make: (options?: Options) => FakeChannel = internal.make
