import type { Option } from "effect"
import { Context, Duration, Effect, Either, Layer, Ref, Schema } from "effect"
import type { LocalDate } from "../calendar/localDate.js"
import * as UnitHierarchy from "./hierarchy.js"
import type { ChangeBasis, ListedUnit, UnitListError } from "./reconcile.js"
import { changesTo } from "./reconcile.js"
import type { UnitId } from "./unit.js"
import { UnitChange } from "./unitChange.js"

/**
 * The directory's storage failed: `unavailable` (could not be reached), `corrupt` (what is stored does not
 * build a valid hierarchy), `conflict` (another writer recorded changes first; try again).
 *
 * @since 0.1.0
 * @category errors
 */
export class UnitDirectoryError extends Schema.TaggedError<UnitDirectoryError>("@tinbao/core/UnitDirectoryError")(
  "UnitDirectoryError",
  {
    reason: Schema.Literal("unavailable", "corrupt", "conflict"),
    message: Schema.String,
    cause: Schema.optional(Schema.Defect)
  }
) {}

/**
 * The directory of units.
 *
 * @since 0.1.0
 * @category tags
 */
export class UnitDirectory extends Context.Tag("@tinbao/core/UnitDirectory")<
  UnitDirectory,
  {
    /** Checks a batch of changes against the hierarchy and stores all of it, or none of it. */
    readonly record: (
      changes: ReadonlyArray<UnitChange>
    ) => Effect.Effect<void, UnitDirectoryError | UnitHierarchy.UnitRuleError>
    /**
     * Records the changes of a log (e.g. an app's file of unit changes, read at every start) that the directory does
     * not hold yet, and returns them: the whole log the first time, nothing when it holds them all, only the changes
     * appended to the log since. Fails with `UnitLogError` when what the directory holds does not begin the log.
     */
    readonly recordMissing: (
      log: ReadonlyArray<UnitChange>
    ) => Effect.Effect<ReadonlyArray<UnitChange>, UnitDirectoryError | UnitHierarchy.UnitRuleError | UnitLogError>
    /**
     * Brings the directory to a list of units (e.g. an app's units file, read at every start) and returns the
     * changes it recorded: none when the directory already matches, only the differences after the list changed.
     * See `UnitHierarchy.changesTo`. Another writer's records meanwhile are read again, not reported as conflicts.
     */
    readonly reconcile: (
      units: ReadonlyArray<ListedUnit>,
      basis: ChangeBasis
    ) => Effect.Effect<ReadonlyArray<UnitChange>, UnitDirectoryError | UnitHierarchy.UnitRuleError | UnitListError>
    /** The hierarchy the stored changes build, for fast queries. */
    readonly hierarchy: Effect.Effect<UnitHierarchy.UnitHierarchy, UnitDirectoryError>
    /** The stored changes, in the order recorded. */
    readonly changes: Effect.Effect<ReadonlyArray<UnitChange>, UnitDirectoryError>
  }
>() {}

/**
 * The directory holds a change that a log given to `recordMissing` does not have at its `position` (counted from
 * 0): the directory was set up from another log, or a change of the log was edited after it was recorded. The log
 * of units is append-only.
 *
 * @since 0.4.0
 * @category errors
 */
export class UnitLogError extends Schema.TaggedError<UnitLogError>("@tinbao/core/UnitLogError")("UnitLogError", {
  position: Schema.NonNegativeInt,
  message: Schema.String
}) {}

const isConflict = (error: { readonly _tag: string }): boolean =>
  error instanceof UnitDirectoryError && error.reason === "conflict"

const encodeChange = Schema.encodeSync(UnitChange)
const sameChange = (a: UnitChange, b: UnitChange): boolean =>
  JSON.stringify(encodeChange(a)) === JSON.stringify(encodeChange(b))

// The log's changes after those the directory holds, which must be the log's first ones.
const missingFrom = (
  stored: ReadonlyArray<UnitChange>,
  log: ReadonlyArray<UnitChange>
): Either.Either<ReadonlyArray<UnitChange>, UnitLogError> => {
  const shared = Math.min(stored.length, log.length)
  for (let i = 0; i < shared; i++) {
    if (!sameChange(stored[i], log[i])) {
      return Either.left(
        new UnitLogError({
          position: i,
          message: `The directory's unit change ${i + 1} is not the log's: the directory was set up from another log, or the log was edited after it was recorded.`
        })
      )
    }
  }
  return Either.right(log.slice(stored.length))
}

/**
 * What a storage adapter provides: an append-only log of changes. `append` must store the whole batch
 * atomically, and fail with reason `conflict` when the log no longer has `expectedLength` changes.
 *
 * @since 0.1.0
 * @category models
 */
export interface Backend {
  /** Every stored change, in the order appended. */
  readonly load: Effect.Effect<ReadonlyArray<UnitChange>, UnitDirectoryError>
  /**
   * How many changes are stored, cheaply. With it, reading the hierarchy costs one small query while nothing
   * changed (another instance's records are still seen); without it, every read loads the whole log.
   */
  readonly length?: Effect.Effect<number, UnitDirectoryError>
  /** Appends the batch atomically, if the log still holds `expectedLength` changes. */
  readonly append: (
    expectedLength: number,
    changes: ReadonlyArray<UnitChange>
  ) => Effect.Effect<void, UnitDirectoryError>
}

/**
 * Options of {@link make}. `recheck`: how long a hierarchy checked against the backend's `length` is served
 * without asking again (default 1 second). Records made through this directory are seen at once; another
 * instance's records on the same storage within `recheck`. Intake reads the hierarchy for every tip, so on a
 * database this saves a query (a round trip) per read; `0` asks every time.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  readonly recheck?: Duration.DurationInput
}

/**
 * The directory over a storage backend. Records from this service are serialised, so only another writer
 * on the same storage can cause a `conflict`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (backend: Backend, options: Options = {}): Effect.Effect<UnitDirectory["Type"]> =>
  Effect.gen(function* () {
    const cache = yield* Ref.make({ length: 0, hierarchy: UnitHierarchy.empty })
    const lock = yield* Effect.makeSemaphore(1)
    const recheck = Duration.toMillis(options.recheck ?? "1 second")
    // When the cache was last found current: on the process's own monotonic clock, not the Effect clock, which
    // tests stop (a stopped clock would never ask again).
    let checkedAt = Number.NEGATIVE_INFINITY

    // The log only grows, so the cached hierarchy needs just the changes recorded since it was built.
    const build = (stored: ReadonlyArray<UnitChange>) =>
      Effect.flatMap(Ref.get(cache), (cached) => {
        if (cached.length === stored.length) return Effect.succeed(cached.hierarchy)
        const [base, from] =
          cached.length < stored.length ? [cached.hierarchy, cached.length] : [UnitHierarchy.empty, 0]
        return UnitHierarchy.applyAll(base, stored.slice(from)).pipe(
          Effect.mapError(
            (cause) =>
              new UnitDirectoryError({
                reason: "corrupt",
                message: `The stored unit changes do not build a valid hierarchy: ${cause.message}`,
                cause
              })
          ),
          Effect.tap((hierarchy) => Ref.set(cache, { length: stored.length, hierarchy }))
        )
      })

    // With a cheap `length`, the log is loaded only when it grew; and asked at most once per `recheck`.
    const checked = (length: Effect.Effect<number, UnitDirectoryError>) =>
      Effect.flatMap(Effect.zip(length, Ref.get(cache)), ([stored, cached]) =>
        stored === cached.length ? Effect.succeed(cached.hierarchy) : Effect.flatMap(backend.load, build)
      ).pipe(
        Effect.tap(() => {
          checkedAt = performance.now()
        })
      )
    const { length } = backend
    const hierarchy =
      length === undefined
        ? Effect.flatMap(backend.load, build)
        : Effect.suspend(() =>
            performance.now() - checkedAt < recheck
              ? Effect.map(Ref.get(cache), (cached) => cached.hierarchy)
              : checked(length)
          )

    // Checks the changes against the stored log's hierarchy and appends them; `plan` computes them from the two.
    const recordAgainst = <E>(
      plan: (
        current: UnitHierarchy.UnitHierarchy,
        stored: ReadonlyArray<UnitChange>
      ) => Either.Either<ReadonlyArray<UnitChange>, E>
    ) =>
      Effect.gen(function* () {
        const stored = yield* backend.load
        const current = yield* build(stored)
        const changes = yield* plan(current, stored)
        if (changes.length === 0) return changes
        const next = yield* UnitHierarchy.applyAll(current, changes)
        yield* backend.append(stored.length, changes)
        yield* Ref.set(cache, { length: stored.length + changes.length, hierarchy: next })
        return changes
      }).pipe(lock.withPermits(1))

    const record = (changes: ReadonlyArray<UnitChange>) =>
      changes.length === 0 ? Effect.void : Effect.asVoid(recordAgainst(() => Either.right(changes)))

    const reconcile = (units: ReadonlyArray<ListedUnit>, basis: ChangeBasis) =>
      recordAgainst((current) => changesTo(current, units, basis)).pipe(Effect.retry({ times: 5, while: isConflict }))

    const recordMissing = (log: ReadonlyArray<UnitChange>) =>
      recordAgainst((_, stored) => missingFrom(stored, log)).pipe(Effect.retry({ times: 5, while: isConflict }))

    return UnitDirectory.of({ record, recordMissing, reconcile, hierarchy, changes: backend.load })
  })

/**
 * A backend that keeps the log in memory.
 *
 * @since 0.1.0
 * @category constructors
 */
export const memoryBackend: Effect.Effect<Backend> = Effect.map(
  Ref.make<ReadonlyArray<UnitChange>>([]),
  (log): Backend => ({
    load: Ref.get(log),
    length: Effect.map(Ref.get(log), (changes) => changes.length),
    append: (expectedLength, changes) =>
      Effect.flatten(
        Ref.modify(log, (current): readonly [Effect.Effect<void, UnitDirectoryError>, ReadonlyArray<UnitChange>] =>
          current.length === expectedLength
            ? [Effect.void, [...current, ...changes]]
            : [
                new UnitDirectoryError({
                  reason: "conflict",
                  message: `Expected ${expectedLength} recorded unit changes but found ${current.length}; try again.`
                }),
                current
              ]
        )
      )
  })
)

/**
 * The directory in memory, empty.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeMemory: Effect.Effect<UnitDirectory["Type"]> = Effect.flatMap(memoryBackend, make)

/**
 * The directory in memory, empty: a `Ref` holds the changes and another the hierarchy they build.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerMemory: Layer.Layer<UnitDirectory> = Layer.effect(UnitDirectory, makeMemory)

/**
 * The unit and every unit under it on a date, from the directory's current hierarchy.
 *
 * @since 0.1.0
 * @category accessors
 */
export const subtreeOf = (
  id: UnitId,
  date: LocalDate
): Effect.Effect<ReadonlyArray<UnitId>, UnitDirectoryError, UnitDirectory> =>
  Effect.flatMap(UnitDirectory, (d) => Effect.map(d.hierarchy, (h) => UnitHierarchy.subtree(h, id, date)))

/**
 * The unit that answers on a date for a unit's tips, from the directory's current hierarchy.
 *
 * @since 0.1.0
 * @category accessors
 */
export const answeringUnitOf = (
  id: UnitId,
  date: LocalDate
): Effect.Effect<Option.Option<UnitId>, UnitDirectoryError, UnitDirectory> =>
  Effect.flatMap(UnitDirectory, (d) => Effect.map(d.hierarchy, (h) => UnitHierarchy.answeringUnit(h, id, date)))

/**
 * Brings the directory in context to a list of units; see `UnitDirectory.reconcile` on the service.
 *
 * @since 0.4.0
 * @category accessors
 */
export const reconcile = (
  units: ReadonlyArray<ListedUnit>,
  basis: ChangeBasis
): Effect.Effect<
  ReadonlyArray<UnitChange>,
  UnitDirectoryError | UnitHierarchy.UnitRuleError | UnitListError,
  UnitDirectory
> => Effect.flatMap(UnitDirectory, (d) => d.reconcile(units, basis))
