/**
 * `tinbao`: the tip-line server's command (`npm run tinbao -- <command>`), configured from the same environment as
 * the server (DATA_DIR, DATABASE_URL, UNITS_FILE, the platforms' variables: docs/deploy.md).
 *
 *   serve                                   the server (as `npm start`)
 *   migrate                                 the database's schema and the staff tables
 *   units import <file> | export [--format json|csv]
 *   users add <name> --unit <id> --role <role>… | disable <name>
 *   channels list | bind <channel> <unit> [--conversation <id>] | unbind <channel> [--conversation <id>]
 *   report --unit <id> --period <period> [--group-by <dimension>] [--format table|csv|json]
 *   backup <file>
 *   simulate [--url <server>] [--count N] [--seed N]
 *
 * Exit codes: 0 done, 1 a failure (configuration, file, database; one line that says the cause), 2 a usage error.
 */
import { Console as NodeConsole } from "node:console"
import { existsSync, realpathSync } from "node:fs"
import { Writable } from "node:stream"
import { fileURLToPath } from "node:url"
import { Command, ValidationError } from "@effect/cli"
import { NodeContext, NodeRuntime } from "@effect/platform-node"
import { Console, Effect, Layer } from "effect"
import * as Backup from "./cli/backup.js"
import * as Channels from "./cli/channels.js"
import { CliError, config, Environment, pick } from "./cli/context.js"
import * as Migrate from "./cli/migrate.js"
import { consoleOf } from "./cli/output.js"
import * as Report from "./cli/report.js"
import { serve } from "./cli/serve.js"
import * as Simulate from "./cli/simulate.js"
import * as Units from "./cli/units.js"
import * as Users from "./cli/users.js"

const serveCommand = Command.make("serve", {}, () =>
  Effect.flatMap(config, (settings) =>
    serve(settings).pipe(
      Effect.mapError((error) => new CliError({ reason: "failure", message: `cannot start: ${error.message}` }))
    )
  )
).pipe(Command.withDescription("Runs the server until SIGTERM or SIGINT (the same as npm start)."))

const subcommands = ["serve", "migrate", "units", "users", "channels", "report", "backup", "simulate"]

/** The command tree. */
export const command = Command.make("tinbao", {}, () => pick("tinbao", subcommands)).pipe(
  Command.withDescription("The tinbao tip-line server and its administration."),
  Command.withSubcommands([
    serveCommand,
    Migrate.command,
    Units.command,
    Users.command,
    Channels.command,
    Report.command,
    Backup.command,
    Simulate.command
  ])
)

const cli = Command.run(command, { name: "tinbao", version: "0.0.0" })

/** The command line run to its exit code; what goes wrong is printed in one line on standard error. */
export const program = (args: ReadonlyArray<string>) =>
  cli(["node", "tinbao", ...args]).pipe(
    Effect.as(0),
    Effect.catchAll((error: CliError | ValidationError.ValidationError) =>
      // @effect/cli has printed the usage error with the help it needs.
      ValidationError.isValidationError(error)
        ? Effect.succeed(2)
        : Effect.as(Console.error(`tinbao: ${error.message}`), error.reason === "usage" ? 2 : 1)
    ),
    Effect.provide(NodeContext.layer)
  )

/** What a command printed and how it ended. */
export interface Outcome {
  readonly exitCode: number
  readonly stdout: string
  readonly stderr: string
}

const collector = () => {
  const chunks: Array<string> = []
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk))
      done()
    }
  })
  return { stream, text: () => chunks.join("") }
}

/**
 * Runs a command line in this process, with the environment, working directory and standard input given (the
 * tests' way in): its exit code and what it printed. It never asks: standard input is not a terminal here.
 */
export const run = (
  args: ReadonlyArray<string>,
  options: {
    readonly env?: Readonly<Record<string, string | undefined>>
    readonly cwd?: string
    readonly stdin?: string
  } = {}
): Promise<Outcome> => {
  const out = collector()
  const err = collector()
  const console = consoleOf(new NodeConsole({ stdout: out.stream, stderr: err.stream, colorMode: false }))
  const environment = Layer.succeed(Environment, {
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
    interactive: false,
    stdin: Effect.succeed(options.stdin ?? ""),
    write: (text) => Effect.sync(() => out.stream.write(text))
  })
  return Effect.runPromise(
    program(args).pipe(Effect.provide(environment), Effect.withConsole(console), Effect.scoped)
  ).then((exitCode) => ({ exitCode, stdout: out.text(), stderr: err.text() }))
}

const readStdin = Effect.async<string>((resume) => {
  const chunks: Array<Buffer> = []
  process.stdin.on("data", (chunk: Buffer) => chunks.push(chunk))
  process.stdin.on("end", () => resume(Effect.succeed(Buffer.concat(chunks).toString("utf8"))))
})

// Run as a program (`node … src/cli.ts`), not imported by the tests.
const entry = process.argv[1]
if (entry !== undefined && existsSync(entry) && realpathSync(entry) === fileURLToPath(import.meta.url)) {
  const environment = Layer.succeed(Environment, {
    env: process.env,
    cwd: process.cwd(),
    interactive: process.stdin.isTTY === true,
    stdin: readStdin,
    write: (text) => Effect.sync(() => process.stdout.write(text))
  })
  NodeRuntime.runMain(
    program(process.argv.slice(2)).pipe(
      Effect.provide(environment),
      Effect.flatMap((code) =>
        Effect.sync(() => {
          process.exitCode = code
        })
      )
    )
  )
}
