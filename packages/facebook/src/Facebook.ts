/**
 * Facebook fanpages: citizens write to a ward's page on Messenger, or comment under the police's posts; officers
 * answer on Messenger within Meta's windows, and a commenter in private.
 *
 * A Meta app has **one** webhook URL for every page it is installed on, and a batch may mix pages. So
 * {@link make} builds, for one app, a `webhook` adapter (the channel `facebook` by default) that Meta's deliveries
 * reach, and an adapter per page (`facebook:<pageId>`) that the page's messages carry as their channel: bind a
 * page's channel to its ward's unit, and a post (its conversation) to another unit where needed. Every adapter of
 * the set verifies and decodes any of the app's deliveries the same way; each page adapter sends from its page,
 * and the webhook adapter sends through the page a message names.
 *
 * Inbound: the `hub.challenge` handshake (the bare challenge when `hub.verify_token` matches, 403 otherwise);
 * `X-Hub-Signature-256`, the HMAC-SHA256 of the exact body bytes with the App Secret, compared in constant time;
 * batches of `entry[]` with `messaging[]` (messages with text, attachments, quick replies and `reply_to`,
 * postbacks, echoes, receipts; times in milliseconds) and `changes[]` (feed comments: added, edited, removed,
 * hidden; times in seconds). A comment lands in its post's conversation; the page's own comments and echoes are
 * never tip material. What tinbao does not know is kept as a dead letter, never dropped.
 *
 * Outbound, over `@effect/platform`'s `HttpClient` with the page's token from the core's `Credentials`: the Send
 * API with `messaging_type: RESPONSE` within 24 hours of the user's last message, `MESSAGE_TAG` + `HUMAN_AGENT`
 * for an officer's reply up to 7 days when Meta approved it (`humanAgent: true`), nothing after; a private reply
 * (`recipient.comment_id`) to a commenter; a public reply under the comment only for a message marked `public`.
 * Meta's error codes are mapped to reasons ({@link defaultErrorCodes}); a page token Meta refuses (190) marks the
 * page "reconnect" in `Credentials` (page tokens have no refresh flow). The guide is `docs/facebook.md`.
 *
 * No Meta address is built in: `graphUrl` (`https://graph.facebook.com`) is configuration.
 *
 * @since 0.1.0
 * @module
 */
import { HttpClient } from "@effect/platform"
import { Channel, ChannelCheck, ChannelHttp, Credentials } from "@tinbao/core"
import { DateTime, Duration, Effect, Either, Option, type Redacted, Schema } from "effect"
import type { InboundConfig } from "./internal/inbound/config.js"
import * as inbound from "./internal/inbound/inbound.js"
import type { SendConfig } from "./internal/outbound/config.js"
import * as outbound from "./internal/outbound/send.js"

const Url = Schema.String.pipe(
  Schema.filter((url) => URL.canParse(url) && /^https?:$/.test(new URL(url).protocol) && !url.endsWith("/"), {
    message: () => "an http(s) URL without a trailing slash"
  })
)

/**
 * A page the app serves: its id, the id of its channel (`facebook:<pageId>` unless given) and the key of its
 * token in `Credentials` (the channel id unless given).
 *
 * @since 0.1.0
 * @category models
 */
export const Page = Schema.Struct({
  pageId: Schema.NonEmptyTrimmedString,
  id: Schema.optional(Schema.NonEmptyTrimmedString),
  account: Schema.optional(Schema.NonEmptyTrimmedString)
}).annotations({ identifier: "Facebook.Page" })

/**
 * @since 0.1.0
 * @category models
 */
export type Page = typeof Page.Type

/**
 * The configuration of a Meta app's pages, checked by {@link make}:
 *
 * - `id`: the webhook adapter's channel id (`facebook`), which the webhook URL names (`/webhooks/facebook`).
 * - `appSecret`: the App Secret, which signs deliveries; `verifyToken`: the token typed into the app's webhook
 *   settings, which the `hub.challenge` handshake must carry.
 * - `pages`: the pages served (at least one).
 * - `graphUrl`: the Graph API host (`https://graph.facebook.com`), without a trailing slash; `graphVersion`
 *   (`v25.0`).
 * - `humanAgent`: an officer's reply may go with the `HUMAN_AGENT` tag up to `humanAgentHours` (168) after the
 *   user's last message (off by default: Meta must approve the app for it). Without it, nothing is sent after 24 h.
 * - `acceptSha1`: accept the legacy `X-Hub-Signature: sha1=…` when a delivery has no `X-Hub-Signature-256` (off).
 * - `quoteReplies`: a Messenger reply quotes the reporter's message (`reply_to.mid`; off).
 * - `partLength` (2,000) and `maxParts` (3): longer replies go in parts, up to `partLength × maxParts`.
 * - `timeout` per call (10 s); `errorCodes`: reasons by `"<code>"` or `"<code>/<subcode>"`, over
 *   {@link defaultErrorCodes}; `maxBodyBytes` (1 MiB: a batch holds up to 1,000 entries).
 *
 * @since 0.1.0
 * @category models
 */
export const Config = Schema.Struct({
  id: Schema.optional(Schema.NonEmptyTrimmedString),
  appSecret: Schema.RedactedFromSelf(Schema.String.pipe(Schema.minLength(8))),
  verifyToken: Schema.RedactedFromSelf(Schema.String.pipe(Schema.minLength(8))),
  pages: Schema.NonEmptyArray(Page),
  graphUrl: Url,
  graphVersion: Schema.optional(Schema.String.pipe(Schema.pattern(/^v\d{1,3}\.\d{1,3}$/))),
  humanAgent: Schema.optional(Schema.Boolean),
  humanAgentHours: Schema.optional(Schema.Number.pipe(Schema.between(24, 168))),
  acceptSha1: Schema.optional(Schema.Boolean),
  quoteReplies: Schema.optional(Schema.Boolean),
  partLength: Schema.optional(Schema.Int.pipe(Schema.between(100, 2000))),
  maxParts: Schema.optional(Schema.Int.pipe(Schema.between(1, 8))),
  timeout: Schema.optional(Schema.DurationFromSelf),
  errorCodes: Schema.optional(Schema.Record({ key: Schema.String, value: Channel.Reason })),
  maxBodyBytes: Schema.optional(Schema.Int.pipe(Schema.positive()))
}).annotations({ identifier: "Facebook.Config" })

/**
 * @since 0.1.0
 * @category models
 */
export type Config = typeof Config.Type

/**
 * The platform of Facebook channels, as tips record it and reports label it.
 *
 * @since 0.1.0
 * @category constants
 */
export const platform: Channel.Platform = { id: "facebook", label: { vi: "Facebook", en: "Facebook" } }

/**
 * Meta's error codes and the reasons they are given (platforms.md §5.8), by `"<code>"` or `"<code>/<subcode>"`.
 * `token_expired` (190) stands for a page token Meta refuses: the page is marked "reconnect" in `Credentials` and
 * the reply fails `permanent` (platform code `reconnect`). A code not listed is `transient` with an HTTP 5xx and
 * `permanent` otherwise.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultErrorCodes: Readonly<Record<string, Channel.Reason>> = outbound.defaultCodes

/**
 * The header of Meta's signature (`sha256=<hex>`).
 *
 * @since 0.1.0
 * @category constants
 */
export const signatureHeader: string = inbound.signatureHeader

/**
 * What a Facebook page can do: comment threads, attachments and places, no groups; replies within 24 hours of the
 * user's last message (an officer's within `humanAgentHours` when `humanAgent` is on); parts of 2,000 characters.
 *
 * @since 0.1.0
 * @category constructors
 */
export const capabilitiesOf = (
  config: Pick<Config, "humanAgent" | "humanAgentHours" | "partLength" | "maxParts">
): Channel.Capabilities => {
  const partLength = config.partLength ?? 2000
  return {
    groups: false,
    comments: true,
    attachments: true,
    location: true,
    replyWindow:
      config.humanAgent === true
        ? { _tag: "Hours", hours: 24, humanAgentHours: config.humanAgentHours ?? 168 }
        : { _tag: "Hours", hours: 24 },
    maxTextLength: partLength * (config.maxParts ?? 3),
    partLength
  }
}

/**
 * The adapters of one app: `webhook`, which Meta's deliveries reach and which sends through the page a message
 * names, and one adapter per page, in the order of `pages`. `all` is every one of them, for `Channels.layer`.
 *
 * @since 0.1.0
 * @category models
 */
export interface Adapters {
  readonly webhook: Channel.ChannelAdapter
  readonly pages: ReadonlyArray<Channel.ChannelAdapter>
  readonly all: ReadonlyArray<Channel.ChannelAdapter>
}

const decodeConfig = Schema.validateEither(Config, { errors: "all" })

/**
 * Builds the adapters of a Meta app's pages (the {@link platform} `facebook`) with the `HttpClient` and
 * `Credentials` in context. Each page's token must be in `Credentials` under its `account` before a reply is sent
 * ({@link connectPage}). Fails with a `permanent` ChannelError naming the malformed fields (never their values)
 * when the configuration is invalid, or when two pages share an id or a channel id.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  config: Config
): Effect.Effect<Adapters, Channel.ChannelError, HttpClient.HttpClient | Credentials.Credentials> =>
  Effect.gen(function* () {
    const id = config.id ?? "facebook"
    const checked = decodeConfig(config)
    if (Either.isLeft(checked)) {
      return yield* ChannelHttp.failure(
        id,
        "permanent",
        `the Facebook app's configuration is invalid at ${ChannelCheck.errorPaths(checked.left)}`
      )
    }
    const pages = config.pages.map((page) => ({ ...page, id: page.id ?? `facebook:${page.pageId}` }))
    const channelIds = new Set([id, ...pages.map((p) => p.id)])
    if (new Set(pages.map((p) => p.pageId)).size !== pages.length || channelIds.size !== pages.length + 1) {
      return yield* ChannelHttp.failure(
        id,
        "permanent",
        "two of the Facebook app's pages share a page id or a channel id"
      )
    }
    const capabilities = capabilitiesOf(config)
    const client = yield* HttpClient.HttpClient
    const credentials = yield* Credentials.Credentials
    const received: InboundConfig = {
      channel: id,
      appSecret: config.appSecret,
      verifyToken: config.verifyToken,
      acceptSha1: config.acceptSha1 ?? false,
      maxBodyBytes: config.maxBodyBytes ?? 1024 * 1024,
      pages: new Map(pages.map((p) => [p.pageId, p.id]))
    }
    const verify = inbound.verify(received)
    const decode = inbound.decode(received)
    const timeout = config.timeout ?? Duration.seconds(10)
    const pageAdapters = pages.map((page): Channel.ChannelAdapter => {
      const sending: SendConfig = {
        channel: page.id,
        pageId: page.pageId,
        account: page.account ?? page.id,
        graphUrl: config.graphUrl,
        graphVersion: config.graphVersion ?? "v25.0",
        windowHours: 24,
        humanAgent: config.humanAgent ?? false,
        humanAgentHours: config.humanAgentHours ?? 168,
        quoteReplies: config.quoteReplies ?? false,
        partLength: capabilities.partLength!,
        maxTextLength: capabilities.maxTextLength,
        codes: { ...outbound.defaultCodes, ...config.errorCodes }
      }
      const sender = outbound.makeSender(sending, { client, channel: page.id, timeout }, credentials)
      return {
        id: page.id,
        platform,
        capabilities,
        verify,
        decode,
        send: (message) =>
          sender.send(message).pipe(
            Effect.tapBoth({
              onFailure: (e) => Effect.logWarning(`facebook: not sent: ${e.message}`),
              onSuccess: () => Effect.logDebug("facebook: sent")
            }),
            Effect.annotateLogs({ channel: page.id, key: message.key })
          )
      }
    })
    const byChannel = new Map(pageAdapters.map((a) => [a.id, a]))
    const webhook: Channel.ChannelAdapter = {
      id,
      platform,
      capabilities,
      verify,
      decode,
      send: (message) =>
        Option.match(Option.fromNullable(byChannel.get(message.channel)), {
          onNone: () =>
            Effect.fail(
              ChannelHttp.failure(id, "permanent", `no page of this Facebook app has the channel ${message.channel}`)
            ),
          onSome: (page) => page.send(message)
        })
    }
    return { webhook, pages: pageAdapters, all: [webhook, ...pageAdapters] }
  })

/**
 * Stores a page's access token in `Credentials` under `account` (the page's channel id by default). A page token
 * taken from a long-lived user token does not expire, but Meta may invalidate it (a password changed, a
 * permission revoked): then a reply fails with code 190 and the page is marked "reconnect" until it is connected
 * again.
 *
 * @since 0.1.0
 * @category constructors
 */
export const connectPage = (
  account: string,
  pageToken: Redacted.Redacted<string>
): Effect.Effect<Credentials.Credential, Credentials.CredentialsError, Credentials.Credentials> =>
  Effect.flatMap(Credentials.Credentials, (credentials) =>
    Effect.flatMap(DateTime.now, (now) =>
      // No expiry is known: a century stands for "until Meta refuses it".
      credentials.connect(account, { accessToken: pageToken, expiresAt: DateTime.add(now, { days: 36_525 }) })
    )
  )

/**
 * How {@link delivery} addresses a body: the request's URL (`/webhooks/facebook` by default), and headers to add
 * or override after signing.
 *
 * @since 0.1.0
 * @category models
 */
export interface DeliveryOptions {
  readonly url?: string
  readonly headers?: Readonly<Record<string, string>>
}

/**
 * A POST delivery of a body signed as Meta signs it with the App Secret (an object as JSON; a string or bytes
 * exactly as given): what a simulator, a test or a relay builds to look like Meta.
 *
 * @since 0.1.0
 * @category constructors
 */
export const delivery: (
  appSecret: Redacted.Redacted<string>,
  body: object | string | Uint8Array,
  options?: DeliveryOptions
) => Channel.RawDelivery = inbound.delivery

/**
 * The `X-Hub-Signature-256` value of a body: `sha256=` and the HMAC-SHA256 hex of the exact bytes with the App
 * Secret.
 *
 * @since 0.1.0
 * @category constructors
 */
export const sign: (appSecret: Redacted.Redacted<string>, body: Uint8Array | string) => string = inbound.sign
