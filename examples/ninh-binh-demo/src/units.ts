/**
 * The units the demo runs on, read from a file as a deployment reads its own: `units.json` holds the Ninh Bình
 * units (encoded `UnitChange`s, parents first), decoded at startup; the units the demo names are found in it.
 */
import { readFile } from "node:fs/promises"
import { fileURLToPath } from "node:url"
import { type Unit, UnitChange } from "@tinbao/core"
import { Data, Effect, Either, ParseResult, Schema } from "effect"

/** The units file beside the demo's sources. */
export const defaultFile = fileURLToPath(new URL("../units.json", import.meta.url))

/** The units file cannot be read, is not valid, or lacks a unit the demo needs; the message names the file. */
export class UnitsFileError extends Data.TaggedError("UnitsFileError")<{ readonly message: string }> {}

/** The recorded changes, and the units the demo names. */
export interface Units {
  readonly changes: ReadonlyArray<UnitChange.UnitChange>
  /** Công an tỉnh Ninh Bình: the root of the report. */
  readonly province: Unit.UnitId
  /** Công an xã Ninh Tiến: the commune the report follows through the year. */
  readonly ninhTien: Unit.UnitId
  /** The wards and communes under the city police, in the file's order. */
  readonly cityUnitIds: ReadonlyArray<Unit.UnitId>
  /**
   * Every ward and commune of the file, in its order, those established by the 2025 restructuring included: each
   * has a web form, a Zalo OA and a fanpage, so that a year after the restructuring has its channels too.
   */
  readonly localUnitIds: ReadonlyArray<Unit.UnitId>
}

const decode = Schema.decodeUnknownEither(Schema.parseJson(Schema.Array(UnitChange.UnitChange)), { errors: "all" })

// The path of each problem (`12.effectiveDate`), then what was expected there.
const problems = (error: ParseResult.ParseError): string =>
  ParseResult.ArrayFormatter.formatErrorSync(error)
    .slice(0, 5)
    .map((issue) => `at ${issue.path.join(".") || "(root)"}: ${issue.message}`)
    .join("; ")

/** Finds the demo's units in the changes: exactly one of each, or a message saying which is missing. */
export const fromChanges = (changes: ReadonlyArray<UnitChange.UnitChange>): Either.Either<Units, string> =>
  Either.gen(function* () {
    const established = changes.filter((c): c is UnitChange.Established => c._tag === "Established")
    const one = (what: string, test: (c: UnitChange.Established) => boolean) => {
      const found = established.filter(test)
      return found.length === 1
        ? Either.right(found[0].id)
        : Either.left(`it has ${found.length} units that are ${what}`)
    }
    const province = yield* one("a provincial police", (c) => c.kind === "province")
    const city = yield* one(
      "a district police under the province",
      (c) => c.kind === "district" && c.parent === province
    )
    const cityUnitIds = established
      .filter((c) => c.parent === city && (c.kind === "ward" || c.kind === "commune"))
      .map((c) => c.id)
    const ninhTien = yield* one('named "Công an xã Ninh Tiến"', (c) => c.name.vi === "Công an xã Ninh Tiến")
    const localUnitIds = established.filter((c) => c.kind === "ward" || c.kind === "commune").map((c) => c.id)
    return { changes, province, ninhTien, cityUnitIds, localUnitIds }
  })

/** Reads and decodes a units file. */
export const load = (file: string = defaultFile): Effect.Effect<Units, UnitsFileError> =>
  Effect.tryPromise({
    try: () => readFile(file, "utf8"),
    catch: (cause) => new UnitsFileError({ message: `The units file ${file} cannot be read: ${String(cause)}` })
  }).pipe(
    Effect.flatMap((text) =>
      Either.match(decode(text), {
        onLeft: (error) => new UnitsFileError({ message: `The units file ${file} is invalid ${problems(error)}` }),
        onRight: (changes) =>
          Either.mapLeft(
            fromChanges(changes),
            (why) => new UnitsFileError({ message: `The units file ${file} does not suit the demo: ${why}` })
          )
      })
    )
  )
