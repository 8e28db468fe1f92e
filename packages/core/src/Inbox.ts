/**
 * The durable inbox of raw deliveries. A webhook stores what a platform sent, byte for byte, before it answers,
 * so that nothing a platform delivered is lost when processing fails or the process stops; a worker claims the
 * stored deliveries and processes them, and a delivery that cannot be processed becomes a dead letter, kept to
 * inspect and replay.
 *
 * Raw bodies hold reporters' identities (and the headers a platform signs with): keep the inbox's retention
 * short and `purge` what is done.
 *
 * @since 0.1.0
 */
import { type Effect, Layer } from "effect"
import { Inbox, type InboxError } from "./internal/messaging/inbox.js"
import * as internal from "./internal/messaging/inboxEncoded.js"
import { makeMemoryEncoded as memory } from "./internal/messaging/inboxMemory.js"

export { Delivery, Entry, Inbox, InboxError, InboxId, Status } from "./internal/messaging/inbox.js"

/**
 * A delivery as a storage adapter keeps it: the body in base64, times in epoch milliseconds, `null` for absent
 * values.
 *
 * @since 0.1.0
 * @category models
 */
export interface Row {
  readonly id: string
  readonly channel: string
  readonly method: string
  readonly url: string
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
  readonly receivedAt: number
  readonly status: string
  readonly attempts: number
  readonly nextAttemptAt: number
  readonly leaseUntil: number | null
  readonly deadReason: string | null
  readonly lastError: string | null
}

/**
 * The columns a change writes. The store clears `leaseUntil` with every change.
 *
 * @since 0.1.0
 * @category models
 */
export interface Change {
  readonly status: string
  readonly nextAttemptAt?: number
  readonly deadReason?: string | null
  readonly lastError?: string | null
}

/**
 * What a storage adapter implements. Each method is atomic on its own.
 *
 * @since 0.1.0
 * @category models
 */
export interface Encoded {
  readonly insert: (row: Row) => Effect.Effect<void, InboxError>
  readonly get: (id: string) => Effect.Effect<Row | undefined, InboxError>
  /**
   * Takes up to `limit` due rows (`pending` with `nextAttemptAt <= now`, or `processing` with `leaseUntil <= now`),
   * earliest `nextAttemptAt` first, sets them to `processing` with `attempts + 1` and `leaseUntil`, and returns them.
   */
  readonly claim: (now: number, limit: number, leaseUntil: number) => Effect.Effect<ReadonlyArray<Row>, InboxError>
  /** Applies the change if the row's status is one of `from`; returns the updated row, or `undefined`. */
  readonly update: (
    id: string,
    from: ReadonlyArray<string>,
    change: Change
  ) => Effect.Effect<Row | undefined, InboxError>
  /** The rows with a status, by `receivedAt`. */
  readonly list: (status: string) => Effect.Effect<ReadonlyArray<Row>, InboxError>
  /** Deletes the rows with a status received before a time; returns how many. */
  readonly purge: (status: string, before: number) => Effect.Effect<number, InboxError>
}

/**
 * Builds the full inbox from an adapter's {@link Encoded} implementation.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeEncoded: (encoded: Encoded) => Inbox["Type"] = internal.makeEncoded

/**
 * An in-memory {@link Encoded} store.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeMemoryEncoded: () => Encoded = memory

/**
 * The inbox in memory.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerMemory: Layer.Layer<Inbox> = Layer.sync(Inbox, () => makeEncoded(memory()))
