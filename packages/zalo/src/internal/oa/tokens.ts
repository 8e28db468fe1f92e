/**
 * Zalo OA's OAuth v4 token endpoint: exchanging an authorization code (with its PKCE verifier) and refreshing a
 * pair. Both POST a form to `<oauthUrl>/v4/oa/access_token` with the App Secret in the `secret_key` header, and
 * get `{ access_token, refresh_token, expires_in }` back, `expires_in` in seconds and usually a string.
 *
 * @internal
 */
import { HttpClientRequest } from "@effect/platform"
import type { Credentials } from "@tinbao/core"
import { DateTime, Effect, Redacted } from "effect"
import { codeOf, execute, type Http } from "../shared/http.js"

/** @internal */
export interface OAuthConfig {
  readonly appId: string
  readonly appSecret: Redacted.Redacted<string>
  readonly oauthUrl: string
}

/** @internal */
export const tokenPath = "/v4/oa/access_token"

/** Token-endpoint codes that mean "try again later", not "this refresh token is no good". @internal */
export const retryableTokenCodes: ReadonlySet<number> = new Set([-32, -100])

const seconds = (value: unknown): number | undefined => {
  const n = typeof value === "number" ? value : typeof value === "string" ? Number(value.trim()) : Number.NaN
  return Number.isFinite(n) && n > 0 ? n : undefined
}

const nonEmpty = (value: unknown): string | undefined =>
  typeof value === "string" && value.trim() !== "" ? value : undefined

/**
 * Posts a grant to the token endpoint: the new tokens, or why there are none (`Rejected` when the endpoint
 * refused the grant, `Unavailable` when it could not be reached or asked to wait).
 *
 * @internal
 */
export const grant = (
  http: Http,
  config: OAuthConfig,
  fields: Readonly<Record<string, string>>
): Effect.Effect<Credentials.Tokens, Credentials.RefreshFailure> =>
  Effect.gen(function* () {
    const request = HttpClientRequest.post(`${config.oauthUrl}${tokenPath}`).pipe(
      HttpClientRequest.setHeader("secret_key", Redacted.value(config.appSecret)),
      HttpClientRequest.bodyUrlParams({ ...fields, app_id: config.appId })
    )
    const answer = yield* Effect.mapError(execute(http, request, `POST ${tokenPath}`), (e) => ({
      _tag: "Unavailable" as const,
      message: e.message
    }))
    const { json, status } = answer
    const access = nonEmpty(json.access_token)
    const life = seconds(json.expires_in)
    if (status >= 200 && status < 300 && access !== undefined && life !== undefined) {
      const now = yield* DateTime.now
      const refresh = nonEmpty(json.refresh_token)
      const refreshLife = seconds(json.refresh_token_expires_in)
      return {
        accessToken: Redacted.make(access),
        expiresAt: DateTime.add(now, { seconds: life }),
        ...(refresh !== undefined ? { refreshToken: Redacted.make(refresh) } : {}),
        ...(refreshLife !== undefined ? { refreshExpiresAt: DateTime.add(now, { seconds: refreshLife }) } : {})
      }
    }
    const code = codeOf(json.error)
    const later = status === 429 || status >= 500 || (code !== undefined && retryableTokenCodes.has(code))
    const what = code !== undefined ? `code ${code}` : `HTTP ${status}${answer.isJson ? "" : " without JSON"}`
    return yield* Effect.fail({
      _tag: later ? ("Unavailable" as const) : ("Rejected" as const),
      message: `the token endpoint answered ${what}`
    })
  })

/** A refresher for `Credentials.token`. @internal */
export const refresher =
  (http: Http, config: OAuthConfig): Credentials.Refresher =>
  (refreshToken) =>
    grant(http, config, { refresh_token: Redacted.value(refreshToken), grant_type: "refresh_token" })
