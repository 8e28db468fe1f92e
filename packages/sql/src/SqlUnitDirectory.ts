/**
 * The unit directory over `@effect/sql`: the change log in `unit_changes`, numbered by `seq` (a primary key, so
 * a second writer at the same length is refused by the database).
 *
 * @since 0.1.0
 * @module
 */
import { SqlClient } from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import { UnitChange, UnitDirectory } from "@tinbao/core"
import { Effect, Layer, type ParseResult, Schema } from "effect"
import { prepare } from "./internal/prepared.js"
import { Int, isContention, isUniqueViolation, makeGuardedWriter } from "./internal/sqlErrors.js"

const Changes = Schema.Array(Schema.Struct({ change: Schema.parseJson(UnitChange.UnitChange) }))
const Count = Schema.Array(Schema.Struct({ n: Int }))
const encode = Schema.encode(Schema.parseJson(UnitChange.UnitChange))

const error = (reason: UnitDirectory.UnitDirectoryError["reason"], message: string) => (cause: unknown) =>
  new UnitDirectory.UnitDirectoryError({ reason, message, cause })

/**
 * The directory's storage over the `SqlClient` in context; run the migrations first.
 *
 * @since 0.1.0
 * @category constructors
 */
export const backend: Effect.Effect<UnitDirectory.Backend, never, SqlClient> = Effect.gen(function* () {
  const sql = yield* SqlClient
  const write = yield* makeGuardedWriter(sql)

  const load = Effect.map(
    Effect.flatMap(sql`SELECT change FROM unit_changes ORDER BY seq`, Schema.decodeUnknown(Changes)),
    (rows) => rows.map((row) => row.change)
  ).pipe(
    Effect.catchTags({
      SqlError: error("unavailable", "The unit directory's database cannot be reached."),
      ParseError: error("corrupt", "A stored unit change is not a valid change.")
    })
  )

  const count = prepare(sql, "SELECT count(*) AS n FROM unit_changes")
  const length = Effect.map(Effect.flatMap(count([]), Schema.decodeUnknown(Count)), (rows) => rows[0]?.n ?? 0).pipe(
    Effect.catchTags({
      SqlError: error("unavailable", "The unit directory's database cannot be reached."),
      ParseError: error("corrupt", "The count of stored unit changes is not a number.")
    })
  )

  const append: UnitDirectory.Backend["append"] = (expectedLength, changes) => {
    const body: Effect.Effect<void, UnitDirectory.UnitDirectoryError | SqlError | ParseResult.ParseError> = Effect.gen(
      function* () {
        const rows = yield* Effect.flatMap(
          sql<{ readonly n: unknown }>`SELECT count(*) AS n FROM unit_changes`,
          Schema.decodeUnknown(Count)
        )
        const have = rows[0]?.n ?? 0
        if (have !== expectedLength) {
          return yield* new UnitDirectory.UnitDirectoryError({
            reason: "conflict",
            message: `Expected ${expectedLength} recorded unit changes but found ${have}; try again.`
          })
        }
        const encoded: ReadonlyArray<string> = yield* Effect.forEach(changes, (change) => encode(change))
        yield* sql`INSERT INTO unit_changes ${sql.insert(encoded.map((change, i) => ({ seq: expectedLength + i + 1, change })))}`
      }
    )
    return write(body).pipe(
      Effect.catchIf(
        (e) => e._tag === "SqlError" && (isUniqueViolation(e) || isContention(e)),
        (cause) =>
          new UnitDirectory.UnitDirectoryError({
            reason: "conflict",
            message: "Another writer recorded unit changes first; try again.",
            cause
          })
      ),
      Effect.catchTags({
        SqlError: (cause: SqlError) =>
          new UnitDirectory.UnitDirectoryError({
            reason: "unavailable",
            message: "The unit directory's database cannot be reached.",
            cause
          }),
        ParseError: (cause: ParseResult.ParseError) =>
          new UnitDirectory.UnitDirectoryError({
            reason: "corrupt",
            message: "A unit change could not be encoded for storage.",
            cause
          })
      })
    )
  }

  return { load, length, append }
})

/**
 * The unit directory over the `SqlClient` in context.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: Effect.Effect<UnitDirectory.UnitDirectory["Type"], never, SqlClient> = Effect.flatMap(
  backend,
  UnitDirectory.make
)

/**
 * The unit directory as a layer; run the migrations first (`SqlStorage.layer` does).
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<UnitDirectory.UnitDirectory, never, SqlClient> = Layer.effect(
  UnitDirectory.UnitDirectory,
  make
)
