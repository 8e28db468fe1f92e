/**
 * The tip event store: append with expected version, read a tip, list tips by unit and time, and
 * stream all events in order. The event log is the truth; tip states are folds of it.
 *
 * Adapters implement the small {@link Encoded} interface over JSON values; {@link makeEncoded} does the
 * Schema coding, the folding and the bookkeeping, so a storage adapter stays a thin layer.
 *
 * @since 0.1.0
 * @module
 */
import type { Effect } from "effect"
import type * as DateTime from "effect/DateTime"
import type { CategoryId } from "./Category.js"
import type { TipStore, TipStoreError } from "./internal/tips/tipStore.js"
import * as internal from "./internal/tips/tipStore.js"
import type { Status, Tip, TipId } from "./Tip.js"
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
 * Where a page of tips ends: the last tip's register year and number and its id. Pages run newest first, by
 * register year, then register number, then id, all descending (numbers are per unit, so two units can share one).
 *
 * @since 0.3.0
 * @category models
 */
export interface PageKey {
  readonly registerYear: number
  readonly registerNumber: number
  readonly id: TipId
}

/**
 * One page of the tips that match a {@link Query} and the filters below, newest first (see {@link PageKey}):
 * `status` one of these statuses, `channel` an exact channel id (`zalo-oa:123`) or a platform by the id's prefix
 * (`zalo` matches `zalo-oa:…` and the kind `zalo`, see {@link onChannel}), `category` exactly this category; the
 * tips strictly after `after`, at most `limit` (a positive integer).
 *
 * @since 0.3.0
 * @category models
 */
export interface PageQuery extends Query {
  readonly status?: ReadonlyArray<Status>
  readonly channel?: string
  readonly category?: CategoryId
  readonly after?: PageKey
  readonly limit: number
}

/**
 * A page of tips, with the key to ask for the next one when there may be more.
 *
 * @since 0.3.0
 * @category models
 */
export interface Page {
  readonly tips: ReadonlyArray<Tip>
  readonly next?: PageKey
}

/**
 * The index a backend keeps for each tip so that it can answer {@link Query}s and {@link PageQuery}s without
 * decoding events: the tip's current unit, status and category, and what never changes (receipt, register entry,
 * channel).
 *
 * @since 0.1.0
 * @category models
 */
export interface IndexRow {
  readonly unit: string
  readonly receivedAt: number
  readonly open: boolean
  /** @since 0.3.0 */
  readonly registerYear: number
  /** @since 0.3.0 */
  readonly registerNumber: number
  /** @since 0.3.0 */
  readonly status: string
  /** @since 0.3.0 */
  readonly channel: string
  /** @since 0.3.0 */
  readonly channelId: string | undefined
  /** @since 0.3.0 */
  readonly category: string
}

/**
 * A {@link PageQuery} as an adapter receives it: times in epoch milliseconds, at most `limit` ids wanted.
 *
 * @since 0.3.0
 * @category models
 */
export interface EncodedPageQuery {
  readonly units?: ReadonlyArray<string>
  readonly receivedFrom?: number
  readonly receivedBefore?: number
  readonly open?: boolean
  readonly status?: ReadonlyArray<string>
  readonly channel?: string
  readonly category?: string
  readonly after?: { readonly registerYear: number; readonly registerNumber: number; readonly tip: string }
  readonly limit: number
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
  /**
   * The ids of up to `limit` tips whose index rows match, newest first by register year, register number and id
   * (all descending), strictly after `after`. A database answers it from an index in that order, so that a page
   * costs about the same however many tips there are.
   */
  readonly queryPage: (query: EncodedPageQuery) => Effect.Effect<ReadonlyArray<string>, TipStoreError>
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
 * Whether an index row's channel answers a page's `channel` filter: the exact channel id, the channel kind, or a
 * platform by the id's prefix before `:` or `-` (`zalo` matches `zalo-oa:123`, `web` matches `web:site`).
 *
 * @since 0.3.0
 * @category predicates
 */
export const onChannel: (
  row: { readonly channel: string; readonly channelId?: string | undefined },
  channel: string
) => boolean = internal.onChannel

/**
 * The index row of a tip's state, as {@link makeEncoded} hands it to an adapter with every append: for an adapter
 * that fills the rows of tips stored before it kept some of these columns.
 *
 * @since 0.3.0
 * @category getters
 */
export const indexRowOf: (state: Tip) => IndexRow = internal.indexRowOf

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
