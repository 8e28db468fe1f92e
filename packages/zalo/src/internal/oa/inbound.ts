/**
 * Zalo OA deliveries in: `verify` on arrival (the SHA-256 `mac`, and a timestamp window when one is configured),
 * `decode` any time later.
 *
 * @internal
 */
import { Channel, ChannelCheck } from "@tinbao/core"
import { Clock, Effect, Either, Option, type Redacted } from "effect"
import { decodeEvent, type EventOptions } from "./events.js"
import { mac, signatureHeader, signedFields } from "./signature.js"

/** @internal */
export interface InboundConfig extends EventOptions {
  readonly appId: string
  readonly secretKey: Redacted.Redacted<string>
  readonly maxBodyBytes: number
  readonly toleranceSeconds: number | undefined
  readonly challenge: boolean
}

const refuse = (channel: string, reason: Channel.Reason, message: string) =>
  new Channel.ChannelError({ channel, reason, message })

// One unconfirmed source says Zalo checks a webhook with a GET carrying `hub.challenge`, answered by echoing it. Only
// a short token is echoed, as plain text, so the answer cannot carry markup.
const challenged = (channel: string, url: string): Effect.Effect<Channel.Verified, Channel.ChannelError> => {
  const query = URL.canParse(url, "http://localhost") ? new URL(url, "http://localhost").searchParams : undefined
  const challenge = query?.get("hub.challenge") ?? ""
  return /^[A-Za-z0-9_-]{1,128}$/.test(challenge)
    ? Effect.succeed({
        answer: { status: 200, headers: { "content-type": "text/plain; charset=utf-8" }, body: challenge },
        keep: false
      })
    : Effect.fail(
        refuse(channel, "bad_request", "a GET must carry a hub.challenge of up to 128 letters, digits, - or _")
      )
}

const limits = (config: InboundConfig) => ({ maxBytes: config.maxBodyBytes, maxDepth: 16 })

// Zalo answers nothing but 200 with patience: a signed body tinbao cannot read is kept (a dead letter), because a
// 4xx makes Zalo retry for hours and then turn the webhook off.
const accepted: Channel.Verified = { answer: { status: 200, body: '{"error":0,"message":"Success"}' }, keep: true }

/** @internal */
export const verify =
  (config: InboundConfig) =>
  (delivery: Channel.RawDelivery): Effect.Effect<Channel.Verified, Channel.ChannelError> =>
    Effect.gen(function* () {
      const channel = config.channel
      if (config.challenge && delivery.method.toUpperCase() === "GET") return yield* challenged(channel, delivery.url)
      if (delivery.method.toUpperCase() !== "POST") {
        return yield* refuse(channel, "bad_request", "Zalo POSTs its events; this request is not a POST")
      }
      const given = ChannelCheck.lowerCaseHeaders(delivery.headers)[signatureHeader]
      if (given === undefined || !given.startsWith("mac=")) {
        return yield* refuse(channel, "bad_signature", `the delivery's ${signatureHeader} is missing or not mac=<hex>`)
      }
      const json = yield* ChannelCheck.readJson(channel, delivery.body, limits(config))
      const fields = signedFields(json)
      if (Option.isNone(fields)) {
        return yield* refuse(channel, "bad_request", "the body has no app_id and timestamp, which the signature covers")
      }
      const { appId, timestamp } = fields.value
      if (!ChannelCheck.sameSecret(given, mac(config.secretKey, appId, delivery.body, timestamp))) {
        return yield* refuse(channel, "bad_signature", `the delivery's ${signatureHeader} does not match its body`)
      }
      if (appId !== config.appId) {
        return yield* refuse(channel, "forbidden", "the delivery is signed for another Zalo app")
      }
      if (config.toleranceSeconds !== undefined) {
        const window = { unit: "milliseconds", toleranceSeconds: config.toleranceSeconds } as const
        const checked = ChannelCheck.checkTimestamp(timestamp, yield* Clock.currentTimeMillis, window)
        if (Either.isLeft(checked)) {
          return yield* refuse(
            channel,
            "bad_signature",
            `the delivery's timestamp is ${checked.left === "stale" ? `more than ${config.toleranceSeconds} seconds from now` : checked.left}`
          )
        }
      }
      return accepted
    })

/** @internal */
export const decode =
  (config: InboundConfig) =>
  (delivery: Channel.RawDelivery): Either.Either<Channel.Decoded, Channel.ChannelError> =>
    Either.map(ChannelCheck.readJson(config.channel, delivery.body, limits(config)), (json) =>
      decodeEvent(config, json)
    )
