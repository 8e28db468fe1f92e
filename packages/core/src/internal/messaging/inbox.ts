import { Context, type DateTime, type Effect, Schema } from "effect"
import type { RawDelivery } from "../../Channel.js"

/**
 * The id of a stored delivery: "IB-" and 32 random hex digits.
 *
 * @since 0.1.0
 * @category models
 */
export const InboxId = Schema.String.pipe(
  Schema.pattern(/^IB-[0-9a-f]{32}$/, { message: () => "an inbox id: IB- followed by 32 hex digits" }),
  Schema.brand("@tinbao/core/InboxId")
).annotations({ identifier: "InboxId" })

/**
 * @since 0.1.0
 * @category models
 */
export type InboxId = typeof InboxId.Type

/**
 * `pending` (waiting to be processed), `processing` (leased by a worker), `done`, or `dead` (a dead letter).
 *
 * @since 0.1.0
 * @category models
 */
export const Status = Schema.Literal("pending", "processing", "done", "dead")

/**
 * @since 0.1.0
 * @category models
 */
export type Status = typeof Status.Type

/**
 * A raw delivery ({@link RawDelivery}) as a Schema: the exact body bytes, lower-case header names.
 *
 * @since 0.1.0
 * @category models
 */
export const Delivery = Schema.Struct({
  method: Schema.NonEmptyTrimmedString,
  url: Schema.String,
  headers: Schema.Record({ key: Schema.String, value: Schema.String }),
  body: Schema.Uint8ArrayFromSelf
}).annotations({ identifier: "Delivery" })

/**
 * A stored delivery. `attempts` counts its claims since it was stored or last replayed; `deadReason` says why it is
 * a dead letter, or was one before it was replayed; `lastError` why its last processing failed.
 *
 * @since 0.1.0
 * @category models
 */
export class Entry extends Schema.Class<Entry>("@tinbao/core/InboxEntry")({
  id: InboxId,
  channel: Schema.NonEmptyTrimmedString,
  delivery: Delivery,
  receivedAt: Schema.DateTimeUtc,
  status: Status,
  attempts: Schema.NonNegativeInt,
  nextAttemptAt: Schema.DateTimeUtc,
  leaseUntil: Schema.optional(Schema.DateTimeUtc),
  deadReason: Schema.optional(Schema.String),
  lastError: Schema.optional(Schema.String)
}) {}

/**
 * When a channel last received a delivery ({@link Inbox} `lastReceived`).
 *
 * @since 0.2.0
 * @category models
 */
export interface LastReceived {
  readonly channel: string
  readonly receivedAt: DateTime.Utc
}

/**
 * The one error of the inbox. `conflict`: the entry is not in a state that allows the change (e.g. replaying
 * an entry that is not a dead letter); `corrupt`: a stored delivery cannot be read back, or cannot be opened
 * (altered, or sealed with a key that is not configured).
 *
 * @since 0.1.0
 * @category errors
 */
export class InboxError extends Schema.TaggedError<InboxError>("@tinbao/core/InboxError")("InboxError", {
  reason: Schema.Literal("invalid", "not_found", "conflict", "unavailable", "corrupt"),
  message: Schema.String,
  cause: Schema.optional(Schema.Defect)
}) {}

/**
 * The inbox as users see it.
 *
 * @since 0.1.0
 * @category tags
 */
export class Inbox extends Context.Tag("@tinbao/core/Inbox")<
  Inbox,
  {
    /** Stores a delivery, pending, or straight away as a dead letter when `deadLetter` gives the reason. */
    readonly store: (
      channel: string,
      delivery: RawDelivery,
      receivedAt: DateTime.Utc,
      options?: { readonly deadLetter?: string }
    ) => Effect.Effect<InboxId, InboxError>
    /** Leases up to `limit` due deliveries (pending and due, or processing with an expired lease), oldest first. */
    readonly claim: (
      now: DateTime.Utc,
      limit: number,
      leaseMillis: number
    ) => Effect.Effect<ReadonlyArray<Entry>, InboxError>
    /** A claimed delivery was processed. */
    readonly done: (id: InboxId) => Effect.Effect<void, InboxError>
    /** A claimed delivery's processing failed: it goes back to pending, due at `at`. */
    readonly retryAt: (id: InboxId, at: DateTime.Utc, error: string) => Effect.Effect<void, InboxError>
    /**
     * Makes a pending or claimed delivery a dead letter, with `lastError` when given (e.g. the last failure of a
     * delivery that failed too often).
     */
    readonly deadLetter: (id: InboxId, reason: string, lastError?: string) => Effect.Effect<void, InboxError>
    /** The dead letters, oldest first. */
    readonly deadLetters: () => Effect.Effect<ReadonlyArray<Entry>, InboxError>
    /**
     * Puts a dead letter back to pending, due now, with its attempts counted from 0 again; its `deadReason` stays,
     * as its history.
     */
    readonly replay: (id: InboxId) => Effect.Effect<void, InboxError>
    /**
     * Deletes a dead letter for good. Fails with `not_found` when there is no such delivery, and `conflict` when it
     * is not a dead letter (a delivery in flight is not deleted under its worker).
     */
    readonly deleteDeadLetter: (id: InboxId) => Effect.Effect<void, InboxError>
    readonly get: (id: InboxId) => Effect.Effect<Entry | undefined, InboxError>
    /**
     * Each channel's latest delivery, whatever became of it, by channel: when a platform last reached it, read
     * without opening a body. A channel shows only while the inbox keeps one of its deliveries (retention purges
     * processed ones after 7 days).
     *
     * @since 0.2.0
     */
    readonly lastReceived: () => Effect.Effect<ReadonlyArray<LastReceived>, InboxError>
    /** Deletes the done deliveries received before `before`; returns how many. */
    readonly purge: (before: DateTime.Utc) => Effect.Effect<number, InboxError>
    /** Deletes the dead letters received before `before`; returns how many. */
    readonly purgeDeadLetters: (before: DateTime.Utc) => Effect.Effect<number, InboxError>
  }
>() {}
