/**
 * What every `tinbao` subcommand shares: the environment it is configured from (the server's: DATA_DIR,
 * DATABASE_URL, UNITS_FILE…), its standard input, the one typed error its commands fail with, and the storage
 * over the configured database, opened as the server opens it.
 */
import { Calendar, Tips } from "@tinbao/core"
import { Context, Data, Effect, Either, Layer } from "effect"
import * as Accounts from "../accounts.js"
import * as Config from "../config.js"
import * as Secrets from "../secrets.js"
import { vaultOf } from "../server.js"
import * as Storage from "../storage.js"
import * as Units from "../units.js"

/**
 * A command cannot do what it was asked. `usage`: the command line is wrong (exit 2); `failure`: the configuration,
 * a file or the database is (exit 1). The message is one line that says the cause.
 */
export class CliError extends Data.TaggedError("CliError")<{
  readonly reason: "usage" | "failure"
  readonly message: string
}> {}

/** A usage error: what is wrong with the command line. */
export const usage = (message: string) => new CliError({ reason: "usage", message })

/** A runtime failure, from any of the server's typed errors (each has a message that says what to fix). */
export const failure = (error: { readonly message: string }) =>
  new CliError({ reason: "failure", message: error.message })

/** Where a command runs: its environment variables, its working directory and its standard input. */
export class Environment extends Context.Tag("tip-line/cli/Environment")<
  Environment,
  {
    readonly env: Readonly<Record<string, string | undefined>>
    readonly cwd: string
    /** Whether standard input is a terminal (a password is then asked, without echo). */
    readonly interactive: boolean
    /** The whole of standard input, as text. */
    readonly stdin: Effect.Effect<string, CliError>
    /** Writes text to standard output as it is (a file's content: no line end added). */
    readonly write: (text: string) => Effect.Effect<void>
  }
>() {}

/** A command that groups others, run without one of them: a usage error naming them. */
export const pick = (command: string, subcommands: ReadonlyArray<string>) =>
  Effect.fail(usage(`give ${command} one of its commands: ${subcommands.join(", ")} (see ${command} --help).`))

/** The server's configuration, from the command's environment. */
export const config: Effect.Effect<Config.Config, CliError, Environment> = Effect.flatMap(Environment, ({ env, cwd }) =>
  Either.mapLeft(Config.fromEnv(env, cwd), failure)
)

/**
 * The storage services and the staff tables over the configured database, as the server opens them (migrated;
 * the vault's keys from the environment or the secrets file), with the core's Tips service over them.
 */
export const storage = (config: Config.Config) =>
  Layer.unwrapEffect(
    Effect.gen(function* () {
      yield* Storage.prepare(config.dataDir)
      const secrets = config.vault === undefined ? yield* Secrets.load(config.dataDir) : undefined
      return Tips.layer().pipe(
        Layer.provideMerge(Calendar.layerVietnam),
        Layer.provideMerge(Storage.layer(config, vaultOf(config, secrets))),
        Layer.tap((context) => Effect.provide(Accounts.migrate, context).pipe(Effect.mapError(Storage.explain)))
      )
    })
  ).pipe(Layer.mapError(failure))

/** Records the units file the server records at its start (UNITS_FILE), for the commands that name units. */
export const recordUnits = (config: Config.Config) =>
  Effect.flatMap(Units.load(config.unitsFile), (changes) => Units.record(config.unitsFile, changes)).pipe(
    Effect.mapError(failure)
  )
