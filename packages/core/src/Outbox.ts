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
 */
import { Context, type DateTime, type Effect, Layer, Schema } from "effect"
import * as Channel from "./Channel.js"
import { AliasId } from "./IdentityVault.js"
import { Conversation } from "./InboundMessage.js"
import * as internal from "./internal/outbox.js"
import { makeMemoryEncoded as memory } from "./internal/outboxMemory.js"
import { TipId } from "./Tip.js"

/**
 * Where an entry stands: `pending` (waiting for its next attempt), `sending` (leased by a dispatcher),
 * `sent`, or `failed` (given up: the reason is in `lastError`).
 *
 * @since 0.1.0
 * @category models
 */
export const Status = Schema.Literal("pending", "sending", "sent", "failed")

/**
 * @since 0.1.0
 * @category models
 */
export type Status = typeof Status.Type

/**
 * Why the last attempt did not send: a channel's reason, `no_adapter` (no adapter is configured for the
 * channel) or `identity_unavailable` (the vault could not give the recipient, e.g. the identity was erased).
 *
 * @since 0.1.0
 * @category models
 */
export const ErrorReason = Schema.Literal(...Channel.Reason.literals, "no_adapter", "identity_unavailable")

/**
 * @since 0.1.0
 * @category models
 */
export type ErrorReason = typeof ErrorReason.Type

/**
 * The last failure of an entry. The message names channels, keys and aliases, never an identity.
 *
 * @since 0.1.0
 * @category models
 */
export const LastError = Schema.Struct({ reason: ErrorReason, message: Schema.String }).annotations({
  identifier: "LastError"
})

/**
 * @since 0.1.0
 * @category models
 */
export type LastError = typeof LastError.Type

/**
 * An idempotency key: the same key is enqueued once, whatever happens. Derive it from what caused the message,
 * e.g. `ack:<tip id>`.
 *
 * @since 0.1.0
 * @category models
 */
export const Key = Schema.NonEmptyTrimmedString.pipe(Schema.maxLength(200))

const Text = Schema.NonEmptyString.pipe(Schema.maxLength(20000))

/**
 * A message to enqueue. A `direct` conversation needs `recipient`, the reporter's alias; the outbox keeps the
 * alias in place of the conversation's platform id (the reporter's user id, on Zalo and Facebook), and the
 * dispatcher reveals that id again when it sends.
 *
 * @since 0.1.0
 * @category models
 */
export const Message = Schema.Struct({
  key: Key,
  channel: Schema.NonEmptyTrimmedString,
  conversation: Conversation,
  recipient: Schema.optional(AliasId),
  text: Text,
  replyTo: Schema.optional(Schema.NonEmptyTrimmedString),
  humanAgent: Schema.optional(Schema.Boolean),
  tip: Schema.optional(TipId)
}).annotations({ identifier: "OutboxMessage" })

/**
 * @since 0.1.0
 * @category models
 */
export type Message = typeof Message.Type

/**
 * An outbox entry. `attempts` counts the claims so far; a dispatcher that settles an entry names the attempt
 * it claimed, so a dispatcher whose lease expired cannot overwrite the work of the one that took over.
 *
 * @since 0.1.0
 * @category models
 */
export class Entry extends Schema.Class<Entry>("@tinbao/core/OutboxEntry")({
  key: Key,
  channel: Schema.NonEmptyTrimmedString,
  conversation: Conversation,
  recipient: Schema.optional(AliasId),
  text: Text,
  replyTo: Schema.optional(Schema.NonEmptyTrimmedString),
  humanAgent: Schema.Boolean,
  tip: Schema.optional(TipId),
  createdAt: Schema.DateTimeUtc,
  attempts: Schema.NonNegativeInt,
  nextAttemptAt: Schema.DateTimeUtc,
  leaseUntil: Schema.optional(Schema.DateTimeUtc),
  status: Status,
  platformMessageId: Schema.optional(Schema.NonEmptyTrimmedString),
  lastError: Schema.optional(LastError)
}) {}

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
 * The one error of the outbox. `invalid`: the request is malformed; `not_found`: no entry has the key;
 * `lease_lost`: the entry is no longer leased under the attempt named (its lease expired and another
 * dispatcher took it, or it was settled already); `unavailable`: the backend cannot be reached; `corrupt`:
 * a stored row is not a valid entry.
 *
 * @since 0.1.0
 * @category errors
 */
export class OutboxError extends Schema.TaggedError<OutboxError>("@tinbao/core/OutboxError")("OutboxError", {
  reason: Schema.Literal("invalid", "not_found", "lease_lost", "unavailable", "corrupt"),
  message: Schema.String,
  cause: Schema.optional(Schema.Defect)
}) {}

/**
 * The outbox as users see it. `claim` leases the entries that are due (pending and due, or sending with an
 * expired lease), increments their attempts and returns them; `complete`, `retryAt` and `fail` settle a claim.
 *
 * @since 0.1.0
 * @category tags
 */
export class Outbox extends Context.Tag("@tinbao/core/Outbox")<
  Outbox,
  {
    /** Adds a message, due now. The same key twice keeps the first entry and says so. */
    readonly enqueue: (message: Message) => Effect.Effect<Enqueued, OutboxError>
    /** Leases up to `limit` due entries for `leaseMillis`, earliest due first; two callers never get the same one. */
    readonly claim: (
      now: DateTime.Utc,
      limit: number,
      leaseMillis: number
    ) => Effect.Effect<ReadonlyArray<Entry>, OutboxError>
    /** Marks a claimed entry sent, with the platform's message id. */
    readonly complete: (key: string, attempt: number, platformMessageId: string) => Effect.Effect<Entry, OutboxError>
    /** Puts a claimed entry back to pending, due at `at`. */
    readonly retryAt: (
      key: string,
      attempt: number,
      at: DateTime.Utc,
      error: LastError
    ) => Effect.Effect<Entry, OutboxError>
    /** Gives up on a claimed entry. */
    readonly fail: (key: string, attempt: number, error: LastError) => Effect.Effect<Entry, OutboxError>
    /** The entry under a key, or `undefined`. */
    readonly get: (key: string) => Effect.Effect<Entry | undefined, OutboxError>
    /** The entries, all or those with one status, oldest first. */
    readonly list: (status?: Status) => Effect.Effect<ReadonlyArray<Entry>, OutboxError>
  }
>() {}

/**
 * An entry as a storage adapter keeps it: flat columns, times in epoch milliseconds, `null` for absent values.
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

/**
 * The outbox in memory.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerMemory: Layer.Layer<Outbox> = Layer.sync(Outbox, () => makeEncoded(memory()))
