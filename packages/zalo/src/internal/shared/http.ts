/**
 * Calls to a platform over `@effect/platform`'s `HttpClient`: the answer's status and JSON read within limits, and
 * every way a call can fail as a `ChannelError` whose message names the method and path, never the URL (a bot's
 * token is in its path), a header or the body.
 *
 * @internal
 */
import { Headers, HttpClient, type HttpClientRequest } from "@effect/platform"
import { Channel, ChannelCheck } from "@tinbao/core"
import { Duration, Effect, Option } from "effect"
import { record } from "./read.js"

/** @internal */
export interface Http {
  readonly client: HttpClient.HttpClient
  readonly channel: string
  readonly timeout: Duration.Duration
  /** No tracing span for these calls: a bot's token is in its URL, which a span records. */
  readonly untraced?: boolean
}

// A span records the request's headers, less the names redacted: the OA's token headers are among them.
const secretHeaders = ["access_token", "secret_key"]

/** The status of a platform's answer and its body as a JSON object (empty when it is none). @internal */
export interface Answer {
  readonly status: number
  readonly json: Readonly<Record<string, unknown>>
  readonly isJson: boolean
}

const maxAnswerBytes = 256 * 1024

const parse = (text: string): Option.Option<Readonly<Record<string, unknown>>> => {
  if (text.length > maxAnswerBytes || ChannelCheck.nestingDepth(text, 16) > 16) return Option.none()
  try {
    return record(JSON.parse(text) as unknown)
  } catch {
    return Option.none()
  }
}

/** @internal */
export const failure = (channel: string, reason: Channel.Reason, message: string, platformCode?: string) =>
  new Channel.ChannelError({ channel, reason, message, ...(platformCode !== undefined ? { platformCode } : {}) })

/**
 * Executes a request: the answer, or `transient` when the platform could not be reached or did not answer in
 * time. `what` names the call in errors (e.g. `POST /v3.0/oa/message/cs`).
 *
 * @internal
 */
export const execute = (
  http: Http,
  request: HttpClientRequest.HttpClientRequest,
  what: string
): Effect.Effect<Answer, Channel.ChannelError> =>
  (http.untraced === true ? HttpClient.withTracerDisabledWhen(http.client, () => true) : http.client)
    .execute(request)
    .pipe(
      Effect.locallyWith(Headers.currentRedactedNames, (names) => [...names, ...secretHeaders]),
      Effect.flatMap((response) =>
        Effect.map(response.text, (text) => {
          const json = parse(text)
          return { status: response.status, json: Option.getOrElse(json, () => ({})), isJson: Option.isSome(json) }
        })
      ),
      // The client's errors quote the URL: only their kind goes into ours.
      Effect.catchAll((e) =>
        Effect.fail(failure(http.channel, "transient", `${what}: the platform could not be reached (${e._tag})`))
      ),
      Effect.timeoutFail({
        duration: http.timeout,
        onTimeout: () =>
          failure(
            http.channel,
            "transient",
            `${what}: the platform did not answer within ${Duration.format(http.timeout)}`
          )
      }),
      Effect.catchAllDefect(() =>
        Effect.fail(failure(http.channel, "transient", `${what}: the call failed unexpectedly`))
      )
    )

/** The reason of an HTTP status that carries no platform code. @internal */
export const reasonOfStatus = (status: number): Channel.Reason =>
  status === 429 ? "rate_limited" : status >= 500 || status === 408 ? "transient" : "permanent"

/** A message id from an answer: a string, or a number written as one. @internal */
export const idOf = (value: unknown): string | undefined =>
  typeof value === "string" && value.trim() !== "" && value.length <= 200
    ? value
    : typeof value === "number" && Number.isSafeInteger(value)
      ? String(value)
      : undefined

/** A code from an answer, as a number: written as a number or a numeric string. @internal */
export const codeOf = (value: unknown): number | undefined =>
  typeof value === "number" && Number.isInteger(value)
    ? value
    : typeof value === "string" && /^-?\d{1,9}$/.test(value.trim())
      ? Number(value)
      : undefined
