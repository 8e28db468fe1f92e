/**
 * The evidence model: the record of a tip's attachment and its retrieval, the errors, and the records port (the
 * item kept is in `item.ts`).
 *
 * @internal
 */
import { Context, type DateTime, type Effect, Schema } from "effect"
import { TipId } from "../lifecycle/tip.js"
import { Item, LastError, OriginalUrl, RetrievalReason } from "./item.js"

/**
 * The id of an evidence record: "EV-" and 32 hex digits, derived from the tip and the URL, so that the same
 * attachment requested twice for a tip is one record.
 *
 * @since 0.2.0
 * @category models
 */
export const EvidenceId = Schema.String.pipe(
  Schema.pattern(/^EV-[0-9a-f]{32}$/, { message: () => "an evidence id: EV- followed by 32 hex digits" }),
  Schema.brand("@tinbao/core/EvidenceId")
).annotations({ identifier: "EvidenceId" })

/**
 * @since 0.2.0
 * @category models
 */
export type EvidenceId = typeof EvidenceId.Type

const retryable: { readonly [R in RetrievalReason]: boolean } = {
  misconfigured: false,
  invalid_url: false,
  not_allowed: false,
  not_found: false,
  refused: false,
  too_large: false,
  unsupported_type: false,
  rate_limited: true,
  server_error: true,
  network: true,
  timeout: true
}

/**
 * Whether trying again later can help a retrieval that failed for a reason.
 *
 * @since 0.2.0
 * @category predicates
 */
export const isRetryable = (reason: RetrievalReason): boolean => retryable[reason]

/**
 * A file could not be retrieved. The message names the host and the path, never the query string (a platform's
 * links carry their signature there); `status` is the HTTP status when the server answered.
 *
 * @since 0.2.0
 * @category errors
 */
export class RetrievalError extends Schema.TaggedError<RetrievalError>("@tinbao/core/RetrievalError")(
  "RetrievalError",
  {
    reason: RetrievalReason,
    message: Schema.String,
    status: Schema.optional(Schema.Int),
    cause: Schema.optional(Schema.Defect)
  }
) {
  /** Whether trying again later can help. */
  get retryable(): boolean {
    return retryable[this.reason]
  }
}

/**
 * Where a record stands: `pending` (waiting for its next attempt), `fetching` (leased by a worker), `stored`
 * (the file is kept: see its item), or `not_retrieved` (given up: see its last error).
 *
 * @since 0.2.0
 * @category models
 */
export const Status = Schema.Literal("pending", "fetching", "stored", "not_retrieved")

/**
 * @since 0.2.0
 * @category models
 */
export type Status = typeof Status.Type

/**
 * The record of one attachment of a tip. `attempts` counts the claims to fetch it; a worker that settles a record
 * names the attempt it claimed, so that a worker whose lease expired cannot overwrite the one that took over.
 * `recorded` is true once whatever follows a settlement (the tip's event) is done: until then a `stored` or
 * `not_retrieved` record stays leased to the worker recording it, and goes back to the claims when that lease runs
 * out, so the follow-up is never forgotten.
 *
 * @since 0.2.0
 * @category models
 */
export class Entry extends Schema.Class<Entry>("@tinbao/core/EvidenceEntry")({
  id: EvidenceId,
  tip: TipId,
  originalUrl: OriginalUrl,
  requestedAt: Schema.DateTimeUtc,
  status: Status,
  attempts: Schema.NonNegativeInt,
  nextAttemptAt: Schema.DateTimeUtc,
  leaseUntil: Schema.optional(Schema.DateTimeUtc),
  item: Schema.optional(Item),
  lastError: Schema.optional(LastError),
  recorded: Schema.Boolean
}) {}

/**
 * What `request` did: `created` is false when the tip already had a record for the URL; `entry` is then that
 * record, as it stands.
 *
 * @since 0.2.0
 * @category models
 */
export interface Requested {
  readonly entry: Entry
  readonly created: boolean
}

/**
 * The one error of the evidence records. `invalid`: a malformed request; `not_found`: no record has the id;
 * `lease_lost`: the record is no longer leased under the attempt named (its lease expired and another worker took
 * it, or it was settled already); `conflict`: the record is not in a state that allows the change (recording one
 * that is not settled); `unavailable`: the backend cannot be reached; `corrupt`: a stored row is not a
 * valid record.
 *
 * @since 0.2.0
 * @category errors
 */
export class EvidenceError extends Schema.TaggedError<EvidenceError>("@tinbao/core/EvidenceError")("EvidenceError", {
  reason: Schema.Literal("invalid", "not_found", "lease_lost", "conflict", "unavailable", "corrupt"),
  message: Schema.String,
  cause: Schema.optional(Schema.Defect)
}) {}

/**
 * The evidence records as users see them. `claim` leases the records that are due (pending and due, fetching
 * with an expired lease, or settled but not yet recorded and not leased); `stored`, `retryAt` and
 * `notRetrieved` settle a fetch; `markRecorded` ends the follow-up of a settled record.
 *
 * @since 0.2.0
 * @category tags
 */
export class EvidenceRecords extends Context.Tag("@tinbao/core/EvidenceRecords")<
  EvidenceRecords,
  {
    /** A record for the tip's attachment at `url`, pending and due now; the same tip and URL again give the first. */
    readonly request: (tip: TipId, url: string) => Effect.Effect<Requested, EvidenceError>
    readonly get: (id: EvidenceId) => Effect.Effect<Entry | undefined, EvidenceError>
    /** A tip's records, in the order they were requested. */
    readonly byTip: (tip: TipId) => Effect.Effect<ReadonlyArray<Entry>, EvidenceError>
    /** Leases up to `limit` due records for `leaseMillis`, earliest due first; two callers never get the same one. */
    readonly claim: (
      now: DateTime.Utc,
      limit: number,
      leaseMillis: number
    ) => Effect.Effect<ReadonlyArray<Entry>, EvidenceError>
    /**
     * The claimed record's file is kept. With `recorded: false` the record keeps its lease until `markRecorded`.
     */
    readonly stored: (
      id: EvidenceId,
      attempt: number,
      item: Item,
      options: { readonly recorded: boolean }
    ) => Effect.Effect<Entry, EvidenceError>
    /** Puts the claimed record back to pending, due at `at`. */
    readonly retryAt: (
      id: EvidenceId,
      attempt: number,
      at: DateTime.Utc,
      error: LastError
    ) => Effect.Effect<Entry, EvidenceError>
    /** Gives up on the claimed record; `recorded` as for `stored`. */
    readonly notRetrieved: (
      id: EvidenceId,
      attempt: number,
      error: LastError,
      options: { readonly recorded: boolean }
    ) => Effect.Effect<Entry, EvidenceError>
    /** The settled record's follow-up is done: it leaves the claims for good. */
    readonly markRecorded: (id: EvidenceId) => Effect.Effect<Entry, EvidenceError>
  }
>() {}
