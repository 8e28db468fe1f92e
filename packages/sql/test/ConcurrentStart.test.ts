// Processes starting together on one new PostgreSQL database: each migrates it, and an app's own tables are made
// at every start. Each "process" here is a client of its own (its own connections), all started at once.
import { SqlClient } from "@effect/sql/SqlClient"
import * as PgClient from "@effect/sql-pg/PgClient"
import { afterAll, beforeAll, expect, it } from "@effect/vitest"
import { SqlMigrations } from "@tinbao/sql"
import { Postgres } from "@tinbao/testkit/vitest"
import { Effect, Redacted } from "effect"
import { createSchema, dropSchema, freshSchemaName, inSchema, pgCheck } from "./backends.js"

const processes = 4

Postgres.describe(pgCheck, "starting together on one PostgreSQL database", () => {
  const schema = freshSchemaName()
  beforeAll(() => createSchema(schema))
  afterAll(() => dropSchema(schema))
  const inOwnClient = <A, E>(effect: Effect.Effect<A, E, SqlClient>) =>
    Effect.scoped(Effect.provide(effect, PgClient.layer({ url: Redacted.make(inSchema(schema)) })))

  it.live(
    "every process migrates, one after the other, and an app's CREATE TABLE IF NOT EXISTS run oneAtATime succeed",
    () =>
      Effect.gen(function* () {
        const appTables = Effect.flatMap(SqlClient, (sql) =>
          sql`CREATE TABLE IF NOT EXISTS app_accounts (name TEXT PRIMARY KEY)`.pipe(
            Effect.zipRight(sql`CREATE TABLE IF NOT EXISTS app_sessions (id TEXT PRIMARY KEY, name TEXT NOT NULL)`)
          )
        )
        const start = Effect.zipRight(SqlMigrations.migrate, SqlMigrations.oneAtATime("app_accounts")(appTables))
        const started = yield* Effect.all(
          Array.from({ length: processes }, () => Effect.either(inOwnClient(start))),
          { concurrency: "unbounded" }
        )
        expect(started.filter((either) => either._tag === "Left")).toEqual([])
        const version = yield* inOwnClient(SqlMigrations.current)
        expect(version).toBe(SqlMigrations.latest)
        const ran = yield* inOwnClient(
          Effect.flatMap(
            SqlClient,
            (sql) => sql<{ readonly n: number }>`SELECT count(*)::int AS n FROM ${sql(SqlMigrations.table)}`
          )
        )
        expect(ran[0]!.n).toBe(Object.keys(SqlMigrations.migrations).length)
      }),
    60_000
  )
})
