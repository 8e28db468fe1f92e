/**
 * `tinbao backup <file>`: a consistent copy of the SQLite database while the server may be running (SQLite's
 * `VACUUM INTO`, which reads one snapshot, committed WAL frames included), never over an existing file. PostgreSQL
 * is backed up with its own tool: the command prints the `pg_dump` to run (without the password) and exits 1.
 * The vault's keys are not in the database: a backup is restorable with the secrets file or TINBAO_VAULT_KEY only.
 */
import { accessSync, constants, existsSync, statSync } from "node:fs"
import { dirname, resolve } from "node:path"
import { Args, Command } from "@effect/cli"
import { SqlClient } from "@effect/sql/SqlClient"
import { Console, Effect, Redacted } from "effect"
import type * as Config from "../config.js"
import * as Secrets from "../secrets.js"
import * as Storage from "../storage.js"
import { CliError, config, Environment } from "./context.js"
import * as Database from "./database.js"

const fail = (message: string) => new CliError({ reason: "failure", message })

// Single quotes keep a shell from reading anything in an argument.
const shell = (text: string) => (/^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", "'\\''")}'`)

/** The pg_dump command for a PostgreSQL URL: host, port, user, database and schema, never the password. */
export const pgDump = (url: string, file: string): string => {
  const parsed = new URL(url)
  const schema = /search_path\s*=\s*([^\s,]+)/.exec(parsed.searchParams.get("options") ?? "")?.[1]
  return [
    "pg_dump --format=custom",
    `--file=${shell(file)}`,
    `--host=${shell(parsed.hostname)}`,
    `--port=${parsed.port || "5432"}`,
    ...(parsed.username === "" ? [] : [`--username=${shell(decodeURIComponent(parsed.username))}`]),
    ...(schema === undefined ? [] : [`--schema=${shell(schema)}`]),
    shell(decodeURIComponent(parsed.pathname.slice(1)))
  ].join(" ")
}

// Why a backup cannot be written in a folder, or `undefined` when it can.
const folderProblem = (folder: string): string | undefined => {
  try {
    if (!statSync(folder).isDirectory()) return "is a file, not a folder"
    accessSync(folder, constants.W_OK)
    return undefined
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code
    if (code === "ENOENT") return "does not exist"
    return code === "EACCES" || code === "EPERM" ? "cannot be written (permission denied)" : `cannot be used (${code})`
  }
}

const sqlite = (settings: Config.Config, filename: string, target: string) =>
  Effect.gen(function* () {
    if (!existsSync(filename)) return yield* fail(`There is no database at ${filename} to back up.`)
    if (existsSync(target)) return yield* fail(`${target} exists: a backup never overwrites a file; name a new one.`)
    const folder = dirname(target)
    const problem = folderProblem(folder)
    if (problem !== undefined) return yield* fail(`The folder ${folder} ${problem}.`)
    yield* Effect.flatMap(SqlClient, (sql) => sql`VACUUM INTO ${target}`).pipe(
      Effect.mapError((error) => fail(`${target} cannot be written: ${Storage.explain(error).message}`)),
      Effect.provide(Database.client(settings.database))
    )
    const keys =
      settings.vault === undefined
        ? `the vault's keys are in ${Secrets.fileOf(settings.dataDir)}: keep a copy of it apart from this backup`
        : "the vault's keys are TINBAO_VAULT_KEY and TINBAO_FINGERPRINT_KEY: they are not in it"
    yield* Console.log(`Backed up ${filename} to ${target} (${statSync(target).size} bytes); ${keys}.`)
  })

export const command = Command.make("backup", { file: Args.text({ name: "file" }) }, ({ file }) =>
  Effect.gen(function* () {
    const settings = yield* config
    const target = resolve((yield* Environment).cwd, file)
    if (settings.database._tag === "Sqlite") return yield* sqlite(settings, settings.database.filename, target)
    yield* Console.error(
      [
        `${Storage.describe(settings.database)}: back it up with PostgreSQL's own tool, e.g.`,
        `  ${pgDump(Redacted.value(settings.database.url), target)}`,
        "  (the password from PGPASSWORD or ~/.pgpass; restore with pg_restore)."
      ].join("\n")
    )
    return yield* fail("tinbao backup copies SQLite databases only; for PostgreSQL run pg_dump as above.")
  })
).pipe(Command.withDescription("Copies the SQLite database to a new file (PostgreSQL: prints the pg_dump to run)."))
