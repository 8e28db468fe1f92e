/**
 * The identity vault's upkeep: giving identities sealed before data keys a data key of their own, re-wrapping data
 * keys with the current vault key, and removing from the database files what `forget` erased (docs/storage.md,
 * "The identity vault").
 *
 * @internal
 */
import type { SqlClient } from "@effect/sql/SqlClient"
import { SqlError } from "@effect/sql/SqlError"
import { Clock, Duration, Effect, Either, Option, Schema } from "effect"
import type { Rewrapped } from "../SqlIdentityVault.js"
import * as cipher from "./vaultCipher.js"

// Rows taken per transaction: a crash or a second instance loses or repeats at most one chunk's work, and a chunk's
// locks are held for a moment only.
const CHUNK = 200

const Text = Schema.String

const LegacyRows = Schema.Array(Schema.Struct({ alias: Text, key_id: Text, iv: Text, ciphertext: Text, tag: Text }))
const KeyRows = Schema.Array(Schema.Struct({ alias: Text, key_id: Text, data_key: Text }))
const Counts = Schema.Array(Schema.Struct({ key_id: Text, n: Schema.Union(Schema.Number, Schema.NumberFromString) }))

const malformed = (cause: unknown) => new SqlError({ cause, message: "A vault row read for upkeep is malformed." })

const decode =
  <A, I>(schema: Schema.Schema<A, I>) =>
  (rows: ReadonlyArray<unknown>) =>
    Effect.mapError(Schema.decodeUnknown(schema)(rows), malformed)

// Rows taken on PostgreSQL are locked and skipped by a second instance doing the same, which takes the next ones.
const skipLocked = (sql: SqlClient) =>
  sql.literal(sql.onDialectOrElse({ pg: () => " FOR UPDATE SKIP LOCKED", orElse: () => "" }))

// Runs `chunk` from the first alias on, each time after the last alias the one before read, until one reads
// nothing; answers the sum of what they did.
const inChunks = (
  chunk: (after: string) => Effect.Effect<{ readonly done: number; readonly last: string | undefined }, SqlError>
): Effect.Effect<number, SqlError> => {
  const from = (after: string, total: number): Effect.Effect<number, SqlError> =>
    Effect.flatMap(chunk(after), ({ done, last }) =>
      last === undefined ? Effect.succeed(total + done) : from(last, total + done)
    )
  return from("", 0)
}

const putKey = (sql: SqlClient, alias: string, wrapped: cipher.Wrapped) =>
  sql`INSERT INTO vault_keys (alias, key_id, data_key) VALUES (${alias}, ${wrapped.keyId}, ${wrapped.wrapped})
    ON CONFLICT (alias) DO UPDATE SET key_id = excluded.key_id, data_key = excluded.data_key`

/**
 * Gives every identity sealed with a vault key itself (before data keys) a data key of its own: opened, sealed again
 * with a new data key, which is wrapped with the current vault key. A row that does not open (its key is not
 * configured, or it was altered) stays as it is and is still read as before. Answers how many were sealed again.
 *
 * @internal
 */
export const upgrade = (sql: SqlClient, ring: cipher.Keyring): Effect.Effect<number, SqlError> => {
  const chunk = (after: string) =>
    sql.withTransaction(
      Effect.gen(function* () {
        const rows = yield* Effect.flatMap(
          sql`SELECT alias, key_id, iv, ciphertext, tag FROM vault
            WHERE key_id IS NOT NULL AND alias > ${after} ORDER BY alias LIMIT ${CHUNK}${skipLocked(sql)}`,
          decode(LegacyRows)
        )
        let done = 0
        for (const row of rows) {
          const sealed = { keyId: row.key_id, iv: row.iv, ciphertext: row.ciphertext, tag: row.tag }
          const opened = cipher.open(ring, row.alias, sealed)
          if (Either.isLeft(opened)) continue
          const dataKey = cipher.newDataKey()
          const resealed = cipher.sealWith(dataKey, row.alias, opened.right)
          const wrapped = cipher.wrap(ring, row.alias, dataKey)
          dataKey.fill(0)
          // Only while the row is still as read: on SQLite nothing else writes, on PostgreSQL the row is locked.
          const changed = yield* sql`UPDATE vault SET key_id = NULL, iv = ${resealed.iv},
            ciphertext = ${resealed.ciphertext}, tag = ${resealed.tag}
            WHERE alias = ${row.alias} AND key_id = ${row.key_id} AND forgotten = 0 RETURNING alias`
          if (changed.length === 0) continue
          yield* putKey(sql, row.alias, wrapped)
          done++
        }
        return { done, last: rows.at(-1)?.alias }
      })
    )
  return inChunks(chunk)
}

/**
 * Wraps every data key that is under another vault key with the current one, after {@link upgrade}.
 *
 * @internal
 */
export const rewrap = (sql: SqlClient, ring: cipher.Keyring): Effect.Effect<Rewrapped, SqlError> => {
  const chunk = (after: string) =>
    sql.withTransaction(
      Effect.gen(function* () {
        const rows = yield* Effect.flatMap(
          sql`SELECT alias, key_id, data_key FROM vault_keys
            WHERE key_id <> ${ring.current} AND alias > ${after} ORDER BY alias LIMIT ${CHUNK}${skipLocked(sql)}`,
          decode(KeyRows)
        )
        let done = 0
        for (const row of rows) {
          const dataKey = cipher.unwrap(ring, row.alias, { keyId: row.key_id, wrapped: row.data_key })
          if (Either.isLeft(dataKey)) continue
          yield* putKey(sql, row.alias, cipher.wrap(ring, row.alias, dataKey.right))
          dataKey.right.fill(0)
          done++
        }
        return { done, last: rows.at(-1)?.alias }
      })
    )
  const left = Effect.flatMap(
    sql`SELECT key_id, count(*) AS n FROM vault_keys WHERE key_id <> ${ring.current} GROUP BY key_id
      UNION ALL SELECT key_id, count(*) AS n FROM vault WHERE key_id IS NOT NULL AND key_id <> ${ring.current}
      GROUP BY key_id`,
    decode(Counts)
  )
  return Effect.gen(function* () {
    yield* upgrade(sql, ring)
    const rewrapped = yield* inChunks(chunk)
    const counts: Record<string, number> = {}
    for (const { key_id, n } of yield* left) counts[key_id] = (counts[key_id] ?? 0) + Number(n)
    return { rewrapped, left: counts }
  })
}

const Checkpoint = Schema.Array(Schema.Struct({ busy: Schema.Number }))
const Xid = Schema.Array(Schema.Struct({ x: Schema.String }))
const Held = Schema.Array(Schema.Struct({ n: Schema.Union(Schema.Number, Schema.NumberFromString) }))

// How many transactions of this database (that this role may see), and replication slots, could still see a row
// deleted before transaction `x`: PostgreSQL keeps such a row, even through `VACUUM FULL`, for as long as they last.
const stillHeld = (sql: SqlClient, x: string) =>
  Effect.flatMap(
    sql`SELECT count(*) AS n FROM (
        SELECT backend_xmin AS xmin FROM pg_stat_activity
          WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_xmin IS NOT NULL
        UNION ALL SELECT backend_xid FROM pg_stat_activity
          WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL
        UNION ALL SELECT xmin FROM pg_replication_slots
          WHERE xmin IS NOT NULL AND (database IS NULL OR database = current_database())
      ) held WHERE age(held.xmin) > age(${x}::xid8::xid)`,
    decode(Held)
  ).pipe(Effect.map((rows) => Number(rows[0]?.n ?? 0)))

/**
 * Removes from the database files what `forget` erased before it started: on SQLite, whose `secure_delete` zeroed
 * it in the pages, the write-ahead log that still holds the pages as they were is checkpointed and emptied; on
 * PostgreSQL, where an erased row stays in the table's file (a plain `VACUUM` frees its space but does not clear
 * it), the data keys' table is rewritten, once no transaction that could still see an erased row is open (waiting
 * at most `wait`). With `full`, what older versions left behind goes too: the whole SQLite file is rebuilt, and on
 * PostgreSQL the `vault` table is rewritten as well. Answers why it could not, if it could not.
 *
 * @internal
 */
export const shred = (
  sql: SqlClient,
  full: boolean,
  wait: Duration.Duration
): Effect.Effect<Option.Option<string>, SqlError> =>
  sql.onDialectOrElse({
    pg: () =>
      Effect.gen(function* () {
        const xid = yield* Effect.flatMap(sql`SELECT pg_current_xact_id()::text AS x`, decode(Xid))
        const x = xid[0]!.x
        const deadline = (yield* Clock.currentTimeMillis) + Duration.toMillis(wait)
        let held = yield* stillHeld(sql, x)
        while (held > 0 && (yield* Clock.currentTimeMillis) < deadline) {
          yield* Effect.sleep("100 millis")
          held = yield* stillHeld(sql, x)
        }
        if (held > 0) {
          return Option.some(
            `PostgreSQL keeps the erased rows while ${held} transaction(s) or replication slot(s) that began before ` +
              "shred may still see them; nothing was rewritten: try again once they have ended."
          )
        }
        yield* sql.unsafe("VACUUM FULL vault_keys")
        if (full) yield* sql.unsafe("VACUUM FULL vault")
        return Option.none()
      }),
    orElse: () =>
      Effect.gen(function* () {
        if (full) yield* sql.unsafe("VACUUM")
        const result = yield* Effect.flatMap(sql.unsafe("PRAGMA wal_checkpoint(TRUNCATE)"), decode(Checkpoint))
        return result[0]?.busy === 0
          ? Option.none()
          : Option.some(
              "Another connection was reading the SQLite database, so its log could not be emptied; try again."
            )
      })
  })
