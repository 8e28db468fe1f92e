/**
 * The staff API, implemented over the core's services: login and logout, the session cookie as the request's
 * actor (with its CSRF check), the tips an actor may see and act on, the statistics of the units in its scope (JSON
 * and CSV), the units and the channels. The library's typed errors become the API's (403, 404, 409, 422); storage failures are 503 without their details, and no answer carries a stack.
 */
import {
  HttpApiBuilder,
  HttpApiScalar,
  HttpApp,
  type HttpRouter,
  HttpServerRequest,
  HttpServerResponse
} from "@effect/platform"
import type { SqlClient } from "@effect/sql/SqlClient"
import {
  Access,
  Channel,
  Credentials,
  Intake,
  Lifecycle,
  LocalDate,
  Statistics,
  StatisticsExport,
  type Tip,
  Tips,
  type Unit,
  UnitDirectory,
  UnitHierarchy
} from "@tinbao/core"
import { Context, DateTime, Effect, Layer, Option, ParseResult, type Scope } from "effect"
import * as Accounts from "./accounts.js"
import {
  Authentication,
  Conflict,
  CurrentStaff,
  Forbidden,
  NotFound,
  StaffApi,
  session,
  TooManyAttempts,
  Unauthorized,
  Unavailable,
  Unprocessable
} from "./api.js"
import type { Platform } from "./channels.js"
import * as RateLimit from "./ratelimit.js"
import * as Units from "./units.js"

/** The services the API runs on. */
export type Services =
  | Tips.Tips
  | Intake.Intake
  | UnitDirectory.UnitDirectory
  | Statistics.StatisticsEngine
  | Credentials.Credentials
  | SqlClient

const unavailable = () => new Unavailable({ message: "The storage failed; try again." })

// The core's typed errors, as the API's. Anything else is a storage failure, answered 503 without its details.
const mapError = (error: { readonly _tag: string }) => {
  if (error instanceof Access.AccessDenied) return new Forbidden({ reason: error.reason, message: error.message })
  if (error instanceof Tips.TipNotFound) return new NotFound({ message: error.message })
  if (error instanceof Tips.VersionConflict) {
    return new Conflict({ expected: error.expected, actual: error.actual, message: error.message })
  }
  if (error instanceof Lifecycle.RuleViolation || error instanceof UnitHierarchy.UnitRuleError) {
    return new Unprocessable({ rule: error.rule, message: error.message })
  }
  if (ParseResult.isParseError(error))
    return new Unprocessable({ rule: "schema", message: "The request is malformed." })
  return unavailable()
}

const view = (tip: Tip.Tip) => ({
  id: tip.id,
  version: tip.version,
  code: tip.code,
  registerNumber: tip.registerNumber,
  registerYear: tip.registerYear,
  receivingUnit: tip.receivingUnit,
  unit: tip.unit,
  status: tip.status,
  legalType: tip.legalType,
  category: tip.category,
  channel: tip.channel,
  summary: tip.summary,
  receivedAt: tip.receivedAt,
  lastEventAt: tip.lastEventAt,
  urgent: tip.urgent,
  pendingTransferTo: tip.pendingTransfer?.to,
  evidence: tip.evidence,
  followUps: tip.followUps,
  repliesToReporter: tip.repliesToReporter
})

const stateChanging = (method: string) => method !== "GET" && method !== "HEAD" && method !== "OPTIONS"

/** The session cookie as the request's actor; a state-changing request must carry the session's CSRF token. */
const authentication = Layer.effect(
  Authentication,
  Effect.map(Effect.context<SqlClient>(), (context) =>
    Authentication.of({
      session: (id) =>
        Effect.gen(function* () {
          const found = yield* Accounts.findSession(id).pipe(Effect.provide(context), Effect.mapError(unavailable))
          if (found === undefined) return yield* new Unauthorized({ message: "Log in first (POST /api/login)." })
          const request = yield* HttpServerRequest.HttpServerRequest
          if (
            stateChanging(request.method) &&
            !Accounts.sameSecret(request.headers["x-csrf-token"] ?? "", found.csrf)
          ) {
            return yield* new Forbidden({
              reason: "csrf",
              message: "The x-csrf-token header is missing or not this session's (the login's csrfToken)."
            })
          }
          return { actor: found.actor, session: found.idHash }
        })
    })
  )
)

const retryAfter = (seconds: number) =>
  HttpApp.appendPreResponseHandler((_request, response) =>
    Effect.succeed(HttpServerResponse.setHeader(response, "retry-after", String(seconds)))
  )

const loginGroup = HttpApiBuilder.group(StaffApi, "login", (handlers) =>
  Effect.gen(function* () {
    const context = yield* Effect.context<Services>()
    const limiter = RateLimit.make()
    return handlers.handle("login", ({ payload }) =>
      Effect.gen(function* () {
        const request = yield* HttpServerRequest.HttpServerRequest
        const keys = [`user:${payload.username}`, `address:${Option.getOrElse(request.remoteAddress, () => "?")}`]
        const wait = limiter.wait(keys)
        if (wait > 0) {
          yield* retryAfter(wait)
          return yield* new TooManyAttempts({
            retryAfter: wait,
            message: `Too many failed logins: try again in ${wait} seconds.`
          })
        }
        const username = yield* Accounts.checkPassword(payload.username, payload.password).pipe(
          Effect.mapError(unavailable)
        )
        if (username === undefined) {
          limiter.fail(keys)
          return yield* new Unauthorized({ message: "The user name or the password is wrong." })
        }
        const opened = yield* Accounts.openSession(username).pipe(Effect.mapError(unavailable))
        yield* HttpApiBuilder.securitySetCookie(session, opened.id, {
          httpOnly: true,
          sameSite: "strict",
          path: "/",
          maxAge: `${Accounts.sessionHours} hours`
        })
        return { username, csrfToken: opened.csrf }
      }).pipe(Effect.provide(context))
    )
  })
)

const sessionGroup = HttpApiBuilder.group(StaffApi, "session", (handlers) =>
  Effect.map(Effect.context<Services>(), (context) =>
    handlers
      .handle("logout", () =>
        Effect.gen(function* () {
          const { session } = yield* CurrentStaff
          yield* Accounts.closeSession(session).pipe(Effect.mapError(unavailable))
          yield* HttpApp.appendPreResponseHandler((_request, response) =>
            Effect.orDie(HttpServerResponse.expireCookie(response, Accounts.cookieName, { path: "/" }))
          )
        }).pipe(Effect.provide(context))
      )
      .handle("me", () =>
        Effect.map(CurrentStaff, ({ actor }) => ({ username: actor.id, unit: actor.unit, roles: actor.roles }))
      )
  )
)

const tipsGroup = HttpApiBuilder.group(StaffApi, "tips", (handlers) =>
  Effect.gen(function* () {
    const context = yield* Effect.context<Services>()
    const tips = Context.get(context, Tips.Tips)
    const intake = Context.get(context, Intake.Intake)
    return handlers
      .handle("list", ({ urlParams }) =>
        Effect.gen(function* () {
          const { actor } = yield* CurrentStaff
          const all = yield* tips.list(actor, urlParams.unit === undefined ? {} : { unit: urlParams.unit })
          const matching = all
            .filter((tip) => urlParams.status === undefined || tip.status === urlParams.status)
            .toSorted((a, b) => b.registerYear - a.registerYear || b.registerNumber - a.registerNumber)
          const limit = Math.min(urlParams.limit ?? 50, 200)
          const offset = urlParams.offset ?? 0
          return { tips: matching.slice(offset, offset + limit).map(view), total: matching.length, limit, offset }
        }).pipe(Effect.mapError(mapError))
      )
      .handle("get", ({ path }) =>
        Effect.flatMap(CurrentStaff, ({ actor }) => tips.get(actor, path.id)).pipe(
          Effect.map(view),
          Effect.mapError(mapError)
        )
      )
      .handle("history", ({ path }) =>
        Effect.flatMap(CurrentStaff, ({ actor }) => tips.history(actor, path.id)).pipe(Effect.mapError(mapError))
      )
      .handle("command", ({ path, payload }) =>
        Effect.flatMap(CurrentStaff, ({ actor }) =>
          tips.execute(actor, { tip: path.id, expectedVersion: payload.expectedVersion, command: payload.command })
        ).pipe(Effect.map(view), Effect.mapError(mapError))
      )
      .handle("reply", ({ path, payload }) =>
        Effect.flatMap(CurrentStaff, ({ actor }) =>
          intake.reply(actor, path.id, payload.expectedVersion, payload.text, {
            ...(payload.public === undefined ? {} : { public: payload.public })
          })
        ).pipe(Effect.map(view), Effect.mapError(mapError))
      )
  })
)

// The engine checks the actor: a reader's role, and a unit within the actor's scope (else 403 `scope`).
const statistics = (
  engine: Statistics.StatisticsEngine["Type"],
  params: { readonly unit: Unit.UnitId; readonly from: LocalDate.LocalDate; readonly to: LocalDate.LocalDate } & {
    readonly groupBy?: Statistics.Dimension | undefined
  }
) =>
  Effect.flatMap(CurrentStaff, ({ actor }) =>
    engine.queryAs(actor, {
      root: params.unit,
      period: { _tag: "Range", first: params.from, last: params.to },
      ...(params.groupBy === undefined ? {} : { groupBy: [params.groupBy] })
    })
  ).pipe(
    Effect.mapError((error) => {
      if (error instanceof Access.AccessDenied) return new Forbidden({ reason: error.reason, message: error.message })
      // A query the engine cannot count (a unit that does not hold then, a period not begun) is the caller's to fix.
      if (error.reason === "invalid" || error.reason === "future") {
        return new Unprocessable({ rule: `statistics-${error.reason}`, message: error.message })
      }
      return unavailable()
    })
  )

const platformLabel = (id: Platform["id"]) => ({ ...Channel.builtinPlatforms[id] })

const reportsGroup = (platforms: ReadonlyArray<Platform>) =>
  HttpApiBuilder.group(StaffApi, "reports", (handlers) =>
    Effect.gen(function* () {
      const context = yield* Effect.context<Services>()
      const engine = Context.get(context, Statistics.StatisticsEngine)
      const directory = Context.get(context, UnitDirectory.UnitDirectory)
      const credentials = Context.get(context, Credentials.Credentials)
      return handlers
        .handle("statistics", ({ urlParams }) => statistics(engine, urlParams))
        .handle("statisticsCsv", ({ urlParams }) => Effect.map(statistics(engine, urlParams), StatisticsExport.toCsv))
        .handle("units", ({ urlParams }) =>
          Effect.gen(function* () {
            const hierarchy = yield* directory.hierarchy
            const on = urlParams.on ?? LocalDate.ofInstant(yield* DateTime.now)
            return Units.unitsOf(UnitHierarchy.tree(hierarchy, on)).map((unit) => ({
              id: unit.id,
              name: { vi: unit.name.vi, en: unit.name.en },
              kind: unit.kind,
              parent: unit.parent
            }))
          }).pipe(Effect.mapError(unavailable))
        )
        .handle("channels", () =>
          Effect.gen(function* () {
            // Only OAs and pages hold tokens; a channel without a stored credential has never been connected.
            const status = new Map((yield* credentials.list).map((c) => [c.account, c.status]))
            return platforms.flatMap((platform) =>
              platform.bound.map(({ channel, unit }) => ({
                id: channel,
                platform: { id: platform.id, label: platformLabel(platform.id) },
                unit,
                ...(platform.id === "web" ? {} : { credentials: status.get(channel) ?? ("missing" as const) })
              }))
            )
          }).pipe(Effect.mapError(unavailable))
        )
    })
  )

/** The API's HTTP app, with its OpenAPI document at `/api/openapi.json` and its reference page at `/api/docs`. */
export const app = (
  services: Context.Context<Services>,
  platforms: ReadonlyArray<Platform>
): Effect.Effect<HttpApp.Default<never, HttpRouter.HttpRouter.DefaultServices>, never, Scope.Scope> =>
  Effect.gen(function* () {
    const api = HttpApiBuilder.api(StaffApi).pipe(
      Layer.provide([loginGroup, sessionGroup, tipsGroup, reportsGroup(platforms)]),
      Layer.provide(authentication)
    )
    const live = Layer.mergeAll(
      HttpApiBuilder.middlewareOpenApi({ path: "/api/openapi.json" }),
      HttpApiScalar.layer({ path: "/api/docs" })
    ).pipe(
      Layer.provideMerge(api),
      Layer.provideMerge(HttpApiBuilder.Router.Live),
      Layer.provideMerge(HttpApiBuilder.Middleware.layer),
      Layer.provide(Layer.succeedContext(services))
    )
    const context = yield* Layer.build(live)
    return yield* Effect.provide(HttpApiBuilder.httpApp, context)
  })
