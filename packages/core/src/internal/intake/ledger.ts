import { Context, Effect, Layer, Option, Schema } from "effect"
import { ConversationKey } from "../channel/inboundMessage.js"
import { TipId } from "../lifecycle/tip.js"

/**
 * One remembered fact: the tip it points to, when (epoch milliseconds), and, for a tip's own record, the
 * reporter's fingerprint and the conversation to answer in.
 *
 * @since 0.1.0
 * @category models
 */
export const Entry = Schema.Struct({
  tip: TipId,
  at: Schema.Number,
  fingerprint: Schema.optional(Schema.String),
  conversation: Schema.optional(ConversationKey),
  replyTo: Schema.optional(Schema.String)
}).annotations({ identifier: "IntakeLedgerEntry" })

/**
 * @since 0.1.0
 * @category models
 */
export type Entry = typeof Entry.Type

/**
 * The error of the ledger.
 *
 * @since 0.1.0
 * @category errors
 */
export class IntakeLedgerError extends Schema.TaggedError<IntakeLedgerError>("@tinbao/core/IntakeLedgerError")(
  "IntakeLedgerError",
  { reason: Schema.Literal("unavailable", "corrupt"), message: Schema.String, cause: Schema.optional(Schema.Defect) }
) {}

/**
 * The ledger.
 *
 * @since 0.1.0
 * @category tags
 */
export class IntakeLedger extends Context.Tag("@tinbao/core/IntakeLedger")<
  IntakeLedger,
  {
    readonly get: (key: string) => Effect.Effect<Option.Option<Entry>, IntakeLedgerError>
    readonly put: (key: string, entry: Entry) => Effect.Effect<void, IntakeLedgerError>
    /**
     * The entries of several keys at once (one query on a database; intake asks for every message): those
     * found, by key.
     */
    readonly getAll: (keys: ReadonlyArray<string>) => Effect.Effect<ReadonlyMap<string, Entry>, IntakeLedgerError>
    /** Puts several entries at once, all or none; of two entries under one key, the later wins. */
    readonly putAll: (
      entries: ReadonlyArray<readonly [key: string, entry: Entry]>
    ) => Effect.Effect<void, IntakeLedgerError>
  }
>() {}

/**
 * The ledger in memory.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerMemory: Layer.Layer<IntakeLedger> = Layer.sync(IntakeLedger, () => {
  const entries = new Map<string, Entry>()
  return IntakeLedger.of({
    get: (key) => Effect.sync(() => Option.fromNullable(entries.get(key))),
    put: (key, entry) =>
      Effect.sync(() => {
        entries.set(key, entry)
      }),
    getAll: (keys) =>
      Effect.sync(() => {
        const found = new Map<string, Entry>()
        for (const key of keys) {
          const entry = entries.get(key)
          if (entry !== undefined) found.set(key, entry)
        }
        return found
      }),
    putAll: (batch) =>
      Effect.sync(() => {
        for (const [key, entry] of batch) entries.set(key, entry)
      })
  })
})
