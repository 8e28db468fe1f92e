/**
 * The durable outbox. Every message tinbao sends (an acknowledgement with the tip code, an officer's reply) is
 * first written here under an idempotency key, in the same breath as the event that caused it; the
 * {@link Dispatcher} sends it later, retrying as long as the platform allows. A message is therefore never
 * lost when a platform is down, and never written twice when the same event is handled twice.
 *
 * The recipient is kept as the reporter's alias, never as a platform id: the dispatcher reveals the identity
 * from the vault at the moment it sends, so the outbox table never holds an identity. For the same reason a
 * direct conversation is stored under that alias too.
 *
 * Adapters implement the small {@link Encoded} interface over flat rows; {@link makeEncoded} validates input,
 * does the Schema coding and enforces the lease rules, so a storage adapter stays a thin layer.
 *
 * @since 0.1.0
 * @module
 */
import type { Effect } from "effect"
import type { Entry, Outbox, OutboxError } from "./internal/messaging/outbox.js"
import * as internal from "./internal/messaging/outboxEncoded.js"
import { makeMemoryEncoded as memory } from "./internal/messaging/outboxMemory.js"

export {
  Entry,
  ErrorReason,
  Key,
  LastError,
  Message,
  Outbox,
  OutboxError,
  Status
} from "./internal/messaging/outbox.js"
export { layerMemory } from "./internal/messaging/outboxMemory.js"

/**
 * What `enqueue` did: `created` is false when an entry with the same key was already there; `entry` is then
 * the first one, unchanged.
 *
 * @since 0.1.0
 * @category models
 */
export interface Enqueued {
  readonly entry: Entry
  readonly created: boolean
}

/**
 * An entry as a storage adapter keeps it: flat columns, times in epoch milliseconds, `null` for absent values.
 * `public` is new in 0.2.0: a store that kept rows before holds them as `false`.
 *
 * @since 0.1.0
 * @category models
 */
export interface Row {
  readonly key: string
  readonly channel: string
  readonly conversationKind: string
  readonly conversationId: string
  readonly recipient: string | null
  readonly text: string
  readonly replyTo: string | null
  readonly humanAgent: boolean
  readonly public: boolean
  readonly tip: string | null
  readonly createdAt: number
  readonly attempts: number
  readonly nextAttemptAt: number
  readonly leaseUntil: number | null
  readonly status: string
  readonly platformMessageId: string | null
  readonly errorReason: string | null
  readonly errorMessage: string | null
}

/**
 * What settling a claim writes. The store also clears `leaseUntil`; `nextAttemptAt` changes only when given.
 *
 * @since 0.1.0
 * @category models
 */
export interface Settlement {
  readonly status: "pending" | "sent" | "failed"
  readonly nextAttemptAt?: number
  readonly platformMessageId: string | null
  readonly errorReason: string | null
  readonly errorMessage: string | null
}

/**
 * What a storage adapter implements. Each method is atomic on its own.
 *
 * @since 0.1.0
 * @category models
 */
export interface Encoded {
  /**
   * Inserts the row unless its key exists; returns the row stored under the key and whether it is the new one
   * (then the row given, as given).
   */
  readonly insert: (row: Row) => Effect.Effect<{ readonly row: Row; readonly inserted: boolean }, OutboxError>
  readonly get: (key: string) => Effect.Effect<Row | undefined, OutboxError>
  /**
   * Takes up to `limit` due rows (`pending` with `nextAttemptAt <= now`, or `sending` with `leaseUntil <= now`),
   * earliest `nextAttemptAt` first, sets them to `sending` with `attempts + 1` and `leaseUntil`, and returns them
   * as updated. In SQL: one `UPDATE … WHERE key IN (SELECT … FOR UPDATE SKIP LOCKED) RETURNING *`.
   */
  readonly claim: (now: number, limit: number, leaseUntil: number) => Effect.Effect<ReadonlyArray<Row>, OutboxError>
  /** Writes the settlement if the row is `sending` at `attempt`; returns the updated row, or `undefined` when it is not. */
  readonly settle: (key: string, attempt: number, settlement: Settlement) => Effect.Effect<Row | undefined, OutboxError>
  /** The rows, all or with one status, by `createdAt`. */
  readonly list: (status?: string) => Effect.Effect<ReadonlyArray<Row>, OutboxError>
}

/**
 * Builds the full outbox from an adapter's {@link Encoded} implementation.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeEncoded: (encoded: Encoded) => Outbox["Type"] = internal.makeEncoded

/**
 * An in-memory {@link Encoded} store.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeMemoryEncoded: () => Encoded = memory
