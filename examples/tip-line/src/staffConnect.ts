/**
 * The staff API's connect endpoints over `connect.ts`: an administrator, logged in (not with a token: connecting
 * hands the server a platform's keys), starts a Zalo OA's authorization or gives a page's token, for the channels of
 * units within their own.
 */
import { HttpApiBuilder } from "@effect/platform"
import { Access } from "@tinbao/core"
import { Effect } from "effect"
import { Forbidden, StaffApi, Unavailable, Unprocessable } from "./api.js"
import * as Connect from "./connect.js"
import { type Services, sessionOnly } from "./staffAccess.js"

/** The API's errors for a connection that cannot be made. */
export const apiError = (error: Connect.ConnectError | Access.AccessDenied) => {
  if (error instanceof Access.AccessDenied) return new Forbidden({ reason: error.reason, message: error.message })
  if (error.reason === "scope") return new Forbidden({ reason: "scope", message: error.message })
  if (error.reason === "unavailable") return new Unavailable({ message: error.message })
  return new Unprocessable({ rule: error.reason, message: error.message })
}

const administrator = (doing: string) =>
  Effect.flatMap(sessionOnly, ({ actor }) => {
    const denied = Access.requireRole(actor, ["administrator"], doing)
    return denied === undefined ? Effect.succeed(actor) : Effect.fail(denied)
  })

/** The connect group, for the server's accounts. */
export const connectGroup = (connector: Connect.Connector) =>
  HttpApiBuilder.group(StaffApi, "connect", (handlers) =>
    Effect.map(Effect.context<Services>(), (context) =>
      handlers
        .handle("authorizeZalo", () =>
          Effect.gen(function* () {
            const actor = yield* administrator("Connecting a Zalo OA")
            const redirectUri = connector.redirectUri()
            const authorizationUrl = yield* Connect.beginZalo(actor, connector.zaloApp, redirectUri)
            return { authorizationUrl, redirectUri }
          }).pipe(
            Effect.provide(context),
            Effect.mapError((e) => (e instanceof Forbidden ? e : apiError(e)))
          )
        )
        .handle("connectPage", ({ path, payload }) =>
          Effect.gen(function* () {
            const actor = yield* administrator("Connecting a Facebook page")
            const id = yield* Connect.connectPage(actor, path.id, payload.token, connector.connectable)
            return { id, credentials: "active" as const }
          }).pipe(
            Effect.provide(context),
            Effect.mapError((e) => (e instanceof Forbidden ? e : apiError(e)))
          )
        )
    )
  )
