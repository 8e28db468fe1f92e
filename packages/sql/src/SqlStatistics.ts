/**
 * The statistics engine over `@effect/sql`: queries are aggregates in SQL over a projection that the tip store
 * writes in the same transaction as the events, so a query never loads tips into memory, and its report is the
 * in-memory engine's (`Statistics.compute`) to the last field.
 *
 * The projection keeps, per tip and per version, the facts `StatisticsPlan.tipFacts` derives: unit ids, instants,
 * statuses, and each deadline's due and met instants (computed at append time by `Deadline.of`, with the calendar
 * and policy of {@link Basis}). Whatever depends on the query is done at query time: the state in force when the
 * figures are taken (the period's end, or now while it runs) is picked by its validity interval, pending or missed is
 * read then from the stored instants,
 * and the unit hierarchy (places of units as of `asOf`, the receiving unit's kind for the transfer deadline) comes
 * from `StatisticsPlan.plan`, as a small table joined in SQL. See `docs/statistics.md`.
 *
 * @since 0.1.0
 * @module
 */
import { SqlClient } from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import type { Category } from "@tinbao/core"
import { Calendar, Deadline, Statistics, StatisticsPlan, UnitDirectory } from "@tinbao/core"
import { Context, Effect, Either, Layer, type ParseResult } from "effect"
import * as DateTime from "effect/DateTime"
import { aggregates } from "./internal/statisticsQuery.js"
import { type Basis as BasisShape, ensureBasis } from "./internal/statisticsRows.js"

/**
 * The calendar and deadline policy the projection's due instants are computed with: the tip store writes with it
 * and the engine plans with it, so both must see the same one (provide {@link layerBasis} to the whole storage
 * layer). The law's policy and the Vietnam calendar without government swaps by default. When it changes, the
 * engine rebuilds the projection from the event log as it starts.
 *
 * @since 0.1.0
 * @category tags
 */
export class Basis extends Context.Reference<Basis>()("@tinbao/sql/SqlStatistics/Basis", {
  defaultValue: (): BasisShape => ({ calendar: Calendar.vietnam, policy: Deadline.defaultPolicy })
}) {}

/**
 * The basis from the application's holiday calendar and a deadline policy (the law's by default).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerBasis = (
  options: { readonly policy?: Deadline.Policy } = {}
): Layer.Layer<Basis, never, Calendar.HolidayCalendar> =>
  Layer.effect(
    Basis,
    Effect.map(Calendar.HolidayCalendar, (calendar) => ({
      calendar,
      policy: options.policy ?? Deadline.defaultPolicy
    }))
  )

/**
 * Options of the engine: the taxonomy that labels categories (the standard one by default) and the platforms the
 * deployment adds, which label their channel rows (as `Statistics.Options`' `platforms`). The calendar and the
 * policy are the {@link Basis}.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  readonly taxonomy?: ReadonlyMap<Category.CategoryId, Category.Category>
  /** @since 0.2.0 */
  readonly platforms?: Statistics.Options["platforms"]
}

const unavailable = (what: string) => (cause: SqlError | ParseResult.ParseError) =>
  new Statistics.StatisticsError({
    reason: cause._tag === "ParseError" ? "corrupt" : "unavailable",
    message: `${what}: ${cause.message}`,
    cause
  })

/**
 * Builds the projection anew from `tip_events` with the {@link Basis} in context, in one transaction. The engine
 * does it by itself when the basis changed; this is for operators who want it done at a time of their choosing.
 *
 * @since 0.1.0
 * @category constructors
 */
export const rebuild: Effect.Effect<void, Statistics.StatisticsError, SqlClient> = Effect.gen(function* () {
  const sql = yield* SqlClient
  const basis = yield* Basis
  const now = yield* DateTime.now
  yield* ensureBasis(sql, basis, DateTime.toEpochMillis(now), true)
}).pipe(Effect.mapError(unavailable("The statistics projection could not be rebuilt")))

/**
 * The engine over the `SqlClient` in context; run the migrations first. Starting it checks that the projection was
 * built with the {@link Basis} in context, and rebuilds it from the event log if not (the first start after
 * migration 3, or a changed calendar or policy).
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  options: Options = {}
): Effect.Effect<
  Statistics.StatisticsEngine["Type"],
  Statistics.StatisticsError,
  SqlClient | UnitDirectory.UnitDirectory
> =>
  Effect.gen(function* () {
    const sql = yield* SqlClient
    const directory = yield* UnitDirectory.UnitDirectory
    const basis = yield* Basis
    const now = yield* DateTime.now
    yield* ensureBasis(sql, basis, DateTime.toEpochMillis(now), false).pipe(
      Effect.mapError(unavailable("The statistics projection could not be checked"))
    )
    const planOptions = {
      calendar: basis.calendar,
      policy: basis.policy,
      ...(options.taxonomy !== undefined ? { taxonomy: options.taxonomy } : {}),
      ...(options.platforms !== undefined ? { platforms: options.platforms } : {})
    }

    const query = (q: Statistics.Query) =>
      Effect.gen(function* () {
        const hierarchy = yield* directory.hierarchy.pipe(
          Effect.mapError(
            (cause) =>
              new Statistics.StatisticsError({
                reason: cause.reason === "corrupt" ? "corrupt" : "unavailable",
                message: `The unit directory could not be read: ${cause.message}`,
                cause
              })
          )
        )
        // The figures of a period still running are taken now, as the in-memory engine takes them.
        const now = yield* DateTime.now
        const plan = yield* Either.match(StatisticsPlan.plan(hierarchy, q, { ...planOptions, now }), {
          onLeft: Effect.fail,
          onRight: Effect.succeed
        })
        const counted = yield* aggregates(sql, plan).pipe(
          Effect.mapError(unavailable("The statistics could not be counted in the database"))
        )
        return yield* Either.match(plan.finish(counted), { onLeft: Effect.fail, onRight: Effect.succeed })
      })

    return yield* Statistics.fromQuery(query)
  })

/**
 * The engine as a layer. To merge into the storage layer, with the same {@link Basis} as the tip store.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  options: Options = {}
): Layer.Layer<Statistics.StatisticsEngine, Statistics.StatisticsError, SqlClient | UnitDirectory.UnitDirectory> =>
  Layer.effect(Statistics.StatisticsEngine, make(options))
