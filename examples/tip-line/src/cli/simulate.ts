/**
 * `tinbao simulate [--url <server>] [--count N] [--seed N]` (`npm run simulate`): the seeded stream of signed
 * deliveries of `simulate.ts`, sent to a running server in sandbox mode whose data folder is this command's
 * DATA_DIR, with a progress bar on a terminal (a line per 10 % otherwise) and the summary. Exits 1 unless every
 * delivery was answered 200 and every tip acknowledged once.
 */
import { Command, Options } from "@effect/cli"
import { Console, Effect, Option } from "effect"
import * as Simulate from "../simulate.js"
import { CliError, config, Environment, failure } from "./context.js"

const bar = (sent: number, total: number) => {
  const width = 30
  const filled = Math.round((sent / total) * width)
  return `[${"#".repeat(filled)}${".".repeat(width - filled)}] ${sent}/${total}`
}

// On a terminal, one bar redrawn in place; elsewhere (a log, a test) a line at each tenth.
const progress = (console: Console.Console, interactive: boolean) => {
  const tty = interactive && process.stderr.isTTY === true
  let shown = -1
  return (sent: number, total: number) => {
    if (tty) {
      process.stderr.write(`\r${bar(sent, total)}${sent === total ? "\n" : ""}`)
      return
    }
    const tenth = Math.floor((sent * 10) / total)
    if (tenth !== shown) {
      shown = tenth
      Effect.runSync(console.error(`${tenth * 10}% (${sent}/${total})`))
    }
  }
}

const count = Options.integer("count").pipe(
  Options.withDefault(30),
  Options.withDescription("How many tips the stream starts (each with its deliveries).")
)
const seed = Options.integer("seed").pipe(Options.withDefault(1), Options.withDescription("The stream's seed."))
const url = Options.text("url").pipe(
  Options.optional,
  Options.withDescription("The server's base URL (else TINBAO_URL, else http://127.0.0.1:8080).")
)

export const command = Command.make("simulate", { count, seed, url }, (options) =>
  Effect.gen(function* () {
    const settings = yield* config
    const { env, interactive } = yield* Environment
    if (options.count < 1 || options.count > 100_000) {
      return yield* new CliError({ reason: "usage", message: "--count must be from 1 to 100000." })
    }
    const console = yield* Effect.console
    const summary = yield* Simulate.run({
      url: Option.getOrElse(options.url, () => env.TINBAO_URL ?? "http://127.0.0.1:8080"),
      dataDir: settings.dataDir,
      count: options.count,
      seed: options.seed,
      onProgress: progress(console, interactive)
    }).pipe(Effect.mapError(failure))
    yield* Console.log(Simulate.lines(summary).join("\n"))
    if (!summary.ok) return yield* new CliError({ reason: "failure", message: "the stream did not end as expected." })
  })
).pipe(Command.withDescription("Sends a realistic stream of signed deliveries to a running server in sandbox mode."))
