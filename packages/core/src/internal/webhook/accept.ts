import { DateTime, Effect, Either, Option, ParseResult, Schema } from "effect"
import type { Answer, ChannelAdapter, Decoded, RawDelivery, Verified } from "../../Channel.js"
import { ChannelError } from "../channel/channel.js"
import type { Channels } from "../channel/channels.js"
import type { Inbox } from "../messaging/inbox.js"
import { problems } from "../shared/withheld.js"

/**
 * Why a delivery was refused or could not be processed. Logged, never with an identity or a secret.
 *
 * @since 0.1.0
 * @category errors
 */
export class WebhookError extends Schema.TaggedError<WebhookError>("@tinbao/core/WebhookError")("WebhookError", {
  reason: Schema.Literal(
    "invalid",
    "unknown_channel",
    "method_not_allowed",
    "unsupported_media_type",
    "too_large",
    "unreadable",
    "rejected",
    "dead_letter",
    "unavailable",
    "processing_failed"
  ),
  channel: Schema.optional(Schema.String),
  status: Schema.optional(Schema.Number),
  message: Schema.String,
  cause: Schema.optional(Schema.Defect)
}) {}

/**
 * The default body limit: 1 MiB.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultMaxBodyBytes = 1_048_576

/** @internal */
export interface Env {
  readonly channels: Channels["Type"]
  readonly inbox: Inbox["Type"]
  readonly maxBodyBytes: number
  readonly contentTypes: Readonly<Record<string, ReadonlyArray<string>>>
  /** Tells the worker that something was stored. */
  readonly wake: Effect.Effect<void>
}

// The channel id comes from the URL: whatever an attacker typed. Logs and answers get a tame version of it.
/** @internal */
export const tame = (text: string) => text.slice(0, 100).replace(/[^\w.:@/+-]/g, "?")

const plain = (status: number, body: string, headers: Record<string, string> = {}): Answer => ({
  status,
  headers: { "content-type": "text/plain; charset=utf-8", ...headers },
  body
})

/** @internal */
export const log = (error: WebhookError) =>
  (error.reason === "processing_failed" || error.reason === "unavailable"
    ? Effect.logError(error)
    : Effect.logWarning(error)
  ).pipe(
    Effect.annotateLogs({ webhook: error.reason, ...(error.channel !== undefined ? { channel: error.channel } : {}) })
  )

/** @internal */
export const refuse = (
  reason: WebhookError["reason"],
  status: number,
  channel: string,
  message: string,
  headers?: Record<string, string>
): Effect.Effect<Answer> => {
  const error = new WebhookError({ reason, status, channel: tame(channel), message })
  return Effect.as(log(error), plain(status, message, headers))
}

const mediaType = (headers: Readonly<Record<string, string>>) =>
  (headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase()

const isJson = (type: string) =>
  type === "application/json" || (type.startsWith("application/") && type.endsWith("+json"))

/**
 * What can be refused before the body is read: the channel, the method, the content type, a declared length.
 *
 * @internal
 */
export const precheck = (
  env: Env,
  channel: string,
  method: string,
  headers: Readonly<Record<string, string>>
): Either.Either<ChannelAdapter, Effect.Effect<Answer>> => {
  const adapter = Option.getOrUndefined(env.channels.get(channel))
  if (adapter === undefined) {
    return Either.left(refuse("unknown_channel", 404, channel, `No channel is configured as ${tame(channel)}.`))
  }
  if (method !== "GET" && method !== "POST") {
    return Either.left(
      refuse("method_not_allowed", 405, channel, `A webhook takes GET and POST, not ${tame(method)}.`, {
        allow: "GET, POST"
      })
    )
  }
  const type = mediaType(headers)
  if (method === "POST" && !isJson(type) && !(env.contentTypes[adapter.id] ?? []).includes(type)) {
    return Either.left(
      refuse(
        "unsupported_media_type",
        415,
        channel,
        type === ""
          ? `Channel ${adapter.id} takes JSON; the request has no content type.`
          : `Channel ${adapter.id} takes JSON, not ${tame(type)}.`
      )
    )
  }
  const declared = Number(headers["content-length"] ?? "0")
  if (Number.isFinite(declared) && declared > env.maxBodyBytes) return Either.left(tooLarge(env, channel))
  return Either.right(adapter)
}

/** @internal */
export const tooLarge = (env: Env, channel: string) =>
  refuse("too_large", 413, channel, `The body is larger than the limit of ${env.maxBodyBytes} bytes.`)

const statusOf = (error: ChannelError) =>
  error.reason === "bad_signature"
    ? 401
    : error.reason === "forbidden"
      ? 403
      : error.reason === "rate_limited"
        ? 429
        : error.reason === "transient" || error.reason === "token_expired"
          ? 503
          : 400

// Storing is what the 200 promises: it is not cut short when the platform hangs up.
const store = (env: Env, adapter: ChannelAdapter, delivery: RawDelivery, dead: string | undefined) =>
  Effect.uninterruptible(
    Effect.gen(function* () {
      const now = yield* DateTime.now
      if (dead !== undefined) return yield* env.inbox.store(adapter.id, delivery, now, { deadLetter: dead })
      yield* env.inbox.store(adapter.id, delivery, now)
      yield* env.wake
    })
  )

const stored = (env: Env, adapter: ChannelAdapter, delivery: RawDelivery, answer: Answer, dead?: string) =>
  store(env, adapter, delivery, dead).pipe(
    Effect.zipRight(
      dead === undefined
        ? Effect.succeed(answer)
        : Effect.as(log(new WebhookError({ reason: "dead_letter", channel: adapter.id, message: dead })), answer)
    ),
    Effect.catchAll((error) =>
      refuse("unavailable", 503, adapter.id, `The delivery could not be stored (${error.reason}): send it again.`)
    )
  )

/** @internal */
export const failedUnexpectedly = (channel: string) => `the adapter of channel ${channel} failed unexpectedly`

/**
 * The adapter's verdict on arrival; an adapter that dies gives "defect" rather than taking the caller down with it.
 *
 * @internal
 */
export const verify = (
  adapter: ChannelAdapter,
  delivery: RawDelivery
): Effect.Effect<Either.Either<Verified, ChannelError | "defect">> =>
  Effect.either(Effect.catchAllDefect(adapter.verify(delivery), () => Effect.fail("defect" as const)))

/**
 * The messages of a stored delivery; an adapter that throws gives "defect", unless what it threw is a schema's parse
 * error (a message's constructor refusing what the platform sent, such as a NUL character): that is bad input, named
 * by its fields and rules, never its values.
 *
 * @internal
 */
export const decode = (
  adapter: ChannelAdapter,
  delivery: RawDelivery
): Either.Either<Decoded, ChannelError | "defect"> => {
  try {
    return adapter.decode(delivery)
  } catch (error) {
    return ParseResult.isParseError(error)
      ? Either.left(
          new ChannelError({
            channel: adapter.id,
            reason: "bad_request",
            message: `a message of the delivery is not valid: ${problems(error.issue)}`
          })
        )
      : Either.left("defect")
  }
}

/**
 * A reason as the inbox keeps it: storage cannot hold a NUL character, which an adapter's message may quote.
 *
 * @internal
 */
export const storable = (reason: string): string => reason.replaceAll("\u0000", "\uFFFD").slice(0, 500)

const verifyAndStore = (env: Env, adapter: ChannelAdapter, delivery: RawDelivery): Effect.Effect<Answer> => {
  if (delivery.body.length > env.maxBodyBytes) return tooLarge(env, adapter.id)
  return verify(adapter, delivery).pipe(
    Effect.flatMap((result) => {
      if (Either.isRight(result)) {
        const { answer, keep } = result.right
        return keep ? stored(env, adapter, delivery, answer) : Effect.succeed(answer)
      }
      const error = result.left
      if (error === "defect") return stored(env, adapter, delivery, plain(200, "kept"), failedUnexpectedly(adapter.id))
      if (error.reason === "unsupported_event") {
        return stored(env, adapter, delivery, plain(200, "kept"), storable(`${error.reason}: ${error.message}`))
      }
      return refuse("rejected", statusOf(error), adapter.id, `${error.reason}: ${error.message}`)
    })
  )
}

/**
 * Verifies a delivery whose body was read within the limit, and stores it when it carries events. Its messages are
 * the worker's business: the webhook never calls `decode`. Traced as `tinbao.webhook.receive` (docs/tracing.md).
 *
 * @internal
 */
export const receive = (env: Env, adapter: ChannelAdapter, delivery: RawDelivery): Effect.Effect<Answer> =>
  verifyAndStore(env, adapter, delivery).pipe(
    Effect.tap((answer) => Effect.annotateCurrentSpan("tinbao.webhook.status", answer.status)),
    Effect.withSpan("tinbao.webhook.receive", {
      attributes: { "tinbao.channel.id": adapter.id, "tinbao.platform": adapter.platform.id }
    })
  )

/**
 * The whole check for a delivery already in memory.
 *
 * @internal
 */
export const accept = (env: Env, channel: string, delivery: RawDelivery): Effect.Effect<Answer> =>
  Either.match(precheck(env, channel, delivery.method.toUpperCase(), delivery.headers), {
    onLeft: (refused) => refused,
    onRight: (adapter) => receive(env, adapter, delivery)
  })
