/**
 * The staff API, declared: its endpoints under `/api`, their inputs, answers and typed errors, and the session
 * cookie that authenticates them. The OpenAPI document (`/api/openapi.json`) and the reference page (`/api/docs`)
 * are made from this declaration; `staff.ts` implements it. No answer names a reporter.
 */
import {
  HttpApi,
  HttpApiEndpoint,
  HttpApiGroup,
  HttpApiMiddleware,
  HttpApiSchema,
  HttpApiSecurity
} from "@effect/platform"
import { type Actor, Command, LocalDate, Statistics, Tip, TipEvent, Unit } from "@tinbao/core"
import { Context, Schema } from "effect"
import { cookieName } from "./accounts.js"

/** No valid session: log in first. */
export class Unauthorized extends Schema.TaggedError<Unauthorized>()(
  "Unauthorized",
  { message: Schema.String },
  HttpApiSchema.annotations({ status: 401 })
) {}

/** The request may not be made: a missing or wrong CSRF token, a role the actor lacks, a unit outside its scope. */
export class Forbidden extends Schema.TaggedError<Forbidden>()(
  "Forbidden",
  { reason: Schema.Literal("csrf", "role", "scope", "actor"), message: Schema.String },
  HttpApiSchema.annotations({ status: 403 })
) {}

/** No such tip, or none the actor may read (the two are not told apart). */
export class NotFound extends Schema.TaggedError<NotFound>()(
  "NotFound",
  { message: Schema.String },
  HttpApiSchema.annotations({ status: 404 })
) {}

/** The tip changed since the version given: reload it and decide again. */
export class Conflict extends Schema.TaggedError<Conflict>()(
  "Conflict",
  { expected: Schema.Number, actual: Schema.Number, message: Schema.String },
  HttpApiSchema.annotations({ status: 409 })
) {}

/** The lifecycle's rules refuse the command (or the input breaks its schema); nothing was done. */
export class Unprocessable extends Schema.TaggedError<Unprocessable>()(
  "Unprocessable",
  { rule: Schema.String, message: Schema.String },
  HttpApiSchema.annotations({ status: 422 })
) {}

/** Too many failed logins for this user name or from this address; `retryAfter` seconds (also in Retry-After). */
export class TooManyAttempts extends Schema.TaggedError<TooManyAttempts>()(
  "TooManyAttempts",
  { retryAfter: Schema.Number, message: Schema.String },
  HttpApiSchema.annotations({ status: 429 })
) {}

/** The storage failed; the request may be tried again. */
export class Unavailable extends Schema.TaggedError<Unavailable>()(
  "Unavailable",
  { message: Schema.String },
  HttpApiSchema.annotations({ status: 503 })
) {}

/** The actor of the request, with the session it came with (its hash only). */
export class CurrentStaff extends Context.Tag("tip-line/CurrentStaff")<
  CurrentStaff,
  { readonly actor: Actor.Actor; readonly session: string }
>() {}

/** The session cookie; a state-changing request must also carry the session's `x-csrf-token`. */
export const session = HttpApiSecurity.apiKey({ in: "cookie", key: cookieName })

/** Authentication: the session cookie becomes the request's actor, decoded with the core's schema. */
export class Authentication extends HttpApiMiddleware.Tag<Authentication>()("tip-line/Authentication", {
  failure: Schema.Union(Unauthorized, Forbidden, Unavailable),
  provides: CurrentStaff,
  security: { session }
}) {}

const Login = Schema.Struct({ username: Schema.String, password: Schema.Redacted(Schema.String) })
const Me = Schema.Struct({ username: Schema.String, unit: Unit.UnitId, roles: Schema.Array(Schema.String) })

/** A tip as staff see it: its state, never its reporter (whose identity stays in the vault). */
export const TipView = Schema.Struct({
  id: Tip.TipId,
  version: Schema.Number,
  code: Schema.String,
  registerNumber: Schema.Number,
  registerYear: Schema.Number,
  receivingUnit: Unit.UnitId,
  unit: Unit.UnitId,
  status: Tip.Status,
  legalType: Schema.String,
  category: Schema.String,
  channel: Schema.String,
  summary: Schema.String,
  receivedAt: Schema.DateTimeUtc,
  lastEventAt: Schema.DateTimeUtc,
  urgent: Schema.Boolean,
  pendingTransferTo: Schema.optional(Unit.UnitId),
  evidence: Schema.Struct({ pending: Schema.Number, stored: Schema.Number, notRetrieved: Schema.Number }),
  followUps: Schema.Number,
  repliesToReporter: Schema.Number
}).annotations({ identifier: "Tip" })

const TipPath = Schema.Struct({ id: Tip.TipId })
const Int = Schema.NumberFromString.pipe(Schema.int(), Schema.nonNegative())

const loginGroup = HttpApiGroup.make("login").add(
  HttpApiEndpoint.post("login", "/login")
    .setPayload(Login)
    .addSuccess(Schema.Struct({ username: Schema.String, csrfToken: Schema.String }))
    .addError(Unauthorized)
    .addError(TooManyAttempts)
    .addError(Unavailable)
)

/** A unit of the hierarchy on a date, as `GET /api/units` lists it. */
export const UnitView = Schema.Struct({
  id: Unit.UnitId,
  name: Schema.Struct({ vi: Schema.String, en: Schema.String }),
  kind: Schema.String,
  parent: Schema.optional(Unit.UnitId)
}).annotations({ identifier: "Unit" })

/** A configured channel: its platform, its unit, and for an OA or a page whether its credentials work. */
export const ChannelView = Schema.Struct({
  id: Schema.String,
  platform: Schema.Struct({ id: Schema.String, label: Schema.Struct({ vi: Schema.String, en: Schema.String }) }),
  unit: Unit.UnitId,
  credentials: Schema.optional(Schema.Literal("active", "reconnect", "missing"))
}).annotations({ identifier: "Channel" })

// The statistics of a unit's subtree over a range of days (Vietnam time), grouped by up to one dimension.
const StatisticsParams = Schema.Struct({
  unit: Unit.UnitId,
  from: LocalDate.LocalDate,
  to: LocalDate.LocalDate,
  groupBy: Schema.optional(Statistics.Dimension)
})

const reportsGroup = HttpApiGroup.make("reports")
  .add(HttpApiEndpoint.get("statistics", "/statistics").setUrlParams(StatisticsParams).addSuccess(Statistics.Report))
  .add(
    HttpApiEndpoint.get("statisticsCsv", "/statistics.csv")
      .setUrlParams(StatisticsParams)
      .addSuccess(HttpApiSchema.Text({ contentType: "text/csv; charset=utf-8" }))
  )
  .add(
    HttpApiEndpoint.get("units", "/units")
      .setUrlParams(Schema.Struct({ on: Schema.optional(LocalDate.LocalDate) }))
      .addSuccess(Schema.Array(UnitView))
  )
  .add(HttpApiEndpoint.get("channels", "/channels").addSuccess(Schema.Array(ChannelView)))
  .addError(Unprocessable)
  .addError(Unavailable)
  .middleware(Authentication)

/** The staff API. */
export class StaffApi extends HttpApi.make("tinbao-staff")
  .add(loginGroup)
  .add(
    HttpApiGroup.make("session")
      .add(HttpApiEndpoint.post("logout", "/logout").addSuccess(Schema.Void))
      .add(HttpApiEndpoint.get("me", "/me").addSuccess(Me))
      .middleware(Authentication)
  )
  .add(
    HttpApiGroup.make("tips")
      .add(
        HttpApiEndpoint.get("list", "/tips")
          .setUrlParams(
            Schema.Struct({
              status: Schema.optional(Tip.Status),
              unit: Schema.optional(Unit.UnitId),
              limit: Schema.optional(Int),
              offset: Schema.optional(Int)
            })
          )
          .addSuccess(
            Schema.Struct({
              tips: Schema.Array(TipView),
              total: Schema.Number,
              limit: Schema.Number,
              offset: Schema.Number
            })
          )
      )
      .add(HttpApiEndpoint.get("get", "/tips/:id").setPath(TipPath).addSuccess(TipView))
      .add(
        HttpApiEndpoint.get("history", "/tips/:id/history").setPath(TipPath).addSuccess(Schema.Array(TipEvent.TipEvent))
      )
      .add(
        HttpApiEndpoint.post("command", "/tips/:id/commands")
          .setPath(TipPath)
          .setPayload(Schema.Struct({ expectedVersion: Schema.Int, command: Command.Command }))
          .addSuccess(TipView)
      )
      .add(
        HttpApiEndpoint.post("reply", "/tips/:id/reply")
          .setPath(TipPath)
          .setPayload(
            Schema.Struct({ text: Schema.String, expectedVersion: Schema.Int, public: Schema.optional(Schema.Boolean) })
          )
          .addSuccess(TipView)
      )
      .addError(NotFound)
      .addError(Conflict)
      .addError(Unprocessable)
      .addError(Unavailable)
      .middleware(Authentication)
  )
  .add(reportsGroup)
  .prefix("/api") {}
