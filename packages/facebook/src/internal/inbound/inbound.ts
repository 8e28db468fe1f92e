// PLACEHOLDER on the fb-base branch: the inbound helper replaces verify and decode.
import { type Channel, ChannelCheck, ChannelHttp } from "@tinbao/core"
import { Effect, Either, type Redacted } from "effect"
import type { DeliveryOptions } from "../../Facebook.js"
import type { InboundConfig } from "./config.js"

/** @internal */
export const signatureHeader = "x-hub-signature-256"

const encoder = new TextEncoder()

/** @internal */
export const sign = (appSecret: Redacted.Redacted<string>, body: Uint8Array | string): string =>
  `sha256=${ChannelCheck.hmacSha256Hex(appSecret, body)}`

/** @internal */
export const delivery = (
  appSecret: Redacted.Redacted<string>,
  body: object | string | Uint8Array,
  options: DeliveryOptions = {}
): Channel.RawDelivery => {
  const bytes =
    body instanceof Uint8Array ? body : encoder.encode(typeof body === "string" ? body : JSON.stringify(body))
  return {
    method: "POST",
    url: options.url ?? "/webhooks/facebook",
    headers: { "content-type": "application/json", [signatureHeader]: sign(appSecret, bytes), ...options.headers },
    body: bytes
  }
}

/** @internal */
export const verify =
  (config: InboundConfig) =>
  (_: Channel.RawDelivery): Effect.Effect<Channel.Verified, Channel.ChannelError> =>
    Effect.fail(ChannelHttp.failure(config.channel, "permanent", "not built yet"))

/** @internal */
export const decode =
  (config: InboundConfig) =>
  (_: Channel.RawDelivery): Either.Either<Channel.Decoded, Channel.ChannelError> =>
    Either.left(ChannelHttp.failure(config.channel, "permanent", "not built yet"))
