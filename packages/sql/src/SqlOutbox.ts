/**
 * The outbox over `@effect/sql`, in the table `outbox`. `claim` is one
 * `UPDATE … WHERE key IN (SELECT … FOR UPDATE SKIP LOCKED) RETURNING *` on PostgreSQL, so that several app
 * instances on one database never lease the same entry; on SQLite writes are serialised in the process and
 * the file lock does the rest. The table holds the reporter's alias, never a platform id: `Outbox.makeEncoded`
 * puts the alias in place of a direct conversation's id before a row reaches this store.
 *
 * @since 0.1.0
 * @module
 */
import { SqlClient } from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import { Outbox } from "@tinbao/core"
import { Effect, Layer, Schema } from "effect"
import { makeGrouped } from "./internal/grouped.js"
import { prepareInsertOnce } from "./internal/later.js"
import { Flag, NullableText, rowReader } from "./internal/rowDecoding.js"
import { Int, makeWriter, sqlFailure } from "./internal/sqlErrors.js"

const Columns = Schema.Struct({
  key: Schema.String,
  channel: Schema.String,
  conversation_kind: Schema.String,
  conversation_id: Schema.String,
  recipient: NullableText,
  text: Schema.String,
  reply_to: NullableText,
  human_agent: Flag,
  public: Flag,
  tip: NullableText,
  created_at: Int,
  attempts: Int,
  next_attempt_at: Int,
  lease_until: Schema.NullOr(Int),
  status: Schema.String,
  platform_message_id: NullableText,
  error_reason: NullableText,
  error_message: NullableText
})

const toRow = (c: typeof Columns.Type): Outbox.Row => ({
  key: c.key,
  channel: c.channel,
  conversationKind: c.conversation_kind,
  conversationId: c.conversation_id,
  recipient: c.recipient,
  text: c.text,
  replyTo: c.reply_to,
  humanAgent: c.human_agent,
  public: c.public,
  tip: c.tip,
  createdAt: c.created_at,
  attempts: c.attempts,
  nextAttemptAt: c.next_attempt_at,
  leaseUntil: c.lease_until,
  status: c.status,
  platformMessageId: c.platform_message_id,
  errorReason: c.error_reason,
  errorMessage: c.error_message
})

const toColumns = (r: Outbox.Row) => ({
  key: r.key,
  channel: r.channel,
  conversation_kind: r.conversationKind,
  conversation_id: r.conversationId,
  recipient: r.recipient,
  text: r.text,
  reply_to: r.replyTo,
  human_agent: r.humanAgent ? 1 : 0,
  public: r.public ? 1 : 0,
  tip: r.tip,
  created_at: r.createdAt,
  attempts: r.attempts,
  next_attempt_at: r.nextAttemptAt,
  lease_until: r.leaseUntil,
  status: r.status,
  platform_message_id: r.platformMessageId,
  error_reason: r.errorReason,
  error_message: r.errorMessage
})

const { rows, one } = rowReader(
  Columns,
  "outbox",
  (message) => new Outbox.OutboxError({ reason: "corrupt", message }),
  toRow
)

const byDue = (a: Outbox.Row, b: Outbox.Row) => a.nextAttemptAt - b.nextAttemptAt || a.createdAt - b.createdAt

const unavailable = (cause: SqlError) =>
  new Outbox.OutboxError(sqlFailure(cause, "invalid", "The outbox's database cannot be reached."))

/**
 * The outbox's rows over the `SqlClient` in context; run the migrations first.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeEncodedStore: Effect.Effect<Outbox.Encoded, never, SqlClient> = Effect.gen(function* () {
  const sql = yield* SqlClient
  const write = yield* makeWriter(sql)
  // The settlements of a dispatcher's round share a commit (`grouped.ts`).
  const grouped = yield* makeGrouped(
    (cause) => new Outbox.OutboxError({ reason: "unavailable", message: cause.message, cause })
  )
  const skipLocked = sql.literal(sql.onDialectOrElse({ pg: () => " FOR UPDATE SKIP LOCKED", orElse: () => "" }))
  const selectKey = (key: string) => sql`SELECT * FROM outbox WHERE key = ${key}`
  const insertOnce = prepareInsertOnce(sql, "outbox", Object.keys(Columns.fields), "key")

  const insert: Outbox.Encoded["insert"] = (row) =>
    write(
      Effect.gen(function* () {
        // One statement when the row is new, and it is the row given; the stored row is read back only when the key
        // was taken before.
        if (yield* insertOnce(toColumns(row))) return { row, inserted: true }
        const stored = yield* one(selectKey(row.key))
        if (stored === undefined) {
          return yield* new Outbox.OutboxError({
            reason: "unavailable",
            message: `The outbox row ${row.key} vanished.`
          })
        }
        return { row: stored, inserted: false }
      })
    ).pipe(Effect.catchTag("SqlError", unavailable))

  const claim: Outbox.Encoded["claim"] = (now, limit, leaseUntil) =>
    write(
      rows(sql`UPDATE outbox SET status = 'sending', attempts = attempts + 1, lease_until = ${leaseUntil}
        WHERE key IN (SELECT key FROM outbox
          WHERE (status = 'pending' AND next_attempt_at <= ${now}) OR (status = 'sending' AND lease_until <= ${now})
          ORDER BY next_attempt_at, created_at LIMIT ${limit}${skipLocked})
        RETURNING *`)
    ).pipe(
      Effect.map((claimed) => [...claimed].sort(byDue)),
      Effect.catchTag("SqlError", unavailable)
    )

  const settle: Outbox.Encoded["settle"] = (key, attempt, s) =>
    write(
      one(
        sql`UPDATE outbox SET ${sql.update({
          status: s.status,
          lease_until: null,
          platform_message_id: s.platformMessageId,
          error_reason: s.errorReason,
          error_message: s.errorMessage,
          ...(s.nextAttemptAt !== undefined ? { next_attempt_at: s.nextAttemptAt } : {})
        })} WHERE key = ${key} AND status = 'sending' AND attempts = ${attempt} RETURNING *`
      )
    ).pipe(Effect.catchTag("SqlError", unavailable), grouped)

  return {
    insert,
    claim,
    settle,
    get: (key) => one(selectKey(key)).pipe(Effect.catchTag("SqlError", unavailable)),
    list: (status) =>
      rows(
        status === undefined
          ? sql`SELECT * FROM outbox ORDER BY created_at, key`
          : sql`SELECT * FROM outbox WHERE status = ${status} ORDER BY created_at, key`
      ).pipe(Effect.catchTag("SqlError", unavailable))
  }
})

/**
 * The outbox over the `SqlClient` in context.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: Effect.Effect<Outbox.Outbox["Type"], never, SqlClient> = Effect.map(
  makeEncodedStore,
  Outbox.makeEncoded
)

/**
 * The outbox as a layer; run the migrations first (`SqlStorage.layer` does).
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<Outbox.Outbox, never, SqlClient> = Layer.effect(Outbox.Outbox, make)
