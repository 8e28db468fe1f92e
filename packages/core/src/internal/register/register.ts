import { Context, type DateTime, Effect, Layer, Option, Schema } from "effect"
import * as LocalDate from "../calendar/localDate.js"
import { policeYearOf } from "../calendar/statisticalPeriod.js"
import { UnitId } from "../units/unit.js"
import * as code_ from "./code.js"
import { Books } from "./memory.js"

/**
 * The part of a tip code that names the unit: 1 to 10 characters, A–Z and 0–9.
 *
 * @since 0.1.0
 * @category models
 */
export const UnitTag = Schema.String.pipe(
  Schema.pattern(code_.tagPattern, { message: () => "a unit tag: 1 to 10 characters A–Z or 0–9" }),
  Schema.brand("@tinbao/core/UnitTag")
).annotations({ identifier: "UnitTag" })

/**
 * @since 0.1.0
 * @category models
 */
export type UnitTag = typeof UnitTag.Type

/**
 * The tag for a unit: its official code when given, else its id, without diacritics (đ → d), upper-cased, only
 * A–Z and 0–9, at most ten characters. An id with nothing to keep gets "DV" and a hash of the id.
 *
 * @since 0.1.0
 * @category constructors
 */
export const unitTagOf = (unitId: UnitId, officialCode?: string): UnitTag =>
  code_.tagOf(unitId, officialCode) as UnitTag

/**
 * The code of a register entry, e.g. "NTIEN-2024-0026": the unit tag, the police year and the number padded to
 * four digits (more from 10,000 on).
 *
 * @since 0.1.0
 * @category constructors
 */
export const codeOf = (parts: { readonly unitTag: UnitTag; readonly year: number; readonly number: number }): string =>
  code_.format(parts.unitTag, parts.year, parts.number)

/**
 * A tip code found in a text, with its parts.
 *
 * @since 0.1.0
 * @category models
 */
export interface ParsedCode {
  readonly code: string
  readonly unitTag: UnitTag
  readonly year: number
  readonly number: number
}

/**
 * Finds the first tip code in free text, such as "Cho tôi hỏi tin báo NTIEN-2024-0026 đến đâu rồi ạ", and gives it
 * in canonical form. Case, diacritics, any kind of dash, spaces around dashes and missing zero padding are
 * forgiven ("ntien – 2024 – 26" is NTIEN-2024-0026).
 *
 * @since 0.1.0
 * @category conversions
 */
export const parseCode = (text: string): Option.Option<ParsedCode> =>
  Option.fromNullable(code_.findCode(text) as ParsedCode | undefined)

/**
 * The police statistical year an instant is registered in, read in `Asia/Ho_Chi_Minh`.
 *
 * @since 0.1.0
 * @category getters
 */
export const yearOf = (receivedAt: DateTime.Utc): number => policeYearOf(LocalDate.ofInstant(receivedAt))

/**
 * One line of a unit's register.
 *
 * @since 0.1.0
 * @category models
 */
export class RegisterEntry extends Schema.Class<RegisterEntry>("@tinbao/core/RegisterEntry")({
  unit: UnitId,
  year: Schema.Int.pipe(Schema.between(1000, 9999)),
  number: Schema.Int.pipe(Schema.positive()),
  tipId: Schema.String,
  code: Schema.String.pipe(Schema.pattern(code_.codePattern)),
  receivedAt: Schema.DateTimeUtc
}) {}

/**
 * The register's one error: "conflict" when a tip already stands in another unit's register or a code is taken.
 *
 * @since 0.1.0
 * @category errors
 */
export class RegisterError extends Schema.TaggedError<RegisterError>("@tinbao/core/RegisterError")("RegisterError", {
  reason: Schema.Literal("unavailable", "corrupt", "conflict"),
  message: Schema.String,
  cause: Schema.optional(Schema.Defect)
}) {}

/**
 * What {@link Register} needs to enter a tip. `unitTag` is cleaned as {@link unitTagOf} cleans; one with nothing
 * left falls back to the tag of the unit id.
 *
 * @since 0.1.0
 * @category models
 */
export interface AssignInput {
  readonly unit: UnitId
  readonly unitTag: string
  readonly tipId: string
  readonly receivedAt: DateTime.Utc
}

/**
 * The register of every unit.
 *
 * @since 0.1.0
 * @category tags
 */
export class Register extends Context.Tag("@tinbao/core/Register")<
  Register,
  {
    /**
     * Enters a tip under the next number of its unit and police year. Idempotent per tip: entering it again gives
     * the first entry back; entering it for another unit is a conflict.
     */
    readonly assign: (input: AssignInput) => Effect.Effect<RegisterEntry, RegisterError>
    /** A unit's register for a police year, in number order. */
    readonly entries: (unit: UnitId, year: number) => Effect.Effect<ReadonlyArray<RegisterEntry>, RegisterError>
    /** The entry with a code; the code is read as {@link parseCode} reads it. */
    readonly byCode: (code: string) => Effect.Effect<Option.Option<RegisterEntry>, RegisterError>
    /** The entry of a tip. */
    readonly byTip: (tipId: string) => Effect.Effect<Option.Option<RegisterEntry>, RegisterError>
  }
>() {}

const conflict = (message: string) => Effect.fail(new RegisterError({ reason: "conflict", message }))

/**
 * An in-memory register. One semaphore serialises `assign`, so numbers stay gapless and unique under concurrent
 * intake.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeMemory: Effect.Effect<Context.Tag.Service<Register>> = Effect.gen(function* () {
  const books = new Books()
  const lock = yield* Effect.makeSemaphore(1)
  const assign = (input: AssignInput) =>
    Effect.suspend(() => {
      const unitTag = code_.cleanTag(input.unitTag) || code_.tagOf(input.unit)
      const year = yearOf(input.receivedAt)
      const outcome = books.assign({
        unit: input.unit,
        tipId: input.tipId,
        year,
        codeOf: (number) => code_.format(unitTag, year, number),
        // Made here from a cleaned tag, a police year and a counter: as the SQL register does, not checked again.
        build: (number, code) =>
          new RegisterEntry(
            { unit: input.unit, year, number, tipId: input.tipId, code, receivedAt: input.receivedAt },
            { disableValidation: true }
          )
      })
      switch (outcome._tag) {
        case "Added":
        case "Existing":
          return Effect.succeed(outcome.entry)
        case "TipElsewhere":
          return conflict(
            `tip ${input.tipId} is already in the register of unit ${outcome.entry.unit} as ${outcome.entry.code}`
          )
        case "CodeTaken":
          return conflict(
            `code ${outcome.code} already belongs to unit ${outcome.owner.unit}; give unit ${input.unit} a tag of its own`
          )
      }
    })
  return Register.of({
    assign: (input) => lock.withPermits(1)(assign(input)),
    entries: (unit, year) => Effect.sync(() => books.list(unit, year)),
    byCode: (code) => Effect.sync(() => Option.flatMapNullable(parseCode(code), (parsed) => books.byCode(parsed.code))),
    byTip: (tipId) => Effect.sync(() => Option.fromNullable(books.byTip(tipId)))
  })
})

/**
 * An in-memory register, empty when the layer is built.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerMemory: Layer.Layer<Register> = Layer.effect(Register, makeMemory)
