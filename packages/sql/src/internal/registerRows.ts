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

/** @internal */
export const Counter = Schema.Array(Schema.Struct({ last: Int }))
