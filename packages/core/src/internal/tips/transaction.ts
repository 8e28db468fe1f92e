import { Context, Effect, Layer, Schema } from "effect"

/**
 * The transaction could not be committed. `unavailable`: the database could not be reached or refused the
 * commit (nothing was stored); `contention`: other writers kept winning and the retries ran out (nothing was
 * stored; trying later is safe).
 *
 * @since 0.1.0
 * @category errors
 */
export class TransactionError extends Schema.TaggedError<TransactionError>("@tinbao/core/TransactionError")(
  "TransactionError",
  {
    reason: Schema.Literal("unavailable", "contention"),
    message: Schema.String,
    cause: Schema.optional(Schema.Defect)
  }
) {}

/**
 * How a block is committed. `key`: blocks with the same key are committed in the order they arrive, one batch at
 * a time, while blocks with other keys may be committed at once. Give the unit whose register the block numbers a
 * tip in: two batches then never wait for each other's register counters (on a shared database they would
 * otherwise deadlock). Without a key, a block goes wherever there is room.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  readonly key?: string | undefined
}

/**
 * The port.
 *
 * @since 0.1.0
 * @category tags
 */
export class Transaction extends Context.Tag("@tinbao/core/Transaction")<
  Transaction,
  {
    /**
     * Runs `effect` so that every storage write in it commits together, or none does. The result is returned
     * only once it is stored. A call inside another joins it.
     */
    readonly atomically: <A, E, R>(
      effect: Effect.Effect<A, E, R>,
      options?: Options
    ) => Effect.Effect<A, E | TransactionError, R>
  }
>() {}

/**
 * Runs `effect` atomically with the {@link Transaction} in context.
 *
 * @since 0.1.0
 * @category combinators
 */
export const atomically = <A, E, R>(
  effect: Effect.Effect<A, E, R>,
  options?: Options
): Effect.Effect<A, E | TransactionError, R | Transaction> =>
  Effect.flatMap(Transaction, (transaction) => transaction.atomically(effect, options))

/**
 * For the memory stores: runs the effect as it is. Memory keeps nothing across a crash, so there is nothing to
 * make durable; and the core validates inputs before the first write, so its writes to memory do not fail
 * halfway.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerMemory: Layer.Layer<Transaction> = Layer.succeed(
  Transaction,
  Transaction.of({ atomically: (effect) => effect })
)
