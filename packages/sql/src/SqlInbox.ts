/**
 * The inbox of raw deliveries over `@effect/sql`, in the table `inbox`: bodies in base64 (so any bytes, UTF-8 or
 * not, come back exactly), headers as JSON. `claim` locks with `FOR UPDATE SKIP LOCKED` on PostgreSQL, so that
 * several workers on one database never process the same delivery at once.
 *
 * @since 0.1.0
 */
import { SqlClient } from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import { Inbox } from "@tinbao/core"
import { Effect, Layer, Schema } from "effect"
import { NullableText, rowReader } from "./internal/rowDecoding.js"
import { Int, isUniqueViolation, makeGuardedWriter, sqlFailure } from "./internal/sqlErrors.js"

const Headers = Schema.parseJson(Schema.Record({ key: Schema.String, value: Schema.String }))
const encodeHeaders = Schema.encodeSync(Headers)

const Columns = Schema.Struct({
  id: Schema.String,
  channel: Schema.String,
  method: Schema.String,
  url: Schema.String,
  headers: Headers,
  body: Schema.String,
  received_at: Int,
  status: Schema.String,
  attempts: Int,
  next_attempt_at: Int,
  lease_until: Schema.NullOr(Int),
  dead_reason: NullableText,
  last_error: NullableText
})

const toRow = (c: typeof Columns.Type): Inbox.Row => ({
  id: c.id,
  channel: c.channel,
  method: c.method,
  url: c.url,
  headers: c.headers,
  body: c.body,
  receivedAt: c.received_at,
  status: c.status,
  attempts: c.attempts,
  nextAttemptAt: c.next_attempt_at,
  leaseUntil: c.lease_until,
  deadReason: c.dead_reason,
  lastError: c.last_error
})

const toColumns = (r: Inbox.Row) => ({
  id: r.id,
  channel: r.channel,
  method: r.method,
  url: r.url,
  headers: encodeHeaders(r.headers),
  body: r.body,
  received_at: r.receivedAt,
  status: r.status,
  attempts: r.attempts,
  next_attempt_at: r.nextAttemptAt,
  lease_until: r.leaseUntil,
  dead_reason: r.deadReason,
  last_error: r.lastError
})

const { rows } = rowReader(Columns, "inbox", (message) => new Inbox.InboxError({ reason: "corrupt", message }), toRow)

const byDue = (a: Inbox.Row, b: Inbox.Row) => a.nextAttemptAt - b.nextAttemptAt || a.receivedAt - b.receivedAt

const unavailable = (cause: SqlError) =>
  new Inbox.InboxError(sqlFailure(cause, "invalid", "The inbox's database cannot be reached."))

/**
 * The inbox's rows over the `SqlClient` in context; run the migrations first.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeEncodedStore: Effect.Effect<Inbox.Encoded, never, SqlClient> = Effect.gen(function* () {
  const sql = yield* SqlClient
  const write = yield* makeGuardedWriter(sql)
  const skipLocked = sql.literal(sql.onDialectOrElse({ pg: () => " FOR UPDATE SKIP LOCKED", orElse: () => "" }))

  const insert: Inbox.Encoded["insert"] = (row) =>
    write(sql`INSERT INTO inbox ${sql.insert(toColumns(row))}`).pipe(
      Effect.asVoid,
      Effect.catchTag("SqlError", (cause) =>
        isUniqueViolation(cause)
          ? new Inbox.InboxError({ reason: "invalid", message: `A delivery with id ${row.id} exists.`, cause })
          : unavailable(cause)
      )
    )

  const claim: Inbox.Encoded["claim"] = (now, limit, leaseUntil) =>
    write(
      rows(sql`UPDATE inbox SET status = 'processing', attempts = attempts + 1, lease_until = ${leaseUntil}
        WHERE id IN (SELECT id FROM inbox
          WHERE (status = 'pending' AND next_attempt_at <= ${now}) OR (status = 'processing' AND lease_until <= ${now})
          ORDER BY next_attempt_at, received_at LIMIT ${limit}${skipLocked})
        RETURNING *`)
    ).pipe(
      Effect.map((claimed) => [...claimed].sort(byDue)),
      Effect.catchTag("SqlError", unavailable)
    )

  const update: Inbox.Encoded["update"] = (id, from, change) =>
    from.length === 0
      ? Effect.succeed(undefined)
      : write(
          rows(
            sql`UPDATE inbox SET ${sql.update({
              status: change.status,
              lease_until: null,
              ...(change.nextAttemptAt !== undefined ? { next_attempt_at: change.nextAttemptAt } : {}),
              ...(change.deadReason !== undefined ? { dead_reason: change.deadReason } : {}),
              ...(change.lastError !== undefined ? { last_error: change.lastError } : {})
            })} WHERE id = ${id} AND status IN ${sql.in(from)} RETURNING *`
          )
        ).pipe(
          Effect.map((updated) => updated[0]),
          Effect.catchTag("SqlError", unavailable)
        )

  return {
    insert,
    claim,
    update,
    get: (id) =>
      rows(sql`SELECT * FROM inbox WHERE id = ${id}`).pipe(
        Effect.map((found) => found[0]),
        Effect.catchTag("SqlError", unavailable)
      ),
    list: (status) =>
      rows(sql`SELECT * FROM inbox WHERE status = ${status} ORDER BY received_at, id`).pipe(
        Effect.catchTag("SqlError", unavailable)
      ),
    purge: (status, before) =>
      write(sql`DELETE FROM inbox WHERE status = ${status} AND received_at < ${before} RETURNING id`).pipe(
        Effect.map((deleted) => deleted.length),
        Effect.catchTag("SqlError", unavailable)
      )
  }
})

/**
 * The inbox over the `SqlClient` in context.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: Effect.Effect<Inbox.Inbox["Type"], never, SqlClient> = Effect.map(
  makeEncodedStore,
  Inbox.makeEncoded
)

/**
 * The inbox as a layer; run the migrations first (`SqlStorage.layer` does).
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<Inbox.Inbox, never, SqlClient> = Layer.effect(Inbox.Inbox, make)
