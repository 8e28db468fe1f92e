/**
 * Channel bindings over `@effect/sql`, in the table `bindings`, keyed by channel and conversation; a binding of
 * a whole channel is kept with the empty string as its conversation (a bound conversation is never empty).
 *
 * @since 0.1.0
 * @module
 */
import { SqlClient } from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import { Binding } from "@tinbao/core"
import { Duration, Effect, Layer, Option, Schema } from "effect"
import { prepare } from "./internal/prepared.js"
import { rowDecoder } from "./internal/rowDecoding.js"
import { makeWriter, sqlFailure } from "./internal/sqlErrors.js"

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

// The port's error has no reason for bad input: text the database cannot store is "corrupt".
const unavailable = (cause: SqlError) =>
  new Binding.BindingError(sqlFailure(cause, "corrupt", "The bindings' database cannot be reached."))

/**
 * Options of {@link makeWith}. `recheck`: how long a channel's bindings, once read, are used without reading them
 * again (default 1 second). Intake resolves a binding for every message; within `recheck` it is resolved in
 * memory. A change made through the same store is used at once; one made by another instance on the same
 * database, within `recheck`. `0` reads the database for every message.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  readonly recheck?: Duration.DurationInput
}

// Channels whose bindings are kept at once, at most: more (deliveries naming ever new channels) start the memory
// afresh rather than let it grow.
const KEPT_CHANNELS = 10_000

interface Kept {
  /** When it was read, on the process's monotonic clock (the Effect clock may stand still in tests). */
  readonly at: number
  readonly byConversation: ReadonlyMap<string, Binding.Binding>
}

/**
 * The bindings store over the `SqlClient` in context, with its options; run the migrations first.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeWith = (options: Options = {}): Effect.Effect<Binding.Bindings["Type"], never, SqlClient> =>
  Effect.gen(function* () {
    const sql = yield* SqlClient
    const write = yield* makeWriter(sql)
    const recheck = Duration.toMillis(options.recheck ?? "1 second")
    const channelRows = prepare(sql, "SELECT channel, conversation, unit FROM bindings WHERE channel = ?")
    const select = (query: Effect.Effect<ReadonlyArray<unknown>, SqlError>) =>
      query.pipe(Effect.catchTag("SqlError", unavailable), Effect.flatMap(decodeRows))
    const kept = new Map<string, Kept>()
    const read = (channel: string) =>
      Effect.map(select(channelRows([channel])), (rows) => {
        if (kept.size >= KEPT_CHANNELS) kept.clear()
        const entry: Kept = {
          at: performance.now(),
          byConversation: new Map(rows.map((b) => [b.conversation ?? WHOLE_CHANNEL, b]))
        }
        kept.set(channel, entry)
        return entry
      })
    // Forgotten after the write: a resolve that read the channel meanwhile may keep the old rows, for `recheck`.
    const changed = (channel: string) => (effect: Effect.Effect<unknown, SqlError>) =>
      effect.pipe(
        Effect.ensuring(Effect.sync(() => kept.delete(channel))),
        Effect.asVoid,
        Effect.catchTag("SqlError", unavailable)
      )
    return Binding.Bindings.of({
      bind: (b) =>
        write(
          sql`INSERT INTO bindings ${sql.insert({
            channel: b.channel,
            conversation: b.conversation ?? WHOLE_CHANNEL,
            unit: b.unit
          })} ON CONFLICT (channel, conversation) DO UPDATE SET unit = excluded.unit`
        ).pipe(changed(b.channel)),
      unbind: (channel, conversation) =>
        write(
          sql`DELETE FROM bindings WHERE channel = ${channel} AND conversation = ${conversation ?? WHOLE_CHANNEL}`
        ).pipe(changed(channel)),
      // The conversation's own binding, else the channel's.
      resolve: (channel, conversation) =>
        Effect.suspend(() => {
          const known = kept.get(channel)
          const current = known !== undefined && performance.now() - known.at < recheck
          return Effect.map(current ? Effect.succeed(known) : read(channel), ({ byConversation }) =>
            Option.fromNullable(
              (conversation === WHOLE_CHANNEL ? undefined : byConversation.get(conversation)) ??
                byConversation.get(WHOLE_CHANNEL)
            )
          )
        }),
      list: select(sql`SELECT channel, conversation, unit FROM bindings ORDER BY channel, conversation`)
    })
  })

/**
 * The bindings store over the `SqlClient` in context, with the default options; run the migrations first.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: Effect.Effect<Binding.Bindings["Type"], never, SqlClient> = makeWith()

/**
 * The bindings store as a layer; run the migrations first (`SqlStorage.layer` does).
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<Binding.Bindings, never, SqlClient> = Layer.effect(Binding.Bindings, make)
