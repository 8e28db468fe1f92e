/**
 * `GET /api/events`: server-sent events that tell a staff page a tip it may read was created or changed, so that the
 * tips list shows new tips without a reload. Authenticated as the API is (the session cookie, or a bearer token with
 * `tips:read`); each event carries the tip's id, code, unit, status and version, never a reporter.
 *
 * One poller per process reads the core's event log (`TipStore.stream`) after the last position it saw, once a
 * second, and hands each batch to the open connections. Reading the log, not listening to this process's intake,
 * is what makes it right with several instances on one PostgreSQL database: a tip taken in by another instance, or
 * changed through another instance's API, is in the same log. Each connection then asks `Tips.get` with its own
 * actor, so the core's scope decides what it is told.
 */
import { type HttpApp, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { SqlClient } from "@effect/sql/SqlClient"
import { Access, type Actor, type Tip, TipStore, Tips } from "@tinbao/core"
import { Cause, Chunk, Context, Deferred, Effect, Either, PubSub, Redacted, Schedule, Stream } from "effect"
import * as Accounts from "./accounts.js"
import { CurrentStaff, Unauthorized } from "./api.js"
import { actorWith, type Services, unavailable } from "./staffAccess.js"
import * as Tokens from "./tokens.js"

/** The path of the stream. */
export const path = "/api/events"

/** How often the log is read, a connection's credential checked again, and a heartbeat comment sent. */
const pollEvery = "1 second"
const recheckEvery = "5 seconds"
const heartbeatEvery = "15 seconds"

/** What a connection is told of a tip: `created` when the batch holds its first event, else `changed`. */
export interface TipChange {
  readonly change: "created" | "changed"
  readonly id: Tip.TipId
  readonly code: string
  readonly unit: string
  readonly status: Tip.Status
  readonly version: number
}

/** The process's notifier: the batches of tips whose logs grew, and the signal that the server is closing. */
export interface Notifier {
  readonly batches: PubSub.PubSub<ReadonlyMap<Tip.TipId, "created" | "changed">>
  readonly closing: Deferred.Deferred<void>
  /** Ends every open stream, so that the HTTP server's close does not wait for them. */
  readonly close: Effect.Effect<void>
}

// The log's last position now: a new connection is told of what happens from here on, not of the whole log. The
// `tip_events` table is @tinbao/sql's log (its `position` is what `TipStore.stream` pages by).
const head = Effect.flatMap(SqlClient, (sql) =>
  Effect.map(sql<{ readonly head: number | string | null }>`SELECT MAX(position) AS head FROM tip_events`, ([row]) =>
    Number(row?.head ?? 0)
  )
)

/**
 * Starts the poller for as long as the scope lives. A storage failure is logged and the next round tries again
 * from the same position, so nothing is skipped.
 */
export const make = (services: Context.Context<SqlClient | TipStore.TipStore>) =>
  Effect.gen(function* () {
    // A connection that falls more than 64 batches behind (a stalled client) loses the oldest, not the process its
    // memory.
    const batches = yield* PubSub.sliding<ReadonlyMap<Tip.TipId, "created" | "changed">>(64)
    const closing = yield* Deferred.make<void>()
    const store = Context.get(services, TipStore.TipStore)
    // Unknown until the log's head is read (a failure there is tried again next round, never read from 0).
    let position: number | undefined
    const round = Effect.gen(function* () {
      if (position === undefined) {
        position = yield* Effect.provide(head, services)
        return
      }
      const events = yield* Stream.runCollect(store.stream(position))
      if (events.length === 0) return
      const changed = new Map<Tip.TipId, "created" | "changed">()
      for (const stored of events) {
        if (stored.version === 1) changed.set(stored.tip, "created")
        else if (!changed.has(stored.tip)) changed.set(stored.tip, "changed")
        position = Math.max(position ?? 0, stored.position)
      }
      yield* PubSub.publish(batches, changed)
    }).pipe(
      Effect.catchAllCause((cause) =>
        Effect.logWarning("staff events: reading the tip log failed", Cause.pretty(cause))
      )
    )
    yield* round
    yield* Effect.forkScoped(Effect.repeat(round, Schedule.spaced(pollEvery)))
    return { batches, closing, close: Deferred.succeed(closing, undefined) } satisfies Notifier
  })

const encoder = new TextEncoder()
const frame = (event: string, data: unknown) => encoder.encode(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`)

/**
 * The staff API's app with the stream in front: `GET /api/events` is answered here (it is no JSON endpoint of the
 * declared API), anything else by `api`.
 */
export const withEvents = <E, R>(
  api: HttpApp.HttpApp<HttpServerResponse.HttpServerResponse, E, R>,
  notifier: Notifier,
  services: Context.Context<Services>
): HttpApp.HttpApp<HttpServerResponse.HttpServerResponse, E, R | HttpServerRequest.HttpServerRequest> => {
  const events = handler(notifier, services)
  return Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) =>
    request.method === "GET" && request.url.split("?")[0] === path ? events : api
  )
}

// The request's staff as the API's authentication finds them (a bearer token first, else the session cookie, as
// `staffAccess.ts` does; a GET needs no CSRF token), or `undefined` when neither authenticates now.
const authenticate = (request: HttpServerRequest.HttpServerRequest) => {
  const header = request.headers.authorization ?? ""
  return header.toLowerCase().startsWith("bearer ")
    ? Effect.map(
        Tokens.findToken(Redacted.make(header.slice(7).trim())),
        (found): Staff | undefined =>
          found && { actor: found.actor, credential: { _tag: "Token", id: found.id, scopes: found.scopes } }
      )
    : Effect.map(
        Accounts.findSession(Redacted.make(request.cookies[Accounts.cookieName] ?? "")),
        (found): Staff | undefined =>
          found && { actor: found.actor, credential: { _tag: "Session", idHash: found.idHash } }
      )
}
type Staff = Context.Tag.Service<typeof CurrentStaff>

const handler = (notifier: Notifier, services: Context.Context<Services>) => {
  const tips = Context.get(services, Tips.Tips)
  const tell = (actor: Actor.Actor, changed: ReadonlyMap<Tip.TipId, "created" | "changed">) =>
    Effect.forEach(changed, ([id, change]) =>
      tips.get(actor, id).pipe(
        Effect.map((tip) => [
          frame("tip", {
            change,
            id: tip.id,
            code: tip.code,
            unit: tip.unit,
            status: tip.status,
            version: tip.version
          } satisfies TipChange)
        ]),
        // A tip outside the actor's scope is not told of; any other failure ends the stream (the browser's
        // EventSource connects again).
        Effect.catchIf(
          (error) => error instanceof Tips.TipNotFound || error instanceof Access.AccessDenied,
          () => Effect.succeed([])
        )
      )
    ).pipe(Effect.map((frames) => frames.flat()))
  return Effect.gen(function* () {
    const request = yield* HttpServerRequest.HttpServerRequest
    const staff = yield* Effect.provide(authenticate(request), services)
    if (staff === undefined) return unauthorized
    const actor = yield* Effect.either(Effect.provideService(actorWith("tips:read"), CurrentStaff, staff))
    if (Either.isLeft(actor)) return HttpServerResponse.unsafeJson(actor.left, { status: 403 })
    // The credential is checked again every few seconds: a logout, an expired session or a revoked token ends
    // the stream.
    // A storage failure there ends the stream too: the browser connects again, and is authenticated again.
    const again = Effect.orElseSucceed(Effect.provide(authenticate(request), services), () => undefined)
    const gone = Effect.repeat(again, {
      schedule: Schedule.spaced(recheckEvery),
      until: (again) => again === undefined
    })
    const heartbeat = Stream.fromSchedule(Schedule.spaced(heartbeatEvery)).pipe(
      Stream.map(() => encoder.encode(": heartbeat\n\n"))
    )
    const body = Stream.fromPubSub(notifier.batches).pipe(
      Stream.mapEffect((changed) => tell(actor.right, changed)),
      Stream.flattenIterables,
      Stream.merge(heartbeat),
      Stream.prepend(Chunk.of(encoder.encode(": connected\n\n"))),
      Stream.interruptWhen(Effect.race(gone, Deferred.await(notifier.closing)))
    )
    return HttpServerResponse.stream(body, {
      contentType: "text/event-stream",
      headers: { "cache-control": "no-store", "x-accel-buffering": "no" }
    })
  }).pipe(
    Effect.catchTag("SqlError", () => Effect.succeed(HttpServerResponse.unsafeJson(unavailable(), { status: 503 })))
  )
}

const unauthorized = HttpServerResponse.unsafeJson(
  new Unauthorized({
    message: "Log in first (POST /api/login), or send an API token (Authorization: Bearer)."
  }),
  { status: 401 }
)
