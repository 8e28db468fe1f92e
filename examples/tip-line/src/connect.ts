/**
 * Connecting the platform accounts the server replies through. A Zalo OA is connected by OAuth v4 with PKCE: an
 * administrator asks for the authorization URL, opens it, logs in to Zalo as the OA's admin and grants the app;
 * Zalo sends the browser back to `/connect/zalo/callback` with a code, which the server exchanges for the OA's
 * tokens. A Facebook page is connected with its page token, given by an administrator. Either is done again to
 * reconnect an account marked "reconnect". The PKCE verifier waits in the server's own table for 10 minutes (as
 * long as Zalo's code lives), is used once, and is never logged.
 */
import { FetchHttpClient, HttpRouter, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { SqlClient } from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import { type Actor, type Credentials, LocalDate, Unit, UnitDirectory, UnitHierarchy } from "@tinbao/core"
import { Facebook } from "@tinbao/facebook"
import { ZaloConnect } from "@tinbao/zalo"
import { type Context, Data, DateTime, Effect, Redacted } from "effect"

/**
 * A connection cannot be made: the channel is not one this server configures for the platform (`unknown_channel`),
 * it is outside the administrator's units (`scope`), the authorization came back unknown, used or late
 * (`expired`), the platform refused the code or the token (`refused`), or the storage or the platform did not
 * answer (`unavailable`). The message never quotes a token, a code or a verifier.
 */
export class ConnectError extends Data.TaggedError("ConnectError")<{
  readonly reason: "unknown_channel" | "scope" | "expired" | "refused" | "unavailable"
  readonly message: string
}> {}

/** What the flow needs of a configured Zalo app. */
export interface ZaloApp {
  readonly appId: string
  readonly appSecret: Redacted.Redacted<string>
  readonly oauthUrl: string
}

/** The accounts this server can connect: each channel with the unit it is bound to. */
export interface Connectable {
  readonly zalo: ReadonlyArray<{ readonly channel: string; readonly unit: Unit.UnitId }>
  readonly facebook: ReadonlyArray<{ readonly channel: string; readonly unit: Unit.UnitId }>
}

/** What the server connects with: its Zalo app, its accounts, and the URL Zalo sends the browser back to. */
export interface Connector {
  readonly zaloApp: ZaloApp
  readonly connectable: Connectable
  /** `<PUBLIC_URL>/connect/zalo/callback` (the listening URL when PUBLIC_URL is unset). */
  readonly redirectUri: () => string
}

/** How long an authorization may take: Zalo's code lives 10 minutes. */
const stateMinutes = 10

/** The path Zalo sends the administrator back to; register `<PUBLIC_URL>/connect/zalo/callback` in the Zalo app. */
export const zaloCallbackPath = "/connect/zalo/callback"

/** Creates the table of authorizations in progress when missing. */
export const migrate: Effect.Effect<void, SqlError, SqlClient> = Effect.flatMap(
  SqlClient,
  (sql) => sql`CREATE TABLE IF NOT EXISTS staff_oauth_states (
    state TEXT PRIMARY KEY,
    verifier TEXT NOT NULL,
    username TEXT NOT NULL,
    unit TEXT NOT NULL,
    expires_at BIGINT NOT NULL
  )`
)

const unavailable = (what: string) => () =>
  new ConnectError({ reason: "unavailable", message: `${what}: the storage failed; try again.` })

// The channel must be one of the server's and bound to a unit within the actor's subtree.
const checkScope = (unit: Unit.UnitId, channel: { readonly unit: Unit.UnitId } | undefined, name: string) =>
  Effect.gen(function* () {
    if (channel === undefined) {
      return yield* new ConnectError({
        reason: "unknown_channel",
        message: `${name} is not a channel this server is configured with (see GET /api/channels).`
      })
    }
    const hierarchy = yield* (yield* UnitDirectory.UnitDirectory).hierarchy
    const today = LocalDate.ofInstant(yield* DateTime.now)
    if (!UnitHierarchy.isWithin(hierarchy, channel.unit, unit, today)) {
      return yield* new ConnectError({ reason: "scope", message: `${name} belongs to a unit outside your units.` })
    }
  }).pipe(Effect.catchTag("UnitDirectoryError", unavailable("Connecting")))

/**
 * Starts connecting a Zalo OA: keeps a PKCE verifier under a new state for 10 minutes and returns the URL the
 * administrator opens. Zalo lets the admin pick the OA there; the callback checks it is one of `connectable`.
 */
export const beginZalo = (actor: Actor.Actor, app: ZaloApp, redirectUri: string) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient
    const pkce = ZaloConnect.pkce()
    const state = ZaloConnect.state()
    const now = Date.now()
    yield* sql`DELETE FROM staff_oauth_states WHERE expires_at < ${now}`
    yield* sql`INSERT INTO staff_oauth_states (state, verifier, username, unit, expires_at)
      VALUES (${state}, ${Redacted.value(pkce.verifier)}, ${actor.id}, ${actor.unit}, ${now + stateMinutes * 60_000})`
    return ZaloConnect.authorizationUrl({
      oauthUrl: app.oauthUrl,
      appId: app.appId,
      redirectUri,
      codeChallenge: pkce.challenge,
      state
    })
  }).pipe(Effect.mapError(unavailable("Connecting a Zalo OA")))

/**
 * Completes a Zalo authorization: takes the state once (an unknown, used or expired one is refused), checks the OA
 * Zalo names is a configured one within the administrator's units, exchanges the code and stores the OA's tokens.
 * Returns the connected channel.
 */
export const completeZalo = (
  query: { readonly state: string; readonly code: string; readonly oaId: string },
  app: ZaloApp,
  connectable: Connectable
) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient
    const rows = yield* sql<{
      readonly verifier: string
      readonly unit: string
      readonly expires_at: number | string
    }>`SELECT verifier, unit, expires_at FROM staff_oauth_states WHERE state = ${query.state}`.pipe(
      Effect.mapError(unavailable("Connecting a Zalo OA"))
    )
    // Deleted before the exchange: a state serves once, even when the exchange fails.
    yield* sql`DELETE FROM staff_oauth_states WHERE state = ${query.state}`.pipe(
      Effect.mapError(unavailable("Connecting a Zalo OA"))
    )
    const [found] = rows
    if (found === undefined || Number(found.expires_at) < Date.now()) {
      return yield* new ConnectError({
        reason: "expired",
        message: "This authorization is unknown, used or older than 10 minutes: start connecting the OA again."
      })
    }
    const channel = `zalo-oa:${query.oaId}`
    yield* checkScope(
      Unit.UnitId.make(found.unit),
      connectable.zalo.find((c) => c.channel === channel),
      `The Zalo OA ${query.oaId}`
    )
    yield* ZaloConnect.connect({
      oauthUrl: app.oauthUrl,
      appId: app.appId,
      appSecret: app.appSecret,
      code: query.code,
      codeVerifier: Redacted.make(found.verifier),
      account: channel
    }).pipe(
      Effect.provide(FetchHttpClient.layer),
      Effect.mapError(
        (e) => new ConnectError({ reason: e.reason === "transient" ? "unavailable" : "refused", message: e.message })
      )
    )
    return channel
  })

/** Connects a Facebook page of this server with its page token (again, to reconnect it). */
export const connectPage = (
  actor: Actor.Actor,
  channel: string,
  token: Redacted.Redacted<string>,
  connectable: Connectable
) =>
  Effect.gen(function* () {
    yield* checkScope(
      actor.unit,
      connectable.facebook.find((c) => c.channel === channel),
      `The channel ${channel}`
    )
    if (Redacted.value(token).trim().length < 20) {
      return yield* new ConnectError({
        reason: "refused",
        message: "This is not a page access token: it is too short."
      })
    }
    yield* Facebook.connectPage(channel, token).pipe(Effect.mapError(unavailable("Connecting the page")))
    return channel
  })

const escape = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!)

const page = (status: number, vi: string, en: string) =>
  HttpServerResponse.text(
    `<!doctype html><html lang="vi"><meta charset="utf-8"><title>tinbao</title>` +
      `<main><h1>${escape(vi)}</h1><p lang="en">${escape(en)}</p></main></html>`,
    {
      status,
      contentType: "text/html; charset=utf-8",
      headers: { "cache-control": "no-store", "referrer-policy": "no-referrer" }
    }
  )

const statusOf: Record<ConnectError["reason"], number> = {
  unknown_channel: 400,
  scope: 403,
  expired: 400,
  refused: 400,
  unavailable: 503
}

/**
 * `GET /connect/zalo/callback?code=…&state=…&oa_id=…`: where Zalo sends the OA's admin back. The answer is a short
 * page saying whether the OA is connected (and why not), in Vietnamese and English; never the code or a token.
 */
export const callbackRoute = (
  connector: Connector,
  services: Context.Context<SqlClient | UnitDirectory.UnitDirectory | Credentials.Credentials>
) =>
  HttpRouter.empty.pipe(
    HttpRouter.get(
      zaloCallbackPath,
      Effect.gen(function* () {
        const query = new URL((yield* HttpServerRequest.HttpServerRequest).url, "http://callback").searchParams
        const [state, code, oaId] = [query.get("state"), query.get("code"), query.get("oa_id")]
        if (state === null || code === null || oaId === null || !/^[\w-]{1,64}$/.test(oaId)) {
          return page(400, "Thiếu mã ủy quyền", "The authorization's code, state or OA id is missing: start again.")
        }
        return yield* completeZalo({ state, code, oaId }, connector.zaloApp, connector.connectable).pipe(
          Effect.provide(services),
          Effect.match({
            onSuccess: (channel) =>
              page(200, `Đã kết nối ${channel}`, `The OA is connected (${channel}): replies go out through it.`),
            onFailure: (error) => page(statusOf[error.reason], "Chưa kết nối được OA", error.message)
          })
        )
      })
    )
  )
