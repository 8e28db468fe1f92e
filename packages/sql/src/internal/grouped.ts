/**
 * A port's single writes joined to the storage's group commit, when it is in context (`SqlStorage.layer` gives it
 * to the messaging ports): writes that callers make at the same time (the deliveries that arrive together, the
 * settlements of a round) then share one commit instead of one each, and each caller still resumes only once its
 * write is committed, or fails alone.
 *
 * @internal
 */
import { Transaction } from "@tinbao/core"
import { Effect, Option } from "effect"

/**
 * The group commit in context, as a function that runs a write in it; without one, the write runs as it is. A
 * failed commit is the port's error, made by `unavailable`.
 *
 * @internal
 */
export const makeGrouped = <E>(unavailable: (cause: Transaction.TransactionError) => E) =>
  Effect.map(
    Effect.serviceOption(Transaction.Transaction),
    (transaction) =>
      <A, E1>(effect: Effect.Effect<A, E1>): Effect.Effect<A, E | E1> =>
        Option.isNone(transaction)
          ? effect
          : Effect.catchIf(
              transaction.value.atomically(effect),
              (error): error is Transaction.TransactionError => error instanceof Transaction.TransactionError,
              (cause) => Effect.fail(unavailable(cause))
            )
  )
