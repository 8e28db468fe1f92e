// The databases the SQL tests run on: SQLite files in a temporary directory, and PostgreSQL schemas of their
// own on 127.0.0.1:5432 when a server is reachable there. Each `fresh` database is removed after the file's tests.
import { randomBytes } from "node:crypto"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { SqlClient } from "@effect/sql/SqlClient"
import * as PgClient from "@effect/sql-pg/PgClient"
import { afterAll } from "@effect/vitest"
import { SqlStorage } from "@tinbao/sql"
import { Postgres } from "@tinbao/testkit/vitest"
import { Effect, Layer, Redacted } from "effect"

export const host = "127.0.0.1"
export const port = 5432
const admin = `postgres://postgres@${host}:${port}/test`

/**
 * The server probed once per test file, with whether CI requires it: give it to `Postgres.describe` or
 * `Postgres.registerStandIn` (from `@tinbao/testkit/vitest`), which fail in CI and skip elsewhere when it is down.
 */
export const pgCheck: Postgres.Check = await Postgres.check({ host, port })

export const pgReachable: boolean = pgCheck.reachable

/** Opens storage on one database; call it again to open the same database anew. */
export type Open = (config: SqlStorage.Config) => ReturnType<typeof SqlStorage.layerSqlite>

export interface Backend {
  readonly name: string
  readonly fresh: () => Open
}

const pgAdmin = <A, E>(f: (sql: SqlClient) => Effect.Effect<A, E>) =>
  Effect.runPromise(
    Effect.scoped(Effect.provide(Effect.flatMap(SqlClient, f), PgClient.layer({ url: Redacted.make(admin) })))
  )

/** A PostgreSQL URL whose connections work in one schema. */
export const inSchema = (schema: string): string => `${admin}?options=${encodeURIComponent(`-c search_path=${schema}`)}`

export const createSchema = (schema: string): Promise<unknown> => pgAdmin((sql) => sql`CREATE SCHEMA ${sql(schema)}`)

export const dropSchema = (schema: string): Promise<unknown> =>
  pgAdmin((sql) => sql`DROP SCHEMA IF EXISTS ${sql(schema)} CASCADE`)

export const freshSchemaName = (): string => `tinbao_test_${randomBytes(6).toString("hex")}`

const sqlite = (): Backend => {
  const dir = mkdtempSync(join(tmpdir(), "tinbao-sql-"))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  let files = 0
  return {
    name: "sqlite",
    fresh: () => {
      const filename = join(dir, `db-${++files}.db`)
      return (config) => SqlStorage.layerSqlite({ filename, ...config })
    }
  }
}

// Schemas are made lazily, when a test opens one, and all dropped at the end.
const pg = (): Backend => {
  const schemas: Array<string> = []
  afterAll(() => Promise.all(schemas.map(dropSchema)))
  return {
    name: "postgresql",
    fresh: () => {
      const schema = freshSchemaName()
      schemas.push(schema)
      const created = Effect.promise(() => createSchema(schema)).pipe(Effect.cached, Effect.runSync)
      return (config) =>
        SqlStorage.layerPg({ url: inSchema(schema), ...config }).pipe((layer) =>
          Layer.unwrapEffect(Effect.as(created, layer))
        )
    }
  }
}

/**
 * SQLite, and PostgreSQL when it answered. When it did not, the file gets the rule's stand-in test: failing
 * under `CI=true`, skipped with one line elsewhere.
 */
export const backends = (): ReadonlyArray<Backend> => {
  if (pgReachable) return [sqlite(), pg()]
  Postgres.registerStandIn(pgCheck)
  return [sqlite()]
}
