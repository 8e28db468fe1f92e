// The raw drivers the baselines use, better-sqlite3 and pg, loaded as they are (both are installed as the
// dependencies of @effect/sql-sqlite-node and @effect/sql-pg). Neither ships its own types and the repository
// does not install @types for them, so the few calls the benches make are typed here.
import { createRequire } from "node:module"

export interface SqliteStatement {
  readonly run: (...params: ReadonlyArray<unknown>) => { readonly changes: number }
  readonly get: (...params: ReadonlyArray<unknown>) => unknown
  readonly all: (...params: ReadonlyArray<unknown>) => ReadonlyArray<unknown>
}

export interface SqliteDatabase {
  readonly prepare: (source: string) => SqliteStatement
  readonly exec: (source: string) => void
  readonly pragma: (source: string, options?: { readonly simple?: boolean }) => unknown
  readonly transaction: <A extends ReadonlyArray<unknown>, B>(f: (...args: A) => B) => (...args: A) => B
  readonly close: () => void
}

export interface PgResult {
  readonly rows: ReadonlyArray<Record<string, unknown>>
}

export interface PgQueryable {
  readonly query: (text: string, values?: ReadonlyArray<unknown>) => Promise<PgResult>
}

export interface PgPoolClient extends PgQueryable {
  readonly release: () => void
}

export interface PgPool extends PgQueryable {
  readonly connect: () => Promise<PgPoolClient>
  readonly end: () => Promise<void>
}

const require = createRequire(import.meta.url)

export const openSqlite = (filename: string): SqliteDatabase => {
  const Database = require("better-sqlite3") as new (filename: string) => SqliteDatabase
  return new Database(filename)
}

export const pgPool = (options: { readonly connectionString: string; readonly max: number }): PgPool => {
  const pg = require("pg") as { readonly Pool: new (options: object) => PgPool }
  return new pg.Pool(options)
}

/** Counts the time spent inside better-sqlite3's statements while it is on; see {@link withSqliteMeter}. */
export interface SqliteMeter {
  /** Counting from nothing, from now. */
  readonly start: () => void
  /** Counting stops. */
  readonly stop: () => void
  /** The seconds counted between `start` and `stop`. */
  readonly seconds: () => number
}

/**
 * Runs `f` with a meter of the time this process spends inside better-sqlite3's statements (every statement of every
 * connection, @effect/sql-sqlite-node's included, COMMIT and the checkpoints it runs too): SQLite's own work and
 * the driver's binding of values and rows, and nothing of the JavaScript around them. It costs two clock reads a
 * statement. The statements' methods are as they were once `f` is done.
 */
export const withSqliteMeter = async <A>(f: (meter: SqliteMeter) => Promise<A>): Promise<A> => {
  const probe = openSqlite(":memory:")
  const statement = Object.getPrototypeOf(probe.prepare("SELECT 1")) as Record<string, unknown>
  probe.close()
  const methods = ["run", "get", "all"] as const
  const originals = methods.map((m) => statement[m] as (...params: Array<unknown>) => unknown)
  let counting = false
  let nanos = 0n
  methods.forEach((m, i) => {
    const original = originals[i]!
    statement[m] = function (this: unknown, ...params: Array<unknown>) {
      if (!counting) return original.apply(this, params)
      const t0 = process.hrtime.bigint()
      try {
        return original.apply(this, params)
      } finally {
        nanos += process.hrtime.bigint() - t0
      }
    }
  })
  try {
    return await f({
      start: () => {
        nanos = 0n
        counting = true
      },
      stop: () => {
        counting = false
      },
      seconds: () => Number(nanos) / 1e9
    })
  } finally {
    methods.forEach((m, i) => {
      statement[m] = originals[i]
    })
  }
}
