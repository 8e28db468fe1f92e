import { Schema } from "effect"
import { Label } from "../shared/label.js"
import { withoutNul } from "../shared/text.js"
import { Conversation } from "./inboundMessage.js"
import { PlatformId } from "./platform.js"

/**
 * A platform a channel belongs to: its id, which tips record, and its name for people, which reports show
 * (`{ id: "sms", label: { vi: "Tin nhắn SMS", en: "SMS" } }`). Platforms are open: an integrator declares a new
 * one in its adapter.
 *
 * @since 0.2.0
 * @category models
 */
export const Platform = Schema.Struct({ id: PlatformId, label: Label }).annotations({ identifier: "Platform" })

/**
 * @since 0.2.0
 * @category models
 */
export type Platform = typeof Platform.Type

/**
 * A message to send on a channel: to a conversation, optionally quoting a platform message, with an
 * idempotency key the outbox uses so that it is never sent twice. A direct conversation's id is the reporter's
 * platform id, redacted: the dispatcher reveals it from the vault at the moment of sending. `humanAgent` marks
 * a reply written by an officer (Facebook allows those for 7 days). `public` (since 0.2.0) marks a reply to a
 * comment that an officer chose to post in the comment thread for everyone to see; every other reply to a
 * comment goes to its author in private. `lastInboundAt` (since 0.2.0) is when the reporter last wrote in the
 * conversation, as the dispatcher knows it: an adapter whose platform's rules change with it (Facebook sends a
 * standard reply within 24 hours, a tagged one after) reads it; it is absent for comment threads and when an
 * adapter is called directly.
 *
 * @since 0.1.0
 * @category models
 */
export class OutboundMessage extends Schema.Class<OutboundMessage>("@tinbao/core/OutboundMessage")({
  key: Schema.NonEmptyTrimmedString.pipe(withoutNul()),
  channel: Schema.NonEmptyTrimmedString.pipe(withoutNul()),
  conversation: Conversation,
  text: Schema.NonEmptyString.pipe(Schema.maxLength(20000), withoutNul()),
  replyTo: Schema.optional(Schema.NonEmptyTrimmedString.pipe(withoutNul())),
  humanAgent: Schema.optionalWith(Schema.Boolean, { default: () => false }),
  public: Schema.optionalWith(Schema.Boolean, { default: () => false }),
  lastInboundAt: Schema.optional(Schema.DateTimeUtcFromSelf)
}) {}

/**
 * Why a channel operation failed, closed:
 * `bad_signature`, `forbidden` (a wrong verify token: Facebook requires 403 for it), `bad_request`,
 * `unsupported_event` (inbound); `rate_limited`, `token_expired`, `outside_window`, `recipient_unavailable`,
 * `transient`, `permanent` (mostly outbound).
 *
 * @since 0.1.0
 * @category models
 */
export const Reason = Schema.Literal(
  "bad_signature",
  "forbidden",
  "bad_request",
  "unsupported_event",
  "rate_limited",
  "token_expired",
  "outside_window",
  "recipient_unavailable",
  "transient",
  "permanent"
)

/**
 * @since 0.1.0
 * @category models
 */
export type Reason = typeof Reason.Type

const retryable: { readonly [R in Reason]: boolean } = {
  bad_signature: false,
  forbidden: false,
  bad_request: false,
  unsupported_event: false,
  rate_limited: true,
  token_expired: true,
  outside_window: false,
  recipient_unavailable: false,
  transient: true,
  permanent: false
}

/**
 * The one error of channels. `retryable` says whether trying again can help (after a token refresh for
 * `token_expired`). Messages never contain secrets or reporters' identities.
 *
 * @since 0.1.0
 * @category errors
 */
export class ChannelError extends Schema.TaggedError<ChannelError>("@tinbao/core/ChannelError")("ChannelError", {
  channel: Schema.String,
  reason: Reason,
  message: Schema.String,
  platformCode: Schema.optional(Schema.String),
  cause: Schema.optional(Schema.Defect)
}) {
  /** Whether trying again can help. */
  get retryable(): boolean {
    return retryable[this.reason]
  }
}

/**
 * Whether a reason can be helped by trying again.
 *
 * @since 0.1.0
 * @category predicates
 */
export const isRetryable = (reason: Reason): boolean => retryable[reason]
