/**
 * The intake ledger over `@effect/sql`, in the table `intake_ledger`: one JSON entry per key, replaced by a
 * later `put` of the same key. Entries hold fingerprints, never identities.
 *
 * @since 0.1.0
 */
import { SqlClient } from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import { IntakeLedger } from "@tinbao/core"
import { Effect, Layer, Option, Schema } from "effect"
import { rowDecoder } from "./internal/rowDecoding.js"
import { makeWriter } from "./internal/sqlErrors.js"

const Json = Schema.parseJson(IntakeLedger.Entry)
const Columns = Schema.Struct({ entry: Json })

const error = (reason: IntakeLedger.IntakeLedgerError["reason"], message: string) =>
  new IntakeLedger.IntakeLedgerError({ reason, message })

const decodeRows = rowDecoder(Columns, "intake_ledger", (message) => error("corrupt", message))

const unavailable = (cause: SqlError) =>
  new IntakeLedger.IntakeLedgerError({
    reason: "unavailable",
    message: "The intake ledger's database cannot be reached.",
    cause
  })

/**
 * The intake ledger over the `SqlClient` in context; run the migrations first.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: Effect.Effect<IntakeLedger.IntakeLedger["Type"], never, SqlClient> = Effect.gen(function* () {
  const sql = yield* SqlClient
  const write = yield* makeWriter(sql)
  return IntakeLedger.IntakeLedger.of({
    get: (key) =>
      sql`SELECT entry FROM intake_ledger WHERE key = ${key}`.pipe(
        Effect.catchTag("SqlError", unavailable),
        Effect.flatMap(decodeRows),
        Effect.map((rows) => Option.map(Option.fromNullable(rows[0]), (row) => row.entry))
      ),
    put: (key, entry) =>
      Schema.encode(Json)(entry).pipe(
        Effect.mapError(() =>
          error("corrupt", `The intake ledger entry for ${key} cannot be encoded: it is not valid.`)
        ),
        Effect.flatMap((json) =>
          write(
            sql`INSERT INTO intake_ledger ${sql.insert({ key, entry: json })}
              ON CONFLICT (key) DO UPDATE SET entry = excluded.entry`
          ).pipe(Effect.catchTag("SqlError", unavailable))
        ),
        Effect.asVoid
      )
  })
})

/**
 * The intake ledger as a layer; run the migrations first (`SqlStorage.layer` does).
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<IntakeLedger.IntakeLedger, never, SqlClient> = Layer.effect(
  IntakeLedger.IntakeLedger,
  make
)
