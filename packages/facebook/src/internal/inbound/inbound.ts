/**
 * Meta's deliveries in: `verify` on arrival (the `hub.challenge` handshake; the signature of a POST), `decode` any
 * time later, never checking the signature or the time again.
 *
 * @internal
 */
import { Channel, ChannelCheck } from "@tinbao/core"
import { Effect, Either } from "effect"
import type { InboundConfig } from "./config.js"
import { decodeBody } from "./events.js"
import { signedBy } from "./signature.js"

export { delivery, sign, signatureHeader } from "./signature.js"

const refuse = (channel: string, reason: Channel.Reason, message: string) =>
  new Channel.ChannelError({ channel, reason, message })

const plain = { "content-type": "text/plain; charset=utf-8" }

// Meta sends a number; only a short token of letters and digits is echoed, as plain text, so that the answer can
// carry no markup whoever asks.
const challengePattern = /^[A-Za-z0-9_-]{1,128}$/

/**
 * The handshake: the bare `hub.challenge` when `hub.mode` is `subscribe` and `hub.verify_token` is the configured
 * token (compared in constant time), `forbidden` (403) otherwise.
 *
 * @internal
 */
export const handshake = (
  config: InboundConfig,
  url: string
): Either.Either<Channel.Verified, Channel.ChannelError> => {
  const query = URL.canParse(url, "http://localhost") ? new URL(url, "http://localhost").searchParams : undefined
  const token = query?.get("hub.verify_token")
  if (query?.get("hub.mode") !== "subscribe" || token == null || !ChannelCheck.sameSecret(token, config.verifyToken)) {
    return Either.left(
      refuse(config.channel, "forbidden", "the handshake's hub.mode is not subscribe or its hub.verify_token is wrong")
    )
  }
  const challenge = query.get("hub.challenge") ?? ""
  return challengePattern.test(challenge)
    ? Either.right({ answer: { status: 200, headers: plain, body: challenge }, keep: false })
    : Either.left(refuse(config.channel, "bad_request", "the hub.challenge is not 1 to 128 letters, digits, - or _"))
}

const limits = (config: InboundConfig) => ({ maxBytes: config.maxBodyBytes, maxDepth: 24 })

// Meta retries anything but a 200 and, after a while, unsubscribes the app: a signed body tinbao cannot make sense
// of is kept (decode describes it), never refused.
const received: Channel.Verified = { answer: { status: 200, headers: plain, body: "EVENT_RECEIVED" }, keep: true }

/** @internal */
export const verify =
  (config: InboundConfig) =>
  (delivery: Channel.RawDelivery): Effect.Effect<Channel.Verified, Channel.ChannelError> => {
    const channel = config.channel
    const method = delivery.method.toUpperCase()
    if (method === "GET") return handshake(config, delivery.url)
    if (method !== "POST") {
      return Effect.fail(refuse(channel, "bad_request", "Meta sends a GET handshake or POSTs its events"))
    }
    if (delivery.body.byteLength > config.maxBodyBytes) {
      return Effect.fail(refuse(channel, "bad_request", `the body is larger than ${config.maxBodyBytes} bytes`))
    }
    const headers = ChannelCheck.lowerCaseHeaders(delivery.headers)
    if (!signedBy(config.appSecret, config.acceptSha1, headers, delivery.body)) {
      return Effect.fail(
        refuse(
          channel,
          "bad_signature",
          config.acceptSha1
            ? "the delivery's X-Hub-Signature-256 (or X-Hub-Signature) is missing or does not match its body"
            : "the delivery's X-Hub-Signature-256 is missing or does not match its body"
        )
      )
    }
    return Either.map(ChannelCheck.readJson(channel, delivery.body, limits(config)), () => received)
  }

/** @internal */
export const decode =
  (config: InboundConfig) =>
  (delivery: Channel.RawDelivery): Either.Either<Channel.Decoded, Channel.ChannelError> =>
    Either.map(ChannelCheck.readJson(config.channel, delivery.body, limits(config)), (json) => decodeBody(config, json))
