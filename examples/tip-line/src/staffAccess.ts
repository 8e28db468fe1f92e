/**
 * What every group of the staff API shares: the services it runs on, authentication (an API token, else the session
 * cookie with its CSRF check), the scope a token needs for each endpoint, and the core's typed errors as the API's.
 */
import { HttpServerRequest } from "@effect/platform"
import type { SqlClient } from "@effect/sql/SqlClient"
import {
  Access,
  type Binding,
  type Calendar,
  type Credentials,
  type Inbox,
  type Intake,
  Lifecycle,
  type MediaStore,
  type Statistics,
  Tips,
  type UnitDirectory,
  UnitHierarchy
} from "@tinbao/core"
import { Effect, Layer, ParseResult } from "effect"
import * as Accounts from "./accounts.js"
import {
  Authentication,
  Conflict,
  CurrentStaff,
  Forbidden,
  NotFound,
  Unauthorized,
  Unavailable,
  Unprocessable
} from "./api.js"
import { QueryError } from "./tipQuery.js"
import * as Tokens from "./tokens.js"

/** The services the API runs on. */
export type Services =
  | Tips.Tips
  | Intake.Intake
  | UnitDirectory.UnitDirectory
  | Statistics.StatisticsEngine
  | Credentials.Credentials
  | MediaStore.MediaStore
  | Inbox.Inbox
  | Binding.Bindings
  | Calendar.HolidayCalendar
  | SqlClient

export const unavailable = () => new Unavailable({ message: "The storage failed; try again." })

/**
 * The core's typed errors, as the API's, for reads (where no version is given, so no conflict): the API's own pass
 * through, and anything else is a storage failure, answered 503 without its details.
 */
export const mapReadError = (error: { readonly _tag: string }) => {
  if (error instanceof Forbidden || error instanceof NotFound || error instanceof Unprocessable) return error
  if (error instanceof Access.AccessDenied) return new Forbidden({ reason: error.reason, message: error.message })
  if (error instanceof Tips.TipNotFound) return new NotFound({ message: error.message })
  if (error instanceof Lifecycle.RuleViolation || error instanceof UnitHierarchy.UnitRuleError) {
    return new Unprocessable({ rule: error.rule, message: error.message })
  }
  if (error instanceof QueryError) return new Unprocessable({ rule: error.rule, message: error.message })
  if (ParseResult.isParseError(error))
    return new Unprocessable({ rule: "schema", message: "The request is malformed." })
  return unavailable()
}

/** The core's typed errors, as the API's, where a command given at a version may meet a newer one (409). */
export const mapError = (error: { readonly _tag: string }) =>
  error instanceof Tips.VersionConflict
    ? new Conflict({ expected: error.expected, actual: error.actual, message: error.message })
    : mapReadError(error)

const stateChanging = (method: string) => method !== "GET" && method !== "HEAD" && method !== "OPTIONS"

/**
 * A bearer token becomes its user's actor, limited to its scopes (no CSRF: a token is no ambient authority); without
 * one, the session cookie does, and a state-changing request must carry the session's CSRF token.
 */
export const authentication = Layer.effect(
  Authentication,
  Effect.map(Effect.context<SqlClient>(), (context) =>
    Authentication.of({
      bearer: (secret) =>
        Effect.gen(function* () {
          const found = yield* Tokens.findToken(secret).pipe(Effect.provide(context), Effect.mapError(unavailable))
          if (found === undefined) {
            return yield* new Unauthorized({ message: "The API token is unknown, revoked or expired." })
          }
          return { actor: found.actor, credential: { _tag: "Token" as const, id: found.id, scopes: found.scopes } }
        }),
      session: (id) =>
        Effect.gen(function* () {
          const request = yield* HttpServerRequest.HttpServerRequest
          const found = yield* Accounts.findSession(id).pipe(Effect.provide(context), Effect.mapError(unavailable))
          if (found === undefined) {
            const bearer = (request.headers.authorization ?? "").toLowerCase().startsWith("bearer ")
            return yield* new Unauthorized({
              message: bearer
                ? "The API token is unknown, revoked or expired."
                : "Log in first (POST /api/login), or send an API token (Authorization: Bearer)."
            })
          }
          if (
            stateChanging(request.method) &&
            !Accounts.sameSecret(request.headers["x-csrf-token"] ?? "", found.csrf)
          ) {
            return yield* new Forbidden({
              reason: "csrf",
              message: "The x-csrf-token header is missing or not this session's (the login's csrfToken)."
            })
          }
          return { actor: found.actor, credential: { _tag: "Session" as const, idHash: found.idHash } }
        })
    })
  )
)

/** The request's actor, when its token holds `scope` (a session holds every scope its roles allow). */
export const actorWith = (scope: Tokens.TokenScope) =>
  Effect.flatMap(CurrentStaff, ({ actor, credential }) =>
    credential._tag === "Token" && !credential.scopes.includes(scope)
      ? Effect.fail(
          new Forbidden({
            reason: "token_scope",
            message: `This API token lacks the scope ${scope}; make one with it.`
          })
        )
      : Effect.succeed(actor)
  )

/** The request's session: managing sessions and tokens takes a login, never a token. */
export const sessionOnly = Effect.flatMap(CurrentStaff, ({ actor, credential }) =>
  credential._tag === "Session"
    ? Effect.succeed({ actor, idHash: credential.idHash })
    : Effect.fail(
        new Forbidden({ reason: "session_only", message: "This takes a session (POST /api/login), not an API token." })
      )
)
