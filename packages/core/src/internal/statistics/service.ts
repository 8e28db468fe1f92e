import { Effect, Layer, Option, ParseResult, Schema, Stream } from "effect"
import * as DateTime from "effect/DateTime"
import type { Options, Query } from "../../Statistics.js"
import * as Access from "../access/access.js"
import type { Actor } from "../access/actor.js"
import { HolidayCalendar } from "../calendar/calendar.js"
import * as LocalDate from "../calendar/localDate.js"
import * as Category from "../lifecycle/category.js"
import * as Deadline from "../lifecycle/policy.js"
import { TipStore, type TipStoreError } from "../tips/tipStore.js"
import { UnitDirectory, type UnitDirectoryError } from "../units/directory.js"
import * as UnitHierarchy from "../units/hierarchy.js"
import { StatisticsEngine, StatisticsError } from "./engine.js"
import { makeAccumulator } from "./fold.js"
import { channelNames } from "./labels.js"
import { Query as QuerySchema } from "./schema.js"

/** @internal */
export const invalidQuery = (error: ParseResult.ParseError) =>
  new StatisticsError({
    reason: "invalid",
    message: `Invalid statistics query: ${ParseResult.TreeFormatter.formatErrorSync(error)}`,
    cause: error
  })

const readers = ["officer", "leader", "viewer", "administrator"] as const

const fromStorage = (what: string) => (error: TipStoreError | UnitDirectoryError) =>
  new StatisticsError({
    reason: error.reason === "corrupt" ? "corrupt" : "unavailable",
    message: `The ${what} could not be read: ${error.message}`,
    cause: error
  })

// The computation throws only its own errors; anything else is a bug and stays a defect.
const attempt = <A>(f: () => A): Effect.Effect<A, StatisticsError> =>
  Effect.suspend(() => {
    try {
      return Effect.succeed(f())
    } catch (error) {
      return error instanceof StatisticsError ? Effect.fail(error) : Effect.die(error)
    }
  })

// Traced as `tinbao.statistics.query` (docs/tracing.md): what was asked, from a query of the expected shape only (it
// has not been validated yet).
const isQuery = Schema.is(QuerySchema)
const traced = (q: Query) =>
  Effect.withSpan("tinbao.statistics.query", {
    attributes: isQuery(q)
      ? {
          "tinbao.unit.id": q.root,
          "tinbao.statistics.period": q.period._tag,
          "tinbao.statistics.group_by": (q.groupBy ?? []).join(",")
        }
      : {}
  })

/** @internal */
export const fromQuery = (query: StatisticsEngine["Type"]["query"]) =>
  Effect.map(UnitDirectory, (directory) => {
    const queryAs = (given: Actor, q: Query) =>
      Effect.gen(function* () {
        const actor = yield* Access.decodeActor(given)
        const denied = Access.requireRole(actor, readers, "Reading statistics")
        if (denied) return yield* denied
        const hierarchy = yield* Effect.mapError(directory.hierarchy, fromStorage("unit directory"))
        const today = LocalDate.ofInstant(yield* DateTime.now)
        // An old root is judged by the unit that answers for it today: its history belongs to that unit's scope.
        const answering = UnitHierarchy.answeringUnit(hierarchy, q.root, today)
        if (Option.isNone(answering) || !UnitHierarchy.isWithin(hierarchy, answering.value, actor.unit, today)) {
          return yield* Access.outOfScope(actor, `Unit ${q.root}`)
        }
        return yield* query(q)
      }).pipe(traced(q))
    return StatisticsEngine.of({ query: (q) => traced(q)(query(q)), queryAs })
  })

/** @internal */
export const make = (options: Options = {}) =>
  Effect.gen(function* () {
    const store = yield* TipStore
    const directory = yield* UnitDirectory
    const calendar = yield* HolidayCalendar
    const policy = options.policy ?? Deadline.defaultPolicy
    const taxonomy = options.taxonomy ?? Category.taxonomy()
    const validate = Schema.validate(QuerySchema)

    const query = (unchecked: Query) =>
      Effect.gen(function* () {
        const valid = yield* Effect.mapError(validate(unchecked), invalidQuery)
        const hierarchy = yield* Effect.mapError(directory.hierarchy, fromStorage("unit directory"))
        const now = DateTime.toEpochMillis(yield* DateTime.now)
        const accumulator = yield* attempt(() =>
          makeAccumulator({
            hierarchy,
            calendar,
            policy,
            taxonomy,
            channels: channelNames(options.platforms),
            query: valid,
            now
          })
        )
        yield* store.stream().pipe(
          Stream.runForEachChunk((chunk) =>
            attempt(() => {
              for (const event of chunk) accumulator.push(event)
            })
          ),
          Effect.catchTag("TipStoreError", (error) => Effect.fail(fromStorage("tip store")(error)))
        )
        return yield* attempt(accumulator.finish)
      })

    return yield* fromQuery(query)
  })

/** @internal */
export const layerMemory = (options?: Options) => Layer.effect(StatisticsEngine, make(options))
