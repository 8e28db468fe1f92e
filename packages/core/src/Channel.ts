/**
 * The channel contract (v2): what an integrator implements to bring a platform (a Zalo OA, an OA group, a Zalo
 * bot, a Facebook page, a web form, an SMS gateway) into tinbao.
 *
 * Inbound, in two steps. On arrival, once, `verify` says whether a raw HTTP delivery (method, URL, headers, the
 * exact body bytes) is genuine and what to answer the platform (a GET handshake such as Facebook's
 * `hub.challenge` included). Any time later, `decode` turns the stored bytes of a delivery `verify` accepted
 * into normalised {@link InboundMessage}s; it never checks a signature or the time again, so a delivery that
 * waited in the inbox through an outage is still taken in. Outbound, `send` sends an {@link OutboundMessage}
 * and returns the platform's message id. Everything else (de-duplication, the vault, routing, retries, the
 * reply window) lives in the core, so an adapter stays small; `ChannelCheck` has the body and signature checks
 * every adapter needs.
 *
 * @since 0.1.0
 * @module
 */
import type { Effect, Either } from "effect"
import type { InboundMessage } from "./InboundMessage.js"
import type { ChannelError, OutboundMessage, Platform } from "./internal/channel/channel.js"
import * as split from "./internal/channel/split.js"

export { ChannelError, isRetryable, OutboundMessage, Platform, Reason } from "./internal/channel/channel.js"
export { builtinPlatforms, PlatformId, platformIdPattern, platformIdRule } from "./internal/channel/platform.js"

/**
 * An HTTP request as the platform sent it. `body` is the exact bytes: signatures are computed over them,
 * never over re-serialised JSON. Header names are lower case.
 *
 * @since 0.1.0
 * @category models
 */
export interface RawDelivery {
  readonly method: string
  readonly url: string
  readonly headers: Readonly<Record<string, string>>
  readonly body: Uint8Array
}

/**
 * The HTTP answer to give the platform.
 *
 * @since 0.1.0
 * @category models
 */
export interface Answer {
  readonly status: number
  readonly headers?: Readonly<Record<string, string>>
  readonly body?: string
}

/**
 * What `verify` says of a delivery it accepts: the answer to give the platform, and whether the delivery carries
 * events to store (`keep`: false for a handshake or a ping, which are answered and forgotten).
 *
 * @since 0.2.0
 * @category models
 */
export interface Verified {
  readonly answer: Answer
  readonly keep: boolean
}

/**
 * What `decode` makes of a verified delivery: the messages in it, and a description of each event in it that the
 * adapter does not know. A delivery with unknown events is kept as a dead letter, to inspect and replay once the
 * adapter knows them: nothing signed is dropped.
 *
 * @since 0.2.0
 * @category models
 */
export interface Decoded {
  readonly messages: ReadonlyArray<InboundMessage>
  readonly unsupported: ReadonlyArray<string>
}

/**
 * The reply-window rules of a platform: `none` (reply any time), `hours` (Facebook: 24 h after the user's
 * last message, 7 days for a human agent's reply), `quota` (Zalo OA: 8 free replies within 48 h of the
 * user's last message).
 *
 * @since 0.1.0
 * @category models
 */
export type ReplyWindow =
  | { readonly _tag: "None" }
  | { readonly _tag: "Hours"; readonly hours: number; readonly humanAgentHours?: number }
  | { readonly _tag: "Quota"; readonly replies: number; readonly withinHours: number }

/**
 * What an adapter can do, declared, so the core and the conformance suite know what to expect.
 *
 * @since 0.1.0
 * @category models
 */
export interface Capabilities {
  readonly groups: boolean
  readonly comments: boolean
  readonly attachments: boolean
  readonly location: boolean
  readonly replyWindow: ReplyWindow
  readonly maxTextLength: number
  /**
   * The window of group conversations when it differs from {@link replyWindow} (which applies to them otherwise).
   *
   * @since 0.2.0
   */
  readonly groupReplyWindow?: ReplyWindow
  /**
   * The longest text of one platform message, when the adapter sends a longer reply (up to `maxTextLength`) as
   * several messages, cut by {@link splitText}: each of them counts against a reply quota.
   *
   * @since 0.2.0
   */
  readonly partLength?: number
}

/**
 * The messages a reply of `text` goes as on a channel whose messages hold `partLength` characters: cut at a line
 * break or a space in the last half of each part when there is one, else at the limit. Adapters send them in
 * order; the dispatcher counts them against a reply quota. Throws a `RangeError` when `partLength` is not an
 * integer of at least 2.
 *
 * @since 0.2.0
 * @category combinators
 */
export const splitText: (text: string, partLength: number) => ReadonlyArray<string> = split.splitText

/**
 * The reply window of a conversation kind on a channel: {@link Capabilities.groupReplyWindow} for groups when it
 * is declared, else {@link Capabilities.replyWindow}.
 *
 * @since 0.2.0
 * @category getters
 */
export const replyWindowOf: (capabilities: Capabilities, kind: "direct" | "group" | "post") => ReplyWindow =
  split.replyWindowOf

/**
 * How many platform messages a reply of `text` costs on a channel: the parts {@link splitText} cuts it into when
 * the channel declares `partLength`, else one.
 *
 * @since 0.2.0
 * @category getters
 */
export const messagesFor: (capabilities: Capabilities, text: string) => number = split.messagesFor

/**
 * A sender of replies in parts that resumes: given an outbox key, the parts of its text and how to send one part
 * (its platform message id), it sends them in order and gives the first part's id. When a part fails, the ids of
 * those sent are kept under the key, so that the outbox's retry sends only the rest and the reporter never reads a
 * part twice. One per adapter; it keeps at most `limit` keys in progress (10,000), the oldest forgotten first.
 *
 * @since 0.2.0
 * @category constructors
 */
export const partsSender: (
  limit?: number
) => <E, R>(
  key: string,
  parts: ReadonlyArray<string>,
  sendPart: (part: string, index: number) => Effect.Effect<string, E, R>
) => Effect.Effect<string, E, R> = split.partsSender

/**
 * A channel adapter: one instance per channel (one OA, one page, one bot, one SMS number).
 *
 * @since 0.1.0
 * @category models
 */
export interface ChannelAdapter {
  /** The channel's id, as bindings and messages name it (e.g. `zalo-oa:207145032978`). */
  readonly id: string
  /** The platform, whose id tips record as their channel and whose label reports show. */
  readonly platform: Platform
  readonly capabilities: Capabilities
  /**
   * On arrival, once: whether the delivery is genuine (signature, token, timestamp window), and what to answer
   * (handshakes included). Fails only when the platform should be told no (a 4xx answer). It may decode the body
   * too, to refuse a malformed one at once rather than keep it as a dead letter.
   */
  readonly verify: (delivery: RawDelivery) => Effect.Effect<Verified, ChannelError>
  /**
   * Any time later, pure: the messages of a delivery that `verify` accepted. Never checks a signature or the time
   * again (an `Either`, so that it cannot read the clock); the same bytes always decode the same way.
   */
  readonly decode: (delivery: RawDelivery) => Either.Either<Decoded, ChannelError>
  /** Sends a message and returns the platform's message id. */
  readonly send: (message: OutboundMessage) => Effect.Effect<string, ChannelError>
  /** Refreshes the access token, for adapters whose tokens expire; the outbox calls it once per expiry. */
  readonly refreshToken?: Effect.Effect<void, ChannelError>
}
