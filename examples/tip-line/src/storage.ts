/**
 * Storage: `@tinbao/sql` on an SQLite file in the data folder, or on PostgreSQL at DATABASE_URL, migrated when it
 * opens; the evidence files in `<DATA_DIR>/media`. A database that cannot be opened is told by its cause (nothing
 * listens at the host, the password is refused, the folder cannot be written), never only "cannot be opened".
 */
import { accessSync, constants, mkdirSync } from "node:fs"
import { join } from "node:path"
import type { SqlClient } from "@effect/sql/SqlClient"
import { MediaStore } from "@tinbao/core"
import { SqlMigrations, SqlStorage } from "@tinbao/sql"
import { Data, Effect, Layer, Redacted } from "effect"
import type { Config, Database } from "./config.js"

/** The data folder or the database cannot be used; the message names the path or the part of DATABASE_URL. */
export class StorageError extends Data.TaggedError("StorageError")<{ readonly message: string }> {}

/** Creates the data folder when missing and checks that this user can write in it. */
export const prepare = (dataDir: string): Effect.Effect<void, StorageError> =>
  Effect.try({
    try: () => {
      mkdirSync(dataDir, { recursive: true })
      accessSync(dataDir, constants.W_OK)
    },
    catch: (cause) => {
      const code = (cause as NodeJS.ErrnoException).code ?? ""
      return new StorageError({
        message: `The data folder ${dataDir} cannot be created or written (${folderProblems[code] ?? (code || String(cause))}): set DATA_DIR to a folder this user can write.`
      })
    }
  })

const folderProblems: Readonly<Record<string, string>> = {
  EACCES: "permission denied",
  EPERM: "permission denied",
  EROFS: "a read-only file system",
  ENOTDIR: "a part of the path is a file, not a folder",
  EEXIST: "it is a file, not a folder",
  ENOSPC: "no space left on the device"
}

/** One line saying where the data is, without the password. */
export const describe = (database: Database): string => {
  if (database._tag === "Sqlite") return `SQLite, file ${database.filename}`
  const url = new URL(Redacted.value(database.url))
  return `PostgreSQL, database ${url.pathname.slice(1)} at ${url.hostname}:${url.port || "5432"}`
}

// The causes that say what to fix, by their code (Node's, PostgreSQL's SQLSTATE, postgres.js's, SQLite's).
const causes: Readonly<Record<string, string>> = {
  ECONNREFUSED: "Nothing listens at DATABASE_URL's host and port",
  ENOTFOUND: "DATABASE_URL's host does not resolve",
  EAI_AGAIN: "DATABASE_URL's host does not resolve",
  CONNECT_TIMEOUT: "DATABASE_URL's host did not answer in time",
  "28P01": "The user name or password in DATABASE_URL is refused",
  "28000": "The server refuses this user from this host (pg_hba.conf)",
  "3D000": "The database DATABASE_URL names does not exist",
  "3F000": "The schema in DATABASE_URL's search_path does not exist",
  "42501": "The user in DATABASE_URL may not create tables there",
  SQLITE_CANTOPEN: "The file cannot be opened: check the data folder's permissions",
  SQLITE_NOTADB: "The file is not an SQLite database",
  SQLITE_READONLY: "The file is read-only to this user",
  SQLITE_CORRUPT: "The file is damaged: restore it from a backup"
}

const codesOf = (error: unknown): ReadonlyArray<string> => {
  const codes: Array<string> = []
  for (let e = error, depth = 0; typeof e === "object" && e !== null && depth < 8; depth++) {
    const code = (e as { readonly code?: unknown }).code
    if (typeof code === "string") codes.push(code)
    e = (e as { readonly cause?: unknown }).cause
  }
  return codes
}

/** The message for a storage layer's failure, with the cause that says what to fix when one is known. */
export const explain = (error: { readonly message: string }): StorageError => {
  const known = codesOf(error).find((code) => causes[code] !== undefined)
  return new StorageError({ message: known === undefined ? error.message : `${error.message} ${causes[known]}.` })
}

/** Every storage port over the configured database, and the evidence files beside it. */
export const layer = (config: Config, vault: SqlStorage.Config["vault"]) =>
  Layer.merge(
    config.database._tag === "Sqlite"
      ? SqlStorage.layerSqlite({ filename: config.database.filename, vault })
      : SqlStorage.layerPg({ url: config.database.url, vault }),
    MediaStore.layerDirectory({ directory: join(config.dataDir, "media") })
  ).pipe(Layer.mapError(explain))

/** Why the database is not ready (unreachable, or its schema not the one this code migrates to), or `undefined`. */
export const notReady: Effect.Effect<string | undefined, never, SqlClient> = SqlMigrations.current.pipe(
  Effect.map((version) =>
    version === SqlMigrations.latest
      ? undefined
      : `the schema is at version ${version}, this server's is ${SqlMigrations.latest}`
  ),
  Effect.catchAll((error) => Effect.succeed(error.message)),
  Effect.timeoutTo({
    duration: "5 seconds",
    onTimeout: () => "the database did not answer in 5 seconds",
    onSuccess: (x) => x
  })
)
