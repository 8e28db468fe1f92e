/**
 * Sending a reply to the web form's site: a signed JSON POST to its endpoint, and the site's answer mapped onto
 * the channel error reasons.
 *
 * @internal
 */
import { Channel, ChannelCheck } from "@tinbao/core"
import { Clock, Duration, Effect, Redacted } from "effect"
import { maxDepth } from "./body.js"
import { sign, signatureHeader, timestampHeader } from "./signature.js"

/** @internal */
export interface SendConfig {
  readonly channel: string
  readonly secret: Redacted.Redacted<string>
  readonly endpoint: string
  readonly fetch: typeof globalThis.fetch
  readonly timeout: Duration.Duration
  readonly maxTextLength: number
}

const error = (channel: string, reason: Channel.Reason, message: string, extra: object = {}) =>
  new Channel.ChannelError({ channel, reason, message, ...extra })

const readJson = (text: string): Record<string, unknown> => {
  if (ChannelCheck.nestingDepth(text, maxDepth) > maxDepth) return {}
  try {
    const json: unknown = JSON.parse(text)
    return typeof json === "object" && json !== null && !Array.isArray(json) ? (json as Record<string, unknown>) : {}
  } catch {
    return {}
  }
}

// Only a short code from the site goes into the error: the rest of its answer might quote the reporter.
const codeOf = (json: Record<string, unknown>, status: number): string =>
  typeof json.error === "string" && /^[A-Za-z0-9_.-]{1,64}$/.test(json.error) ? json.error : String(status)

const reasonOf = (status: number, code: string): Channel.Reason =>
  status === 401
    ? "token_expired"
    : status === 403 && code === "outside_window"
      ? "outside_window"
      : status === 404 || status === 410
        ? "recipient_unavailable"
        : status === 429
          ? "rate_limited"
          : status >= 500
            ? "transient"
            : "permanent"

const answer = (config: SendConfig, status: number, text: string): Effect.Effect<string, Channel.ChannelError> => {
  const json = readJson(text)
  if (status >= 200 && status < 300) {
    return typeof json.id === "string" && json.id.trim().length > 0 && json.id.length <= 200
      ? Effect.succeed(json.id)
      : Effect.fail(
          error(config.channel, "permanent", `the site answered ${status} without a message id: it may have sent it`)
        )
  }
  const code = codeOf(json, status)
  const reason = reasonOf(status, code)
  return Effect.fail(
    error(config.channel, reason, `the site refused the reply with HTTP ${status} (${reason})`, { platformCode: code })
  )
}

/**
 * Sends a message: refuses what the web form cannot carry before any request, then POSTs it signed.
 *
 * @internal
 */
export const send =
  (config: SendConfig) =>
  (message: Channel.OutboundMessage): Effect.Effect<string, Channel.ChannelError> =>
    Effect.gen(function* () {
      if (message.conversation.kind === "post") {
        return yield* error(config.channel, "permanent", "the web form has no comment threads to reply in")
      }
      if (message.text.length > config.maxTextLength) {
        return yield* error(
          config.channel,
          "permanent",
          `the reply has ${message.text.length} characters; the web form takes at most ${config.maxTextLength}`
        )
      }
      const { conversation } = message
      const body = JSON.stringify({
        key: message.key,
        // A direct conversation's id is the reporter's, revealed only here, into the signed body.
        conversation: conversation.kind === "direct" ? Redacted.value(conversation.id) : conversation.id,
        group: conversation.kind === "group",
        text: message.text,
        ...(message.replyTo === undefined ? {} : { replyTo: message.replyTo })
      })
      const timestamp = Math.floor((yield* Clock.currentTimeMillis) / 1000)
      const headers = {
        "content-type": "application/json; charset=utf-8",
        "idempotency-key": message.key,
        [signatureHeader]: sign(config.secret, body, timestamp),
        [timestampHeader]: String(timestamp)
      }
      const response = yield* Effect.tryPromise({
        // A redirect would carry a signed reply somewhere nobody configured: it is refused, not followed.
        try: (signal) =>
          config
            .fetch(config.endpoint, { method: "POST", headers, body, signal, redirect: "manual" })
            .then(async (r) => ({ status: r.status, text: await r.text() })),
        catch: (cause) => error(config.channel, "transient", "the site could not be reached", { cause })
      }).pipe(
        Effect.timeoutFail({
          duration: config.timeout,
          onTimeout: () =>
            error(config.channel, "transient", `the site did not answer within ${Duration.format(config.timeout)}`)
        })
      )
      return yield* answer(config, response.status, response.text)
    }).pipe(
      Effect.tapBoth({
        onFailure: (e) => Effect.logWarning(`web form reply not sent: ${e.message}`),
        onSuccess: () => Effect.logDebug("web form reply sent")
      }),
      Effect.annotateLogs({ channel: config.channel, key: message.key })
    )
