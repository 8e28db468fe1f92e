/**
 * The web form channel: a police website's "gửi tin báo" form posting signed JSON to tinbao, and tinbao
 * posting replies back to the site. It is small and real, the model for the Zalo and Facebook adapters.
 *
 * Inbound, the site POSTs `{ "events": [...] }` with `x-tinbao-signature: sha256=<hex>` (HMAC-SHA256 with the
 * channel secret of `<timestamp>.<exact body bytes>`) and `x-tinbao-timestamp: <epoch seconds>`; on arrival,
 * deliveries more than 5 minutes from now are refused as replays (a delivery that waits longer in the inbox is
 * still decoded: the check is made once). A direct event's conversation is its sender's; `conversation` names a
 * group (with `"group": true`), or, in an echo, the reporter the officer wrote to. A `GET
 * ?challenge=<n>&verify=<token>` is answered with the challenge when the token is the configured `verifyToken`,
 * and refused as `forbidden` (403) otherwise. Outbound, replies are POSTed, signed the same way, as `{ key,
 * conversation, group, text, replyTo }` to `endpoint` (a direct reply's `conversation` is the reporter's id), with
 * the key also in `idempotency-key`.
 *
 * @since 0.1.0
 * @module
 */
import type { Channel } from "@tinbao/core"
import { Duration, Effect, Either, type Redacted, Schema } from "effect"
import { where } from "./internal/webForm/event.js"
import { decode, refuse, verify as verifyDelivery } from "./internal/webForm/inbound.js"
import { send } from "./internal/webForm/send.js"
import * as signature from "./internal/webForm/signature.js"

/**
 * The configuration of a web form channel, less the `fetch` it may be given.
 *
 * @since 0.1.0
 * @category models
 */
export const Config = Schema.Struct({
  id: Schema.NonEmptyTrimmedString,
  secret: Schema.RedactedFromSelf(Schema.String.pipe(Schema.minLength(16))),
  endpoint: Schema.String.pipe(Schema.filter((url) => URL.canParse(url) && /^https?:$/.test(new URL(url).protocol))),
  verifyToken: Schema.optional(Schema.RedactedFromSelf(Schema.String.pipe(Schema.minLength(8)))),
  maxBodyBytes: Schema.optional(Schema.Int.pipe(Schema.positive())),
  timeout: Schema.optional(Schema.DurationFromSelf)
}).annotations({ identifier: "WebFormChannel.Config" })

/**
 * `id` names the channel (e.g. `web:congan-ninhbinh`); `secret` (16 characters or more) signs both ways;
 * `endpoint` receives replies; `verifyToken` enables GET handshakes; `maxBodyBytes` bounds a delivery (1 MiB by
 * default); `timeout` bounds a send (10 seconds by default); `fetch` replaces the global one.
 *
 * @since 0.1.0
 * @category models
 */
export interface Config extends Schema.Schema.Type<typeof Config> {
  readonly fetch?: typeof globalThis.fetch
}

/**
 * What the web form can do: groups (events with `"group": true`), attachments and locations, no comment threads,
 * no reply window, replies of at most 4,000 characters.
 *
 * @since 0.1.0
 * @category constants
 */
export const capabilities: Channel.Capabilities = {
  groups: true,
  comments: false,
  attachments: true,
  location: true,
  replyWindow: { _tag: "None" },
  maxTextLength: 4000
}

/**
 * The platform of web form channels, as tips record it and reports label it.
 *
 * @since 0.2.0
 * @category constants
 */
export const platform: Channel.Platform = { id: "web", label: { vi: "Trang thông tin điện tử", en: "Web" } }

/**
 * The largest delivery taken when the configuration does not say: 1 MiB.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultMaxBodyBytes = 1024 * 1024

/**
 * The headers of the signature scheme.
 *
 * @since 0.1.0
 * @category constants
 */
export const headers = { signature: signature.signatureHeader, timestamp: signature.timestampHeader } as const

/**
 * The `x-tinbao-signature` value of a body signed at `timestamp` (epoch seconds): `sha256=<hex>`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const sign: (secret: Redacted.Redacted<string>, body: Uint8Array | string, timestamp: number) => string =
  signature.sign

const decodeConfig = Schema.validateEither(Config, { errors: "all" })

/**
 * Builds a web form channel adapter (the {@link platform} `web`). Fails with a `permanent` ChannelError naming
 * the malformed fields (never their values) when the configuration is invalid.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (config: Config): Effect.Effect<Channel.ChannelAdapter, Channel.ChannelError> =>
  Effect.suspend(() => {
    const checked = decodeConfig(config)
    if (Either.isLeft(checked)) {
      const id = typeof config.id === "string" ? config.id : ""
      const message = `the web form channel's configuration is invalid at ${where(checked.left)}`
      return Effect.fail(refuse(id, "permanent", message))
    }
    const sendConfig = {
      channel: config.id,
      secret: config.secret,
      endpoint: config.endpoint,
      fetch: config.fetch ?? globalThis.fetch,
      timeout: config.timeout ?? Duration.seconds(10),
      maxTextLength: capabilities.maxTextLength
    }
    const inbound = { ...config, maxBodyBytes: config.maxBodyBytes ?? defaultMaxBodyBytes }
    return Effect.succeed({
      id: config.id,
      platform,
      capabilities,
      verify: verifyDelivery(inbound),
      decode: decode(inbound),
      send: send(sendConfig)
    })
  })

/**
 * A web form body: a batch of events.
 *
 * @since 0.1.0
 * @category models
 */
export interface Body {
  readonly events: ReadonlyArray<Readonly<Record<string, unknown>>>
}

/**
 * How {@link delivery} signs and addresses a body.
 *
 * @since 0.1.0
 * @category models
 */
export interface DeliveryOptions {
  /** Epoch seconds of the signature; now by default. */
  readonly timestamp?: number
  /** The request's URL; `/webhooks/web` by default. */
  readonly url?: string
  /** Headers to add or override after signing, e.g. a wrong content type. */
  readonly headers?: Readonly<Record<string, string>>
}

/**
 * A signed POST delivery of a body (an object as JSON; a string or bytes exactly as given), timestamped now
 * unless `timestamp` says otherwise; `headers` are applied after signing. It is what the site's post looks like
 * to the adapter: a simulator, a test or a server relaying posts builds one with it.
 *
 * @since 0.1.0
 * @category constructors
 */
export const delivery: (
  secret: Redacted.Redacted<string>,
  body: Body | string | Uint8Array,
  options?: DeliveryOptions
) => Channel.RawDelivery = signature.delivery

/**
 * Why a signature is refused: a header is `missing` or `malformed`, the timestamp is `stale` (more than 5 minutes
 * from now), or the signature does not match the body (`mismatch`).
 *
 * @since 0.2.0
 * @category models
 */
export type SignatureRefusal = "missing" | "malformed" | "stale" | "mismatch"

/**
 * Checks a signed request (a delivery, or a reply as the site receives it) against its exact body bytes, in
 * constant time: `undefined` when it is genuine and fresh at `nowMillis`, else why it is refused. Header names
 * are matched in any case.
 *
 * @since 0.2.0
 * @category verification
 */
export const verify: (
  secret: Redacted.Redacted<string>,
  headers: Readonly<Record<string, string>>,
  body: Uint8Array | string,
  nowMillis: number
) => SignatureRefusal | undefined = signature.verify
