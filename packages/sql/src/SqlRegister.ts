/**
 * The register (sổ tiếp nhận) over `@effect/sql`. A counter row per unit and police year is updated in the same
 * transaction as the entry, so numbers are gapless; the counter row stays locked by its update until the
 * transaction ends, and the unique tip and code refuse a second writer. Codes and rules are the core's, as in `Register.layerMemory`.
 *
 * @since 0.1.0
 */
import { SqlClient } from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import { Register } from "@tinbao/core"
import { DateTime, Effect, Layer, Option, type ParseResult, Schedule, Schema } from "effect"
import { Counter, columns, entriesOf } from "./internal/registerRows.js"
import { isContention, isUniqueViolation } from "./internal/sqlErrors.js"

const conflict = (message: string) => new Register.RegisterError({ reason: "conflict", message })

const boundary = <A>(effect: Effect.Effect<A, SqlError | ParseResult.ParseError | Register.RegisterError>) =>
  effect.pipe(
    Effect.catchTags({
      SqlError: (cause) =>
        new Register.RegisterError({
          reason: "unavailable",
          message: "The register's database cannot be reached.",
          cause
        }),
      ParseError: (cause) =>
        new Register.RegisterError({ reason: "corrupt", message: "A stored register entry is not valid.", cause })
    })
  )

const first = <A>(entries: ReadonlyArray<A>): Option.Option<A> => Option.fromNullable(entries[0])

/**
 * The register over the `SqlClient` in context; run the migrations first.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: Effect.Effect<Register.Register["Type"], never, SqlClient> = Effect.gen(function* () {
  const sql = yield* SqlClient

  const byTip = (tipId: string) =>
    Effect.map(
      Effect.flatMap(sql`SELECT ${sql.literal(columns)} FROM register_entries WHERE tip = ${tipId}`, entriesOf),
      first
    )

  // The common case in two statements: take the next number (the update locks the counter row until the
  // transaction ends), and write the entry. A tip already in the register, or a code another unit holds, is
  // refused by a unique index; the savepoint this runs in is then undone, counter included, so the number is
  // not used up and the register stays gapless.
  const attempt = (input: Register.AssignInput) =>
    Effect.gen(function* () {
      const unitTag = Register.unitTagOf(input.unit, input.unitTag)
      const year = Register.yearOf(input.receivedAt)
      const counter = yield* Effect.flatMap(
        sql`INSERT INTO register_counters (unit, year, last) VALUES (${input.unit}, ${year}, 1)
          ON CONFLICT (unit, year) DO UPDATE SET last = register_counters.last + 1 RETURNING last`,
        Schema.decodeUnknown(Counter)
      )
      const number = counter[0]!.last
      const code = Register.codeOf({ unitTag, year, number })
      const receivedAt = DateTime.toEpochMillis(input.receivedAt)
      yield* sql`INSERT INTO register_entries ${sql.insert({ unit: input.unit, year, number, tip: input.tipId, code, received_at: receivedAt })}`
      const [entry] = yield* entriesOf([
        { unit: input.unit, year, number, tip: input.tipId, code, received_at: receivedAt }
      ])
      return entry!
    })

  // The code the refused attempt would have taken (read after its rollback), and who holds it, if anyone.
  const codeOwner = (input: Register.AssignInput) =>
    Effect.gen(function* () {
      const year = Register.yearOf(input.receivedAt)
      const counter = yield* Effect.flatMap(
        sql`SELECT last FROM register_counters WHERE unit = ${input.unit} AND year = ${year}`,
        Schema.decodeUnknown(Counter)
      )
      const unitTag = Register.unitTagOf(input.unit, input.unitTag)
      const code = Register.codeOf({ unitTag, year, number: (counter[0]?.last ?? 0) + 1 })
      const owner = yield* Effect.flatMap(
        sql`SELECT ${sql.literal(columns)} FROM register_entries WHERE code = ${code}`,
        entriesOf
      )
      return Option.map(first(owner), (entry) => ({ code, unit: entry.unit }))
    })

  // Why an entry was refused: the tip is in the register already (the same unit gets its entry back, as
  // assigning is idempotent), or the code belongs to another unit. Neither: a race, tried again below.
  const refused = (input: Register.AssignInput, error: SqlError) =>
    Effect.gen(function* () {
      const known = yield* byTip(input.tipId)
      if (Option.isSome(known)) {
        if (known.value.unit === input.unit) return known.value
        return yield* conflict(
          `tip ${input.tipId} is already in the register of unit ${known.value.unit} as ${known.value.code}`
        )
      }
      const owner = yield* codeOwner(input)
      if (Option.isSome(owner)) {
        return yield* conflict(
          `code ${owner.value.code} already belongs to unit ${owner.value.unit}; give unit ${input.unit} a tag of its own`
        )
      }
      return yield* Effect.fail(error)
    })

  // Its own savepoint even on SQLite (unlike the other writers): a refusal is caught here and answered.
  const assign = (input: Register.AssignInput) =>
    boundary(
      sql.withTransaction(attempt(input)).pipe(
        Effect.catchTag("SqlError", (error) => (isUniqueViolation(error) ? refused(input, error) : Effect.fail(error))),
        Effect.retry({
          while: (error) => error._tag === "SqlError" && (isUniqueViolation(error) || isContention(error)),
          schedule: Schedule.recurs(5)
        })
      )
    )

  const entries = (unit: string, year: number) =>
    boundary(
      Effect.flatMap(
        sql`SELECT ${sql.literal(columns)} FROM register_entries WHERE unit = ${unit} AND year = ${year} ORDER BY number`,
        entriesOf
      )
    )

  const byCode = (code: string) =>
    Option.match(Register.parseCode(code), {
      onNone: () => Effect.succeed(Option.none()),
      onSome: (parsed) =>
        boundary(
          Effect.map(
            Effect.flatMap(
              sql`SELECT ${sql.literal(columns)} FROM register_entries WHERE code = ${parsed.code}`,
              entriesOf
            ),
            first
          )
        )
    })

  return Register.Register.of({ assign, entries, byCode, byTip: (tipId) => boundary(byTip(tipId)) })
})

/**
 * The register as a layer; run the migrations first (`SqlStorage.layer` does).
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<Register.Register, never, SqlClient> = Layer.effect(Register.Register, make)
