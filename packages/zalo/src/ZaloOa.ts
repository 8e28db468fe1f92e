/**
 * Zalo Official Account (Open API v3): citizens who follow a ward's OA write to it 1:1, and members of the OA's
 * group chats (GMF) write in those groups; officers' replies go back as consultation messages within Zalo's
 * free-reply quota.
 *
 * Inbound, Zalo POSTs one event per request with `X-ZEvent-Signature: mac=<hex>`, the plain SHA-256 of the body's
 * `app_id`, the exact body bytes, the body's `timestamp` and the **OA secret key** (not the App Secret), compared
 * in constant time. Users' messages of every kind (`user_send_*`, `anonymous_send_*`) become messages in the
 * user's direct conversation, and `user_send_group_*` messages in the group's (the group id from `recipient.id`,
 * or `group_id` where a body has one; the member is the sender). Follows, receipts and the OA's own echoes
 * (`oa_send_*`) become messages that are never tip material; `user_submit_info` becomes a `contact` message whose
 * name, phone and address travel in the redacted sender only. Events tinbao does not know, and signed events it
 * cannot read, are kept as dead letters: a 4xx would make Zalo retry for hours and then disable the webhook.
 *
 * Outbound, over `@effect/platform`'s `HttpClient`: consultation messages (`/v3.0/oa/message/cs`) that name the
 * reporter's message (`recipient.message_id` by default), so that Zalo counts them among the 8 free replies
 * within 48 hours of the reporter's last message; group messages (`/v3.0/oa/group/message`); texts longer than
 * 2,000 characters in parts; images and files uploaded then sent. The access token comes from the core's
 * `Credentials` (refreshed early, once at a time, its single-use refresh token stored before use). Errors arrive
 * inside HTTP 200 answers and are mapped to `ChannelError` reasons ({@link defaultErrorCodes}).
 *
 * No Zalo address is built in: `apiUrl` (`https://openapi.zalo.me`) and `oauthUrl` (`https://oauth.zaloapp.com`)
 * are configuration. The guide is `docs/zalo.md`.
 *
 * @since 0.1.0
 * @module
 */
import { HttpClient } from "@effect/platform"
import { Channel, Credentials, type InboundMessage } from "@tinbao/core"
import { Duration, Effect, Either, type Redacted, Schema } from "effect"
import { defaultCodes } from "./internal/oa/errors.js"
import type { GroupIdFrom } from "./internal/oa/events.js"
import { decode, verify } from "./internal/oa/inbound.js"
import { makeSender, paths, type ReplyReference } from "./internal/oa/send.js"
import * as signature from "./internal/oa/signature.js"
import { failure, secretHeaders } from "./internal/shared/http.js"
import { where } from "./internal/shared/read.js"

const Url = Schema.String.pipe(
  Schema.filter((url) => URL.canParse(url) && /^https?:$/.test(new URL(url).protocol) && !url.endsWith("/"), {
    message: () => "an http(s) URL without a trailing slash"
  })
)

const ReplyWindow: Schema.Schema<Channel.ReplyWindow> = Schema.Union(
  Schema.Struct({ _tag: Schema.Literal("None") }),
  Schema.Struct({
    _tag: Schema.Literal("Hours"),
    hours: Schema.Number.pipe(Schema.positive()),
    humanAgentHours: Schema.optionalWith(Schema.Number.pipe(Schema.positive()), { exact: true })
  }),
  Schema.Struct({
    _tag: Schema.Literal("Quota"),
    replies: Schema.Int.pipe(Schema.positive()),
    withinHours: Schema.Number.pipe(Schema.positive())
  })
)

/**
 * The configuration of a Zalo OA channel, checked by {@link make}:
 *
 * - `oaId`: the OA's id; the channel's `id` is `zalo-oa:<oaId>` unless given.
 * - `appId`, `secretKey`: the Zalo app's id and the **OA secret key** from its webhook page, which signs deliveries.
 * - `appSecret`: the app's App Secret, which the token endpoint takes (`secret_key` header) to refresh tokens.
 * - `apiUrl`, `oauthUrl`: the Open API and OAuth hosts (`https://openapi.zalo.me`, `https://oauth.zaloapp.com`),
 *   without a trailing slash.
 * - `account`: the key of the OA's tokens in `Credentials` (the channel id by default).
 * - `replyReference`: how a reply names the reporter's message: `"recipient"` (`recipient.message_id`, counted as a
 *   reply; the default), `"quote"` (`message.quote_message_id`, shown as a quote) or `"both"`.
 * - `withoutReference`: a direct reply that names no message of the reporter's is `"refuse"`d as `outside_window`
 *   (the default: Zalo would count it as a paid proactive message) or `"send"` anyway.
 * - `quota`: the free replies and their hours (8 within 48 by default); `groupReplyWindow`: the window of group
 *   messages (the quota by default: GMF pricing is not documented).
 * - `groupIdFrom`: where a group message names its group: `"auto"` (a `group_id` field if any, else `recipient.id`;
 *   the default), `"recipient.id"` or `"recipient.group_id"`. `groupLifecycle`: group events without a message
 *   (created, joined, left) are `"ignore"`d (the default) or `"keep"`: recorded as dead letters.
 * - `toleranceSeconds`: refuse deliveries whose `timestamp` is further from now (off by default: Zalo redelivers
 *   the same signed body for hours, and intake drops the repeats).
 * - `challenge`: answer a GET carrying `hub.challenge` by echoing it (off by default: one unconfirmed source says
 *   Zalo checks a webhook so; the documented check is the domain verification file). Without it a GET is refused.
 * - `partLength` (2,000) and `maxParts` (3): longer replies go in parts, up to `partLength × maxParts`.
 * - `earlyRefreshMillis`: refresh the access token when it has less left (30 minutes); `timeout` per call (10 s).
 * - `errorCodes`: reasons for Zalo's codes, over {@link defaultErrorCodes}; `maxBodyBytes` (256 KiB).
 *
 * @since 0.1.0
 * @category models
 */
export const Config = Schema.Struct({
  id: Schema.optional(Schema.NonEmptyTrimmedString),
  oaId: Schema.NonEmptyTrimmedString,
  appId: Schema.NonEmptyTrimmedString,
  secretKey: Schema.RedactedFromSelf(Schema.String.pipe(Schema.minLength(8))),
  appSecret: Schema.RedactedFromSelf(Schema.String.pipe(Schema.minLength(8))),
  apiUrl: Url,
  oauthUrl: Url,
  account: Schema.optional(Schema.NonEmptyTrimmedString),
  replyReference: Schema.optional(Schema.Literal("recipient", "quote", "both")),
  withoutReference: Schema.optional(Schema.Literal("refuse", "send")),
  quota: Schema.optional(
    Schema.Struct({ replies: Schema.Int.pipe(Schema.positive()), withinHours: Schema.Number.pipe(Schema.positive()) })
  ),
  groupReplyWindow: Schema.optional(ReplyWindow),
  groupIdFrom: Schema.optional(Schema.Literal("auto", "recipient.id", "recipient.group_id")),
  groupLifecycle: Schema.optional(Schema.Literal("ignore", "keep")),
  toleranceSeconds: Schema.optional(Schema.Int.pipe(Schema.positive())),
  challenge: Schema.optional(Schema.Boolean),
  partLength: Schema.optional(Schema.Int.pipe(Schema.between(100, 2000))),
  maxParts: Schema.optional(Schema.Int.pipe(Schema.between(1, 8))),
  earlyRefreshMillis: Schema.optional(Schema.Int.pipe(Schema.nonNegative())),
  timeout: Schema.optional(Schema.DurationFromSelf),
  errorCodes: Schema.optional(Schema.Record({ key: Schema.String, value: Channel.Reason })),
  maxBodyBytes: Schema.optional(Schema.Int.pipe(Schema.positive()))
}).annotations({ identifier: "ZaloOa.Config" })

/**
 * @since 0.1.0
 * @category models
 */
export type Config = typeof Config.Type

/**
 * The platform of Zalo channels, as tips record it and reports label it.
 *
 * @since 0.1.0
 * @category constants
 */
export const platform: Channel.Platform = { id: "zalo", label: { vi: "Zalo", en: "Zalo" } }

/**
 * Zalo's error codes and the reasons they are given (platforms.md §2.5): -216 and -124 `token_expired` (refreshed
 * once, then retried), -213 `recipient_unavailable`, -230, -217, -227, -232, -234, -244 `outside_window`, -32
 * `rate_limited`, -100 `transient`, -201 `permanent`. Any other code is `permanent` (or `transient` with an HTTP 5xx).
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultErrorCodes: Readonly<Record<string, Channel.Reason>> = defaultCodes

/**
 * The header of Zalo's signature.
 *
 * @since 0.1.0
 * @category constants
 */
export const signatureHeader: string = signature.signatureHeader

/**
 * The API paths the adapter calls, under `apiUrl`.
 *
 * @since 0.1.0
 * @category constants
 */
export const apiPaths: {
  readonly direct: string
  readonly group: string
  readonly uploadImage: string
  readonly uploadFile: string
} = paths

/**
 * What a Zalo OA channel can do, for a configuration: OA groups, attachments and places, no comment threads,
 * Zalo's free-reply quota (8 within 48 hours by default), parts of 2,000 characters.
 *
 * @since 0.1.0
 * @category constructors
 */
export const capabilitiesOf = (
  config: Pick<Config, "quota" | "groupReplyWindow" | "partLength" | "maxParts">
): Channel.Capabilities => {
  const quota = config.quota ?? { replies: 8, withinHours: 48 }
  const window: Channel.ReplyWindow = { _tag: "Quota", replies: quota.replies, withinHours: quota.withinHours }
  const partLength = config.partLength ?? 2000
  return {
    groups: true,
    comments: false,
    attachments: true,
    location: true,
    replyWindow: window,
    groupReplyWindow: config.groupReplyWindow ?? window,
    maxTextLength: partLength * (config.maxParts ?? 3),
    partLength
  }
}

/**
 * A file to send: its bytes, name and media type.
 *
 * @since 0.1.0
 * @category models
 */
export interface File {
  readonly bytes: Uint8Array
  readonly filename: string
  readonly contentType: string
}

/**
 * Where an image or a file goes: a conversation (a direct one's id is the user's, redacted) and the user's
 * message it answers.
 *
 * @since 0.1.0
 * @category models
 */
export interface Destination {
  readonly conversation: InboundMessage.Conversation
  readonly replyTo?: string | undefined
}

/**
 * A Zalo OA adapter: the channel contract, and images and files sent outside the outbox (they do not count
 * against the quota the dispatcher keeps).
 *
 * @since 0.1.0
 * @category models
 */
export interface Adapter extends Channel.ChannelAdapter {
  /** Uploads an image (`/v2.0/oa/upload/image`) and sends it with an optional caption; the message id. */
  readonly sendImage: (to: Destination, image: File, caption?: string) => Effect.Effect<string, Channel.ChannelError>
  /** Uploads a file (`/v2.0/oa/upload/file`) and sends it; the message id. */
  readonly sendFile: (to: Destination, file: File) => Effect.Effect<string, Channel.ChannelError>
  /**
   * Refreshes the OA's tokens when the access token has less than `earlyRefreshMillis` left, and does nothing
   * otherwise. Replies refresh on their own; run this every few minutes so that an OA that sends nothing for
   * weeks keeps a live refresh token (Zalo's lasts 3 months and each refresh renews it). A refused refresh marks
   * the OA `reconnect` in `Credentials` and fails with reason `permanent`, platform code `reconnect`.
   */
  readonly keepFresh: Effect.Effect<void, Channel.ChannelError>
}

const decodeConfig = Schema.validateEither(Config, { errors: "all" })

/**
 * Builds a Zalo OA adapter (the {@link platform} `zalo`) with the `HttpClient` and `Credentials` in context. The
 * OA's tokens must be in `Credentials` under `account` before a reply is sent (`ZaloConnect.connect` puts them
 * there). Fails with a `permanent` ChannelError naming the malformed fields (never their values) when the
 * configuration is invalid.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  config: Config
): Effect.Effect<Adapter, Channel.ChannelError, HttpClient.HttpClient | Credentials.Credentials> =>
  Effect.gen(function* () {
    const id = config.id ?? `zalo-oa:${config.oaId}`
    const checked = decodeConfig(config)
    if (Either.isLeft(checked)) {
      return yield* failure(id, "permanent", `the Zalo OA channel's configuration is invalid at ${where(checked.left)}`)
    }
    const capabilities = capabilitiesOf(config)
    const http = {
      client: yield* HttpClient.HttpClient,
      channel: id,
      timeout: config.timeout ?? Duration.seconds(10),
      secretHeaders
    }
    const sender = makeSender(
      {
        channel: id,
        account: config.account ?? id,
        apiUrl: config.apiUrl,
        oauthUrl: config.oauthUrl,
        appId: config.appId,
        appSecret: config.appSecret,
        replyReference: (config.replyReference ?? "recipient") satisfies ReplyReference,
        withoutReference: config.withoutReference ?? "refuse",
        partLength: capabilities.partLength!,
        maxTextLength: capabilities.maxTextLength,
        earlyMillis: config.earlyRefreshMillis ?? Credentials.defaultEarlyMillis,
        codes: { ...defaultCodes, ...config.errorCodes }
      },
      http,
      yield* Credentials.Credentials
    )
    const inbound = {
      channel: id,
      oaId: config.oaId,
      appId: config.appId,
      secretKey: config.secretKey,
      maxBodyBytes: config.maxBodyBytes ?? 256 * 1024,
      toleranceSeconds: config.toleranceSeconds,
      challenge: config.challenge ?? false,
      groupIdFrom: (config.groupIdFrom ?? "auto") satisfies GroupIdFrom,
      groupLifecycle: config.groupLifecycle ?? "ignore"
    }
    const logged = <A>(effect: Effect.Effect<A, Channel.ChannelError>, key: string) =>
      effect.pipe(
        Effect.tapBoth({
          onFailure: (e) => Effect.logWarning(`zalo oa: not sent: ${e.message}`),
          onSuccess: () => Effect.logDebug("zalo oa: sent")
        }),
        Effect.annotateLogs({ channel: id, key })
      )
    return {
      id,
      platform,
      capabilities,
      verify: verify(inbound),
      decode: decode(inbound),
      send: (message) => logged(sender.sendText(message), message.key),
      sendImage: (to, image, caption) => logged(sender.sendImage(to, image, caption), "image"),
      sendFile: (to, file) => logged(sender.sendFile(to, file), "file"),
      keepFresh: sender.keepFresh
    }
  })

/**
 * How {@link delivery} addresses a body: the request's URL (`/webhooks/zalo-oa` by default), and headers to add or
 * override after signing (`num_retry`, a wrong content type).
 *
 * @since 0.1.0
 * @category models
 */
export interface DeliveryOptions {
  readonly url?: string
  readonly headers?: Readonly<Record<string, string>>
}

/**
 * A POST delivery of an event signed as Zalo signs it with the OA secret key (an object as JSON; a string or bytes
 * exactly as given): what a simulator, a test or a relay builds to look like Zalo. Throws a `TypeError` when the
 * body has no `app_id` and `timestamp`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const delivery: (
  secretKey: Redacted.Redacted<string>,
  body: object | string | Uint8Array,
  options?: DeliveryOptions
) => Channel.RawDelivery = signature.delivery

/**
 * The `X-ZEvent-Signature` value of a body: `mac=` and the SHA-256 hex of `app_id`, the body, `timestamp` and the
 * OA secret key.
 *
 * @since 0.1.0
 * @category constructors
 */
export const sign: (
  secretKey: Redacted.Redacted<string>,
  appId: string,
  body: Uint8Array | string,
  timestamp: string
) => string = signature.mac
