/**
 * `tinbao users add <username> --unit <unit id> --role <role> [--role …]` and `tinbao users disable <username>`:
 * staff accounts in the server's database. The password of a new account comes from TINBAO_PASSWORD, else from
 * standard input when it is not a terminal (its first line), else it is asked twice on the terminal without echo;
 * it is never printed.
 */
import { createInterface } from "node:readline"
import { Args, Command, Options } from "@effect/cli"
import { Console, Effect, Redacted } from "effect"
import * as Accounts from "../accounts.js"
import * as Storage from "../storage.js"
import { config, Environment, failure, pick, recordUnits, storage, usage } from "./context.js"
import { disableUser } from "./usersAdmin.js"

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
  const { env, interactive, stdin } = yield* Environment
  const fromEnv = env.TINBAO_PASSWORD
  if (fromEnv !== undefined && fromEnv !== "") return Redacted.make(fromEnv)
  if (!interactive) {
    const [line = ""] = (yield* stdin).split(/\r?\n/)
    if (line === "") return yield* usage("No password: set TINBAO_PASSWORD, or give it on standard input.")
    return Redacted.make(line)
  }
  const first = yield* ask("Password (12 characters or more): ")
  const again = yield* ask("The same password again: ")
  if (first !== again) return yield* usage("The two passwords differ; nothing was created.")
  return Redacted.make(first)
})

const add = Command.make(
  "add",
  {
    username: Args.text({ name: "username" }),
    unit: Options.text("unit").pipe(Options.withDescription("the unit id of the account (see the units file)")),
    roles: Options.text("role").pipe(
      Options.atLeast(1),
      Options.withDescription("officer, leader, viewer, identity_custodian or administrator; repeat for more")
    )
  },
  ({ username, unit, roles }) =>
    Effect.gen(function* () {
      const settings = yield* config
      const secret = yield* password
      yield* Effect.gen(function* () {
        yield* recordUnits(settings)
        yield* Accounts.addUser({ username, password: secret, unit, roles }).pipe(Effect.mapError(failure))
      }).pipe(Effect.provide(storage(settings)))
      yield* Console.log(
        `Created ${username} (${roles.join(", ")}) of ${unit}, in ${Storage.describe(settings.database)}.`
      )
    })
).pipe(Command.withDescription("Creates a staff account (the password: TINBAO_PASSWORD, standard input, or asked)."))

const disable = Command.make("disable", { username: Args.text({ name: "username" }) }, ({ username }) =>
  Effect.gen(function* () {
    const settings = yield* config
    const ended = yield* disableUser(username).pipe(Effect.mapError(failure), Effect.provide(storage(settings)))
    yield* Console.log(`Disabled ${username}: it cannot log in; ${ended} session${ended === 1 ? "" : "s"} ended.`)
  })
).pipe(Command.withDescription("Disables a staff account and ends its sessions."))

export const command = Command.make("users", {}, () => pick("tinbao users", ["add", "disable"])).pipe(
  Command.withDescription("Staff accounts: add one, disable one."),
  Command.withSubcommands([add, disable])
)
