/**
 * Channel bindings over `@effect/sql`, in the table `bindings`, keyed by channel and conversation; a binding of
 * a whole channel is kept with the empty string as its conversation (a bound conversation is never empty).
 *
 * @since 0.1.0
 */
import { SqlClient } from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import { Binding } from "@tinbao/core"
import { Effect, Layer, Option, Schema } from "effect"
import { prepare } from "./internal/prepared.js"
import { rowDecoder } from "./internal/rowDecoding.js"
import { makeWriter } from "./internal/sqlErrors.js"

const WHOLE_CHANNEL = ""

// A row becomes a Binding in the decoding itself, so that a bad unit id is reported as the column `unit`.
const Columns = Schema.transform(
  Schema.Struct({ channel: Schema.String, conversation: Schema.String, unit: Schema.String }),
  Binding.Binding,
  {
    strict: true,
    decode: (row) =>
      row.conversation === WHOLE_CHANNEL
        ? { channel: row.channel, unit: row.unit }
        : { channel: row.channel, conversation: row.conversation, unit: row.unit },
    encode: (binding) => ({ ...binding, conversation: binding.conversation ?? WHOLE_CHANNEL })
  }
)

const decodeRows = rowDecoder(
  Columns,
  "bindings",
  (message) => new Binding.BindingError({ reason: "corrupt", message })
)

const unavailable = (cause: SqlError) =>
  new Binding.BindingError({ reason: "unavailable", message: "The bindings' database cannot be reached.", cause })

/**
 * The bindings store over the `SqlClient` in context; run the migrations first.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: Effect.Effect<Binding.Bindings["Type"], never, SqlClient> = Effect.gen(function* () {
  const sql = yield* SqlClient
  const write = yield* makeWriter(sql)
  const bindingsOf = prepare(
    sql,
    "SELECT channel, conversation, unit FROM bindings WHERE channel = ? AND conversation IN (?, ?) ORDER BY conversation DESC"
  )
  const select = (query: Effect.Effect<ReadonlyArray<unknown>, SqlError>) =>
    query.pipe(Effect.catchTag("SqlError", unavailable), Effect.flatMap(decodeRows))
  return Binding.Bindings.of({
    bind: (b) =>
      write(
        sql`INSERT INTO bindings ${sql.insert({
          channel: b.channel,
          conversation: b.conversation ?? WHOLE_CHANNEL,
          unit: b.unit
        })} ON CONFLICT (channel, conversation) DO UPDATE SET unit = excluded.unit`
      ).pipe(Effect.asVoid, Effect.catchTag("SqlError", unavailable)),
    unbind: (channel, conversation) =>
      write(
        sql`DELETE FROM bindings WHERE channel = ${channel} AND conversation = ${conversation ?? WHOLE_CHANNEL}`
      ).pipe(Effect.asVoid, Effect.catchTag("SqlError", unavailable)),
    // The conversation's own binding sorts before the channel's: a non-empty string after the empty one, reversed.
    resolve: (channel, conversation) =>
      select(bindingsOf([channel, conversation, WHOLE_CHANNEL])).pipe(
        Effect.map((rows) => Option.fromNullable(rows[0]))
      ),
    list: select(sql`SELECT channel, conversation, unit FROM bindings ORDER BY channel, conversation`)
  })
})

/**
 * The bindings store as a layer; run the migrations first (`SqlStorage.layer` does).
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<Binding.Bindings, never, SqlClient> = Layer.effect(Binding.Bindings, make)
