/**
 * Rows a block leaves for its batch to write, one multi-row statement per table just before COMMIT, when group
 * commit runs the batch without savepoints. Which rows may be left, and why: docs/storage.md, "Transactions and
 * group commit".
 *
 * @internal
 */

import { type SqlClient, TransactionConnection } from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import { Context, Effect, Option } from "effect"
import { runCarefully } from "./careful.js"
import { type Insert, insertAll, prepareInsert, type Row } from "./prepared.js"

/**
 * What a batch run without savepoints gives its blocks: the depth of the block's own level, and where rows go.
 * A row left under a key replaces the row left earlier under the same key (an upsert's conflict target: the
 * later write wins, and PostgreSQL refuses an upsert that touches one row twice); `pending` is the row a key
 * holds, so that a later block of the batch reads what an earlier one left.
 *
 * @internal
 */
export interface Gathering {
  readonly depth: number
  readonly leave: <In>(into: Insert<In>, row: In, key?: string) => void
  readonly pending: <In>(into: Insert<In>, key: string) => In | undefined
  /**
   * Work to do as the batch writes its rows, before them (it may leave more): per-row work done then, for every
   * block of the batch one after another, runs with the processor's caches warm. A failure sends the batch to run
   * again carefully, where each block does its own work.
   */
  readonly atFlush: (work: Effect.Effect<void, unknown>) => void
  /**
   * Fails the write that runs it (`careful.ts`) and marks the batch to run again carefully, where nothing is left.
   * For a write below its block's own level, in a savepoint, to a key that has a row left to the batch: written at
   * once it would be overwritten by the older row at the flush, and left it would outlive a rollback of its
   * savepoint. Rare: intake's writes are all at the block's own level.
   */
  readonly runCarefully: Effect.Effect<never, SqlError>
}

/**
 * The batch's gathering, in a block's context.
 *
 * @internal
 */
export class Batch extends Context.Tag("@tinbao/sql/internal/Batch")<Batch, Gathering>() {}

/**
 * A batch's gathered rows, in the order they were first left, and the statements that write them; `asked`, whether
 * one of its blocks ran {@link Gathering.runCarefully}.
 *
 * @internal
 */
export const gather = (sql: SqlClient) => {
  // Each table's rows are of its insert's own input type.
  const tables = new Map<Insert<never>, Map<unknown, unknown>>()
  const work: Array<Effect.Effect<void, unknown>> = []
  let unkeyed = 0
  let asked = false
  const careful = Effect.suspend(() => {
    asked = true
    return Effect.fail(runCarefully())
  })
  return {
    asked: () => asked,
    at: (depth: number): Gathering => ({
      depth,
      leave: (into, row, key) => {
        let rows = tables.get(into)
        if (rows === undefined) {
          rows = new Map()
          tables.set(into, rows)
        }
        rows.set(key ?? unkeyed++, row)
      },
      pending: <In>(into: Insert<In>, key: string) => tables.get(into)?.get(key) as In | undefined,
      atFlush: (effect) => {
        work.push(effect)
      },
      runCarefully: careful
    }),
    flush: Effect.suspend(() =>
      Effect.forEach(work.splice(0), (effect) => effect, { discard: true }).pipe(
        Effect.zipRight(
          Effect.suspend(() =>
            insertAll(
              sql,
              Array.from(tables, ([into, rows]) => [into, Array.from(rows.values())] as const)
            )
          )
        ),
        Effect.ensuring(Effect.sync(() => tables.clear()))
      )
    )
  }
}

/**
 * `f` of the batch the caller is in, if it gathers (else `undefined`), and whether the caller is at its block's
 * own level, where rows may be left.
 *
 * @internal
 */
export const withGathering = <A, E, R>(
  f: (batch: Gathering | undefined, own: boolean) => Effect.Effect<A, E, R>
): Effect.Effect<A, E, R> =>
  Effect.withFiberRuntime((fiber) => {
    const batch = Context.getOption(fiber.currentContext, Batch)
    if (Option.isNone(batch)) return f(undefined, false)
    const connection = Context.getOption(fiber.currentContext, TransactionConnection)
    return f(batch.value, Option.isSome(connection) && connection.value[1] === batch.value.depth)
  })

/**
 * Leaves `rows` to the batch, which writes them with `into`, when the caller is at its block's own level of a batch
 * that gathers (`None`); otherwise runs `now`, which writes them (`Some` of what it returned).
 *
 * @internal
 */
export const leaveOr = <In, A, E>(
  into: Insert<In>,
  rows: ReadonlyArray<In>,
  now: Effect.Effect<A, E>
): Effect.Effect<Option.Option<A>, E> =>
  withGathering((batch, own) => {
    if (batch === undefined || !own) return Effect.map(now, Option.some)
    for (const row of rows) batch.leave(into, row)
    return Effect.succeedNone
  })

/**
 * Like {@link leaveOr}, for upserts: each row under its key (the conflict target), replacing a row left earlier
 * under the same key. Below the block's own level a key with a row left makes the batch run again carefully
 * ({@link Gathering.runCarefully}).
 *
 * @internal
 */
export const upsertLaterOr = <In, A, E>(
  into: Insert<In>,
  rows: ReadonlyArray<readonly [key: string, row: In]>,
  now: Effect.Effect<A, E>
): Effect.Effect<Option.Option<A>, E | SqlError> =>
  withGathering((batch, own): Effect.Effect<Option.Option<A>, E | SqlError> => {
    if (batch === undefined) return Effect.map(now, Option.some)
    if (!own) {
      return rows.some(([key]) => batch.pending(into, key) !== undefined)
        ? batch.runCarefully
        : Effect.map(now, Option.some)
    }
    for (const [key, row] of rows) batch.leave(into, row, key)
    return Effect.succeedNone
  })

/**
 * An insert of one row under a key that is fresh but for rare repeats (an outbox entry, an evidence record), into
 * `table` whose unique `key` column the rows are keyed by. In a group commit the row goes in with the batch: a key
 * taken before then fails the batch's write, and the batch runs again carefully, where the row goes in at once.
 * Elsewhere it goes in at once, and a taken key writes nothing. Answers whether the row given is the one stored:
 * `false` only for a key taken before, whose stored row the caller reads back.
 *
 * @internal
 */
export const prepareInsertOnce = (
  sql: SqlClient,
  table: string,
  columns: ReadonlyArray<string>,
  key: string
): ((row: Row) => Effect.Effect<boolean, SqlError>) => {
  const now = prepareInsert(sql, table, columns, `ON CONFLICT (${key}) DO NOTHING RETURNING ${key}`)
  const withBatch = prepareInsert(sql, table, columns)
  return (row) =>
    Effect.map(leaveOr(withBatch, [row], now([row])), (written) => Option.isNone(written) || written.value.length > 0)
}
