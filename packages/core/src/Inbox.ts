/**
 * The durable inbox of raw deliveries. A webhook stores what a platform sent, byte for byte, before it answers,
 * so that nothing a platform delivered is lost when processing fails or the process stops; a worker claims the
 * stored deliveries and processes them, and a delivery that cannot be processed becomes a dead letter, kept to
 * inspect and replay.
 *
 * Raw bodies hold reporters' identities (and the headers a platform signs with): a storage adapter keeps them
 * encrypted at rest (`@tinbao/sql` does), and {@link runRetention} purges processed deliveries after 7 days and
 * dead letters after 90 (docs/webhooks.md, "Retention").
 *
 * @since 0.1.0
 * @module
 */
import { type Duration, type Effect, Layer, type Scope } from "effect"
import { Inbox, type InboxError } from "./internal/messaging/inbox.js"
import * as internal from "./internal/messaging/inboxEncoded.js"
import { makeMemoryEncoded as memory } from "./internal/messaging/inboxMemory.js"
import * as retention from "./internal/messaging/inboxRetention.js"

export {
  Delivery,
  Entry,
  Inbox,
  InboxError,
  InboxId,
  type LastReceived,
  Status
} from "./internal/messaging/inbox.js"

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
  /** Set on replay (to 0), so that a replayed delivery gets its attempts anew. */
  readonly attempts?: number
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
  /**
   * Applies the change if the row's status is one of `from`; returns whether it did. Not the row: a change must
   * go through on a row that cannot be read back (a dead letter sealed with a retired key can be replayed).
   */
  readonly update: (id: string, from: ReadonlyArray<string>, change: Change) => Effect.Effect<boolean, InboxError>
  /** The rows with a status, by `receivedAt`. */
  readonly list: (status: string) => Effect.Effect<ReadonlyArray<Row>, InboxError>
  /** Deletes the rows with a status received before a time; returns how many. */
  readonly purge: (status: string, before: number) => Effect.Effect<number, InboxError>
  /** Deletes the row if its status is one of `from`; returns whether it did. */
  readonly remove: (id: string, from: ReadonlyArray<string>) => Effect.Effect<boolean, InboxError>
  /**
   * Each channel's latest `receivedAt` over the rows of any status, one row a channel, by channel; reads neither
   * bodies nor headers (`@tinbao/sql` keeps them sealed).
   *
   * @since 0.2.0
   */
  readonly lastReceived: () => Effect.Effect<
    ReadonlyArray<{ readonly channel: string; readonly receivedAt: number }>,
    InboxError
  >
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

/**
 * How long the inbox keeps what it is done with, counted from when a delivery arrived: processed (`done`)
 * deliveries `keepDone` (default 7 days), dead letters `keepDeadLetters` (default 90 days, time to look at them and
 * replay them). `pollMillis` is the pause of {@link runRetention} between rounds (default 1 hour).
 *
 * @since 0.2.0
 * @category models
 */
export interface RetentionOptions {
  readonly keepDone?: Duration.DurationInput
  readonly keepDeadLetters?: Duration.DurationInput
  readonly pollMillis?: number
}

/**
 * What a retention round deleted.
 *
 * @since 0.2.0
 * @category models
 */
export interface Purged {
  readonly done: number
  readonly dead: number
}

/**
 * The default retention: processed deliveries 7 days, dead letters 90 days, a round every hour.
 *
 * @since 0.2.0
 * @category constants
 */
export const defaultRetention: Required<RetentionOptions> = retention.defaults

/**
 * One retention round: deletes the processed deliveries and the dead letters older than they may be kept. Fails
 * with reason `invalid` when an option is out of range (a retention of zero or less, a poll that is not a
 * positive whole number of milliseconds).
 *
 * @since 0.2.0
 * @category combinators
 */
export const purgeExpired: (options?: RetentionOptions) => Effect.Effect<Purged, InboxError, Inbox> =
  retention.purgeExpired

/**
 * Runs retention rounds in a background fiber for as long as the scope lives, one every `pollMillis`. A failed
 * round is logged and the next one follows. Run it wherever the inbox lives (the server does), once per database
 * or more: rounds are idempotent.
 *
 * @since 0.2.0
 * @category combinators
 */
export const runRetention: (options?: RetentionOptions) => Effect.Effect<void, InboxError, Inbox | Scope.Scope> =
  retention.runRetention
