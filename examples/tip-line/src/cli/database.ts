/**
 * The configured database through a bare `SqlClient`, without the storage services: to read and bring the schema's
 * version without opening anything else (no vault keys, no statistics projection).
 */
import { existsSync } from "node:fs"
import * as PgClient from "@effect/sql-pg/PgClient"
import * as SqliteClient from "@effect/sql-sqlite-node/SqliteClient"
import { SqlMigrations } from "@tinbao/sql"
import { Cause, Effect, Layer } from "effect"
import type * as Config from "../config.js"
import * as Storage from "../storage.js"
import { failure } from "./context.js"

/** A bare client of the configured database; a database that cannot be opened fails with its cause. */
export const client = (database: Config.Database) =>
  database._tag === "Sqlite"
    ? SqliteClient.layer({ filename: database.filename }).pipe(
        // The driver throws (a defect) when the file is not a database or cannot be created.
        Layer.catchAllCause((cause) => {
          const error = {
            message: `The SQLite database ${database.filename} cannot be opened.`,
            cause: Cause.squash(cause)
          }
          return Layer.fail(Storage.explain(error))
        }),
        Layer.mapError(failure)
      )
    : PgClient.layer({ url: database.url, connectTimeout: "10 seconds", maxConnections: 2 }).pipe(
        Layer.mapError((error) => failure(Storage.explain(error)))
      )

/** The schema's version: 0 for an SQLite file not yet made (it is not created to be read). */
export const version = (database: Config.Database) =>
  database._tag === "Sqlite" && !existsSync(database.filename)
    ? Effect.succeed(0)
    : SqlMigrations.current.pipe(
        Effect.mapError((error) => failure(Storage.explain(error))),
        Effect.provide(client(database))
      )
