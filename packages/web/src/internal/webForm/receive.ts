/**
 * Receiving a web form delivery: a GET handshake, or a POST whose size, signature and body are checked in that
 * order, so that nothing is read before it is known to come from the site.
 *
 * @internal
 */
import { Channel } from "@tinbao/core"
import { Clock, Effect, Either, type Redacted } from "effect"
import { decodeBody } from "./body.js"
import * as signature from "./signature.js"

/** @internal */
export interface ReceiveConfig {
  readonly id: string
  readonly secret: Redacted.Redacted<string>
  readonly verifyToken?: Redacted.Redacted<string> | undefined
  readonly maxBodyBytes: number
}

/** @internal */
export const refuse = (channel: string, reason: Channel.Reason, message: string) =>
  new Channel.ChannelError({ channel, reason, message })

const handshake = (config: ReceiveConfig, url: string): Effect.Effect<Channel.Received, Channel.ChannelError> => {
  const query = URL.canParse(url, "http://localhost") ? new URL(url, "http://localhost").searchParams : undefined
  const challenge = query?.get("challenge") ?? ""
  const verify = query?.get("verify")
  if (!/^\d{1,32}$/.test(challenge)) {
    return Effect.fail(refuse(config.id, "bad_request", "a handshake needs a numeric challenge of at most 32 digits"))
  }
  if (config.verifyToken === undefined) {
    return Effect.fail(refuse(config.id, "bad_signature", "this channel has no verify token, so it takes no handshake"))
  }
  if (verify == null || !signature.sameSecret(verify, config.verifyToken)) {
    return Effect.fail(refuse(config.id, "bad_signature", "the handshake's verify token is wrong"))
  }
  const answer = { status: 200, headers: { "content-type": "text/plain; charset=utf-8" }, body: challenge }
  return Effect.succeed({ answer, messages: [], unsupported: [] })
}

/** @internal */
export const receive =
  (config: ReceiveConfig) =>
  (delivery: Channel.RawDelivery): Effect.Effect<Channel.Received, Channel.ChannelError> =>
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
      const lower: Record<string, string> = {}
      for (const [name, value] of Object.entries(delivery.headers)) lower[name.toLowerCase()] = value
      const refusal = signature.verify(config.secret, lower, delivery.body, yield* Clock.currentTimeMillis)
      if (refusal !== undefined) return yield* refuse(config.id, "bad_signature", signature.refusalMessage[refusal])
      const decoded = decodeBody(config.id, lower["content-type"], delivery.body)
      if (Either.isLeft(decoded)) return yield* refuse(config.id, "bad_request", decoded.left)
      const { messages, unsupported } = decoded.right
      yield* Effect.logDebug(`web form delivery: ${messages.length} messages, ${unsupported.length} unsupported`)
      const body = JSON.stringify({ received: messages.length, unsupported: unsupported.length })
      return { answer: { status: 200, headers: { "content-type": "application/json" }, body }, messages, unsupported }
    }).pipe(
      Effect.tapError((e) => Effect.logWarning(`web form delivery refused: ${e.message}`)),
      Effect.annotateLogs({ channel: config.id })
    )
