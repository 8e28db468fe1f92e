/**
 * Calls from a channel adapter to its platform over `@effect/platform`'s `HttpClient`, written once: the answer's
 * status and JSON read within limits (256 KiB, nesting 16), and every way a call can fail as a `ChannelError`
 * whose message names the call (`POST /v3.0/oa/message/cs`), never the URL (a bot's token may be in its path), a
 * header or the body. Adapters map the platform's own error codes to reasons on top of it.
 *
 * @since 0.2.0
 * @module
 */
import type { HttpClient, HttpClientRequest } from "@effect/platform"
import type { Duration, Effect } from "effect"
import type { ChannelError, Reason } from "./Channel.js"
import * as internal from "./internal/channel/http.js"

/**
 * How an adapter calls its platform: the client, the channel's id (for errors), the time a call may take,
 * `secretHeaders` (header names that carry a token: a tracing span records headers, less those redacted;
 * `authorization` is redacted already) and `untraced` (no span at all, for a token in the URL, which a span
 * records).
 *
 * @since 0.2.0
 * @category models
 */
export interface Http {
  readonly client: HttpClient.HttpClient
  readonly channel: string
  readonly timeout: Duration.Duration
  readonly secretHeaders?: ReadonlyArray<string>
  readonly untraced?: boolean
}

/**
 * A platform's answer: its status and its body as a JSON object (empty when it is none, with `isJson` false).
 *
 * @since 0.2.0
 * @category models
 */
export interface Answer {
  readonly status: number
  readonly json: Readonly<Record<string, unknown>>
  readonly isJson: boolean
}

/**
 * Executes a request: the answer whatever its status, or a `transient` ChannelError when the platform could not be
 * reached or did not answer within `http.timeout`. `what` names the call in errors (`POST /me/messages`).
 *
 * @since 0.2.0
 * @category calls
 */
export const execute: (
  http: Http,
  request: HttpClientRequest.HttpClientRequest,
  what: string
) => Effect.Effect<Answer, ChannelError> = internal.execute

/**
 * A ChannelError of a channel, with the platform's code when there is one.
 *
 * @since 0.2.0
 * @category constructors
 */
export const failure: (channel: string, reason: Reason, message: string, platformCode?: string) => ChannelError =
  internal.failure

/**
 * The reason of an HTTP status that carries no platform code: 429 `rate_limited`, 408 and 5xx `transient`, any
 * other `permanent`.
 *
 * @since 0.2.0
 * @category getters
 */
export const reasonOfStatus: (status: number) => Reason = internal.reasonOfStatus

/**
 * A message id from an answer: a non-empty string of up to 200 characters, or an exact integer written as one.
 *
 * @since 0.2.0
 * @category getters
 */
export const idOf: (value: unknown) => string | undefined = internal.idOf

/**
 * A platform's error code from an answer, as a number: written as a number or a numeric string.
 *
 * @since 0.2.0
 * @category getters
 */
export const codeOf: (value: unknown) => number | undefined = internal.codeOf
