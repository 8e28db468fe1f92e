/**
 * Rows written with the batch rather than with their block. When group commit runs a batch without savepoints
 * (`SqlTransaction`), a block may leave rows that nothing reads back before COMMIT — a new sealed identity, a new
 * tip's listing and statistics rows, its register entry, its acknowledgement — for the batch to write as one
 * multi-row statement per table, just before COMMIT. On PostgreSQL that saves a round trip per row; on SQLite, a
 * statement.
 *
 * A row is left only at the block's own level: inside a nested savepoint (which may be rolled back while the
 * block goes on) it is written at once. A block that fails undoes its whole batch, rows left with it included.
 * A table's left rows must be inserts that another write of the same key, made meanwhile, may supersede: their
 * statement keeps the row already there (`ON CONFLICT DO NOTHING`); or inserts that fail when the key is taken
 * (fresh keys, where that is rare): the flush fails, and the batch runs again carefully, where each block writes
 * its rows at once and sees the conflict itself.
 *
 * @internal
 */

import { type SqlClient, TransactionConnection } from "@effect/sql/SqlClient"
import { Context, Effect, Option } from "effect"
import { type Insert, insertAll, type Param } from "./prepared.js"

type Row = Readonly<Record<string, Param>>

/**
 * What a batch run without savepoints gives its blocks: the depth of the block's own level, and where rows go.
 *
 * @internal
 */
export interface Gathering {
  readonly depth: number
  readonly leave: (into: Insert, row: Row) => void
}

/**
 * The batch's gathering, in a block's context.
 *
 * @internal
 */
export class Batch extends Context.Tag("@tinbao/sql/internal/Batch")<Batch, Gathering>() {}

/**
 * A batch's gathered rows, in the order they were left, and the statements that write them.
 *
 * @internal
 */
export const gather = (sql: SqlClient) => {
  const tables = new Map<Insert, Array<Row>>()
  return {
    at: (depth: number): Gathering => ({
      depth,
      leave: (into, row) => {
        const rows = tables.get(into)
        if (rows === undefined) tables.set(into, [row])
        else rows.push(row)
      }
    }),
    flush: Effect.suspend(() => insertAll(sql, tables).pipe(Effect.ensuring(Effect.sync(() => tables.clear()))))
  }
}

/**
 * Leaves `rows` to the batch, which writes them with `into`, when the caller is at its block's own level of a batch
 * that gathers (`None`); otherwise runs `now`, which writes them (`Some` of what it returned).
 *
 * @internal
 */
export const leaveOr = <A, E>(
  into: Insert,
  rows: ReadonlyArray<Row>,
  now: Effect.Effect<A, E>
): Effect.Effect<Option.Option<A>, E> =>
  Effect.withFiberRuntime((fiber) => {
    const batch = Context.getOption(fiber.currentContext, Batch)
    const connection = Context.getOption(fiber.currentContext, TransactionConnection)
    if (Option.isNone(batch) || Option.isNone(connection) || connection.value[1] !== batch.value.depth) {
      return Effect.map(now, Option.some)
    }
    for (const row of rows) batch.value.leave(into, row)
    return Effect.succeedNone
  })
