import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { SqlClient } from "@effect/sql/SqlClient"
import * as PgClient from "@effect/sql-pg/PgClient"
import { MediaStore, VaultKey } from "@tinbao/core"
import { SqlStorage } from "@tinbao/sql"
import { Data, Effect, Layer, Redacted } from "effect"

/** The demo's storage cannot be set up: bad keys, or a database that cannot be prepared. */
export class StorageSetupError extends Data.TaggedError("StorageSetupError")<{
  readonly message: string
  readonly cause?: unknown
}> {}

/** Where the demo keeps its data: SQLite in `data/` unless `DATABASE_URL` names a PostgreSQL server. */
export type Choice =
  | { readonly _tag: "Sqlite"; readonly filename: string }
  | { readonly _tag: "Pg"; readonly url: Redacted.Redacted<string>; readonly schema: string }

/** The schema the demo's tables live in on PostgreSQL: `--fresh` drops it, and nothing else. */
export const pgSchema = "tinbao_demo"

export const choose = (env: NodeJS.ProcessEnv, dataDir: string): Choice => {
  const url = env.DATABASE_URL
  return url === undefined || url === ""
    ? { _tag: "Sqlite", filename: join(dataDir, "tinbao.sqlite") }
    : { _tag: "Pg", url: Redacted.make(url), schema: pgSchema }
}

const withoutPassword = (url: string) => {
  try {
    const parsed = new URL(url)
    parsed.password = ""
    parsed.search = ""
    return parsed.toString()
  } catch {
    return "(a URL that cannot be parsed)"
  }
}

/** One line saying where the data is, with no password in it. */
export const describe = (choice: Choice): string =>
  choice._tag === "Sqlite"
    ? `Lưu trữ / storage: SQLite, file ${choice.filename}`
    : `Lưu trữ / storage: PostgreSQL at ${withoutPassword(Redacted.value(choice.url))}, schema ${choice.schema}`

/** The URL whose connections work in `schema` (libpq's `options` parameter sets the search path). */
export const inSchema = (url: string, schema: string): string => {
  const parsed = new URL(url)
  parsed.searchParams.set("options", `-c search_path=${schema}`)
  return parsed.toString()
}

const onServer = <A>(url: Redacted.Redacted<string>, f: (sql: SqlClient) => Effect.Effect<A, unknown>) =>
  Effect.flatMap(SqlClient, f).pipe(
    Effect.scoped,
    Effect.provide(PgClient.layer({ url })),
    Effect.mapError((cause) => new StorageSetupError({ message: "The PostgreSQL database cannot be prepared.", cause }))
  )

/**
 * Makes the database ready to open: with `fresh`, the demo's data goes first (the SQLite file, or the
 * PostgreSQL schema with everything in it); the SQLite folder or the PostgreSQL schema is created if missing.
 */
export const prepare = (
  choice: Choice,
  options: { readonly fresh: boolean }
): Effect.Effect<void, StorageSetupError> =>
  choice._tag === "Sqlite"
    ? Effect.try({
        try: () => {
          if (options.fresh) {
            for (const suffix of ["", "-wal", "-shm"]) rmSync(`${choice.filename}${suffix}`, { force: true })
          }
          mkdirSync(join(choice.filename, ".."), { recursive: true })
        },
        catch: (cause) => new StorageSetupError({ message: `Cannot prepare ${choice.filename}.`, cause })
      })
    : onServer(choice.url, (sql) =>
        Effect.zipRight(
          options.fresh ? sql`DROP SCHEMA IF EXISTS ${sql(choice.schema)} CASCADE` : Effect.void,
          sql`CREATE SCHEMA IF NOT EXISTS ${sql(choice.schema)}`
        )
      ).pipe(Effect.asVoid)

/** Drops a PostgreSQL schema and everything in it. */
export const dropSchema = (url: Redacted.Redacted<string>, schema: string): Effect.Effect<void, StorageSetupError> =>
  onServer(url, (sql) => sql`DROP SCHEMA IF EXISTS ${sql(schema)} CASCADE`).pipe(Effect.asVoid)

/** The demo's vault keys, as `SqlStorage` takes them. */
export type VaultConfig = SqlStorage.Config["vault"]

const decodeKey = (what: string, base64: string): Effect.Effect<string, StorageSetupError> => {
  const bytes = Buffer.from(base64, "base64")
  if (bytes.length !== 32 || bytes.toString("base64") !== base64.trim()) {
    return Effect.fail(
      new StorageSetupError({
        message: `${what} must be 32 bytes written in base64 (44 characters): make one with \`npx tinbao keys generate\`.`
      })
    )
  }
  const weak = VaultKey.weakness(bytes, { exactly: VaultKey.keyBytes })
  return weak === undefined
    ? Effect.succeed(base64.trim())
    : Effect.fail(new StorageSetupError({ message: VaultKey.refusal(what, weak) }))
}

/**
 * The vault's keys: from TINBAO_VAULT_KEY when it is set, else made once and kept in `data/demo-keys.json`.
 * `--fresh` keeps them: the same file also serves the other database (SQLite or PostgreSQL). A key file next to the database is for the demo only: a real deployment keeps its keys out of the database's
 * folder, in its secret store, so that a copy of the data alone never reveals a reporter.
 */
export const vaultKeys = (env: NodeJS.ProcessEnv, dataDir: string): Effect.Effect<VaultConfig, StorageSetupError> =>
  Effect.gen(function* () {
    const fromEnv = env.TINBAO_VAULT_KEY
    if (fromEnv !== undefined && fromEnv !== "") {
      const key = yield* decodeKey("TINBAO_VAULT_KEY", fromEnv)
      // The fingerprint key must differ from the sealing key; the demo derives it so that one variable is enough.
      const fingerprint = Buffer.from(key, "base64").map((b) => b ^ 0x5c)
      return {
        keys: { env: Redacted.make(key) },
        currentKeyId: "env",
        fingerprintKey: Redacted.make(Buffer.from(fingerprint).toString("base64"))
      }
    }
    const file = join(dataDir, "demo-keys.json")
    const stored = yield* Effect.try({
      try: () => {
        if (!existsSync(file)) {
          mkdirSync(dataDir, { recursive: true })
          const made = {
            keyId: "demo-1",
            key: Redacted.value(VaultKey.generate()),
            fingerprintKey: Redacted.value(VaultKey.generate())
          }
          writeFileSync(file, `${JSON.stringify(made, null, 2)}\n`, { mode: 0o600 })
        }
        return JSON.parse(readFileSync(file, "utf8")) as { keyId?: unknown; key?: unknown; fingerprintKey?: unknown }
      },
      catch: (cause) => new StorageSetupError({ message: `Cannot read or write the demo's keys in ${file}.`, cause })
    })
    if (
      typeof stored.keyId !== "string" ||
      typeof stored.key !== "string" ||
      typeof stored.fingerprintKey !== "string"
    ) {
      return yield* new StorageSetupError({
        message: `${file} is not a key file of this demo; remove it, and run with --fresh (what the old keys sealed cannot be opened).`
      })
    }
    const key = yield* decodeKey(`The key in ${file}`, stored.key)
    return {
      keys: { [stored.keyId]: Redacted.make(key) },
      currentKeyId: stored.keyId,
      fingerprintKey: Redacted.make(stored.fingerprintKey)
    }
  })

/** Where the evidence files are kept: `media/` in the data folder, content-addressed (`docs/evidence.md`). */
export const mediaDirectory = (dataDir: string): string => join(dataDir, "media")

/**
 * Storage on the chosen database with the given keys (the migrations run when it opens), and the evidence files in
 * a folder of the server's disk.
 */
export const layer = (choice: Choice, vault: VaultConfig, media: string) =>
  Layer.merge(
    choice._tag === "Sqlite"
      ? SqlStorage.layerSqlite({ filename: choice.filename, vault })
      : SqlStorage.layerPg({ url: Redacted.make(inSchema(Redacted.value(choice.url), choice.schema)), vault }),
    MediaStore.layerDirectory({ directory: media })
  )
