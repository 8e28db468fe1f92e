/**
 * The intake ledger over `@effect/sql`, in the table `intake_ledger`: one JSON entry per key, replaced by a
 * later `put` of the same key. Entries hold fingerprints, never identities.
 *
 * @since 0.1.0
 * @module
 */
import { SqlClient } from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import { IntakeLedger } from "@tinbao/core"
import { Effect, Either, Layer, Option, Schema } from "effect"
import { upsertLaterOr, withGathering } from "./internal/later.js"
import { prepareByCount, prepareInsert, repeated } from "./internal/prepared.js"
import { rowDecoder } from "./internal/rowDecoding.js"
import { makeWriter, sqlFailure } from "./internal/sqlErrors.js"

const Json = Schema.parseJson(IntakeLedger.Entry)
const Columns = Schema.Struct({ key: Schema.String, entry: Json })

const error = (reason: IntakeLedger.IntakeLedgerError["reason"], message: string) =>
  new IntakeLedger.IntakeLedgerError({ reason, message })

const decodeRows = rowDecoder(Columns, "intake_ledger", (message) => error("corrupt", message))

// The ledger's error has no reason for bad input: text the database cannot store is "corrupt".
const unavailable = (cause: SqlError) =>
  new IntakeLedger.IntakeLedgerError(sqlFailure(cause, "corrupt", "The intake ledger's database cannot be reached."))

/**
 * The intake ledger over the `SqlClient` in context; run the migrations first.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: Effect.Effect<IntakeLedger.IntakeLedger["Type"], never, SqlClient> = Effect.gen(function* () {
  const sql = yield* SqlClient
  const write = yield* makeWriter(sql)
  const select = prepareByCount(
    sql,
    (count) => `SELECT key, entry FROM intake_ledger WHERE key IN (${repeated(count)})`
  )
  const upsert = prepareInsert(
    sql,
    "intake_ledger",
    ["key", "entry"],
    "ON CONFLICT (key) DO UPDATE SET entry = excluded.entry"
  )
  const encode = Schema.encodeEither(Json)
  // In a group commit entries are left to the batch, read back from it by its later blocks and encoded as it
  // writes them; one that does not encode makes the batch run again carefully, where its block gets the error.
  const upsertWithBatch = prepareInsert(
    sql,
    "intake_ledger",
    ["key", "entry"],
    "ON CONFLICT (key) DO UPDATE SET entry = excluded.entry",
    (rows: ReadonlyArray<{ readonly key: string; readonly entry: IntakeLedger.Entry }>) =>
      rows.map(({ entry, key }) => ({ key, entry: Either.getOrThrow(encode(entry)) }))
  )

  const byKey = (rows: ReadonlyArray<{ readonly key: string; readonly entry: IntakeLedger.Entry }>) =>
    new Map(rows.map((row) => [row.key, row.entry]))
  const stored = (keys: ReadonlyArray<string>) =>
    select(keys.length)(keys).pipe(Effect.catchTag("SqlError", unavailable), Effect.flatMap(decodeRows))

  const getAll: IntakeLedger.IntakeLedger["Type"]["getAll"] = (keys) =>
    keys.length === 0
      ? Effect.succeed(new Map())
      : withGathering((batch) => {
          const left: Array<{ readonly key: string; readonly entry: IntakeLedger.Entry }> = []
          const rest: Array<string> = []
          for (const key of keys) {
            const row = batch?.pending(upsertWithBatch, key)
            if (row === undefined) rest.push(key)
            else left.push(row)
          }
          if (left.length === 0) return Effect.map(stored(keys), byKey)
          if (rest.length === 0) return Effect.succeed(byKey(left))
          return Effect.map(stored(rest), (found) => byKey([...found, ...left]))
        })

  // Outside a batch that gathers: encoded, then written at once.
  const putNow = (latest: ReadonlyMap<string, IntakeLedger.Entry>) =>
    Effect.suspend((): Effect.Effect<unknown, SqlError | IntakeLedger.IntakeLedgerError> => {
      const rows: Array<{ key: string; entry: string }> = []
      for (const [key, entry] of latest) {
        const json = encode(entry)
        if (Either.isLeft(json)) {
          return Effect.fail(error("corrupt", `The intake ledger entry for ${key} cannot be encoded: it is not valid.`))
        }
        rows.push({ key, entry: json.right })
      }
      return write(upsert(rows))
    })

  const putAll: IntakeLedger.IntakeLedger["Type"]["putAll"] = (entries) =>
    Effect.suspend(() => {
      // One row per key (the later entry wins): PostgreSQL refuses an upsert that touches a row twice.
      const latest = new Map(entries)
      if (latest.size === 0) return Effect.void
      const rows = Array.from(latest, ([key, entry]) => [key, { key, entry }] as const)
      return upsertLaterOr(upsertWithBatch, rows, putNow(latest)).pipe(
        Effect.asVoid,
        Effect.catchTag("SqlError", unavailable)
      )
    })

  return IntakeLedger.IntakeLedger.of({
    get: (key) => Effect.map(getAll([key]), (found) => Option.fromNullable(found.get(key))),
    put: (key, entry) => putAll([[key, entry]]),
    getAll,
    putAll
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
