/**
 * The staff API, implemented over the core's services: login and logout, and the tips an actor may see and act on
 * (their deadlines, evidence files and the custodian's reveal). Reports, units, bindings and tokens are in
 * `staffReports.ts`; authentication and the errors' mapping in `staffAccess.ts`. Storage failures are 503 without
 * their details, and no answer carries a stack.
 */
import {
  HttpApiBuilder,
  HttpApiScalar,
  HttpApp,
  type HttpRouter,
  HttpServerRequest,
  HttpServerResponse
} from "@effect/platform"
import { Calendar, Deadline, Intake, type Tip, TipStore, Tips, UnitDirectory } from "@tinbao/core"
import { Context, DateTime, Effect, Layer, Option, Redacted, type Scope } from "effect"
import * as Accounts from "./accounts.js"
import { CurrentStaff, NotFound, StaffApi, session, TooManyAttempts, Unauthorized } from "./api.js"
import type { Platform } from "./channels.js"
import type * as Connect from "./connect.js"
import * as RateLimit from "./ratelimit.js"
import { actorWith, authentication, mapError, type Services, sessionOnly, unavailable } from "./staffAccess.js"
import { connectGroup } from "./staffConnect.js"
import * as Reports from "./staffReports.js"
import * as TipQuery from "./tipQuery.js"

export type { Services } from "./staffAccess.js"

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

const deadlineView = (deadline: Deadline.Deadline) => ({
  kind: deadline.kind,
  label: { ...Deadline.kindLabels[deadline.kind] },
  dueAt: deadline.dueAt,
  status: deadline.status,
  closedAt: deadline.closedAt
})

// The platform's link is left out: the file's hash names it, and the link may carry the platform's signed access.
const evidenceView = (file: Tip.EvidenceFile) => ({
  status: file.status,
  declaredAs: file.declaredAs,
  attachedAt: file.attachedAt,
  ...(file.status === "pending" ? {} : { recordedAt: file.recordedAt }),
  ...(file.status === "stored"
    ? {
        item: {
          hash: file.item.hash,
          size: file.item.size,
          mediaType: file.item.mediaType,
          storedAt: file.item.storedAt
        }
      }
    : {}),
  ...(file.status === "not_retrieved" ? { reason: file.reason, message: file.message } : {})
})

// An identity or an evidence file is kept by no cache on the way (a proxy's, the browser's).
const privateAnswer = HttpApp.appendPreResponseHandler((_request, response) =>
  Effect.succeed(HttpServerResponse.setHeader(response, "cache-control", "no-store"))
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
        const wait = yield* limiter.wait(keys).pipe(Effect.mapError(unavailable))
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
          yield* limiter.fail(keys).pipe(Effect.mapError(unavailable))
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
          const { idHash } = yield* sessionOnly
          yield* Accounts.closeSession(idHash).pipe(Effect.mapError(unavailable))
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
    const directory = Context.get(context, UnitDirectory.UnitDirectory)
    const calendar = Context.get(context, Calendar.HolidayCalendar)
    return handlers
      .handle("list", ({ urlParams }) =>
        Effect.gen(function* () {
          const actor = yield* actorWith("tips:read")
          const period = yield* TipQuery.periodOf(urlParams)
          const limit = Math.min(Math.max(urlParams.limit ?? 50, 1), 200)
          const scope = {
            ...(urlParams.unit === undefined ? {} : { unit: urlParams.unit }),
            ...(period === undefined ? {} : TipQuery.receivedIn(period))
          }
          if (urlParams.overdue === undefined) {
            // The store filters, orders and pages: a page costs the same with 10,000 tips as with 1,000,000. Counting
            // every match would not, so this answer has no `total`.
            const after = yield* TipQuery.afterCursor(urlParams.cursor)
            const found = yield* tips.page(actor, {
              ...scope,
              ...(urlParams.status === undefined ? {} : { status: [urlParams.status] }),
              ...(urlParams.channel === undefined ? {} : { channel: urlParams.channel }),
              ...(urlParams.category === undefined ? {} : { category: urlParams.category }),
              ...(after === undefined ? {} : { after }),
              limit
            })
            return {
              tips: found.tips.map(view),
              limit,
              ...(found.next === undefined ? {} : { nextCursor: TipQuery.cursorOf(found.next) })
            }
          }
          // Whether a tip is overdue needs its deadlines, worked out here for every tip of the scope.
          const all = yield* tips.list(actor, scope)
          const overdue = TipQuery.overdueContext(yield* DateTime.now, calendar, yield* directory.hierarchy)
          const matching = all.filter(
            (tip) =>
              (urlParams.status === undefined || tip.status === urlParams.status) &&
              (urlParams.channel === undefined || TipStore.onChannel(tip, urlParams.channel)) &&
              (urlParams.category === undefined || tip.category === urlParams.category) &&
              overdue(tip) === urlParams.overdue
          )
          const shown = yield* TipQuery.page(matching, limit, urlParams.cursor)
          return {
            tips: shown.tips.map(view),
            total: matching.length,
            limit,
            ...(shown.nextCursor === undefined ? {} : { nextCursor: shown.nextCursor })
          }
        }).pipe(Effect.mapError(mapError))
      )
      .handle("get", ({ path }) =>
        Effect.flatMap(actorWith("tips:read"), (actor) => tips.get(actor, path.id)).pipe(
          Effect.map(view),
          Effect.mapError(mapError)
        )
      )
      .handle("history", ({ path }) =>
        Effect.flatMap(actorWith("tips:read"), (actor) => tips.history(actor, path.id)).pipe(Effect.mapError(mapError))
      )
      .handle("deadlines", ({ path }) =>
        Effect.flatMap(actorWith("tips:read"), (actor) => tips.deadlines(actor, path.id)).pipe(
          Effect.map((deadlines) => deadlines.map(deadlineView)),
          Effect.mapError(mapError)
        )
      )
      .handle("evidence", ({ path }) =>
        Effect.flatMap(actorWith("tips:read"), (actor) => tips.evidence(actor, path.id)).pipe(
          Effect.map((files) => files.map(evidenceView)),
          Effect.mapError(mapError)
        )
      )
      .handle("evidenceFile", ({ path }) =>
        Effect.gen(function* () {
          const actor = yield* actorWith("tips:read")
          const found = yield* Tips.readEvidence(actor, path.id, path.item)
          if (found === undefined) {
            return yield* new NotFound({ message: `Tip ${path.id} has no stored evidence file ${path.item}.` })
          }
          return HttpServerResponse.uint8Array(found.bytes, {
            contentType: found.item.mediaType,
            headers: { "cache-control": "no-store", "x-content-type-options": "nosniff" }
          })
        }).pipe(Effect.provide(context), Effect.mapError(mapError))
      )
      .handle("command", ({ path, payload }) =>
        Effect.flatMap(actorWith("tips:write"), (actor) =>
          tips.execute(actor, { tip: path.id, expectedVersion: payload.expectedVersion, command: payload.command })
        ).pipe(Effect.map(view), Effect.mapError(mapError))
      )
      .handle("reply", ({ path, payload }) =>
        Effect.flatMap(actorWith("tips:write"), (actor) =>
          intake.reply(actor, path.id, payload.expectedVersion, payload.text, {
            ...(payload.public === undefined ? {} : { public: payload.public })
          })
        ).pipe(Effect.map(view), Effect.mapError(mapError))
      )
      .handle("reveal", ({ path, payload }) =>
        Effect.gen(function* () {
          const actor = yield* actorWith("identity:reveal")
          // The core checks the custodian's role and scope, and records the reveal on the tip before it answers.
          const identity = yield* tips.revealIdentity(actor, path.id, payload.expectedVersion, payload.reason)
          const tip = yield* tips.get(actor, path.id)
          yield* privateAnswer
          return { identity: Redacted.value(identity), tip: view(tip) }
        }).pipe(Effect.mapError(mapError))
      )
  })
)

/** The API's HTTP app, with its OpenAPI document at `/api/openapi.json` and its reference page at `/api/docs`. */
export const app = (
  services: Context.Context<Services>,
  platforms: ReadonlyArray<Platform>,
  connector: Connect.Connector
): Effect.Effect<HttpApp.Default<never, HttpRouter.HttpRouter.DefaultServices>, never, Scope.Scope> =>
  Effect.gen(function* () {
    const api = HttpApiBuilder.api(StaffApi).pipe(
      Layer.provide([
        loginGroup,
        sessionGroup,
        tipsGroup,
        Reports.reportsGroup(platforms),
        Reports.tokensGroup,
        connectGroup(connector)
      ]),
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
