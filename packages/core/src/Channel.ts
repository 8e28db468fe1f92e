/**
 * The channel contract: what an integrator implements to bring a platform (a Zalo OA, an OA group, a Zalo
 * bot, a Facebook page, a web form) into tinbao.
 *
 * Inbound, an adapter turns a raw HTTP delivery (method, URL, headers, the exact body bytes) into the HTTP
 * answer the platform expects (a GET handshake such as Facebook's `hub.challenge` included) and zero or more
 * normalised {@link InboundMessage}s; it verifies the signature before it reads anything. Outbound, it sends
 * an {@link OutboundMessage} and returns the platform's message id. Everything else (de-duplication, the
 * vault, routing, retries, the reply window) lives in the core, so an adapter stays small.
 *
 * @since 0.1.0
 */
import type { Effect } from "effect"
import type { InboundMessage } from "./InboundMessage.js"
import type { ChannelError, OutboundMessage } from "./internal/channel/channel.js"

export { ChannelError, isRetryable, OutboundMessage, Reason } from "./internal/channel/channel.js"
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
 * What an adapter made of a verified delivery: the answer, the messages in it (none for a handshake), and
 * a description of each event in it that the adapter does not know. A delivery with unknown events is kept
 * whole as a dead letter, to inspect and replay: nothing signed is dropped.
 *
 * @since 0.1.0
 * @category models
 */
export interface Received {
  readonly answer: Answer
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
}

/**
 * A channel adapter: one instance per channel (one OA, one page, one bot).
 *
 * @since 0.1.0
 * @category models
 */
export interface ChannelAdapter {
  /** The channel's id, as bindings and messages name it (e.g. `zalo-oa:207145032978`). */
  readonly id: string
  /** The platform, as tips record it. */
  readonly platform: "zalo" | "facebook" | "web"
  readonly capabilities: Capabilities
  /** Verifies and decodes a delivery. Fails only when the platform should be told no (a 4xx answer). */
  readonly receive: (delivery: RawDelivery) => Effect.Effect<Received, ChannelError>
  /** Sends a message and returns the platform's message id. */
  readonly send: (message: OutboundMessage) => Effect.Effect<string, ChannelError>
  /** Refreshes the access token, for adapters whose tokens expire; the outbox calls it once per expiry. */
  readonly refreshToken?: Effect.Effect<void, ChannelError>
}
