/**
 * The evidence records derived from an adapter's `Encoded` store: requests checked, rows decoded column by
 * column, settlements bound to the attempt that claimed them.
 *
 * @internal
 */
import { createHash } from "node:crypto"
import { DateTime, Effect, Either, ParseResult, Schema } from "effect"
import type { Encoded, Row, Settlement } from "../../Evidence.js"
import { TipId } from "../lifecycle/tip.js"
import { ErrorReason, Item, type LastError, OriginalUrl } from "./item.js"
import { Hash } from "./media.js"
import { Entry, EvidenceError, EvidenceId, type EvidenceRecords, Status } from "./model.js"
import { MediaType } from "./sniff.js"

const Millis = Schema.DateTimeUtcFromNumber
const NullOr = Schema.NullOr

const RowSchema = Schema.Struct({
  id: EvidenceId,
  tip: TipId,
  originalUrl: OriginalUrl,
  requestedAt: Millis,
  status: Status,
  attempts: Schema.NonNegativeInt,
  nextAttemptAt: Millis,
  leaseUntil: NullOr(Millis),
  hash: NullOr(Hash),
  size: NullOr(Schema.NonNegativeInt),
  mediaType: NullOr(MediaType),
  storedAt: NullOr(Millis),
  errorReason: NullOr(ErrorReason),
  errorMessage: NullOr(Schema.String),
  recorded: Schema.Boolean
})

const decodeRow = Schema.decodeUnknownEither(RowSchema, { errors: "all" })
const validateTip = Schema.validateEither(TipId)
const validateUrl = Schema.validateEither(OriginalUrl)

// Only the paths: a row's values may be anything, a signed URL included.
const paths = (error: ParseResult.ParseError) => {
  const all = ParseResult.ArrayFormatter.formatErrorSync(error).map((i) => i.path.join(".") || "the whole value")
  return [...new Set(all)].join(", ")
}

const fail = (reason: EvidenceError["reason"], message: string) => Effect.fail(new EvidenceError({ reason, message }))

const corrupt = (id: unknown, what: string) =>
  fail("corrupt", `The stored evidence record ${String(id)} is not valid: ${what}.`)

/** A row as a record, or `corrupt` naming the columns at fault. @internal */
export const fromRow = (row: Row): Effect.Effect<Entry, EvidenceError> => {
  const decoded = decodeRow(row)
  if (Either.isLeft(decoded)) return corrupt(row.id, `check ${paths(decoded.left)}`)
  const r = decoded.right
  const itemColumns = [r.hash, r.size, r.mediaType, r.storedAt]
  const hasItem = itemColumns.every((c) => c !== null)
  if (!hasItem && itemColumns.some((c) => c !== null)) return corrupt(r.id, "its stored file is partly recorded")
  if ((r.status === "stored") !== hasItem)
    return corrupt(r.id, `it is ${r.status} and has ${hasItem ? "a" : "no"} file`)
  return Effect.succeed(
    new Entry(
      {
        id: r.id,
        tip: r.tip,
        originalUrl: r.originalUrl,
        requestedAt: r.requestedAt,
        status: r.status,
        attempts: r.attempts,
        nextAttemptAt: r.nextAttemptAt,
        ...(r.leaseUntil !== null ? { leaseUntil: r.leaseUntil } : {}),
        ...(hasItem
          ? {
              item: new Item(
                {
                  hash: r.hash!,
                  size: r.size!,
                  mediaType: r.mediaType!,
                  originalUrl: r.originalUrl,
                  storedAt: r.storedAt!
                },
                { disableValidation: true }
              )
            }
          : {}),
        ...(r.errorReason !== null ? { lastError: { reason: r.errorReason, message: r.errorMessage ?? "" } } : {}),
        recorded: r.recorded
      },
      { disableValidation: true }
    )
  )
}

/**
 * The id of a tip's record for a URL: the same tip and URL always give the same id. The tip's length comes first,
 * so that no other pair of texts runs together into the same input.
 *
 * @internal
 */
export const idOf = (tip: string, url: string): EvidenceId =>
  `EV-${createHash("sha256").update(`${tip.length}:${tip}${url}`).digest("hex").slice(0, 32)}` as EvidenceId

const isPositiveInt = (n: number) => Number.isSafeInteger(n) && n > 0
const millis = DateTime.toEpochMillis

const noItem = { hash: null, size: null, mediaType: null, storedAt: null } as const
const errorColumns = (error: LastError) => ({ errorReason: error.reason, errorMessage: error.message })

/** @internal */
export const makeEncoded = (store: Encoded): EvidenceRecords["Type"] => {
  // The row a conditional change returned, or why there was none: no such record, or `refusal` of the one there is.
  const changed = (
    id: EvidenceId,
    change: Effect.Effect<Row | undefined, EvidenceError>,
    refusal: (current: Row) => Pick<EvidenceError, "reason" | "message">
  ) =>
    Effect.flatMap(change, (row) =>
      row !== undefined
        ? fromRow(row)
        : Effect.flatMap(store.get(id), (current) =>
            current === undefined
              ? fail("not_found", `No evidence record has the id ${id}.`)
              : Effect.fail(new EvidenceError(refusal(current)))
          )
    )

  const settle = (id: EvidenceId, attempt: number, settlement: Settlement) =>
    changed(id, store.settle(id, attempt, settlement), (current) => ({
      reason: "lease_lost",
      message: `Evidence record ${id} is no longer leased under attempt ${attempt} (it is ${current.status} at attempt ${current.attempts}).`
    }))

  return {
    request: (tip, url) =>
      Effect.gen(function* () {
        if (Either.isLeft(validateTip(tip))) return yield* fail("invalid", "An evidence request needs a tip id.")
        if (Either.isLeft(validateUrl(url))) {
          return yield* fail("invalid", `The attachment of tip ${tip} has no http or https URL to fetch.`)
        }
        const now = millis(yield* DateTime.now)
        const row: Row = {
          id: idOf(tip, url),
          tip,
          originalUrl: url,
          requestedAt: now,
          status: "pending",
          attempts: 0,
          nextAttemptAt: now,
          leaseUntil: null,
          ...noItem,
          errorReason: null,
          errorMessage: null,
          recorded: false
        }
        const stored = yield* store.insert(row)
        if (!stored.inserted && (stored.row.tip !== tip || stored.row.originalUrl !== url)) {
          return yield* corrupt(row.id, "it was stored for another attachment")
        }
        return { entry: yield* fromRow(stored.row), created: stored.inserted }
      }),
    get: (id) => Effect.flatMap(store.get(id), (row) => (row === undefined ? Effect.succeed(undefined) : fromRow(row))),
    byTip: (tip) => Effect.flatMap(store.byTip(tip), (rows) => Effect.forEach(rows, fromRow)),
    claim: (now, limit, leaseMillis) =>
      !isPositiveInt(limit) || !isPositiveInt(leaseMillis)
        ? fail("invalid", `A claim needs a positive whole limit and lease, not ${limit} and ${leaseMillis} ms.`)
        : Effect.flatMap(store.claim(millis(now), limit, millis(now) + leaseMillis), (rows) =>
            Effect.forEach(rows, fromRow)
          ),
    stored: (id, attempt, item, options) =>
      settle(id, attempt, {
        status: "stored",
        keepLease: !options.recorded,
        hash: item.hash,
        size: item.size,
        mediaType: item.mediaType,
        storedAt: millis(item.storedAt),
        errorReason: null,
        errorMessage: null,
        recorded: options.recorded
      }),
    retryAt: (id, attempt, at, error) =>
      settle(id, attempt, {
        status: "pending",
        nextAttemptAt: millis(at),
        keepLease: false,
        ...noItem,
        ...errorColumns(error),
        recorded: false
      }),
    notRetrieved: (id, attempt, error, options) =>
      settle(id, attempt, {
        status: "not_retrieved",
        keepLease: !options.recorded,
        ...noItem,
        ...errorColumns(error),
        recorded: options.recorded
      }),
    markRecorded: (id) =>
      changed(id, store.markRecorded(id), (current) => ({
        reason: "conflict",
        message: `Evidence record ${id} is ${current.status}: only a stored or not retrieved record is recorded.`
      }))
  }
}
