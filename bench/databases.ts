// Where the storage benches run: SQLite files in a temporary directory removed afterwards, and PostgreSQL
// schemas of their own on 127.0.0.1:5432, dropped afterwards, so a bench never touches anyone's data.
import { randomBytes } from "node:crypto"
import { mkdtempSync, rmSync } from "node:fs"
import { Socket } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { SqlStorage } from "@tinbao/sql"
import { Effect, type Layer, ManagedRuntime, Redacted } from "effect"
import { openSqlite, type PgPool, pgPool, type SqliteDatabase } from "./drivers.js"

/** The server the benches use: 127.0.0.1:5432, database test, or BENCH_PG_URL. */
export const pgAdminUrl = process.env.BENCH_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test"
const server = new URL(pgAdminUrl)
export const pgHost = server.hostname || "127.0.0.1"
export const pgPort = Number(server.port || 5432)

/** Fresh vault keys for one bench: nothing sealed in a bench needs to open again afterwards. */
export const vaultConfig = (): SqlStorage.Config["vault"] => ({
  keys: { bench: Redacted.make(randomBytes(32).toString("base64")) },
  currentKeyId: "bench",
  fingerprintKey: Redacted.make(randomBytes(32).toString("base64"))
})

/** Runs `f` with a temporary directory for SQLite files, and removes it (with the WAL files) afterwards. */
export const withTempDir = async <A>(f: (dir: string) => Promise<A>): Promise<A> => {
  const dir = mkdtempSync(join(tmpdir(), "tinbao-bench-"))
  try {
    return await f(dir)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

export const pgReachable = (): Promise<boolean> =>
  new Promise<boolean>((resolve) => {
    const socket = new Socket()
    const done = (ok: boolean) => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(1000, () => done(false))
    socket.once("error", () => done(false))
    socket.connect(pgPort, pgHost, () => done(true))
  })

/** A connection URL whose sessions work in `schema`. */
export const inSchema = (schema: string): string => {
  const url = new URL(pgAdminUrl)
  url.searchParams.set("options", `-c search_path=${schema}`)
  return url.toString()
}

/** Runs `f` with a fresh schema (its name and a URL into it), and drops the schema afterwards. */
export const withPgSchema = async <A>(f: (schema: string, url: string) => Promise<A>): Promise<A> => {
  const schema = `tinbao_bench_${randomBytes(6).toString("hex")}`
  const admin = pgPool({ connectionString: pgAdminUrl, max: 1 })
  try {
    await admin.query(`CREATE SCHEMA ${schema}`)
    try {
      return await f(schema, inSchema(schema))
    } finally {
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
    }
  } finally {
    await admin.end()
  }
}

/** One query on the administrative connection, e.g. the server's version or settings. */
export const pgAdmin = async <A>(f: (pool: PgPool) => Promise<A>): Promise<A> => {
  const admin = pgPool({ connectionString: pgAdminUrl, max: 1 })
  try {
    return await f(admin)
  } finally {
    await admin.end()
  }
}

/** Runs the migrations by opening `storage` once and closing it, so that a raw connection can write its tables. */
const migrated = async <R, E>(storage: Layer.Layer<R, E>) => {
  const migrate = ManagedRuntime.make(storage)
  await migrate.runPromise(Effect.void)
  await migrate.dispose()
}

/** A better-sqlite3 connection to a file `storage` migrated, for bulk loading (WAL, no syncs). */
export const migratedSqlite = async <R, E>(filename: string, storage: Layer.Layer<R, E>): Promise<SqliteDatabase> => {
  await migrated(storage)
  const db = openSqlite(filename)
  db.pragma("journal_mode = WAL")
  db.pragma("synchronous = OFF")
  return db
}

/** A pg pool of 2 on a schema `storage` migrated. */
export const migratedPg = async <R, E>(url: string, storage: Layer.Layer<R, E>): Promise<PgPool> => {
  await migrated(storage)
  return pgPool({ connectionString: url, max: 2 })
}

/**
 * Opens every size's database in turn, each inside the one before (`open` calls `use` while its database is
 * open), then `measure`s them all at once: sizes are then timed seconds apart, not minutes (a million tips are
 * loaded in between otherwise), so that the growth from one to the other is not the machine's drift.
 */
export const withEverySize = async <D>(
  sizes: ReadonlyArray<number>,
  open: (size: number, use: (db: D) => Promise<void>) => Promise<void>,
  measure: (dbs: ReadonlyArray<D>) => Promise<void>
): Promise<void> => {
  const next = async (rest: ReadonlyArray<number>, dbs: ReadonlyArray<D>): Promise<void> =>
    rest.length > 0 ? open(rest[0]!, (db) => next(rest.slice(1), [...dbs, db])) : measure(dbs)
  await next(sizes, [])
}
