/**
 * `npm run users -- add <username> --unit <unit id> --role <role> [--role …]`: creates a staff account in the
 * server's database (the same environment as `npm start`: DATA_DIR, DATABASE_URL, UNITS_FILE). The password comes
 * from TINBAO_PASSWORD, or is asked on the terminal without echo; it is never printed.
 */
import { createInterface } from "node:readline"
import { parseArgs } from "node:util"
import { NodeRuntime } from "@effect/platform-node"
import { Console, Data, Effect, Redacted } from "effect"
import * as Accounts from "./accounts.js"
import * as Config from "./config.js"
import * as Secrets from "./secrets.js"
import { vaultOf } from "./server.js"
import * as Storage from "./storage.js"
import * as Units from "./units.js"

class UsageError extends Data.TaggedError("UsageError")<{ readonly message: string }> {}

const usage =
  "Usage: npm run users -- add <username> --unit <unit id> --role <role> [--role <role> …]\n" +
  "  roles: officer, leader, viewer, identity_custodian, administrator. The password: TINBAO_PASSWORD, or asked."

// Asks on the terminal, echoing nothing of what is typed.
const ask = (question: string) =>
  Effect.async<string>((resume) => {
    const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true })
    const muted = rl as unknown as { _writeToOutput: (text: string) => void }
    rl.question(question, (answer) => {
      rl.close()
      process.stdout.write("\n")
      resume(Effect.succeed(answer))
    })
    muted._writeToOutput = () => {}
  })

const password = Effect.gen(function* () {
  const fromEnv = process.env.TINBAO_PASSWORD
  if (fromEnv !== undefined && fromEnv !== "") return Redacted.make(fromEnv)
  if (!process.stdin.isTTY) {
    return yield* new UsageError({ message: "Set TINBAO_PASSWORD, or run this on a terminal to be asked." })
  }
  const first = yield* ask("Password (12 characters or more): ")
  const again = yield* ask("The same password again: ")
  if (first !== again) return yield* new UsageError({ message: "The two passwords differ; nothing was created." })
  return Redacted.make(first)
})

const program = Effect.gen(function* () {
  const { values, positionals } = yield* Effect.try({
    try: () =>
      parseArgs({
        args: process.argv.slice(2),
        allowPositionals: true,
        options: { unit: { type: "string" }, role: { type: "string", multiple: true } }
      }),
    catch: (error) => new UsageError({ message: `${(error as Error).message}\n${usage}` })
  })
  const [command, username] = positionals
  if (command !== "add" || username === undefined || values.unit === undefined || values.role === undefined) {
    return yield* new UsageError({ message: usage })
  }
  const config = yield* Config.fromEnv(process.env, process.cwd())
  yield* Storage.prepare(config.dataDir)
  const secrets = config.vault === undefined ? yield* Secrets.load(config.dataDir) : undefined
  const storage = Storage.layer(config, vaultOf(config, secrets))
  const secret = yield* password
  yield* Effect.gen(function* () {
    yield* Units.record(config.unitsFile, yield* Units.load(config.unitsFile))
    yield* Accounts.migrate.pipe(Effect.mapError(Storage.explain))
    yield* Accounts.addUser({ username, password: secret, unit: values.unit!, roles: values.role! })
  }).pipe(Effect.provide(storage))
  yield* Console.log(
    `Created ${username} (${values.role.join(", ")}) of ${values.unit}, in ${Storage.describe(config.database)}.`
  )
}).pipe(
  Effect.catchAll((error) =>
    Effect.zipRight(
      Console.error(`tinbao users: ${error.message}`),
      Effect.sync(() => {
        process.exitCode = 1
      })
    )
  )
)

NodeRuntime.runMain(program)
