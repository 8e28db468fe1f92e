/**
 * `tinbao migrate`: brings the configured database (SQLite or PostgreSQL) to this server's schema and creates the
 * staff tables, printing the schema's version before and after. Nothing else is opened: no vault keys are needed.
 */
import { Command } from "@effect/cli"
import { SqlMigrations } from "@tinbao/sql"
import { Console, Effect } from "effect"
import * as Accounts from "../accounts.js"
import * as Storage from "../storage.js"
import { config, failure } from "./context.js"
import * as Database from "./database.js"

/** Migrates; the versions before and after. */
export const migrate = Effect.gen(function* () {
  const settings = yield* config
  yield* Storage.prepare(settings.dataDir).pipe(Effect.mapError(failure))
  const before = yield* Database.version(settings.database)
  const after = yield* Effect.gen(function* () {
    yield* SqlMigrations.migrate.pipe(Effect.mapError((error) => failure(Storage.explain(error))))
    yield* Accounts.migrate.pipe(Effect.mapError((error) => failure(Storage.explain(error))))
    return yield* SqlMigrations.current.pipe(Effect.mapError((error) => failure(Storage.explain(error))))
  }).pipe(Effect.provide(Database.client(settings.database)))
  yield* Console.log(
    before === after
      ? `${Storage.describe(settings.database)}: schema version ${after}, up to date; staff tables ready.`
      : `${Storage.describe(settings.database)}: schema version ${before} → ${after}; staff tables ready.`
  )
  return { before, after }
})

export const command = Command.make("migrate", {}, () => migrate).pipe(
  Command.withDescription(
    "Migrates the database (DATA_DIR's SQLite file, or DATABASE_URL) and the staff tables; prints the schema version before and after."
  )
)
