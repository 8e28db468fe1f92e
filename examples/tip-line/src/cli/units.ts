/**
 * `tinbao units import <file>` and `tinbao units export [--format json|csv]`: the directory's unit changes, read
 * from and written as a units file (JSON as `units.json`, or CSV as `unitsCsv.ts` describes). An import records
 * what the directory does not hold yet, as the server does with UNITS_FILE at its start: the log is append-only.
 */
import { resolve } from "node:path"
import { Args, Command, Options } from "@effect/cli"
import { UnitDirectory } from "@tinbao/core"
import { Console, Effect, Either } from "effect"
import * as Storage from "../storage.js"
import * as Units from "../units.js"
import * as UnitsCsv from "../unitsCsv.js"
import { CliError, config, Environment, failure, pick, storage } from "./context.js"

const importCommand = Command.make(
  "import",
  { file: Args.text({ name: "file" }).pipe(Args.withDescription("a units file: .json, or .csv")) },
  ({ file }) =>
    Effect.gen(function* () {
      const path = resolve((yield* Environment).cwd, file)
      const settings = yield* config
      const changes = yield* Units.load(path).pipe(Effect.mapError(failure))
      const recorded = yield* Units.record(path, changes).pipe(
        Effect.mapError(failure),
        Effect.provide(storage(settings))
      )
      yield* Console.log(
        `Recorded ${recorded} unit changes from ${path} (${changes.length - recorded} already held), in ${Storage.describe(settings.database)}.`
      )
    })
).pipe(Command.withDescription("Records a units file's changes that the directory does not hold yet."))

const exportCommand = Command.make(
  "export",
  {
    format: Options.choice("format", ["json", "csv"]).pipe(
      Options.withDefault("json"),
      Options.withDescription("json (as units.json) or csv")
    )
  },
  ({ format }) =>
    Effect.gen(function* () {
      const settings = yield* config
      const changes = yield* Effect.flatMap(UnitDirectory.UnitDirectory, (directory) => directory.changes).pipe(
        Effect.mapError(failure),
        Effect.provide(storage(settings))
      )
      const text =
        format === "json"
          ? Units.toJson(changes)
          : yield* Either.mapLeft(
              UnitsCsv.write(changes),
              (problem) =>
                new CliError({
                  reason: "failure",
                  message: `The directory cannot be written as CSV at ${problem.at}: ${problem.message}; export it as JSON.`
                })
            )
      yield* (yield* Environment).write(text)
    })
).pipe(Command.withDescription("Prints the directory's unit changes as a units file, in the order recorded."))

export const command = Command.make("units", {}, () => pick("tinbao units", ["import", "export"])).pipe(
  Command.withDescription("The unit directory: import a units file, export the directory's changes."),
  Command.withSubcommands([importCommand, exportCommand])
)
