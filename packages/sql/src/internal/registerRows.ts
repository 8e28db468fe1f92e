/**
 * Register rows as stored, and the entries they give back.
 *
 * @internal
 */
import { Register } from "@tinbao/core"
import { DateTime, Effect, Schema } from "effect"
import { Int } from "./sqlErrors.js"

const Row = Schema.Struct({
  unit: Schema.String,
  year: Int,
  number: Int,
  tip: Schema.String,
  code: Schema.String,
  received_at: Int
})

const Rows = Schema.Array(Row)
const decodeEntry = Schema.decodeUnknown(Register.RegisterEntry)

/** @internal */
export const columns = "unit, year, number, tip, code, received_at"

/**
 * Entries from rows read back; every entry, new or old, is built here so that they compare alike.
 *
 * @internal
 */
export const entriesOf = (rows: unknown) =>
  Effect.flatMap(Schema.decodeUnknown(Rows)(rows), (decoded) =>
    Effect.forEach(decoded, (row) =>
      decodeEntry({
        unit: row.unit,
        year: row.year,
        number: row.number,
        tipId: row.tip,
        code: row.code,
        receivedAt: DateTime.formatIso(DateTime.unsafeMake(row.received_at))
      })
    )
  )

/**
 * The entry of a row just written, built as `entriesOf` builds those read back, without decoding what this
 * process made itself: the number came from the counter, the code from `Register.codeOf`.
 *
 * @internal
 */
export const writtenEntry = (row: {
  readonly unit: string
  readonly year: number
  readonly number: number
  readonly tip: string
  readonly code: string
  readonly received_at: number
}): Register.RegisterEntry =>
  new Register.RegisterEntry(
    {
      unit: row.unit as Register.RegisterEntry["unit"],
      year: row.year,
      number: row.number,
      tipId: row.tip,
      code: row.code,
      receivedAt: DateTime.unsafeMake(row.received_at)
    },
    { disableValidation: true }
  )

/** @internal */
export const Counter = Schema.Array(Schema.Struct({ last: Int }))
