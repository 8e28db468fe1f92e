/**
 * The transactions the SQL adapters open, instead of `sql.withTransaction`: a COMMIT that fails is rolled back and
 * fails with its `SqlError`, which the callers (a group commit, a writer, the register) can run again when the
 * database gave up because of another transaction. `sql.withTransaction` turns it into a defect instead, and on
 * SQLite leaves the transaction open on the one connection, so that every later BEGIN fails. Their statements also
 * refuse values holding a NUL character (`text.ts`).
 *
 * @internal
 */
import { makeWithTransaction, type SqlClient, TransactionConnection } from "@effect/sql/SqlClient"
import type { Connection } from "@effect/sql/SqlConnection"
import type { SqlError } from "@effect/sql/SqlError"
import { Effect, Scope } from "effect"
import { AheadConnection, CheckedConnection, commitOrRollBack, sessionOf } from "./ahead.js"

type Transaction = <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E | SqlError, R>

const run = (sql: SqlClient, ahead: boolean): Transaction => {
  const reserve = Effect.flatMap(Scope.make(), (scope) =>
    Effect.map(
      Scope.extend(sql.reserve, scope),
      (inner) => [scope, ahead ? new AheadConnection(inner, sessionOf(inner)) : new CheckedConnection(inner)] as const
    )
  )
  return (effect) =>
    Effect.suspend(() => {
      // Where a failed COMMIT is kept: `makeWithTransaction` would make a defect of its failure.
      let lost: SqlError | undefined
      const transaction = makeWithTransaction<TransactionConnection, Connection>({
        transactionTag: TransactionConnection,
        spanAttributes: [],
        acquireConnection: reserve,
        begin: (connection) =>
          connection instanceof AheadConnection
            ? Effect.sync(() => connection.begin())
            : connection.executeUnprepared("BEGIN", [], undefined),
        savepoint: (connection, id) => connection.executeUnprepared(`SAVEPOINT effect_sql_${id}`, [], undefined),
        commit: (connection) =>
          Effect.catchAll(
            connection instanceof AheadConnection ? connection.commit : commitOrRollBack(connection),
            (error) =>
              Effect.sync(() => {
                lost = error
              })
          ),
        rollback: (connection) =>
          connection instanceof AheadConnection
            ? connection.rollback
            : connection.executeUnprepared("ROLLBACK", [], undefined),
        rollbackSavepoint: (connection, id) =>
          connection.executeUnprepared(`ROLLBACK TO SAVEPOINT effect_sql_${id}`, [], undefined)
      })
      return Effect.flatMap(transaction(effect), (a) => (lost === undefined ? Effect.succeed(a) : Effect.fail(lost)))
    })
}

/**
 * A transaction of its own for `effect`, or a savepoint in the transaction the fiber is in already, as
 * `sql.withTransaction` makes; a failed COMMIT is a failure (see above).
 *
 * @internal
 */
export const makeTransaction = (sql: SqlClient): Transaction => run(sql, false)

/**
 * The transaction a group commit's batch runs in: on PostgreSQL, unless `careful`, its blocks get an
 * {@link AheadConnection}, whose BEGIN waits for the batch's first statement and goes with it (a round trip a batch
 * fewer), and whose writes nothing waits for go with the next statement. (The batch's rows could go with COMMIT the
 * same way, but written in as literals a few hundred values cost both sides more than the round trip: measured.)
 *
 * @internal
 */
export const makeBatchTransaction = (sql: SqlClient): ((careful: boolean) => Transaction) => {
  const plain = run(sql, false)
  const ahead = sql.onDialectOrElse({ pg: () => run(sql, true), orElse: () => plain })
  return (careful) => (careful ? plain : ahead)
}
