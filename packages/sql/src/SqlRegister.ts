/**
 * The register (sổ tiếp nhận) over `@effect/sql`. A counter row per unit and police year is updated in the same
 * transaction as the entry, so numbers are gapless; on PostgreSQL the counter row is locked (`FOR UPDATE`) and
 * the unique tip and code refuse a second writer. Codes and rules are the core's, as in `Register.layerMemory`.
 *
 * @since 0.1.0
 */
import { SqlClient } from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import { Register } from "@tinbao/core"
import { DateTime, Effect, Layer, Option, type ParseResult, Schedule, Schema } from "effect"
import { Counter, columns, entriesOf } from "./internal/registerRows.js"
import { isContention, isUniqueViolation, makeWriter } from "./internal/sqlErrors.js"

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
  const write = yield* makeWriter(sql)
  const lockRow = sql.onDialectOrElse({ pg: () => sql.literal("FOR UPDATE"), orElse: () => sql.literal("") })

  const byTip = (tipId: string) =>
    Effect.map(
      Effect.flatMap(sql`SELECT ${sql.literal(columns)} FROM register_entries WHERE tip = ${tipId}`, entriesOf),
      first
    )

  const attempt = (input: Register.AssignInput) =>
    Effect.gen(function* () {
      const known = yield* byTip(input.tipId)
      if (Option.isSome(known)) {
        if (known.value.unit === input.unit) return known.value
        return yield* conflict(
          `tip ${input.tipId} is already in the register of unit ${known.value.unit} as ${known.value.code}`
        )
      }
      const unitTag = Register.unitTagOf(input.unit, input.unitTag)
      const year = Register.yearOf(input.receivedAt)
      yield* sql`INSERT INTO register_counters (unit, year, last) VALUES (${input.unit}, ${year}, 0)
        ON CONFLICT (unit, year) DO NOTHING`
      const counter = yield* Effect.flatMap(
        sql`SELECT last FROM register_counters WHERE unit = ${input.unit} AND year = ${year} ${lockRow}`,
        Schema.decodeUnknown(Counter)
      )
      const number = (counter[0]?.last ?? 0) + 1
      const code = Register.codeOf({ unitTag, year, number })
      const owner = first(
        yield* Effect.flatMap(sql`SELECT ${sql.literal(columns)} FROM register_entries WHERE code = ${code}`, entriesOf)
      )
      // Refused before anything is written, so the number is not used up and the register stays gapless.
      if (Option.isSome(owner)) {
        return yield* conflict(
          `code ${code} already belongs to unit ${owner.value.unit}; give unit ${input.unit} a tag of its own`
        )
      }
      yield* sql`UPDATE register_counters SET last = ${number} WHERE unit = ${input.unit} AND year = ${year}`
      const receivedAt = DateTime.toEpochMillis(input.receivedAt)
      yield* sql`INSERT INTO register_entries ${sql.insert({ unit: input.unit, year, number, tip: input.tipId, code, received_at: receivedAt })}`
      const [entry] = yield* entriesOf([
        { unit: input.unit, year, number, tip: input.tipId, code, received_at: receivedAt }
      ])
      return entry!
    })

  // A writer that lost a race on the same tip (or a deadlock) tries again: it then finds the winner's entry.
  const assign = (input: Register.AssignInput) =>
    boundary(
      write(attempt(input)).pipe(
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
