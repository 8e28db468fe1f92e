/**
 * The evidence records over `@effect/sql`, in the table `evidence` (the files themselves are in a
 * `MediaStore`, not in the database). `claim` is one `UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED)
 * RETURNING *` on PostgreSQL, so that several app instances on one database never lease the same record; on
 * SQLite writes are serialised in the process and the file lock does the rest. Every record that is due is
 * unrecorded, so claims read a partial index of the few unrecorded rows, however many files were kept before.
 *
 * The table holds each attachment's link as the platform gave it, signature included (the worker needs it to
 * fetch); the link expires with the platform's signature.
 *
 * @since 0.2.0
 * @module
 */
import { SqlClient } from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import { Evidence } from "@tinbao/core"
import { Effect, Layer, Schema } from "effect"
import { prepareInsertOnce } from "./internal/later.js"
import { Flag, NullableText, rowReader } from "./internal/rowDecoding.js"
import { Int, makeWriter, sqlFailure } from "./internal/sqlErrors.js"

const Columns = Schema.Struct({
  id: Schema.String,
  tip: Schema.String,
  original_url: Schema.String,
  requested_at: Int,
  status: Schema.String,
  attempts: Int,
  next_attempt_at: Int,
  lease_until: Schema.NullOr(Int),
  hash: NullableText,
  size: Schema.NullOr(Int),
  media_type: NullableText,
  stored_at: Schema.NullOr(Int),
  error_reason: NullableText,
  error_message: NullableText,
  recorded: Flag
})

const toRow = (c: typeof Columns.Type): Evidence.Row => ({
  id: c.id,
  tip: c.tip,
  originalUrl: c.original_url,
  requestedAt: c.requested_at,
  status: c.status,
  attempts: c.attempts,
  nextAttemptAt: c.next_attempt_at,
  leaseUntil: c.lease_until,
  hash: c.hash,
  size: c.size,
  mediaType: c.media_type,
  storedAt: c.stored_at,
  errorReason: c.error_reason,
  errorMessage: c.error_message,
  recorded: c.recorded
})

const settledColumns = (s: Evidence.Settlement) => ({
  status: s.status,
  hash: s.hash,
  size: s.size,
  media_type: s.mediaType,
  stored_at: s.storedAt,
  error_reason: s.errorReason,
  error_message: s.errorMessage,
  recorded: s.recorded ? 1 : 0,
  ...(s.nextAttemptAt !== undefined ? { next_attempt_at: s.nextAttemptAt } : {}),
  ...(s.keepLease ? {} : { lease_until: null })
})

const toColumns = (r: Evidence.Row) => ({
  id: r.id,
  tip: r.tip,
  original_url: r.originalUrl,
  requested_at: r.requestedAt,
  status: r.status,
  attempts: r.attempts,
  next_attempt_at: r.nextAttemptAt,
  lease_until: r.leaseUntil,
  hash: r.hash,
  size: r.size,
  media_type: r.mediaType,
  stored_at: r.storedAt,
  error_reason: r.errorReason,
  error_message: r.errorMessage,
  recorded: r.recorded ? 1 : 0
})

const { rows, one } = rowReader(
  Columns,
  "evidence",
  (message) => new Evidence.EvidenceError({ reason: "corrupt", message }),
  toRow
)

const byDue = (a: Evidence.Row, b: Evidence.Row) => a.nextAttemptAt - b.nextAttemptAt || a.requestedAt - b.requestedAt

const unavailable = (cause: SqlError) =>
  new Evidence.EvidenceError(sqlFailure(cause, "invalid", "The evidence records' database cannot be reached."))

/**
 * The evidence records' rows over the `SqlClient` in context; run the migrations first.
 *
 * @since 0.2.0
 * @category constructors
 */
export const makeEncodedStore: Effect.Effect<Evidence.Encoded, never, SqlClient> = Effect.gen(function* () {
  const sql = yield* SqlClient
  const write = yield* makeWriter(sql)
  const skipLocked = sql.literal(sql.onDialectOrElse({ pg: () => " FOR UPDATE SKIP LOCKED", orElse: () => "" }))
  const selectId = (id: string) => sql`SELECT * FROM evidence WHERE id = ${id}`

  // Intake requests a tip's files in the tip's own block: in a group commit the row goes in with the batch.
  const insertOnce = prepareInsertOnce(sql, "evidence", Object.keys(Columns.fields), "id")

  const insert: Evidence.Encoded["insert"] = (row) =>
    write(
      Effect.gen(function* () {
        if (yield* insertOnce(toColumns(row))) return { row, inserted: true }
        const stored = yield* one(selectId(row.id))
        if (stored === undefined) {
          return yield* new Evidence.EvidenceError({
            reason: "unavailable",
            message: `The evidence record ${row.id} vanished.`
          })
        }
        return { row: stored, inserted: false }
      })
    ).pipe(Effect.catchTag("SqlError", unavailable))

  // The CASEs read the row as it was: a fetch claimed becomes `fetching` with one attempt more; a settled record
  // claimed for its follow-up only gets the lease.
  const claim: Evidence.Encoded["claim"] = (now, limit, leaseUntil) =>
    write(
      rows(sql`UPDATE evidence SET
          status = CASE WHEN status IN ('pending', 'fetching') THEN 'fetching' ELSE status END,
          attempts = CASE WHEN status IN ('pending', 'fetching') THEN attempts + 1 ELSE attempts END,
          lease_until = ${leaseUntil}
        WHERE id IN (SELECT id FROM evidence
          WHERE recorded = 0 AND (
            (status = 'pending' AND next_attempt_at <= ${now})
            OR (status <> 'pending' AND lease_until <= ${now})
            OR (status IN ('stored', 'not_retrieved') AND lease_until IS NULL))
          ORDER BY next_attempt_at, requested_at LIMIT ${limit}${skipLocked})
        RETURNING *`)
    ).pipe(
      Effect.map((claimed) => [...claimed].sort(byDue)),
      Effect.catchTag("SqlError", unavailable)
    )

  const settle: Evidence.Encoded["settle"] = (id, attempt, settlement) =>
    write(
      one(
        sql`UPDATE evidence SET ${sql.update(settledColumns(settlement))}
          WHERE id = ${id} AND status = 'fetching' AND attempts = ${attempt} RETURNING *`
      )
    ).pipe(Effect.catchTag("SqlError", unavailable))

  const markRecorded: Evidence.Encoded["markRecorded"] = (id) =>
    write(
      one(
        sql`UPDATE evidence SET recorded = 1, lease_until = NULL
          WHERE id = ${id} AND status IN ('stored', 'not_retrieved') RETURNING *`
      )
    ).pipe(Effect.catchTag("SqlError", unavailable))

  return {
    insert,
    claim,
    settle,
    markRecorded,
    get: (id) => one(selectId(id)).pipe(Effect.catchTag("SqlError", unavailable)),
    byTip: (tip) =>
      rows(sql`SELECT * FROM evidence WHERE tip = ${tip} ORDER BY seq`).pipe(Effect.catchTag("SqlError", unavailable))
  }
})

/**
 * The evidence records over the `SqlClient` in context.
 *
 * @since 0.2.0
 * @category constructors
 */
export const make: Effect.Effect<Evidence.EvidenceRecords["Type"], never, SqlClient> = Effect.map(
  makeEncodedStore,
  Evidence.makeEncoded
)

/**
 * The evidence records as a layer; run the migrations first (`SqlStorage.layer` does).
 *
 * @since 0.2.0
 * @category layers
 */
export const layer: Layer.Layer<Evidence.EvidenceRecords, never, SqlClient> = Layer.effect(
  Evidence.EvidenceRecords,
  make
)
