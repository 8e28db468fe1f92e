/**
 * All of tinbao's storage over `@effect/sql` in one layer: the tip store, the register, the identity vault,
 * the unit directory, the transaction port (with group commit), the statistics engine (counting in SQL), the
 * messaging ports (outbox, inbox, intake ledger, bindings, conversation activity), the evidence records and
 * platform credentials (sealed with the vault's keys), with the migrations run first. Bring an `SqlClient`, or
 * use {@link layerSqlite} (the embedded default) or {@link layerPg} (the scale path), whose drivers are optional
 * peer dependencies.
 *
 * @since 0.1.0
 * @module
 */
import type { SqlClient } from "@effect/sql/SqlClient"
import * as SqlClient_ from "@effect/sql/SqlClient"
import type {
  Binding,
  ConversationActivity,
  Credentials,
  Evidence,
  Inbox,
  IntakeLedger,
  Outbox,
  Register,
  Statistics,
  TipStore,
  Transaction,
  UnitDirectory
} from "@tinbao/core"
import { IdentityVault } from "@tinbao/core"
import { Cause, type Config as Config_, type ConfigError, type Duration, Effect, Layer, Redacted } from "effect"
import * as SqlBindings from "./SqlBindings.js"
import * as SqlConversationActivity from "./SqlConversationActivity.js"
import * as SqlCredentials from "./SqlCredentials.js"
import * as SqlEvidence from "./SqlEvidence.js"
import * as SqlIdentityVault from "./SqlIdentityVault.js"
import * as SqlInbox from "./SqlInbox.js"
import * as SqlIntakeLedger from "./SqlIntakeLedger.js"
import * as SqlMigrations from "./SqlMigrations.js"
import * as SqlOutbox from "./SqlOutbox.js"
import * as SqlRegister from "./SqlRegister.js"
import * as SqlStatistics from "./SqlStatistics.js"
import * as SqlTipStore from "./SqlTipStore.js"
import * as SqlTransaction from "./SqlTransaction.js"
import * as SqlUnitDirectory from "./SqlUnitDirectory.js"

/**
 * The messaging ports the storage layer provides.
 *
 * @since 0.1.0
 * @category models
 */
export type Messaging =
  | Outbox.Outbox
  | Inbox.Inbox
  | IntakeLedger.IntakeLedger
  | Binding.Bindings
  | ConversationActivity.ConversationActivity

/**
 * The services the storage layer provides.
 *
 * @since 0.1.0
 * @category models
 */
export type Services =
  | TipStore.TipStore
  | Register.Register
  | IdentityVault.IdentityVault
  | UnitDirectory.UnitDirectory
  | Transaction.Transaction
  | Statistics.StatisticsEngine
  | Messaging
  | Evidence.EvidenceRecords
  | Credentials.Credentials

/**
 * What storage needs besides a database: the vault's keys.
 *
 * @since 0.1.0
 * @category models
 */
export interface Config {
  readonly vault: SqlIdentityVault.Config
  /** How concurrent `Transaction.atomically` blocks are grouped into database transactions. */
  readonly groupCommit?: SqlTransaction.Options
  /** The statistics engine's options (its calendar and policy are `SqlStatistics.Basis`). */
  readonly statistics?: SqlStatistics.Options
}

/**
 * The messaging ports over the `SqlClient` in context, without migrating: for an app that runs the migrations
 * itself ({@link layer}, {@link layerSqlite} and {@link layerPg} already include these ports). The inbox seals
 * its deliveries with the vault's keys.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerMessaging = (config: Pick<Config, "vault">): Layer.Layer<Messaging, Inbox.InboxError, SqlClient> =>
  Layer.mergeAll(
    SqlOutbox.layer,
    SqlInbox.layer(config.vault),
    SqlIntakeLedger.layer,
    SqlBindings.layer,
    SqlConversationActivity.layer
  )

/**
 * Every storage service over the `SqlClient` in context, after migrating the database.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  config: Config
): Layer.Layer<
  Services,
  SqlMigrations.SqlStorageError | IdentityVault.IdentityVaultError | Inbox.InboxError | Statistics.StatisticsError,
  SqlClient
> => {
  // One group commit for intake and the inbox: a delivery stored while intake commits goes with intake's batch.
  const transaction = SqlTransaction.layer(config.groupCommit)
  return Layer.mergeAll(
    SqlTipStore.layer,
    SqlRegister.layer,
    SqlIdentityVault.layer(config.vault),
    SqlStatistics.layer(config.statistics).pipe(Layer.provideMerge(SqlUnitDirectory.layer)),
    transaction,
    layerMessaging(config).pipe(Layer.provide(transaction)),
    SqlEvidence.layer,
    // Platform tokens, sealed with the vault's keys: unusable keys are the vault's error, as for identities.
    SqlCredentials.layer(config.vault).pipe(
      Layer.mapError((e) => new IdentityVault.IdentityVaultError({ reason: "unavailable", message: e.message }))
    )
  ).pipe(Layer.provide(SqlMigrations.layer))
}

/**
 * {@link layer} with its configuration read from an Effect `Config`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (
  config: Config_.Config<Config>
): Layer.Layer<
  Services,
  | SqlMigrations.SqlStorageError
  | IdentityVault.IdentityVaultError
  | Inbox.InboxError
  | Statistics.StatisticsError
  | ConfigError.ConfigError,
  SqlClient
> => Layer.unwrapEffect(Effect.map(config, layer))

const missing = (driver: string) => (cause: unknown) =>
  new SqlMigrations.SqlStorageError({
    reason: "unavailable",
    message: `This layer needs the optional package ${driver}; install it next to @tinbao/sql.`,
    cause
  })

// A layer over an optional driver, loaded when the layer is built: a missing package is a typed error naming it.
const withDriver = <M, A, E>(load: () => Promise<M>, driver: string, build: (module: M) => Layer.Layer<A, E>) =>
  Layer.unwrapEffect(Effect.map(Effect.tryPromise({ try: load, catch: missing(driver) }), build))

const unreachable = (what: string) => (cause: unknown) =>
  new SqlMigrations.SqlStorageError({ reason: "unavailable", message: `${what} cannot be opened.`, cause })

// `busy_timeout` waits for another process's write instead of failing at once; `FULL` lets a stored tip survive a
// power cut. The log is checkpointed every 10,000 pages rather than 1,000 (why: docs/storage.md, "SQLite").
// `secure_delete` zeroes what a delete or an update frees, so an erased identity's key is not left in the file.
const sqlitePragmas = (synchronous: "full" | "normal") =>
  Layer.effectDiscard(
    Effect.flatMap(SqlClient_.SqlClient, (sql) =>
      Effect.all([
        sql`PRAGMA busy_timeout = 5000`,
        sql.unsafe(`PRAGMA synchronous = ${synchronous === "full" ? "FULL" : "NORMAL"}`),
        sql`PRAGMA foreign_keys = ON`,
        sql`PRAGMA wal_autocheckpoint = 10000`,
        sql`PRAGMA secure_delete = ON`
      ])
    ).pipe(Effect.mapError(unreachable("The SQLite database")))
  )

/**
 * Options of {@link layerSqlite}: the file, and how hard each commit is made durable — `"full"` (the
 * default: a commit is on disk when it returns, and survives a power cut) or `"normal"` (survives a crash of
 * the process, not of the machine). Group commit makes `"full"` cost one sync per batch, not per tip.
 *
 * @since 0.1.0
 * @category models
 */
export interface SqliteOptions extends Config {
  readonly filename: string
  readonly synchronous?: "full" | "normal"
}

/**
 * Storage in an SQLite file (WAL, checkpointed every 10,000 pages; `synchronous = FULL` unless told otherwise;
 * a 5-second busy timeout; `secure_delete`), through `@effect/sql-sqlite-node`. The `SqlClient` is provided too.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerSqlite = (
  options: SqliteOptions
): Layer.Layer<
  Services | SqlClient,
  SqlMigrations.SqlStorageError | IdentityVault.IdentityVaultError | Inbox.InboxError | Statistics.StatisticsError
> =>
  withDriver(
    () => import("@effect/sql-sqlite-node/SqliteClient"),
    "@effect/sql-sqlite-node",
    (SqliteClient) => {
      // The driver throws (a defect, not a failure) when the folder is missing or the file is not a database.
      const client = SqliteClient.layer({ filename: options.filename }).pipe(
        Layer.catchAllCause((cause) =>
          Cause.isInterruptedOnly(cause)
            ? Layer.failCause(cause as Cause.Cause<never>)
            : Layer.fail(unreachable(`The SQLite database ${options.filename}`)(Cause.squash(cause)))
        )
      )
      return layer(options).pipe(
        Layer.provide(sqlitePragmas(options.synchronous ?? "full")),
        Layer.provideMerge(client)
      )
    }
  )

/**
 * Options of {@link layerPg}: the connection URL (a string or `Redacted`: it may hold the password),
 * `connectTimeout` (how long opening a connection may take before the call fails with a storage error instead of
 * waiting; default 10 seconds) and `maxConnections` (default 10).
 *
 * @since 0.1.0
 * @category models
 */
export interface PgOptions extends Config {
  readonly url: Redacted.Redacted<string> | string
  readonly connectTimeout?: Duration.DurationInput
  readonly maxConnections?: number
}

/**
 * Storage in PostgreSQL at a connection URL, through `@effect/sql-pg`. The `SqlClient` is provided too.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerPg = (
  options: PgOptions
): Layer.Layer<
  Services | SqlClient,
  SqlMigrations.SqlStorageError | IdentityVault.IdentityVaultError | Inbox.InboxError | Statistics.StatisticsError
> =>
  withDriver(
    () => import("@effect/sql-pg/PgClient"),
    "@effect/sql-pg",
    (PgClient) => {
      const url = Redacted.isRedacted(options.url) ? options.url : Redacted.make(options.url)
      const client = PgClient.layer({
        url,
        connectTimeout: options.connectTimeout ?? "10 seconds",
        maxConnections: options.maxConnections ?? 10
      }).pipe(Layer.mapError(unreachable("The PostgreSQL database")))
      return layer(options).pipe(Layer.provideMerge(client))
    }
  )
