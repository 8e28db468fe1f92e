/**
 * The tip event store: append with expected version, read a tip, list tips by unit and time, and
 * stream all events in order. The event log is the truth; tip states are folds of it.
 *
 * Adapters implement the small {@link Encoded} interface over JSON values; {@link makeEncoded} does the
 * Schema coding, the folding and the bookkeeping, so a storage adapter stays a thin layer.
 *
 * @since 0.1.0
 */
import type { Effect } from "effect"
import type * as DateTime from "effect/DateTime"
import type { TipStore, TipStoreError } from "./internal/tips/tipStore.js"
import * as internal from "./internal/tips/tipStore.js"
import type { Tip, TipId } from "./Tip.js"
import type { TipEvent } from "./TipEvent.js"
import type { UnitId } from "./Unit.js"

export { layerMemory, TipStore, TipStoreError } from "./internal/tips/tipStore.js"

/**
 * Events to append to one tip, at the version the writer last saw (0 for a new tip).
 *
 * @since 0.1.0
 * @category models
 */
export interface Append {
  readonly tip: TipId
  readonly expectedVersion: number
  readonly events: ReadonlyArray<TipEvent>
}

/**
 * An event with its place in the log: `position` orders all events of all tips, `version` the events of one tip.
 *
 * @since 0.1.0
 * @category models
 */
export interface StoredEvent {
  readonly position: number
  readonly tip: TipId
  readonly version: number
  readonly event: TipEvent
}

/**
 * Which tips to list: those held now by one of `units` (all units when absent), received in
 * `[receivedFrom, receivedBefore)`, and open or closed when `open` is given.
 *
 * @since 0.1.0
 * @category models
 */
export interface Query {
  readonly units?: ReadonlyArray<UnitId>
  readonly receivedFrom?: DateTime.Utc
  readonly receivedBefore?: DateTime.Utc
  readonly open?: boolean
}

/**
 * The index a backend keeps for each tip so that it can answer {@link Query}s without decoding events.
 *
 * @since 0.1.0
 * @category models
 */
export interface IndexRow {
  readonly unit: string
  readonly receivedAt: number
  readonly open: boolean
}

/**
 * What a storage adapter implements: JSON values in, JSON values out, and version checks.
 *
 * @since 0.1.0
 * @category models
 */
export interface Encoded {
  /**
   * Atomically checks every `expectedVersion`, appends the events and updates the index rows; fails with `conflict`
   * otherwise. `log` (the tip's whole log after the append, decoded) and `state` (its fold) are there for projections
   * an adapter keeps in the same transaction, such as statistics; an adapter that keeps none ignores them.
   */
  readonly append: (
    batch: ReadonlyArray<{
      readonly tip: string
      readonly expectedVersion: number
      readonly events: ReadonlyArray<unknown>
      readonly index: IndexRow
      readonly log: ReadonlyArray<TipEvent>
      readonly state: Tip
    }>
  ) => Effect.Effect<void, TipStoreError>
  /** The tip's encoded events in version order. */
  readonly read: (tip: string) => Effect.Effect<ReadonlyArray<unknown>, TipStoreError>
  /** The ids of the tips whose index rows match, oldest receipt first. */
  readonly query: (query: {
    readonly units?: ReadonlyArray<string>
    readonly receivedFrom?: number
    readonly receivedBefore?: number
    readonly open?: boolean
  }) => Effect.Effect<ReadonlyArray<string>, TipStoreError>
  /** Up to `limit` events after a position, in log order. */
  readonly page: (
    after: number,
    limit: number
  ) => Effect.Effect<
    ReadonlyArray<{
      readonly position: number
      readonly tip: string
      readonly version: number
      readonly event: unknown
    }>,
    TipStoreError
  >
}

/**
 * Builds the full store from an adapter's {@link Encoded} implementation.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeEncoded: (encoded: Encoded) => TipStore["Type"] = internal.makeEncoded

/**
 * An in-memory {@link Encoded} store. Good for tests and small deployments that keep their log elsewhere.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeMemoryEncoded: () => Encoded = internal.makeMemoryEncoded
