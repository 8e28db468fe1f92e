import { Headers, HttpClient, type HttpClientRequest } from "@effect/platform"
import { Duration, Effect, Option } from "effect"
import type { Answer, Http } from "../../ChannelHttp.js"
import type { Reason } from "./channel.js"
import { ChannelError } from "./channel.js"
import { jsonObject, nestingDepth } from "./check.js"

const maxAnswerBytes = 256 * 1024

const parse = (text: string): Option.Option<Readonly<Record<string, unknown>>> => {
  if (text.length > maxAnswerBytes || nestingDepth(text, 16) > 16) return Option.none()
  try {
    return jsonObject(JSON.parse(text) as unknown)
  } catch {
    return Option.none()
  }
}

/** @internal */
export const failure = (channel: string, reason: Reason, message: string, platformCode?: string) =>
  new ChannelError({ channel, reason, message, ...(platformCode !== undefined ? { platformCode } : {}) })

/** @internal */
export const execute = (
  http: Http,
  request: HttpClientRequest.HttpClientRequest,
  what: string
): Effect.Effect<Answer, ChannelError> =>
  (http.untraced === true ? HttpClient.withTracerDisabledWhen(http.client, () => true) : http.client)
    .execute(request)
    .pipe(
      Effect.locallyWith(Headers.currentRedactedNames, (names) => [...names, ...(http.secretHeaders ?? [])]),
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

/** @internal */
export const reasonOfStatus = (status: number): Reason =>
  status === 429 ? "rate_limited" : status >= 500 || status === 408 ? "transient" : "permanent"

/** @internal */
export const idOf = (value: unknown): string | undefined =>
  typeof value === "string" && value.trim() !== "" && value.length <= 200
    ? value
    : typeof value === "number" && Number.isSafeInteger(value)
      ? String(value)
      : undefined

/** @internal */
export const codeOf = (value: unknown): number | undefined =>
  typeof value === "number" && Number.isInteger(value)
    ? value
    : typeof value === "string" && /^-?\d{1,9}$/.test(value.trim())
      ? Number(value)
      : undefined
