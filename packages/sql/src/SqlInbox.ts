/**
 * The inbox of raw deliveries over `@effect/sql`, in the table `inbox`, sealed at rest with the vault's keys
 * (AES-256-GCM): the URL, the headers and the body, each bound to its row and column, under the key the row names
 * in `key_id`. Method, channel, times and states stay plain, for the queries. `claim` locks with
 * `FOR UPDATE SKIP LOCKED` on PostgreSQL, so that several workers on one database never process the same delivery
 * at once.
 *
 * When it starts, the inbox seals the rows stored before it sealed anything (`key_id` empty), and seals again
 * under the current key the rows an earlier key sealed, so that a retired key can go once a start has run with
 * both. A row that cannot be opened is a `corrupt` error naming its id, never a crash; claimed, it becomes a dead
 * letter saying why, so that it does not hold up the others (docs/storage.md, "The inbox").
 *
 * With a `Transaction` in context (`SqlStorage.layer` gives its group commit), a delivery stored and a delivery
 * settled are blocks of that group commit: those that arrive together share one commit.
 *
 * @since 0.1.0
 * @module
 */
import { SqlClient } from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import { Inbox } from "@tinbao/core"
import { Effect, Either, Layer, Schema } from "effect"
import { makeGrouped } from "./internal/grouped.js"
import { openBytes, sealBytes } from "./internal/inboxCipher.js"
import { NullableText, rowReader } from "./internal/rowDecoding.js"
import { Int, isUniqueViolation, makeGuardedWriter, sqlFailure } from "./internal/sqlErrors.js"
import * as cipher from "./internal/vaultCipher.js"
import type * as SqlIdentityVault from "./SqlIdentityVault.js"

/**
 * The keys the inbox seals with: the vault's (`SqlStorage` passes its `vault` configuration).
 *
 * @since 0.2.0
 * @category models
 */
export type Config = Pick<SqlIdentityVault.Config, "keys" | "currentKeyId">

const Headers = Schema.parseJson(Schema.Record({ key: Schema.String, value: Schema.String }))
const encodeHeaders = Schema.encodeSync(Headers)
const decodeHeaders = Schema.decodeUnknownEither(Headers)
const decodeBody = Schema.decodeUnknownEither(Schema.Uint8ArrayFromBase64)

const Columns = Schema.Struct({
  id: Schema.String,
  channel: Schema.String,
  method: Schema.String,
  url: Schema.String,
  headers: Schema.String,
  body: Schema.String,
  key_id: NullableText,
  received_at: Int,
  status: Schema.String,
  attempts: Int,
  next_attempt_at: Int,
  lease_until: Schema.NullOr(Int),
  dead_reason: NullableText,
  last_error: NullableText
})
type Columns = typeof Columns.Type

// Each channel's latest delivery: plain columns only, nothing is opened.
const Latest = Schema.Struct({ channel: Schema.String, received_at: Int })

const corrupt = (message: string) => new Inbox.InboxError({ reason: "corrupt", message })

const { rows } = rowReader(Columns, "inbox", corrupt, (c) => c)
const latest = rowReader(Latest, "inbox", corrupt, (c) => ({ channel: c.channel, receivedAt: c.received_at })).rows

const unavailable = (cause: SqlError) =>
  new Inbox.InboxError(sqlFailure(cause, "invalid", "The inbox's database cannot be reached."))

// The row and the column are the associated data: a sealed value opens only where it was sealed.
const aad = (id: string, column: "url" | "headers" | "body") => `tinbao/inbox:${id}:${column}`

type Sealed = Pick<Columns, "url" | "headers" | "body" | "key_id">

const seal = (ring: cipher.Keyring, id: string, url: string, headers: string, body: Uint8Array): Sealed => ({
  url: sealBytes(ring, aad(id, "url"), Buffer.from(url, "utf8")),
  headers: sealBytes(ring, aad(id, "headers"), Buffer.from(headers, "utf8")),
  body: sealBytes(ring, aad(id, "body"), body),
  key_id: ring.current
})

/** The three sealed columns in plain text (the body in base64), or why they do not open. */
const plainColumns = (
  ring: cipher.Keyring,
  c: Columns
): Either.Either<{ readonly url: string; readonly headers: string; readonly body: string }, Inbox.InboxError> => {
  const keyId = c.key_id
  // Stored before the inbox sealed anything: the start seals these.
  if (keyId === null) return Either.right({ url: c.url, headers: c.headers, body: c.body })
  const open = (column: "url" | "headers" | "body") => openBytes(ring, keyId, aad(c.id, column), c[column])
  return Either.mapLeft(Either.all({ url: open("url"), headers: open("headers"), body: open("body") }), (why) =>
    corrupt(`The stored delivery ${c.id} cannot be opened: ${why}.`)
  ).pipe(
    Either.map((opened) => ({
      url: opened.url.toString("utf8"),
      headers: opened.headers.toString("utf8"),
      body: opened.body.toString("base64")
    }))
  )
}

const toRow = (ring: cipher.Keyring, c: Columns): Either.Either<Inbox.Row, Inbox.InboxError> =>
  Either.flatMap(plainColumns(ring, c), (plain) =>
    Either.match(decodeHeaders(plain.headers), {
      onLeft: () => Either.left(corrupt("A stored row of the table inbox is not valid: check headers.")),
      onRight: (headers) =>
        Either.right({
          id: c.id,
          channel: c.channel,
          method: c.method,
          url: plain.url,
          headers,
          body: plain.body,
          receivedAt: c.received_at,
          status: c.status,
          attempts: c.attempts,
          nextAttemptAt: c.next_attempt_at,
          leaseUntil: c.lease_until,
          deadReason: c.dead_reason,
          lastError: c.last_error
        })
    })
  )

const byDue = (a: Inbox.Row, b: Inbox.Row) => a.nextAttemptAt - b.nextAttemptAt || a.receivedAt - b.receivedAt

const keyringOf = (config: Config) =>
  Either.mapLeft(
    cipher.keyring(config.keys, config.currentKeyId),
    (message) => new Inbox.InboxError({ reason: "unavailable", message })
  )

/**
 * Seals the rows that are plain (stored before the inbox sealed) or sealed with another key than the current one,
 * a batch at a time. A row that does not open (its key is gone, or it was altered) is left as it is, to be
 * reported when it is read; so is a plain row whose body is not base64.
 */
const sealStored = (sql: SqlClient, ring: cipher.Keyring) =>
  Effect.gen(function* () {
    const decode = Schema.decodeUnknownEither(Columns)
    let after = ""
    let sealed = 0
    while (true) {
      const batch = yield* sql`SELECT * FROM inbox WHERE (key_id IS NULL OR key_id <> ${ring.current})
        AND id > ${after} ORDER BY id LIMIT 100`
      if (batch.length === 0) return sealed
      for (const raw of batch) {
        const c = decode(raw)
        if (Either.isLeft(c)) {
          after = String((raw as { readonly id?: unknown }).id)
          continue
        }
        after = c.right.id
        const plain = Either.getOrUndefined(plainColumns(ring, c.right))
        const body = plain === undefined ? undefined : Either.getOrUndefined(decodeBody(plain.body))
        if (plain === undefined || body === undefined) continue
        const was = c.right.key_id
        yield* sql`UPDATE inbox SET ${sql.update(seal(ring, c.right.id, plain.url, plain.headers, body))}
          WHERE id = ${c.right.id} AND ${was === null ? sql`key_id IS NULL` : sql`key_id = ${was}`}`
        sealed += 1
      }
    }
  })

// SQLite leaves what an UPDATE replaced in the file's free space: the plain rows being sealed are overwritten with
// zeros instead, and the setting goes back to what it was once they are sealed.
const withSecureDelete = <A, E, R>(sql: SqlClient, effect: Effect.Effect<A, E, R>) =>
  sql.onDialectOrElse({
    sqlite: () =>
      Effect.acquireUseRelease(
        Effect.tap(sql<{ readonly secure_delete: number }>`PRAGMA secure_delete`, () => sql`PRAGMA secure_delete = 1`),
        () => effect,
        (before) => Effect.ignore(sql.unsafe(`PRAGMA secure_delete = ${Number(before[0]?.secure_delete ?? 0)}`))
      ),
    orElse: () => effect
  })

/**
 * The inbox's rows over the `SqlClient` in context, sealed with the vault's keys; run the migrations first. Seals
 * the rows stored unsealed or under an earlier key when it starts. Fails with `unavailable` when the keys are
 * unusable, or when the database cannot be reached to seal the stored rows.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeEncodedStore = (config: Config): Effect.Effect<Inbox.Encoded, Inbox.InboxError, SqlClient> =>
  Effect.gen(function* () {
    const sql = yield* SqlClient
    const ring = yield* keyringOf(config)
    const write = yield* makeGuardedWriter(sql)
    // Deliveries that arrive together, and a round's settlements, share a commit (`grouped.ts`).
    const grouped = yield* makeGrouped(
      (cause) => new Inbox.InboxError({ reason: "unavailable", message: cause.message, cause })
    )
    const skipLocked = sql.literal(sql.onDialectOrElse({ pg: () => " FOR UPDATE SKIP LOCKED", orElse: () => "" }))
    yield* withSecureDelete(sql, sealStored(sql, ring)).pipe(Effect.catchTag("SqlError", unavailable))

    const read = (found: ReadonlyArray<Columns>) => Effect.forEach(found, (c) => toRow(ring, c))

    const insert: Inbox.Encoded["insert"] = (row) =>
      Either.match(decodeBody(row.body), {
        onLeft: () => Effect.fail(new Inbox.InboxError({ reason: "invalid", message: "A body must be base64." })),
        onRight: (body) =>
          write(
            sql`INSERT INTO inbox ${sql.insert({
              id: row.id,
              channel: row.channel,
              method: row.method,
              ...seal(ring, row.id, row.url, encodeHeaders(row.headers), body),
              received_at: row.receivedAt,
              status: row.status,
              attempts: row.attempts,
              next_attempt_at: row.nextAttemptAt,
              lease_until: row.leaseUntil,
              dead_reason: row.deadReason,
              last_error: row.lastError
            })}`
          ).pipe(
            Effect.asVoid,
            Effect.catchTag("SqlError", (cause) =>
              isUniqueViolation(cause)
                ? new Inbox.InboxError({ reason: "invalid", message: `A delivery with id ${row.id} exists.`, cause })
                : unavailable(cause)
            ),
            grouped
          )
      })

    // A claimed row that does not open becomes a dead letter saying why: failing the claim would fail every
    // round after it, and leave the rows claimed with it waiting for their lease to run out.
    const settle = (c: Columns) =>
      Either.match(toRow(ring, c), {
        onRight: (row) => Effect.succeed([row]),
        onLeft: (error) =>
          write(sql`UPDATE inbox SET status = 'dead', dead_reason = ${error.message.slice(0, 500)}, lease_until = NULL
            WHERE id = ${c.id} AND status = 'processing'`).pipe(
            Effect.zipRight(Effect.logWarning(`inbox: ${error.message} It is kept as a dead letter.`)),
            Effect.as([])
          )
      })

    const claim: Inbox.Encoded["claim"] = (now, limit, leaseUntil) =>
      write(
        rows(sql`UPDATE inbox SET status = 'processing', attempts = attempts + 1, lease_until = ${leaseUntil}
          WHERE id IN (SELECT id FROM inbox
            WHERE (status = 'pending' AND next_attempt_at <= ${now}) OR (status = 'processing' AND lease_until <= ${now})
            ORDER BY next_attempt_at, received_at LIMIT ${limit}${skipLocked})
          RETURNING *`)
      ).pipe(
        Effect.flatMap((claimed) => Effect.forEach(claimed, settle)),
        Effect.map((claimed) => claimed.flat().sort(byDue)),
        Effect.catchTag("SqlError", unavailable)
      )

    const update: Inbox.Encoded["update"] = (id, from, change) =>
      from.length === 0
        ? Effect.succeed(false)
        : write(
            sql`UPDATE inbox SET ${sql.update({
              status: change.status,
              lease_until: null,
              ...(change.nextAttemptAt !== undefined ? { next_attempt_at: change.nextAttemptAt } : {}),
              ...(change.attempts !== undefined ? { attempts: change.attempts } : {}),
              ...(change.deadReason !== undefined ? { dead_reason: change.deadReason } : {}),
              ...(change.lastError !== undefined ? { last_error: change.lastError } : {})
            })} WHERE id = ${id} AND status IN ${sql.in(from)} RETURNING id`
          ).pipe(
            Effect.map((updated) => updated.length > 0),
            Effect.catchTag("SqlError", unavailable),
            grouped
          )

    return {
      insert,
      claim,
      update,
      get: (id) =>
        rows(sql`SELECT * FROM inbox WHERE id = ${id}`).pipe(
          Effect.flatMap(read),
          Effect.map((found) => found[0]),
          Effect.catchTag("SqlError", unavailable)
        ),
      list: (status) =>
        rows(sql`SELECT * FROM inbox WHERE status = ${status} ORDER BY received_at, id`).pipe(
          Effect.flatMap(read),
          Effect.catchTag("SqlError", unavailable)
        ),
      purge: (status, before) =>
        write(sql`DELETE FROM inbox WHERE status = ${status} AND received_at < ${before} RETURNING id`).pipe(
          Effect.map((deleted) => deleted.length),
          Effect.catchTag("SqlError", unavailable)
        ),
      remove: (id, from) =>
        from.length === 0
          ? Effect.succeed(false)
          : write(sql`DELETE FROM inbox WHERE id = ${id} AND status IN ${sql.in(from)} RETURNING id`).pipe(
              Effect.map((deleted) => deleted.length > 0),
              Effect.catchTag("SqlError", unavailable)
            ),
      // No index leads with the channel, and none is needed: retention keeps the table to a week of deliveries
      // and the dead letters, and this is read when an officer opens the channels page.
      lastReceived: () =>
        latest(sql`SELECT channel, MAX(received_at) AS received_at FROM inbox GROUP BY channel ORDER BY channel`).pipe(
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
export const make = (config: Config): Effect.Effect<Inbox.Inbox["Type"], Inbox.InboxError, SqlClient> =>
  Effect.map(makeEncodedStore(config), Inbox.makeEncoded)

/**
 * The inbox as a layer; run the migrations first (`SqlStorage.layer` does).
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (config: Config): Layer.Layer<Inbox.Inbox, Inbox.InboxError, SqlClient> =>
  Layer.effect(Inbox.Inbox, make(config))
