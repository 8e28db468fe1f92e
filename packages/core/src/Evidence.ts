/**
 * Evidence: the files that come with a tip (photos, videos, voice messages, documents), fetched from the
 * platform's links before they expire, checked, hashed and kept in the {@link MediaStore}.
 *
 * A tip's attachment becomes a record in {@link EvidenceRecords} (`request`, once per tip and URL). The worker
 * ({@link runOnce}, {@link run}) claims due records, {@link retrieve}s each file (http or https only, a size limit
 * enforced while streaming, a timeout, the type read from the bytes), keeps the bytes and settles the record:
 * `stored` with its {@link Item}, retried with backoff while the failure may pass, or `not_retrieved` with the
 * reason, visible, never dropped. `onSettled` then tells the rest of the system (the tip's event), and runs again
 * until it succeeds. Storage adapters implement the small {@link Encoded} interface; {@link makeEncoded} does the
 * rest. The guide is `docs/evidence.md`.
 *
 * @since 0.2.0
 * @module
 */
import type { Effect, Layer, Scope } from "effect"
import type { Hash, MediaStore } from "./internal/evidence/media.js"
import type { Entry, EvidenceError, EvidenceRecords, RetrievalError } from "./internal/evidence/model.js"
import * as records from "./internal/evidence/records.js"
import * as memory from "./internal/evidence/recordsMemory.js"
import * as retrieval from "./internal/evidence/retrieve.js"
import type { MediaType } from "./internal/evidence/sniff.js"
import * as sniffing from "./internal/evidence/sniff.js"
import * as worker from "./internal/evidence/worker.js"
import type { Policy } from "./RetryPolicy.js"

export { ErrorReason, Item, LastError, OriginalUrl, RetrievalReason } from "./internal/evidence/item.js"
export {
  Entry,
  EvidenceError,
  EvidenceId,
  EvidenceRecords,
  isRetryable,
  type Requested,
  RetrievalError,
  Status
} from "./internal/evidence/model.js"
export { MediaType } from "./internal/evidence/sniff.js"
export { defaultPolicy } from "./internal/evidence/worker.js"

/**
 * A record as a storage adapter keeps it: flat columns, times in epoch milliseconds, `null` for absent values.
 * The item's columns (`hash`, `size`, `mediaType`, `storedAt`) are all set when the file is stored, else all null.
 *
 * @since 0.2.0
 * @category models
 */
export interface Row {
  readonly id: string
  readonly tip: string
  readonly originalUrl: string
  readonly requestedAt: number
  readonly status: string
  readonly attempts: number
  readonly nextAttemptAt: number
  readonly leaseUntil: number | null
  readonly hash: string | null
  readonly size: number | null
  readonly mediaType: string | null
  readonly storedAt: number | null
  readonly errorReason: string | null
  readonly errorMessage: string | null
  readonly recorded: boolean
}

/**
 * What settling a claim writes. `keepLease`: the record stays leased (for its follow-up) rather than the lease
 * being cleared; `nextAttemptAt` changes only when given.
 *
 * @since 0.2.0
 * @category models
 */
export interface Settlement {
  readonly status: "pending" | "stored" | "not_retrieved"
  readonly nextAttemptAt?: number
  readonly keepLease: boolean
  readonly hash: string | null
  readonly size: number | null
  readonly mediaType: string | null
  readonly storedAt: number | null
  readonly errorReason: string | null
  readonly errorMessage: string | null
  readonly recorded: boolean
}

/**
 * What a storage adapter implements. Each method is atomic on its own.
 *
 * @since 0.2.0
 * @category models
 */
export interface Encoded {
  /**
   * Inserts the row unless its id exists; returns the row stored under the id and whether it is the new one (then
   * the row given, as given).
   */
  readonly insert: (row: Row) => Effect.Effect<{ readonly row: Row; readonly inserted: boolean }, EvidenceError>
  readonly get: (id: string) => Effect.Effect<Row | undefined, EvidenceError>
  /** A tip's rows in the order they were inserted. */
  readonly byTip: (tip: string) => Effect.Effect<ReadonlyArray<Row>, EvidenceError>
  /**
   * Takes up to `limit` due rows, earliest `nextAttemptAt` first, and returns them as updated. Due: not
   * `recorded`, and `pending` with `nextAttemptAt <= now`, or any other status with `leaseUntil <= now`, or
   * `stored`/`not_retrieved` with no lease. Every row taken gets `leaseUntil`; a `pending` or `fetching` one also
   * becomes `fetching` with `attempts + 1`. In SQL: one `UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED)
   * RETURNING *`.
   */
  readonly claim: (now: number, limit: number, leaseUntil: number) => Effect.Effect<ReadonlyArray<Row>, EvidenceError>
  /** Writes the settlement if the row is `fetching` at `attempt`; returns the updated row, or `undefined`. */
  readonly settle: (
    id: string,
    attempt: number,
    settlement: Settlement
  ) => Effect.Effect<Row | undefined, EvidenceError>
  /**
   * Sets `recorded` and clears the lease if the row is `stored` or `not_retrieved`; returns the updated row, or
   * `undefined`.
   */
  readonly markRecorded: (id: string) => Effect.Effect<Row | undefined, EvidenceError>
}

/**
 * Builds the full evidence records from an adapter's {@link Encoded} implementation.
 *
 * @since 0.2.0
 * @category constructors
 */
export const makeEncoded: (encoded: Encoded) => EvidenceRecords["Type"] = records.makeEncoded

/**
 * An in-memory {@link Encoded} store.
 *
 * @since 0.2.0
 * @category constructors
 */
export const makeMemoryEncoded: () => Encoded = memory.makeMemoryEncoded

/**
 * The evidence records in memory.
 *
 * @since 0.2.0
 * @category layers
 */
export const layerMemory: Layer.Layer<EvidenceRecords> = memory.layerMemory

/**
 * The media type of a file by its first bytes (at most 64 are read), or `undefined` when they are none of the
 * {@link MediaType}s.
 *
 * @since 0.2.0
 * @category getters
 */
export const sniff: (bytes: Uint8Array) => MediaType | undefined = sniffing.sniff

/**
 * How a file is retrieved.
 *
 * - `fetch`: the function that fetches (default: the global `fetch`);
 * - `maxBytes`: the size limit (default 25 MiB): a larger announced `content-length` is refused before reading,
 *   and a body that goes past it is cut off there;
 * - `timeoutMillis`: the whole retrieval, redirects and body included (default 30 s);
 * - `mediaTypes`: the types kept (default: every {@link MediaType});
 * - `allowUrl`: which URLs may be fetched, asked of the first URL and of every redirect (default: any http or
 *   https URL; see the guide on restricting it to the platforms' hosts);
 * - `maxRedirects`: default 5.
 *
 * @since 0.2.0
 * @category models
 */
export interface RetrieveOptions {
  readonly fetch?: typeof globalThis.fetch
  readonly maxBytes?: number
  readonly timeoutMillis?: number
  readonly mediaTypes?: ReadonlyArray<MediaType>
  readonly allowUrl?: (url: URL) => boolean
  readonly maxRedirects?: number
}

/**
 * A retrieved file: its bytes, their SHA-256 hash and size, and the media type read from them.
 *
 * @since 0.2.0
 * @category models
 */
export interface Retrieved {
  readonly bytes: Uint8Array
  readonly hash: Hash
  readonly size: number
  readonly mediaType: MediaType
}

/**
 * Fetches a file and checks it. Fails with a {@link RetrievalError} whose `retryable` says whether trying again
 * later can help; its message names the host and path, never the query string.
 *
 * @since 0.2.0
 * @category combinators
 */
export const retrieve: (url: string, options?: RetrieveOptions) => Effect.Effect<Retrieved, RetrievalError> =
  retrieval.retrieve

/**
 * How the worker runs. `leaseMillis` must exceed the retrieval's `timeoutMillis`. `R` is what `onSettled` needs;
 * the worker takes it from where it starts.
 *
 * @since 0.2.0
 * @category models
 */
export interface Options<R = never> {
  /** The retry policy (default {@link defaultPolicy}: about a day of attempts). */
  readonly policy?: Partial<Policy>
  /** Records claimed per round (default 16). */
  readonly batchSize?: number
  /** How long a claim holds a record (default 120 s). */
  readonly leaseMillis?: number
  /** Files fetched at once (default 4). */
  readonly concurrency?: number
  /** The pause of `run` after a round that found less than a full batch (default 5 s). */
  readonly pollMillis?: number
  readonly retrieval?: RetrieveOptions
  /**
   * Called with each record once it is `stored` or `not_retrieved`, e.g. to append the tip's event. A failure is
   * logged and the call is made again in a later round (when the record's lease ends), until it succeeds; it may
   * therefore run more than once for a record (a crash between the call and its bookkeeping): make it idempotent,
   * e.g. keyed by the record's id.
   */
  readonly onSettled?: ((entry: Entry) => Effect.Effect<void, unknown, R>) | undefined
}

/**
 * What a round did. `recorded`: follow-ups done; `unrecorded`: follow-ups that failed and will run again;
 * `unsettled`: outcomes the records could not record (see the log); the lease expiry brings those back.
 *
 * @since 0.2.0
 * @category models
 */
export interface Counts {
  readonly claimed: number
  readonly stored: number
  readonly retried: number
  readonly notRetrieved: number
  readonly recorded: number
  readonly unrecorded: number
  readonly unsettled: number
}

/**
 * The services the worker needs.
 *
 * @since 0.2.0
 * @category models
 */
export type Requirements = EvidenceRecords | MediaStore

/**
 * One round: claims the due records, fetches and keeps their files, settles them and runs the follow-ups. Fails
 * only when the records cannot be claimed from or the options are invalid (`EvidenceError` with reason
 * `invalid`).
 *
 * @since 0.2.0
 * @category combinators
 */
export const runOnce: <R = never>(options?: Options<R>) => Effect.Effect<Counts, EvidenceError, Requirements | R> =
  worker.runOnce

/**
 * Runs rounds in a background fiber for as long as the scope lives, pausing `pollMillis` after a round that found
 * less than a full batch. A failed round is logged and the next one follows.
 *
 * @since 0.2.0
 * @category combinators
 */
export const run: <R = never>(
  options?: Options<R>
) => Effect.Effect<void, EvidenceError, Requirements | R | Scope.Scope> = worker.run
