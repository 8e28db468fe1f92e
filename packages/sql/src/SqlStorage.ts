/**
 * All of tinbao's storage over `@effect/sql` in one layer: the tip store, the register, the identity vault,
 * the unit directory and the messaging ports (outbox, inbox, intake ledger, bindings, conversation activity),
 * with the migrations run first. Bring an `SqlClient`, or use {@link layerSqlite} (the
 * embedded default) or {@link layerPg} (the scale path), whose drivers are optional peer dependencies.
 *
 * @since 0.1.0
 */
import type { SqlClient } from "@effect/sql/SqlClient"
import * as SqlClient_ from "@effect/sql/SqlClient"
import type {
  Binding,
  Dispatcher,
  IdentityVault,
  Inbox,
  IntakeLedger,
  Outbox,
  Register,
  TipStore,
  UnitDirectory
} from "@tinbao/core"
import { type Config as Config_, type ConfigError, Effect, Layer, Redacted } from "effect"
import * as SqlBindings from "./SqlBindings.js"
import * as SqlConversationActivity from "./SqlConversationActivity.js"
import * as SqlIdentityVault from "./SqlIdentityVault.js"
import * as SqlInbox from "./SqlInbox.js"
import * as SqlIntakeLedger from "./SqlIntakeLedger.js"
import * as SqlMigrations from "./SqlMigrations.js"
import * as SqlOutbox from "./SqlOutbox.js"
import * as SqlRegister from "./SqlRegister.js"
import * as SqlTipStore from "./SqlTipStore.js"
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
  | Dispatcher.ConversationActivity

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
  | Messaging

/**
 * What storage needs besides a database: the vault's keys.
 *
 * @since 0.1.0
 * @category models
 */
export interface Config {
  readonly vault: SqlIdentityVault.Config
}

/**
 * The messaging ports over the `SqlClient` in context, without migrating: for an app that runs the migrations
 * itself ({@link layer}, {@link layerSqlite} and {@link layerPg} already include these ports).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerMessaging: Layer.Layer<Messaging, never, SqlClient> = Layer.mergeAll(
  SqlOutbox.layer,
  SqlInbox.layer,
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
): Layer.Layer<Services, SqlMigrations.SqlStorageError | IdentityVault.IdentityVaultError, SqlClient> =>
  Layer.mergeAll(
    SqlTipStore.layer,
    SqlRegister.layer,
    SqlIdentityVault.layer(config.vault),
    SqlUnitDirectory.layer,
    layerMessaging
  ).pipe(Layer.provide(SqlMigrations.layer))

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
  SqlMigrations.SqlStorageError | IdentityVault.IdentityVaultError | ConfigError.ConfigError,
  SqlClient
> => Layer.unwrapEffect(Effect.map(config, layer))

const missing = (driver: string) => (cause: unknown) =>
  new SqlMigrations.SqlStorageError({
    reason: "unavailable",
    message: `This layer needs the optional package ${driver}; install it next to @tinbao/sql.`,
    cause
  })

const unreachable = (what: string) => (cause: unknown) =>
  new SqlMigrations.SqlStorageError({ reason: "unavailable", message: `${what} cannot be opened.`, cause })

// Waits for another process's write instead of failing at once, and syncs less often, which WAL makes safe.
const sqlitePragmas = Layer.effectDiscard(
  Effect.flatMap(SqlClient_.SqlClient, (sql) =>
    Effect.all([sql`PRAGMA busy_timeout = 5000`, sql`PRAGMA synchronous = NORMAL`, sql`PRAGMA foreign_keys = ON`])
  ).pipe(Effect.mapError(unreachable("The SQLite database")))
)

/**
 * Storage in an SQLite file (WAL, `synchronous = NORMAL`, a 5-second busy timeout), through
 * `@effect/sql-sqlite-node`. The `SqlClient` is provided too.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerSqlite = (
  options: Config & { readonly filename: string }
): Layer.Layer<Services | SqlClient, SqlMigrations.SqlStorageError | IdentityVault.IdentityVaultError> =>
  Layer.unwrapEffect(
    Effect.map(
      Effect.tryPromise({
        try: () => import("@effect/sql-sqlite-node/SqliteClient"),
        catch: missing("@effect/sql-sqlite-node")
      }),
      (SqliteClient) => {
        const client = SqliteClient.layer({ filename: options.filename }).pipe(
          Layer.mapError(unreachable(`The SQLite database ${options.filename}`))
        )
        return layer(options).pipe(Layer.provide(sqlitePragmas), Layer.provideMerge(client))
      }
    )
  )

/**
 * Storage in PostgreSQL at a connection URL, through `@effect/sql-pg`. The `SqlClient` is provided too.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerPg = (
  options: Config & { readonly url: Redacted.Redacted<string> | string }
): Layer.Layer<Services | SqlClient, SqlMigrations.SqlStorageError | IdentityVault.IdentityVaultError> =>
  Layer.unwrapEffect(
    Effect.map(
      Effect.tryPromise({ try: () => import("@effect/sql-pg/PgClient"), catch: missing("@effect/sql-pg") }),
      (PgClient) => {
        const url = Redacted.isRedacted(options.url) ? options.url : Redacted.make(options.url)
        const client = PgClient.layer({ url }).pipe(Layer.mapError(unreachable("The PostgreSQL database")))
        return layer(options).pipe(Layer.provideMerge(client))
      }
    )
  )
