/**
 * The units, from a units file (encoded `UnitChange`s, parents first: the format `units.json` of the examples
 * has; or a `.csv` file of the same changes, one a row, as `unitsCsv.ts` describes). Every start records what the directory does not hold yet: the first start records the whole file, a
 * later one nothing, or the changes appended to the file since. A directory whose changes are not the file's
 * (another file, or a change edited in place) is refused: the log of units is append-only.
 */
import { readFile } from "node:fs/promises"
import { LocalDate, type Unit, UnitChange, UnitDirectory, UnitHierarchy } from "@tinbao/core"
import { Data, DateTime, Effect, Either, ParseResult, Schema } from "effect"
import * as UnitsCsv from "./unitsCsv.js"

/** The units file cannot be read or used; the message names the file. */
export class UnitsError extends Data.TaggedError("UnitsError")<{ readonly message: string }> {}

const Changes = Schema.Array(UnitChange.UnitChange)
const decode = Schema.decodeUnknownEither(Schema.parseJson(Changes), { errors: "all" })

/** Whether a units file is CSV (by its name), else JSON. */
export const isCsv = (file: string): boolean => file.toLowerCase().endsWith(".csv")

/** Decodes a units file's text, JSON or CSV; the problem names the file and where in it. */
export const decodeText = (
  file: string,
  text: string
): Either.Either<ReadonlyArray<UnitChange.UnitChange>, UnitsError> =>
  isCsv(file)
    ? Either.mapLeft(
        UnitsCsv.read(text),
        (problem) =>
          new UnitsError({ message: `The units file ${file} is invalid at ${problem.at}: ${problem.message}` })
      )
    : Either.mapLeft(decode(text), (error) => {
        const [first] = ParseResult.ArrayFormatter.formatErrorSync(error)
        return new UnitsError({
          message: `The units file ${file} is invalid at ${first?.path.join(".") || "(root)"}: ${first?.message}`
        })
      })

/** The changes as a JSON units file: the encoded changes, indented. */
export const toJson = (changes: ReadonlyArray<UnitChange.UnitChange>): string =>
  `${JSON.stringify(Schema.encodeSync(Changes)(changes), null, 2)}\n`

/** Reads and decodes a units file. */
export const load = (file: string): Effect.Effect<ReadonlyArray<UnitChange.UnitChange>, UnitsError> =>
  Effect.tryPromise({
    try: () => readFile(file, "utf8"),
    catch: (cause) =>
      new UnitsError({
        message: `The units file ${file} cannot be read (${(cause as NodeJS.ErrnoException).code ?? cause}).`
      })
  }).pipe(Effect.flatMap((text) => decodeText(file, text)))

/**
 * Records the file's changes the directory does not hold yet; returns how many it recorded. Instances starting
 * together on one database race to record the same file: the one that loses reads the directory again and records
 * what is still missing, nothing when the other recorded it all (`UnitDirectory.recordMissing`).
 */
export const record = (file: string, changes: ReadonlyArray<UnitChange.UnitChange>) =>
  Effect.flatMap(UnitDirectory.UnitDirectory, (directory) => directory.recordMissing(changes)).pipe(
    Effect.map((recorded) => recorded.length),
    Effect.mapError((error) =>
      error._tag === "UnitLogError"
        ? new UnitsError({
            message: `The database's unit change ${error.position + 1} is not the one in ${file}: the database was set up from another units file. Use that file (UNITS_FILE), or another database.`
          })
        : new UnitsError({ message: `The units in ${file} cannot be recorded: ${error.message}` })
    )
  )

/** The units of a tree, each before its children. */
export const unitsOf = (nodes: ReadonlyArray<UnitHierarchy.UnitTreeNode>): ReadonlyArray<Unit.Unit> =>
  nodes.flatMap((node) => [node.unit, ...unitsOf(node.children)])

/** The wards and communes that hold today: the police that take citizens' tips, each on channels of its own. */
export const localUnits = Effect.gen(function* () {
  const hierarchy = yield* (yield* UnitDirectory.UnitDirectory).hierarchy
  const today = LocalDate.ofInstant(yield* DateTime.now)
  return unitsOf(UnitHierarchy.tree(hierarchy, today)).filter((u) => u.kind === "ward" || u.kind === "commune")
})
