/**
 * A web form delivery in. `verify`, on arrival: a GET handshake, or a POST whose size, signature and body are
 * checked in that order, so that nothing is read before it is known to come from the site. `decode`, any time
 * later: the messages of the bytes `verify` accepted, without looking at the signature or the time again.
 *
 * @internal
 */
import { Channel, ChannelCheck } from "@tinbao/core"
import { Clock, Effect, Either, type Redacted } from "effect"
import { decodeBody } from "./body.js"
import * as signature from "./signature.js"

/** @internal */
export interface InboundConfig {
  readonly id: string
  readonly secret: Redacted.Redacted<string>
  readonly verifyToken?: Redacted.Redacted<string> | undefined
  readonly maxBodyBytes: number
}

/** @internal */
export const refuse = (channel: string, reason: Channel.Reason, message: string) =>
  new Channel.ChannelError({ channel, reason, message })

const handshake = (config: InboundConfig, url: string): Effect.Effect<Channel.Verified, Channel.ChannelError> => {
  const query = URL.canParse(url, "http://localhost") ? new URL(url, "http://localhost").searchParams : undefined
  const challenge = query?.get("challenge") ?? ""
  const verify = query?.get("verify")
  if (!/^\d{1,32}$/.test(challenge)) {
    return Effect.fail(refuse(config.id, "bad_request", "a handshake needs a numeric challenge of at most 32 digits"))
  }
  if (config.verifyToken === undefined) {
    return Effect.fail(refuse(config.id, "forbidden", "this channel has no verify token, so it takes no handshake"))
  }
  if (verify == null || !ChannelCheck.sameSecret(verify, config.verifyToken)) {
    return Effect.fail(refuse(config.id, "forbidden", "the handshake's verify token is wrong"))
  }
  const answer = { status: 200, headers: { "content-type": "text/plain; charset=utf-8" }, body: challenge }
  return Effect.succeed({ answer, keep: false })
}

/** @internal */
export const decode =
  (config: InboundConfig) =>
  (delivery: Channel.RawDelivery): Either.Either<Channel.Decoded, Channel.ChannelError> =>
    Either.mapLeft(
      decodeBody(
        config.id,
        ChannelCheck.lowerCaseHeaders(delivery.headers)["content-type"],
        delivery.body,
        config.maxBodyBytes
      ),
      (why) => (typeof why === "string" ? refuse(config.id, "bad_request", why) : why)
    )

/** @internal */
export const verify = (config: InboundConfig) => {
  const decodeDelivery = decode(config)
  return (delivery: Channel.RawDelivery): Effect.Effect<Channel.Verified, Channel.ChannelError> =>
    Effect.gen(function* () {
      const method = delivery.method.toUpperCase()
      if (method === "GET") return yield* handshake(config, delivery.url)
      if (method !== "POST") {
        return yield* refuse(config.id, "bad_request", "the web form takes POST deliveries and GET handshakes only")
      }
      const limit = config.maxBodyBytes
      if (delivery.body.byteLength > limit) {
        return yield* refuse(config.id, "bad_request", `the body has ${delivery.body.byteLength} bytes, over ${limit}`)
      }
      const refusal = signature.verify(config.secret, delivery.headers, delivery.body, yield* Clock.currentTimeMillis)
      if (refusal !== undefined) return yield* refuse(config.id, "bad_signature", signature.refusalMessage[refusal])
      // Decoded now too, so that a malformed body is refused while the site can still be told.
      const { messages, unsupported } = yield* decodeDelivery(delivery)
      yield* Effect.logDebug(`web form delivery: ${messages.length} messages, ${unsupported.length} unsupported`)
      const body = JSON.stringify({ received: messages.length, unsupported: unsupported.length })
      return {
        answer: { status: 200, headers: { "content-type": "application/json" }, body },
        keep: messages.length > 0 || unsupported.length > 0
      }
    }).pipe(
      Effect.tapError((e) => Effect.logWarning(`web form delivery refused: ${e.message}`)),
      Effect.annotateLogs({ channel: config.id })
    )
}
