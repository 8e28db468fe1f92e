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
