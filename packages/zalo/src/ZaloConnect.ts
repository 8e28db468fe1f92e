/**
 * Connecting a Zalo OA to tinbao (OAuth v4 with PKCE), for a server's "connect your OA" page: make a verifier and
 * its challenge, send the officer to the {@link authorizationUrl} (they log in as an OA admin and grant the app),
 * take the `code` Zalo redirects back with, and {@link connect}: the code is exchanged for the OA's tokens, which
 * are stored in `Credentials` under the channel's account. Doing it again reconnects an OA whose refresh token
 * was refused. The code is valid for 10 minutes and once.
 *
 * @since 0.1.0
 * @module
 */
import { createHash, randomBytes } from "node:crypto"
import { HttpClient } from "@effect/platform"
import { Channel, Credentials } from "@tinbao/core"
import { Duration, Effect, Redacted } from "effect"
import { grant, tokenPath } from "./internal/oa/tokens.js"
import { secretHeaders } from "./internal/shared/http.js"

/**
 * A PKCE pair: the verifier (keep it, in the officer's session, until the code comes back) and its S256
 * challenge (sent in the authorization URL).
 *
 * @since 0.1.0
 * @category models
 */
export interface Pkce {
  readonly verifier: Redacted.Redacted<string>
  readonly challenge: string
}

const base64url = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64url")

/**
 * The S256 challenge of a verifier: base64url of its SHA-256, without padding.
 *
 * @since 0.1.0
 * @category constructors
 */
export const challengeOf = (verifier: Redacted.Redacted<string>): string =>
  base64url(createHash("sha256").update(Redacted.value(verifier)).digest())

/**
 * A fresh PKCE pair: a 43-character verifier from 32 random bytes, and its challenge.
 *
 * @since 0.1.0
 * @category constructors
 */
export const pkce = (): Pkce => {
  const verifier = Redacted.make(base64url(randomBytes(32)))
  return { verifier, challenge: challengeOf(verifier) }
}

/**
 * A random `state` to tie the redirect to the officer's session (compare it when the code comes back).
 *
 * @since 0.1.0
 * @category constructors
 */
export const state = (): string => base64url(randomBytes(16))

/**
 * What the authorization URL needs: the OAuth host (`https://oauth.zaloapp.com`), the app, where Zalo sends the
 * officer back (registered in the app), the PKCE challenge and the state.
 *
 * @since 0.1.0
 * @category models
 */
export interface AuthorizationRequest {
  readonly oauthUrl: string
  readonly appId: string
  readonly redirectUri: string
  readonly codeChallenge: string
  readonly state: string
}

/**
 * The page an OA admin opens to grant the app: `<oauthUrl>/v4/oa/permission?app_id=…&redirect_uri=…&code_challenge=…&state=…`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const authorizationUrl = (request: AuthorizationRequest): string => {
  const query = new URLSearchParams({
    app_id: request.appId,
    redirect_uri: request.redirectUri,
    code_challenge: request.codeChallenge,
    state: request.state
  })
  return `${request.oauthUrl}/v4/oa/permission?${query.toString()}`
}

/**
 * What exchanging a code needs: the OAuth host, the app's id and App Secret, the code Zalo gave, the PKCE verifier
 * and the account to store the tokens under (the channel id, `zalo-oa:<oaId>`, as `ZaloOa` reads them).
 *
 * @since 0.1.0
 * @category models
 */
export interface Exchange {
  readonly oauthUrl: string
  readonly appId: string
  readonly appSecret: Redacted.Redacted<string>
  readonly code: string
  readonly codeVerifier: Redacted.Redacted<string>
  readonly account: string
  readonly timeout?: Duration.DurationInput
}

/**
 * Exchanges the code for the OA's tokens (`POST <oauthUrl>/v4/oa/access_token`) and stores them in `Credentials`
 * (active, the next generation): the OA is connected, or connected again. A refused code (expired, used, a wrong
 * verifier) is a `permanent` ChannelError; an unreachable endpoint `transient`; neither quotes a token or the code.
 *
 * @since 0.1.0
 * @category constructors
 */
export const connect = (
  exchange: Exchange
): Effect.Effect<Credentials.Credential, Channel.ChannelError, HttpClient.HttpClient | Credentials.Credentials> =>
  Effect.gen(function* () {
    const http = {
      client: yield* HttpClient.HttpClient,
      channel: exchange.account,
      timeout: Duration.decode(exchange.timeout ?? "10 seconds"),
      secretHeaders
    }
    const tokens = yield* grant(http, exchange, {
      code: exchange.code,
      grant_type: "authorization_code",
      code_verifier: Redacted.value(exchange.codeVerifier)
    }).pipe(
      Effect.mapError(
        (e) =>
          new Channel.ChannelError({
            channel: exchange.account,
            reason: e._tag === "Rejected" ? "permanent" : "transient",
            message: `The Zalo OA could not be connected: ${e.message} at ${tokenPath}`
          })
      )
    )
    const credentials = yield* Credentials.Credentials
    return yield* credentials.connect(exchange.account, tokens).pipe(
      Effect.mapError(
        (e) =>
          new Channel.ChannelError({
            channel: exchange.account,
            reason: e.retryable ? "transient" : "permanent",
            message: `The Zalo OA's tokens could not be stored: ${e.message}`
          })
      )
    )
  })
