/**
 * The register (sổ tiếp nhận) over `@effect/sql`. A counter row per unit and police year is updated in the same
 * transaction as the entry, so numbers are gapless; the counter row stays locked by its update until the
 * transaction ends, and the unique tip and code refuse a second writer. Codes and rules are the core's, as in `Register.layerMemory`.
 *
 * @since 0.1.0
 * @module
 */
import { SqlClient, TransactionConnection } from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import { Register } from "@tinbao/core"
import { DateTime, Effect, Layer, Option, type ParseResult, Schedule, Schema } from "effect"
import { withServiceOption } from "./internal/context.js"
import { leaveOr, withGathering } from "./internal/later.js"
import { prepare, prepareInsert } from "./internal/prepared.js"
import { Counter, columns, entriesOf, writtenEntry } from "./internal/registerRows.js"
import { isContention, sqlFailure } from "./internal/sqlErrors.js"
import { makeTransaction } from "./internal/transaction.js"

const conflict = (message: string) => new Register.RegisterError({ reason: "conflict", message })

const boundary = <A>(effect: Effect.Effect<A, SqlError | ParseResult.ParseError | Register.RegisterError>) =>
  effect.pipe(
    Effect.catchTags({
      // The register's error has no reason for bad input: text the database cannot store is "corrupt".
      SqlError: (cause) =>
        new Register.RegisterError(sqlFailure(cause, "corrupt", "The register's database cannot be reached.")),
      ParseError: (cause) =>
        new Register.RegisterError({ reason: "corrupt", message: "A stored register entry is not valid.", cause })
    })
  )

// The marker of a refusal nobody accounts for (see `refused`).
const unexplained = Symbol("unexplained refusal")

const first = <A>(entries: ReadonlyArray<A>): Option.Option<A> => Option.fromNullable(entries[0])

/**
 * The register over the `SqlClient` in context; run the migrations first.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: Effect.Effect<Register.Register["Type"], never, SqlClient> = Effect.gen(function* () {
  const sql = yield* SqlClient
  const transaction = makeTransaction(sql)
  const takeNumber = prepare(
    sql,
    `INSERT INTO register_counters (unit, year, last) VALUES (?, ?, 1)
     ON CONFLICT (unit, year) DO UPDATE SET last = register_counters.last + 1 RETURNING last`
  )

  const byTip = (tipId: string) =>
    Effect.map(
      Effect.flatMap(sql`SELECT ${sql.literal(columns)} FROM register_entries WHERE tip = ${tipId}`, entriesOf),
      first
    )

  const entryColumns = ["unit", "year", "number", "tip", "code", "received_at"]
  const insertEntry = prepareInsert(sql, "register_entries", entryColumns, "ON CONFLICT DO NOTHING RETURNING number")
  // In a group commit the entry goes in with the batch: nothing reads it back before COMMIT, and a rare refusal
  // makes the batch run again carefully, where the entry goes in at once.
  const entryWithBatch = prepareInsert(sql, "register_entries", entryColumns)
  // In a group commit a unit's counter is read once a batch (its row stays locked until COMMIT) and the batch's
  // later blocks count on from the value it holds; inside a nested savepoint the counter goes to the database.
  const counterWithBatch = prepareInsert(
    sql,
    "register_counters",
    ["unit", "year", "last"],
    "ON CONFLICT (unit, year) DO UPDATE SET last = excluded.last"
  )
  const nextNumber = (unit: string, year: number) =>
    withGathering((batch, own) => {
      const key = `${year}:${unit}`
      const held = batch?.pending(counterWithBatch, key)
      if (held !== undefined) {
        if (!own) return batch!.runCarefully
        const last = (held.last as number) + 1
        batch!.leave(counterWithBatch, { unit, year, last }, key)
        return Effect.succeed(last)
      }
      return Effect.map(Effect.flatMap(takeNumber([unit, year]), Schema.decodeUnknown(Counter)), (rows) => {
        const last = rows[0]!.last
        if (own) batch!.leave(counterWithBatch, { unit, year, last }, key)
        return last
      })
    })

  // A number given back while this transaction still holds the counter row (locked by the update that took it).
  const giveBack = prepare(sql, "UPDATE register_counters SET last = last - 1 WHERE unit = ? AND year = ?")
  const dropCounter = prepare(sql, "DELETE FROM register_counters WHERE unit = ? AND year = ? AND last = 1")

  // The code the refused attempt would have taken, and who holds it, if anyone.
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
  // assigning is idempotent), or the code belongs to another unit. Neither: the holder was a racing writer that
  // rolled back since, and the attempt runs again.
  const refused = (input: Register.AssignInput) =>
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
      return yield* Effect.fail(unexplained)
    })

  // Take the next number (the update locks the counter row until COMMIT) and write the entry. A refused entry
  // writes nothing rather than failing, since a failed statement spoils a PostgreSQL transaction; the number is
  // then given back, so the register stays gapless.
  const attempt = (input: Register.AssignInput) =>
    Effect.gen(function* () {
      const unitTag = Register.unitTagOf(input.unit, input.unitTag)
      const year = Register.yearOf(input.receivedAt)
      const number = yield* nextNumber(input.unit, year)
      const code = Register.codeOf({ unitTag, year, number })
      const row = {
        unit: input.unit,
        year,
        number,
        tip: input.tipId,
        code,
        received_at: DateTime.toEpochMillis(input.receivedAt)
      }
      const written = yield* leaveOr(entryWithBatch, [row], insertEntry([row]))
      if (Option.isNone(written) || written.value.length > 0) return writtenEntry(row)
      yield* number === 1 ? dropCounter([input.unit, year]) : giveBack([input.unit, year])
      return yield* refused(input)
    })

  // An unexplained refusal runs the attempt again, up to 5 times; no retry schedule on the common path.
  const attemptUpTo = (
    input: Register.AssignInput,
    again: number
  ): Effect.Effect<Register.RegisterEntry, SqlError | ParseResult.ParseError | Register.RegisterError> =>
    Effect.catchIf(
      attempt(input),
      (error): error is typeof unexplained => error === unexplained,
      () =>
        again > 0
          ? attemptUpTo(input, again - 1)
          : conflict(`the register refused an entry for tip ${input.tipId} and no holder was found; try again`)
    )

  // In a transaction block, a failure fails the block (which a group commit runs again when it lost to another
  // transaction); alone, the assignment is its own transaction, run again here when it lost.
  const assign = (input: Register.AssignInput) =>
    boundary(
      withServiceOption(TransactionConnection, (inside) =>
        Option.isSome(inside)
          ? attemptUpTo(input, 5)
          : transaction(attemptUpTo(input, 5)).pipe(
              Effect.retry({
                while: (error) => error._tag === "SqlError" && isContention(error),
                schedule: Schedule.recurs(5)
              })
            )
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
