/**
 * A Zalo Bot Platform bot (Telegram-like, a bot token that does not expire until it is reset): citizens chat with
 * it 1:1; groups are announced by Zalo as "coming soon" and are off unless `groups` is set.
 *
 * Inbound, Zalo POSTs updates with the secret token given to `setWebhook` in `X-Bot-Api-Secret-Token`, compared in
 * constant time (there is no signature over the body). The body is the documented `{ ok, result }` or the flat
 * update some deployments receive: both are read. Text, images (`photo`, `photo_url` or `photos[]`, with a
 * caption), stickers and links become messages; `message.unsupported.received`, which Zalo sends instead of the
 * content when the sender is legally protected, is kept as a message without content and its delivery as a dead
 * letter; the console's `webhook.test` is answered and not kept. There is no update id: messages are
 * de-duplicated on the event's name and the message id.
 *
 * Outbound, over `@effect/platform`'s `HttpClient`: `sendMessage` (texts over 2,000 characters in parts) and
 * `sendPhoto`, under `<apiUrl>/bot<token>/`. No Zalo address is built in: `apiUrl`
 * (`https://bot-api.zaloplatforms.com`) is configuration.
 *
 * @since 0.1.0
 * @module
 */
import { HttpClient } from "@effect/platform"
import type { Channel, InboundMessage } from "@tinbao/core"
import { Duration, Effect, Either, Redacted, Schema } from "effect"
import { decode, secretHeader as header, makeBotSender, verify } from "./internal/bot/adapter.js"
import { failure } from "./internal/shared/http.js"
import { where } from "./internal/shared/read.js"

const Url = Schema.String.pipe(
  Schema.filter((url) => URL.canParse(url) && /^https?:$/.test(new URL(url).protocol) && !url.endsWith("/"), {
    message: () => "an http(s) URL without a trailing slash"
  })
)

/**
 * The configuration of a Zalo bot channel: its `id` (e.g. `zalo-bot:congan-ninhbinh`), the bot `token` from Bot
 * Creator, the `secretToken` (8 to 256 characters) given to `setWebhook`, the Bot API host `apiUrl` without a
 * trailing slash, `groups` (take and send group chats; off by default), `partLength` (2,000) and `maxParts` (3),
 * `timeout` per call (10 s) and `maxBodyBytes` (256 KiB).
 *
 * @since 0.1.0
 * @category models
 */
export const Config = Schema.Struct({
  id: Schema.NonEmptyTrimmedString,
  token: Schema.RedactedFromSelf(Schema.String.pipe(Schema.minLength(8))),
  secretToken: Schema.RedactedFromSelf(Schema.String.pipe(Schema.minLength(8), Schema.maxLength(256))),
  apiUrl: Url,
  groups: Schema.optional(Schema.Boolean),
  partLength: Schema.optional(Schema.Int.pipe(Schema.between(100, 2000))),
  maxParts: Schema.optional(Schema.Int.pipe(Schema.between(1, 8))),
  timeout: Schema.optional(Schema.DurationFromSelf),
  maxBodyBytes: Schema.optional(Schema.Int.pipe(Schema.positive()))
}).annotations({ identifier: "ZaloBot.Config" })

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
 * The header that carries the webhook's secret token.
 *
 * @since 0.1.0
 * @category constants
 */
export const secretHeader: string = header

/**
 * What a Zalo bot can do: images and stickers, no places, groups only when configured, no reply window (none is
 * documented), replies in parts of 2,000 characters.
 *
 * @since 0.1.0
 * @category constructors
 */
export const capabilitiesOf = (config: Pick<Config, "groups" | "partLength" | "maxParts">): Channel.Capabilities => {
  const partLength = config.partLength ?? 2000
  return {
    groups: config.groups ?? false,
    comments: false,
    attachments: true,
    location: false,
    replyWindow: { _tag: "None" },
    maxTextLength: partLength * (config.maxParts ?? 3),
    partLength
  }
}

/**
 * A Zalo bot adapter: the channel contract, and photos sent by URL.
 *
 * @since 0.1.0
 * @category models
 */
export interface Adapter extends Channel.ChannelAdapter {
  /** Sends a photo by its URL, with an optional caption (`sendPhoto`); the message id. */
  readonly sendPhoto: (
    to: InboundMessage.Conversation,
    photoUrl: string,
    caption?: string
  ) => Effect.Effect<string, Channel.ChannelError>
}

const decodeConfig = Schema.validateEither(Config, { errors: "all" })

/**
 * Builds a Zalo bot adapter (the {@link platform} `zalo`) with the `HttpClient` in context. Fails with a
 * `permanent` ChannelError naming the malformed fields (never their values) when the configuration is invalid.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (config: Config): Effect.Effect<Adapter, Channel.ChannelError, HttpClient.HttpClient> =>
  Effect.gen(function* () {
    const id = typeof config.id === "string" ? config.id : ""
    const checked = decodeConfig(config)
    if (Either.isLeft(checked)) {
      return yield* failure(id, "permanent", `the Zalo bot's configuration is invalid at ${where(checked.left)}`)
    }
    const capabilities = capabilitiesOf(config)
    const botConfig = {
      channel: id,
      groups: capabilities.groups,
      token: config.token,
      secretToken: config.secretToken,
      apiUrl: config.apiUrl,
      maxBodyBytes: config.maxBodyBytes ?? 256 * 1024,
      partLength: capabilities.partLength!,
      maxTextLength: capabilities.maxTextLength
    }
    const http = {
      client: yield* HttpClient.HttpClient,
      channel: id,
      timeout: config.timeout ?? Duration.seconds(10),
      untraced: true
    }
    const sender = makeBotSender(botConfig, http)
    const logged = <A>(effect: Effect.Effect<A, Channel.ChannelError>, key: string) =>
      effect.pipe(
        Effect.tapBoth({
          onFailure: (e) => Effect.logWarning(`zalo bot: not sent: ${e.message}`),
          onSuccess: () => Effect.logDebug("zalo bot: sent")
        }),
        Effect.annotateLogs({ channel: id, key })
      )
    return {
      id,
      platform,
      capabilities,
      verify: verify(botConfig),
      decode: decode(botConfig),
      send: (message) => logged(sender.sendText(message), message.key),
      sendPhoto: (to, photoUrl, caption) => logged(sender.sendPhoto(to, photoUrl, caption), "photo")
    }
  })

/**
 * How {@link delivery} addresses a body: the request's URL (`/webhooks/zalo-bot` by default) and headers to add or
 * override.
 *
 * @since 0.1.0
 * @category models
 */
export interface DeliveryOptions {
  readonly url?: string
  readonly headers?: Readonly<Record<string, string>>
}

/**
 * A POST delivery of a body as Zalo Bot sends it, with the secret token in its header (an object as JSON; a string
 * or bytes exactly as given).
 *
 * @since 0.1.0
 * @category constructors
 */
export const delivery = (
  secretToken: Redacted.Redacted<string>,
  body: object | string | Uint8Array,
  options: DeliveryOptions = {}
): Channel.RawDelivery => ({
  method: "POST",
  url: options.url ?? "/webhooks/zalo-bot",
  headers: { "content-type": "application/json", [header]: Redacted.value(secretToken), ...options.headers },
  body:
    body instanceof Uint8Array ? body : new TextEncoder().encode(typeof body === "string" ? body : JSON.stringify(body))
})
