/**
 * The staff API's reports and administration: the statistics of a unit in the actor's scope over a period (JSON and
 * CSV), the units and each unit's history, the channels with their health, the bindings (listed to readers, changed
 * by administrators within their scope), and the API tokens of the logged-in user.
 */
import { HttpApiBuilder } from "@effect/platform"
import {
  Access,
  type Actor,
  Binding,
  Channel,
  Credentials,
  Inbox,
  LocalDate,
  Statistics,
  StatisticsExport,
  type Unit,
  UnitDirectory,
  UnitHierarchy
} from "@tinbao/core"
import { Context, DateTime, Effect, Option, Redacted, Schema } from "effect"
import { Forbidden, NotFound, type PeriodParams, StaffApi, Unprocessable } from "./api.js"
import type { Platform } from "./channels.js"
import { actorWith, mapReadError, type Services, sessionOnly, unavailable } from "./staffAccess.js"
import * as TipQuery from "./tipQuery.js"
import * as Tokens from "./tokens.js"
import * as Units from "./units.js"

// The engine checks the actor: a reader's role, and a unit within the actor's scope (else 403 `scope`).
const statistics = (
  engine: Statistics.StatisticsEngine["Type"],
  params: PeriodParams & { readonly unit: Unit.UnitId; readonly groupBy?: Statistics.Dimension | undefined }
) =>
  Effect.gen(function* () {
    const actor = yield* actorWith("reports:read")
    const period = yield* TipQuery.periodOf(params)
    if (period === undefined) {
      return yield* new Unprocessable({
        rule: "period",
        message: "Give a period: from and to, month, year, policeMonth or policeYear."
      })
    }
    return yield* engine.queryAs(actor, {
      root: params.unit,
      period,
      ...(params.groupBy === undefined ? {} : { groupBy: [params.groupBy] })
    })
  }).pipe(
    Effect.mapError((error) => {
      // A query the engine cannot count (a unit that does not hold then, a period not begun) is the caller's to fix.
      if (error instanceof Statistics.StatisticsError && (error.reason === "invalid" || error.reason === "future")) {
        return new Unprocessable({ rule: `statistics-${error.reason}`, message: error.message })
      }
      return mapReadError(error)
    })
  )

const platformLabel = (id: Platform["id"]) => ({ ...Channel.builtinPlatforms[id] })

// A Meta app's pages share its one webhook: their deliveries, and so their dead letters, are stored under it.
const webhookOf = (platform: Platform, channel: string) =>
  platform.webhooks.includes(channel) ? channel : (platform.webhooks[0] ?? channel)

const isInboxId = Schema.is(Inbox.InboxId)

// Never the body, the headers or the URL: they may name the reporter.
const deadLetterView = (entry: Inbox.Entry) => ({
  id: entry.id,
  webhook: entry.channel,
  receivedAt: entry.receivedAt,
  attempts: entry.attempts,
  ...(entry.deadReason === undefined ? {} : { deadReason: entry.deadReason }),
  ...(entry.lastError === undefined ? {} : { lastError: entry.lastError })
})

// A dead letter replayed or deleted meanwhile (by another administrator, or the worker) is the caller's to see.
const deadLetterError = (error: { readonly _tag: string }) =>
  error instanceof Inbox.InboxError && error.reason === "not_found"
    ? new NotFound({ message: error.message })
    : error instanceof Inbox.InboxError && error.reason === "conflict"
      ? new Unprocessable({ rule: "dead_letter", message: error.message })
      : mapReadError(error)

const bindingView = (binding: Binding.Binding) => ({
  channel: binding.channel,
  conversation: binding.conversation,
  unit: binding.unit
})

/** The reports group, over the channels the server configured. */
export const reportsGroup = (platforms: ReadonlyArray<Platform>) =>
  HttpApiBuilder.group(StaffApi, "reports", (handlers) =>
    Effect.gen(function* () {
      const context = yield* Effect.context<Services>()
      const engine = Context.get(context, Statistics.StatisticsEngine)
      const directory = Context.get(context, UnitDirectory.UnitDirectory)
      const credentials = Context.get(context, Credentials.Credentials)
      const inbox = Context.get(context, Inbox.Inbox)
      const bindings = Context.get(context, Binding.Bindings)
      const channels = new Set(platforms.flatMap((p) => p.bound.map((b) => b.channel)))
      // Each webhook, and the units of the channels whose deliveries arrive on it.
      const served = new Map<string, Array<Unit.UnitId>>()
      for (const platform of platforms) {
        for (const { channel, unit } of platform.bound) {
          const webhook = webhookOf(platform, channel)
          served.set(webhook, [...(served.get(webhook) ?? []), unit])
        }
      }
      const webhookOfChannel = new Map(
        platforms.flatMap((p) => p.bound.map((b) => [b.channel, webhookOf(p, b.channel)]))
      )

      /**
       * Who may see and handle a webhook's dead letters: one of `roles` whose scope covers a unit bound to a channel
       * on it. A webhook that is not a channel's own (a Meta app's, which its pages share) takes an administrator:
       * its dead letters may be any of its pages', other wards' included.
       */
      const watching = (webhook: string, roles: ReadonlyArray<Actor.Role>, actor: Actor.Actor, doing: string) =>
        Effect.gen(function* () {
          const units = served.get(webhook) ?? []
          const own = webhookOfChannel.get(webhook) === webhook
          const denied = Access.requireRole(actor, own ? roles : ["administrator"], doing)
          if (denied) return yield* denied
          const hierarchy = yield* directory.hierarchy
          const today = LocalDate.ofInstant(yield* DateTime.now)
          if (!units.some((unit) => UnitHierarchy.isWithin(hierarchy, unit, actor.unit, today))) {
            return yield* Access.outOfScope(actor, `The webhook ${webhook}`)
          }
        })

      // A dead letter an administrator may handle: its webhook within their scope.
      const administeredDeadLetter = (id: string, doing: string) =>
        Effect.gen(function* () {
          const actor = yield* actorWith("bindings:write")
          const denied = Access.requireRole(actor, ["administrator"], doing)
          if (denied) return yield* denied
          const entry = isInboxId(id) ? yield* inbox.get(id) : undefined
          if (entry === undefined || entry.status !== "dead") {
            return yield* new NotFound({ message: `No dead letter ${id} (GET /api/channels/{id}/dead-letters).` })
          }
          yield* watching(entry.channel, ["administrator"], actor, doing)
          return entry.id
        })

      // An administrator binds within their scope only: the unit given, and the unit a binding replaced or removed.
      const administering = (doing: string) =>
        Effect.gen(function* () {
          const actor = yield* actorWith("bindings:write")
          const denied = Access.requireRole(actor, ["administrator"], doing)
          if (denied) return yield* denied
          const hierarchy = yield* directory.hierarchy
          const today = LocalDate.ofInstant(yield* DateTime.now)
          const inScope = (unit: Unit.UnitId, what: string) =>
            UnitHierarchy.isWithin(hierarchy, unit, actor.unit, today)
              ? Effect.void
              : Effect.fail(Access.outOfScope(actor, what))
          const holding = (unit: Unit.UnitId) => Option.isSome(UnitHierarchy.get(hierarchy, unit, today))
          return { inScope, holding }
        })
      const existing = (channel: string, conversation: string | undefined) =>
        Effect.map(bindings.list, (all) => all.find((b) => b.channel === channel && b.conversation === conversation))

      return handlers
        .handle("statistics", ({ urlParams }) => statistics(engine, urlParams))
        .handle("statisticsCsv", ({ urlParams }) => Effect.map(statistics(engine, urlParams), StatisticsExport.toCsv))
        .handle("units", ({ urlParams }) =>
          Effect.gen(function* () {
            yield* actorWith("reports:read")
            const hierarchy = yield* directory.hierarchy
            const on = urlParams.on ?? LocalDate.ofInstant(yield* DateTime.now)
            return Units.unitsOf(UnitHierarchy.tree(hierarchy, on)).map((unit) => ({
              id: unit.id,
              name: { vi: unit.name.vi, en: unit.name.en },
              kind: unit.kind,
              parent: unit.parent
            }))
          }).pipe(Effect.mapError(mapReadError))
        )
        .handle("unitHistory", ({ path }) =>
          Effect.gen(function* () {
            yield* actorWith("reports:read")
            const hierarchy = yield* directory.hierarchy
            if (UnitHierarchy.versions(hierarchy, path.id).length === 0) {
              return yield* new NotFound({ message: `No unit ${path.id} in the directory.` })
            }
            // The core's lineage: the changes that acted on the unit, made it a successor, or moved it.
            return UnitHierarchy.lineage(hierarchy, path.id)
          }).pipe(Effect.mapError(mapReadError))
        )
        .handle("channels", () =>
          Effect.gen(function* () {
            yield* actorWith("reports:read")
            // Only OAs and pages hold tokens; a channel without a stored credential has never been connected.
            const status = new Map((yield* credentials.list).map((c) => [c.account, c.status]))
            const dead = new Map<string, number>()
            for (const entry of yield* inbox.deadLetters()) dead.set(entry.channel, (dead.get(entry.channel) ?? 0) + 1)
            const last = new Map((yield* inbox.lastReceived()).map((l) => [l.channel, l.receivedAt]))
            return platforms.flatMap((platform) =>
              platform.bound.map(({ channel, unit }) => {
                // Counted on the webhook, not per page: a Meta app's pages share one.
                const webhook = webhookOf(platform, channel)
                const lastDeliveryAt = last.get(webhook)
                return {
                  id: channel,
                  platform: { id: platform.id, label: platformLabel(platform.id) },
                  unit,
                  ...(platform.credentials ? { credentials: status.get(channel) ?? ("missing" as const) } : {}),
                  webhook,
                  deadLetters: dead.get(webhook) ?? 0,
                  ...(lastDeliveryAt === undefined ? {} : { lastDeliveryAt })
                }
              })
            )
          }).pipe(Effect.mapError(mapReadError))
        )
        .handle("deadLetters", ({ path }) =>
          Effect.gen(function* () {
            const actor = yield* actorWith("reports:read")
            // A channel's dead letters are its webhook's; a webhook may be named itself (`facebook`).
            const webhook = webhookOfChannel.get(path.id) ?? (served.has(path.id) ? path.id : undefined)
            if (webhook === undefined) {
              return yield* new NotFound({ message: `No channel ${path.id} is configured (GET /api/channels).` })
            }
            yield* watching(webhook, ["administrator", "leader"], actor, "Reading dead letters")
            return (yield* inbox.deadLetters()).filter((entry) => entry.channel === webhook).map(deadLetterView)
          }).pipe(Effect.mapError(mapReadError))
        )
        .handle("replayDeadLetter", ({ path }) =>
          Effect.gen(function* () {
            const id = yield* administeredDeadLetter(path.id, "Replaying a dead letter")
            // Pending again, due now: the webhook worker processes it as if it had just arrived.
            yield* inbox.replay(id)
          }).pipe(Effect.mapError(deadLetterError))
        )
        .handle("deleteDeadLetter", ({ path }) =>
          Effect.gen(function* () {
            const id = yield* administeredDeadLetter(path.id, "Deleting a dead letter")
            yield* inbox.deleteDeadLetter(id)
          }).pipe(Effect.mapError(deadLetterError))
        )
        .handle("bindings", () =>
          Effect.gen(function* () {
            yield* actorWith("reports:read")
            return (yield* bindings.list).map(bindingView)
          }).pipe(Effect.mapError(mapReadError))
        )
        .handle("bind", ({ payload }) =>
          Effect.gen(function* () {
            const { inScope, holding } = yield* administering("Binding a channel")
            if (!channels.has(payload.channel)) {
              return yield* new Unprocessable({
                rule: "channel",
                message: `No channel ${payload.channel} is configured on this server (GET /api/channels).`
              })
            }
            if (!holding(payload.unit)) {
              return yield* new Unprocessable({
                rule: "unit_not_holding",
                message: `Unit ${payload.unit} does not hold today (GET /api/units).`
              })
            }
            yield* inScope(payload.unit, `Unit ${payload.unit}`)
            const replaced = yield* existing(payload.channel, payload.conversation)
            if (replaced !== undefined) yield* inScope(replaced.unit, `The binding of ${payload.channel}`)
            const binding = Binding.Binding.make(payload)
            yield* bindings.bind(binding)
            return bindingView(binding)
          }).pipe(Effect.mapError(mapReadError))
        )
        .handle("unbind", ({ urlParams }) =>
          Effect.gen(function* () {
            const { inScope } = yield* administering("Unbinding a channel")
            const found = yield* existing(urlParams.channel, urlParams.conversation)
            if (found === undefined) {
              return yield* new NotFound({ message: `No binding of ${urlParams.channel} to remove.` })
            }
            yield* inScope(found.unit, `The binding of ${urlParams.channel}`)
            yield* bindings.unbind(urlParams.channel, urlParams.conversation)
          }).pipe(Effect.mapError(mapReadError))
        )
    })
  )

const tokenView = (token: Tokens.TokenInfo) => ({
  id: token.id,
  name: token.name,
  scopes: token.scopes,
  createdAt: token.createdAt,
  expiresAt: token.expiresAt,
  lastUsedAt: token.lastUsedAt,
  revoked: token.revoked
})

const tokenError = (error: Tokens.TokenError | { readonly _tag: string }) =>
  error instanceof Tokens.TokenError
    ? error.reason === "not_found"
      ? new NotFound({ message: error.message })
      : new Unprocessable({ rule: "token", message: error.message })
    : error instanceof Forbidden
      ? error
      : unavailable()

/** The API tokens of the logged-in user: made, listed and revoked with a session only. */
export const tokensGroup = HttpApiBuilder.group(StaffApi, "tokens", (handlers) =>
  Effect.map(Effect.context<Services>(), (context) =>
    handlers
      .handle("create", ({ payload }) =>
        Effect.gen(function* () {
          const { actor } = yield* sessionOnly
          const made = yield* Tokens.createToken({
            username: actor.id,
            name: payload.name,
            scopes: payload.scopes,
            days: payload.expiresInDays
          })
          return { ...tokenView(made.token), secret: Redacted.value(made.secret) }
        }).pipe(Effect.provide(context), Effect.mapError(tokenError))
      )
      .handle("list", () =>
        Effect.gen(function* () {
          const { actor } = yield* sessionOnly
          return (yield* Tokens.listTokens(actor.id)).map(tokenView)
        }).pipe(Effect.provide(context), Effect.mapError(tokenError))
      )
      .handle("revoke", ({ path }) =>
        Effect.gen(function* () {
          const { actor } = yield* sessionOnly
          yield* Tokens.revokeToken(path.id, actor.id)
        }).pipe(Effect.provide(context), Effect.mapError(tokenError))
      )
  )
)
