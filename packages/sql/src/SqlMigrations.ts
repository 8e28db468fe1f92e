/**
 * The schema of `@tinbao/sql`: forward-only migrations run with `@effect/sql`'s migrator when storage starts.
 * A database migrated by a newer version of this package is refused rather than written with old code.
 *
 * @since 0.1.0
 * @module
 */
import * as Migrator from "@effect/sql/Migrator"
import { SqlClient } from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import { Tip, TipEvent, TipStore } from "@tinbao/core"
import { Data, Effect, Layer, Schema } from "effect"
import { Int } from "./internal/sqlErrors.js"
import { listingRow } from "./internal/tipListing.js"

/**
 * Storage could not start: `newer_schema` (the database was migrated by a newer version), `migration_failed`,
 * `unavailable` (the database or its driver cannot be reached).
 *
 * @since 0.1.0
 * @category errors
 */
export class SqlStorageError extends Schema.TaggedError<SqlStorageError>("@tinbao/sql/SqlStorageError")(
  "SqlStorageError",
  {
    reason: Schema.Literal("newer_schema", "migration_failed", "unavailable"),
    message: Schema.String,
    cause: Schema.optional(Schema.Defect)
  }
) {}

/**
 * The table where the migrator records which migrations ran.
 *
 * @since 0.1.0
 * @category constants
 */
export const table = "tinbao_migrations"

const run = (sql: SqlClient, statements: ReadonlyArray<string>) =>
  Effect.forEach(statements, (statement) => sql.unsafe(statement), { discard: true })

const initial = Effect.gen(function* () {
  const sql = yield* SqlClient
  const position = sql.onDialectOrElse({
    pg: () => "position BIGSERIAL PRIMARY KEY",
    orElse: () => "position INTEGER PRIMARY KEY AUTOINCREMENT"
  })
  yield* run(sql, [
    `CREATE TABLE tip_events (${position}, tip TEXT NOT NULL, version INTEGER NOT NULL, event TEXT NOT NULL, UNIQUE (tip, version))`,
    "CREATE TABLE tips (tip TEXT PRIMARY KEY, unit TEXT NOT NULL, received_at BIGINT NOT NULL, open INTEGER NOT NULL)",
    "CREATE INDEX tips_unit_received ON tips (unit, received_at)",
    "CREATE INDEX tips_received ON tips (received_at)",
    "CREATE TABLE unit_changes (seq INTEGER PRIMARY KEY, change TEXT NOT NULL)",
    "CREATE TABLE register_counters (unit TEXT NOT NULL, year INTEGER NOT NULL, last INTEGER NOT NULL, PRIMARY KEY (unit, year))",
    `CREATE TABLE register_entries (unit TEXT NOT NULL, year INTEGER NOT NULL, number INTEGER NOT NULL,
      tip TEXT NOT NULL UNIQUE, code TEXT NOT NULL UNIQUE, received_at BIGINT NOT NULL, PRIMARY KEY (unit, year, number))`,
    `CREATE TABLE vault (alias TEXT PRIMARY KEY, key_id TEXT, iv TEXT, ciphertext TEXT, tag TEXT,
      forgotten INTEGER NOT NULL DEFAULT 0)`
  ])
})

// The messaging ports. Times are epoch milliseconds; `outbox` and `conversation_activity` hold aliases and
// fingerprint keys, never a platform id. A channel-wide binding has the empty string as its conversation.
const messaging = Effect.gen(function* () {
  const sql = yield* SqlClient
  yield* run(sql, [
    `CREATE TABLE outbox (key TEXT PRIMARY KEY, channel TEXT NOT NULL, conversation_kind TEXT NOT NULL,
      conversation_id TEXT NOT NULL, recipient TEXT, text TEXT NOT NULL, reply_to TEXT, human_agent INTEGER NOT NULL,
      tip TEXT, created_at BIGINT NOT NULL, attempts INTEGER NOT NULL, next_attempt_at BIGINT NOT NULL,
      lease_until BIGINT, status TEXT NOT NULL, platform_message_id TEXT, error_reason TEXT, error_message TEXT)`,
    "CREATE INDEX outbox_due ON outbox (status, next_attempt_at)",
    "CREATE INDEX outbox_created ON outbox (created_at)",
    `CREATE TABLE inbox (id TEXT PRIMARY KEY, channel TEXT NOT NULL, method TEXT NOT NULL, url TEXT NOT NULL,
      headers TEXT NOT NULL, body TEXT NOT NULL, received_at BIGINT NOT NULL, status TEXT NOT NULL,
      attempts INTEGER NOT NULL, next_attempt_at BIGINT NOT NULL, lease_until BIGINT, dead_reason TEXT, last_error TEXT)`,
    "CREATE INDEX inbox_due ON inbox (status, next_attempt_at)",
    "CREATE INDEX inbox_received ON inbox (status, received_at)",
    "CREATE TABLE intake_ledger (key TEXT PRIMARY KEY, entry TEXT NOT NULL)",
    `CREATE TABLE bindings (channel TEXT NOT NULL, conversation TEXT NOT NULL, unit TEXT NOT NULL,
      PRIMARY KEY (channel, conversation))`,
    `CREATE TABLE conversation_activity (channel TEXT NOT NULL, conversation_kind TEXT NOT NULL,
      conversation_id TEXT NOT NULL, last_inbound BIGINT NOT NULL, replies INTEGER NOT NULL,
      PRIMARY KEY (channel, conversation_kind, conversation_id))`
  ])
})

// The statistics projection: each tip's state as of every version, valid for period ends in `(since, until]`
// (layout in docs/storage.md). The tables start unbuilt: they depend on the application's calendar and deadline
// policy, so `SqlStatistics` builds them from `tip_events` when it first starts.
const stateColumns = `tip TEXT NOT NULL, version INTEGER NOT NULL, since BIGINT NOT NULL,
  received_at BIGINT NOT NULL, receiving_unit TEXT NOT NULL, channel TEXT NOT NULL, channel_id TEXT,
  unit TEXT NOT NULL, status TEXT NOT NULL, open SMALLINT NOT NULL, category TEXT NOT NULL, legal_type TEXT NOT NULL,
  outcome TEXT NOT NULL, acknowledged_at BIGINT, accepted_at BIGINT, decided_at BIGINT, last_decision BIGINT,
  irregular SMALLINT NOT NULL, held_since BIGINT NOT NULL, last_due BIGINT NOT NULL, calendar_gap SMALLINT NOT NULL,
  ack_due BIGINT, ack_met BIGINT, ack_late SMALLINT,
  transfer_due BIGINT, transfer_due_remote BIGINT, transfer_met BIGINT, transfer_late SMALLINT, transfer_late_remote SMALLINT,
  verification_due BIGINT, verification_met BIGINT, verification_late SMALLINT,
  notice_due BIGINT, notice_met BIGINT, notice_late SMALLINT,
  restoration_due BIGINT, restoration_met BIGINT, restoration_late SMALLINT,
  resolution_due BIGINT, resolution_met BIGINT, resolution_late SMALLINT`

const statistics = Effect.gen(function* () {
  const sql = yield* SqlClient
  yield* run(sql, [
    `CREATE TABLE stat_tips (${stateColumns}, PRIMARY KEY (tip))`,
    // By `since` for the period's end; with `version`, counting the log's events reads this index alone.
    "CREATE INDEX stat_tips_since ON stat_tips (since, version)",
    `CREATE TABLE stat_tip_history (${stateColumns}, until BIGINT NOT NULL, PRIMARY KEY (tip, version))`,
    "CREATE INDEX stat_tip_history_until ON stat_tip_history (until)",
    `CREATE TABLE stat_handovers (tip TEXT NOT NULL, seq INTEGER NOT NULL, unit TEXT NOT NULL,
      held_from BIGINT NOT NULL, held_until BIGINT NOT NULL, since BIGINT NOT NULL, PRIMARY KEY (tip, seq))`,
    "CREATE TABLE stat_decisions (tip TEXT NOT NULL, version INTEGER NOT NULL, at BIGINT NOT NULL, PRIMARY KEY (tip, version, at))",
    "CREATE TABLE stat_basis (key TEXT PRIMARY KEY, value TEXT NOT NULL)"
  ])
})

// The evidence records (see `SqlEvidence`). `seq` keeps the order of the requests; the partial index holds the
// unrecorded rows alone, which are every row a claim can take.
const evidence = Effect.gen(function* () {
  const sql = yield* SqlClient
  const seq = sql.onDialectOrElse({
    pg: () => "seq BIGSERIAL PRIMARY KEY",
    orElse: () => "seq INTEGER PRIMARY KEY AUTOINCREMENT"
  })
  yield* run(sql, [
    `CREATE TABLE evidence (${seq}, id TEXT NOT NULL UNIQUE, tip TEXT NOT NULL, original_url TEXT NOT NULL,
      requested_at BIGINT NOT NULL, status TEXT NOT NULL, attempts INTEGER NOT NULL, next_attempt_at BIGINT NOT NULL,
      lease_until BIGINT, hash TEXT, size BIGINT, media_type TEXT, stored_at BIGINT, error_reason TEXT,
      error_message TEXT, recorded INTEGER NOT NULL)`,
    "CREATE INDEX evidence_tip ON evidence (tip, seq)",
    "CREATE INDEX evidence_due ON evidence (next_attempt_at) WHERE recorded = 0"
  ])
})

// The inbox's deliveries sealed with the vault's keys: `key_id` names the key of the row's sealed URL, headers and
// body, NULL for a row stored before (plain). The migrator has no keys: `SqlInbox` seals those rows when it starts.
const inboxSealed = Effect.gen(function* () {
  const sql = yield* SqlClient
  yield* run(sql, ["ALTER TABLE inbox ADD COLUMN key_id TEXT"])
})

// Each identity's data key, wrapped with a vault key (`SqlIdentityVault`): `forget` deletes the row, and without it
// no copy of the identity's ciphertext opens. Identities sealed before keep their vault key's id in `vault.key_id`
// until the vault gives them a data key as it starts; the partial index finds them, and holds nothing after.
const vaultDataKeys = Effect.gen(function* () {
  const sql = yield* SqlClient
  yield* run(sql, [
    "CREATE TABLE vault_keys (alias TEXT PRIMARY KEY, key_id TEXT NOT NULL, data_key TEXT NOT NULL)",
    "CREATE INDEX vault_sealed_by_vault_key ON vault (alias) WHERE key_id IS NOT NULL"
  ])
})

// Platform credentials (see `SqlCredentials`): the tokens sealed with the vault's keys, the times in the clear.
const credentials = Effect.gen(function* () {
  const sql = yield* SqlClient
  yield* run(sql, [
    `CREATE TABLE credentials (account TEXT PRIMARY KEY, key_id TEXT NOT NULL, iv TEXT NOT NULL,
      ciphertext TEXT NOT NULL, tag TEXT NOT NULL, expires_at BIGINT NOT NULL, refresh_expires_at BIGINT,
      generation INTEGER NOT NULL, status TEXT NOT NULL, problem TEXT, updated_at BIGINT NOT NULL)`
  ])
})

// Whether an outbox entry is a reply posted in a comment thread (`Outbox.Entry.public`); the rows before were all
// private.
const outboxPublic = Effect.gen(function* () {
  const sql = yield* SqlClient
  yield* run(sql, ["ALTER TABLE outbox ADD COLUMN public INTEGER NOT NULL DEFAULT 0"])
})

const Unlisted = Schema.Array(Schema.Struct({ tip: Schema.String }))
const LoggedEvents = Schema.Array(Schema.Struct({ tip: Schema.String, event: Schema.parseJson(TipEvent.TipEvent) }))
const BACKFILL = 500

// A stored log that does not fold into a tip: the migration stops, and says which tip.
class UnfoldableLog extends Data.TaggedError("UnfoldableLog")<{ readonly message: string; readonly cause?: unknown }> {}

// What a page of tips is chosen and ordered by: each tip's register entry, status, channel and category beside its
// unit, and two indexes in the pages' order (newest first, read backwards): all units', and each unit's. The rows of tips stored before are filled
// from their logs, folded as the store folds them, a few hundred tips at a time.
const tipPages = Effect.gen(function* () {
  const sql = yield* SqlClient
  yield* run(sql, [
    "ALTER TABLE tips ADD COLUMN register_year INTEGER",
    "ALTER TABLE tips ADD COLUMN register_number INTEGER",
    "ALTER TABLE tips ADD COLUMN status TEXT",
    "ALTER TABLE tips ADD COLUMN channel TEXT",
    "ALTER TABLE tips ADD COLUMN channel_id TEXT",
    "ALTER TABLE tips ADD COLUMN category TEXT",
    "CREATE INDEX tips_register ON tips (register_year, register_number, tip)",
    "CREATE INDEX tips_unit_register ON tips (unit, register_year, register_number, tip)"
  ])
  while (true) {
    const batch = yield* Effect.flatMap(
      sql`SELECT tip FROM tips WHERE register_year IS NULL ORDER BY tip LIMIT ${BACKFILL}`,
      Schema.decodeUnknown(Unlisted)
    )
    if (batch.length === 0) return
    const ids = batch.map((row) => row.tip)
    const rows = yield* Effect.flatMap(
      sql`SELECT tip, event FROM tip_events WHERE ${sql.in("tip", ids)} ORDER BY tip, version`,
      Schema.decodeUnknown(LoggedEvents)
    )
    const logs = new Map<string, Array<TipEvent.TipEvent>>()
    for (const row of rows) logs.set(row.tip, [...(logs.get(row.tip) ?? []), row.event])
    for (const tip of ids) {
      const state = yield* Effect.try({
        try: () => Tip.fold(logs.get(tip) ?? []),
        catch: (cause) => new UnfoldableLog({ message: `The stored events of tip ${tip} do not fold.`, cause })
      })
      if (state === undefined) return yield* new UnfoldableLog({ message: `Tip ${tip} is listed but has no events.` })
      const row = listingRow(tip, TipStore.indexRowOf(state))
      yield* sql`UPDATE tips SET register_year = ${row.register_year}, register_number = ${row.register_number},
        status = ${row.status}, channel = ${row.channel}, channel_id = ${row.channel_id}, category = ${row.category}
        WHERE tip = ${tip}`
    }
  }
})

/**
 * Every migration, by `<id>_<name>`. Only ever append to it: a migration that ran is never changed.
 *
 * @since 0.1.0
 * @category constants
 */
export const migrations: Readonly<Record<string, Effect.Effect<void, unknown, SqlClient>>> = {
  "1_initial": initial,
  "2_messaging": messaging,
  "3_statistics": statistics,
  "4_evidence": evidence,
  "5_inbox_sealed": inboxSealed,
  "6_vault_data_keys": vaultDataKeys,
  "7_credentials": credentials,
  "8_outbox_public": outboxPublic,
  "9_tip_pages": tipPages
}

/**
 * The highest migration id this version of the package knows.
 *
 * @since 0.1.0
 * @category constants
 */
export const latest: number = Math.max(...Object.keys(migrations).map((key) => Number.parseInt(key, 10)))

const Latest = Schema.Array(Schema.Struct({ id: Schema.NullOr(Int) }))

/**
 * The highest migration id recorded in the database; 0 when none ran.
 *
 * @since 0.1.0
 * @category getters
 */
export const current: Effect.Effect<number, SqlStorageError, SqlClient> = Effect.gen(function* () {
  const sql = yield* SqlClient
  const exists = yield* sql.onDialectOrElse({
    pg: () => sql<{ readonly found: unknown }>`SELECT to_regclass(${table}) AS found`,
    orElse: () =>
      sql<{ readonly found: unknown }>`SELECT name AS found FROM sqlite_master WHERE type = 'table' AND name = ${table}`
  })
  if (exists.length === 0 || exists[0]!.found === null) return 0
  const rows = yield* Effect.flatMap(
    sql`SELECT max(migration_id) AS id FROM ${sql(table)}`,
    Schema.decodeUnknown(Latest)
  )
  return rows[0]?.id ?? 0
}).pipe(
  Effect.catchTags({
    SqlError: (cause) =>
      new SqlStorageError({
        reason: "unavailable",
        message: "The database cannot be reached to read its schema version.",
        cause
      }),
    ParseError: (cause) =>
      new SqlStorageError({
        reason: "migration_failed",
        message: `The table ${table} holds an unreadable migration id.`,
        cause
      })
  })
)

const migrator = Migrator.make({})

/**
 * Runs `effect` while no other process runs an effect under the same `name` on this database. On PostgreSQL it
 * runs in a transaction holding an advisory lock on the name: `CREATE TABLE IF NOT EXISTS` is not safe there when
 * two processes starting together run it at once (the second fails on a unique violation in pg_type), so an app
 * that creates tables of its own at every start runs them so. Elsewhere it runs as it is: SQLite lets one writer
 * in at a time.
 *
 * @since 0.2.0
 * @category combinators
 */
export const oneAtATime =
  (name: string) =>
  <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E | SqlError, R | SqlClient> =>
    Effect.flatMap(SqlClient, (sql) =>
      sql.onDialectOrElse({
        pg: () => sql.withTransaction(Effect.zipRight(sql`SELECT pg_advisory_xact_lock(hashtext(${name}))`, effect)),
        orElse: () => effect
      })
    )

/**
 * Brings the database to the latest schema. Refuses, with a plain message, a database whose schema is newer
 * than this code. Processes that start together on one PostgreSQL database migrate it one after the other.
 *
 * @since 0.1.0
 * @category constructors
 */
export const migrate: Effect.Effect<void, SqlStorageError, SqlClient> = Effect.gen(function* () {
  const found = yield* current
  if (found > latest) {
    return yield* new SqlStorageError({
      reason: "newer_schema",
      message: `The database schema is at version ${found}, newer than this version of @tinbao/sql knows (${latest}). Upgrade @tinbao/sql; it will not start on a newer schema.`
    })
  }
  yield* migrator({ loader: Migrator.fromRecord(migrations), table }).pipe(
    Effect.mapError(
      (cause) =>
        new SqlStorageError({
          reason: "migration_failed",
          message: `The database schema could not be migrated: ${cause.message}`,
          cause
        })
    )
  )
}).pipe(
  // Processes starting together on a new PostgreSQL database would each find no migrations table and create it.
  // The table is made first, as the migrator makes it, because the migrator's own probe for it (a failing
  // `::regclass`) would abort the transaction that holds the lock.
  (migrating) =>
    Effect.flatMap(SqlClient, (sql) =>
      sql.onDialectOrElse({
        pg: () =>
          Effect.zipRight(
            sql`CREATE TABLE IF NOT EXISTS ${sql(table)} (
              migration_id integer primary key,
              created_at timestamp with time zone not null default now(),
              name text not null
            )`,
            migrating
          ),
        orElse: () => migrating
      })
    ),
  oneAtATime(table),
  Effect.catchTag(
    "SqlError",
    (cause) =>
      new SqlStorageError({ reason: "unavailable", message: "The database cannot be locked for migrating.", cause })
  )
)

/**
 * Runs {@link migrate} when the layer is built.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<never, SqlStorageError, SqlClient> = Layer.effectDiscard(migrate)
