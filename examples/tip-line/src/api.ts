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
import {
  type Actor,
  Category,
  Command,
  IdentityVault,
  LocalDate,
  MediaStore,
  Statistics,
  Tip,
  TipEvent,
  Unit,
  UnitChange
} from "@tinbao/core"
import { Context, Schema } from "effect"
import { cookieName } from "./accounts.js"
import { TokenScope } from "./tokens.js"

/** No valid session: log in first. */
export class Unauthorized extends Schema.TaggedError<Unauthorized>()(
  "Unauthorized",
  { message: Schema.String },
  HttpApiSchema.annotations({ status: 401 })
) {}

/**
 * The request may not be made: a missing or wrong CSRF token (`csrf`), a role the actor lacks (`role`), a unit
 * outside its scope (`scope`), a malformed account (`actor`), an API token without the scope the endpoint needs
 * (`token_scope`), or an endpoint that takes a session only, not a token (`session_only`).
 */
export class Forbidden extends Schema.TaggedError<Forbidden>()(
  "Forbidden",
  {
    reason: Schema.Literal("csrf", "role", "scope", "actor", "token_scope", "session_only"),
    message: Schema.String
  },
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

/** How a request was authenticated: a session (its id's hash), or an API token (its id and scopes). */
export type Credential =
  | { readonly _tag: "Session"; readonly idHash: string }
  | { readonly _tag: "Token"; readonly id: string; readonly scopes: ReadonlyArray<TokenScope> }

/** The actor of the request, with the credential it came with. */
export class CurrentStaff extends Context.Tag("tip-line/CurrentStaff")<
  CurrentStaff,
  { readonly actor: Actor.Actor; readonly credential: Credential }
>() {}

/** The session cookie; a state-changing request must also carry the session's `x-csrf-token`. */
export const session = HttpApiSecurity.apiKey({ in: "cookie", key: cookieName })

/** An API token (`Authorization: Bearer tbt_…`), for integrations: no cookie, so no CSRF token either. */
export const bearer = HttpApiSecurity.bearer

/**
 * Authentication: an API token, else the session cookie, becomes the request's actor, decoded with the core's
 * schema. (The token is tried first: a request without one falls through to the session and its CSRF check.)
 */
export class Authentication extends HttpApiMiddleware.Tag<Authentication>()("tip-line/Authentication", {
  failure: Schema.Union(Unauthorized, Forbidden, Unavailable),
  provides: CurrentStaff,
  security: { bearer, session }
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
const Label = Schema.Struct({ vi: Schema.String, en: Schema.String })

const Year = Schema.NumberFromString.pipe(Schema.int(), Schema.between(2000, 2100))
const YearMonth = Schema.String.pipe(Schema.pattern(/^\d{4}-(0[1-9]|1[0-2])$/)).annotations({
  description: "A month as YYYY-MM"
})

/**
 * A period, in Vietnam time, by one of its kinds: `from` and `to` (dates, both ends included), a calendar `month`
 * (YYYY-MM) or `year`, or a police statistical month (`policeMonth`, YYYY-MM: the 15th of the month before to the
 * 14th) or year (`policeYear`: 15 December of the year before to 14 December). Give one kind only.
 */
export const PeriodParams = {
  from: Schema.optional(LocalDate.LocalDate),
  to: Schema.optional(LocalDate.LocalDate),
  month: Schema.optional(YearMonth),
  year: Schema.optional(Year),
  policeMonth: Schema.optional(YearMonth),
  policeYear: Schema.optional(Year)
}

/** The period parameters as decoded. */
export type PeriodParams = Schema.Struct.Type<typeof PeriodParams>

/** A deadline of a tip, as the core computes it now, with the label of its kind. */
export const DeadlineView = Schema.Struct({
  kind: Schema.Literal("acknowledgement", "transfer", "verification", "suspension_notice", "restoration", "resolution"),
  label: Label,
  dueAt: Schema.DateTimeUtc,
  status: Schema.Literal("pending", "met", "missed", "met_late"),
  closedAt: Schema.optional(Schema.DateTimeUtc)
}).annotations({ identifier: "Deadline" })

/**
 * An evidence file of a tip: pending (being fetched), stored (with its item: the SHA-256 that names it, its size and
 * the media type read from its bytes) or not retrieved (with the reason). The platform's link is not shown.
 */
export const EvidenceView = Schema.Struct({
  status: Schema.Literal("pending", "stored", "not_retrieved"),
  declaredAs: Schema.optional(Schema.String),
  attachedAt: Schema.optional(Schema.DateTimeUtc),
  recordedAt: Schema.optional(Schema.DateTimeUtc),
  item: Schema.optional(
    Schema.Struct({
      hash: Schema.String,
      size: Schema.Number,
      mediaType: Schema.String,
      storedAt: Schema.DateTimeUtc
    })
  ),
  reason: Schema.optional(Schema.String),
  message: Schema.optional(Schema.String)
}).annotations({ identifier: "Evidence" })

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
  name: Label,
  kind: Schema.String,
  parent: Schema.optional(Unit.UnitId)
}).annotations({ identifier: "Unit" })

/**
 * A configured channel: its platform, its unit, for an OA or a page whether its credentials work, the webhook its
 * deliveries arrive on (a Meta app's pages share one), how many of them are dead letters in the inbox, and when
 * the webhook last received a delivery (absent when the inbox keeps none: processed ones go after 7 days).
 */
export const ChannelView = Schema.Struct({
  id: Schema.String,
  platform: Schema.Struct({ id: Schema.String, label: Label }),
  unit: Unit.UnitId,
  credentials: Schema.optional(Schema.Literal("active", "reconnect", "missing")),
  webhook: Schema.String,
  deadLetters: Schema.Number,
  lastDeliveryAt: Schema.optional(Schema.DateTimeUtc)
}).annotations({ identifier: "Channel" })

/**
 * A dead letter as staff see it: when it arrived on which webhook, how often it was tried, why it is dead and its
 * last error. Never its body, headers or URL: they may name the reporter.
 */
export const DeadLetterView = Schema.Struct({
  id: Schema.String,
  webhook: Schema.String,
  receivedAt: Schema.DateTimeUtc,
  attempts: Schema.Number,
  deadReason: Schema.optional(Schema.String),
  lastError: Schema.optional(Schema.String)
}).annotations({ identifier: "DeadLetter" })

/** A binding: a channel, or one conversation on it (an OA group, a page's post), and the unit that owns it. */
export const BindingView = Schema.Struct({
  channel: Schema.NonEmptyTrimmedString,
  conversation: Schema.optional(Schema.NonEmptyTrimmedString),
  unit: Unit.UnitId
}).annotations({ identifier: "Binding" })

// The statistics of a unit's subtree over a period (Vietnam time), grouped by up to one dimension.
const StatisticsParams = Schema.Struct({
  unit: Unit.UnitId,
  groupBy: Schema.optional(Statistics.Dimension),
  ...PeriodParams
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
  .add(
    HttpApiEndpoint.get("unitHistory", "/units/:id/history")
      .setPath(Schema.Struct({ id: Unit.UnitId }))
      .addSuccess(Schema.Array(UnitChange.UnitChange))
  )
  .add(HttpApiEndpoint.get("channels", "/channels").addSuccess(Schema.Array(ChannelView)))
  .add(
    HttpApiEndpoint.get("deadLetters", "/channels/:id/dead-letters")
      .setPath(Schema.Struct({ id: Schema.String }))
      .addSuccess(Schema.Array(DeadLetterView))
  )
  .add(
    HttpApiEndpoint.post("replayDeadLetter", "/dead-letters/:id/replay")
      .setPath(Schema.Struct({ id: Schema.String }))
      .addSuccess(Schema.Void)
  )
  .add(
    HttpApiEndpoint.del("deleteDeadLetter", "/dead-letters/:id")
      .setPath(Schema.Struct({ id: Schema.String }))
      .addSuccess(Schema.Void)
  )
  .add(HttpApiEndpoint.get("bindings", "/bindings").addSuccess(Schema.Array(BindingView)))
  .add(HttpApiEndpoint.post("bind", "/bindings").setPayload(BindingView).addSuccess(BindingView))
  .add(
    HttpApiEndpoint.del("unbind", "/bindings")
      .setUrlParams(
        Schema.Struct({
          channel: Schema.NonEmptyTrimmedString,
          conversation: Schema.optional(Schema.NonEmptyTrimmedString)
        })
      )
      .addSuccess(Schema.Void)
  )
  .addError(NotFound)
  .addError(Unprocessable)
  .addError(Unavailable)
  .middleware(Authentication)

/** An API token as its owner sees it (its secret is shown once, when created, and never kept). */
export const TokenView = Schema.Struct({
  id: Schema.String,
  name: Schema.String,
  scopes: Schema.Array(TokenScope),
  createdAt: Schema.Date,
  expiresAt: Schema.Date,
  lastUsedAt: Schema.optional(Schema.Date),
  revoked: Schema.Boolean
}).annotations({ identifier: "Token" })

const tokensGroup = HttpApiGroup.make("tokens")
  .add(
    HttpApiEndpoint.post("create", "/tokens")
      .setPayload(
        Schema.Struct({
          name: Schema.String,
          scopes: Schema.Array(Schema.String),
          expiresInDays: Schema.optional(Schema.Int)
        })
      )
      .addSuccess(Schema.Struct({ ...TokenView.fields, secret: Schema.String }), { status: 201 })
  )
  .add(HttpApiEndpoint.get("list", "/tokens").addSuccess(Schema.Array(TokenView)))
  .add(
    HttpApiEndpoint.del("revoke", "/tokens/:id")
      .setPath(Schema.Struct({ id: Schema.String }))
      .addSuccess(Schema.Void)
  )
  .addError(NotFound)
  .addError(Unprocessable)
  .addError(Unavailable)
  .middleware(Authentication)

/**
 * Connecting the accounts replies go through, by an administrator with a session: a Zalo OA by OAuth (the URL to
 * open; Zalo sends the browser back to `/connect/zalo/callback`, outside the API) or a Facebook page by its token.
 */
const connectGroup = HttpApiGroup.make("connect")
  .add(
    HttpApiEndpoint.post("authorizeZalo", "/channels/zalo/authorize").addSuccess(
      Schema.Struct({ authorizationUrl: Schema.String, redirectUri: Schema.String })
    )
  )
  .add(
    HttpApiEndpoint.put("connectPage", "/channels/:id/token")
      .setPath(Schema.Struct({ id: Schema.String }))
      .setPayload(Schema.Struct({ token: Schema.Redacted(Schema.String) }))
      .addSuccess(Schema.Struct({ id: Schema.String, credentials: Schema.Literal("active") }))
  )
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
              overdue: Schema.optional(Schema.BooleanFromString),
              unit: Schema.optional(Unit.UnitId),
              channel: Schema.optional(Schema.NonEmptyTrimmedString),
              category: Schema.optional(Category.CategoryId),
              ...PeriodParams,
              limit: Schema.optional(Int),
              cursor: Schema.optional(Schema.String)
            })
          )
          .addSuccess(
            Schema.Struct({
              tips: Schema.Array(TipView),
              // Every match, given with the overdue filter only: a page without it is read from an index and
              // never counts (see docs/performance.md).
              total: Schema.optional(Schema.Number),
              limit: Schema.Number,
              nextCursor: Schema.optional(Schema.String)
            })
          )
      )
      .add(HttpApiEndpoint.get("get", "/tips/:id").setPath(TipPath).addSuccess(TipView))
      .add(
        HttpApiEndpoint.get("history", "/tips/:id/history").setPath(TipPath).addSuccess(Schema.Array(TipEvent.TipEvent))
      )
      .add(
        HttpApiEndpoint.get("deadlines", "/tips/:id/deadlines").setPath(TipPath).addSuccess(Schema.Array(DeadlineView))
      )
      .add(
        HttpApiEndpoint.get("evidence", "/tips/:id/evidence").setPath(TipPath).addSuccess(Schema.Array(EvidenceView))
      )
      .add(
        HttpApiEndpoint.get("evidenceFile", "/tips/:id/evidence/:item")
          .setPath(Schema.Struct({ id: Tip.TipId, item: MediaStore.Hash }))
          .addSuccess(HttpApiSchema.Uint8Array({ contentType: "application/octet-stream" }))
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
      .add(
        HttpApiEndpoint.post("reveal", "/tips/:id/reveal")
          .setPath(TipPath)
          .setPayload(Schema.Struct({ expectedVersion: Schema.Int, reason: Schema.String }))
          .addSuccess(Schema.Struct({ identity: IdentityVault.Identity, tip: TipView }))
      )
      .addError(NotFound)
      .addError(Conflict)
      .addError(Unprocessable)
      .addError(Unavailable)
      .middleware(Authentication)
  )
  .add(reportsGroup)
  .add(tokensGroup)
  .add(connectGroup)
  .prefix("/api") {}
