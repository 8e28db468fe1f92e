/**
 * Driver failures, read at the boundary: which ones mean another writer got there first, which ones bad text, and
 * the numbers that PostgreSQL returns as strings.
 *
 * @internal
 */
import { type SqlClient, TransactionConnection } from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import { Effect, Option, Schema } from "effect"
import { withServiceOption } from "./context.js"
import { TextRefused } from "./text.js"
import { makeTransaction } from "./transaction.js"

const codeOf = (error: unknown): string | undefined => {
  let current: unknown = error
  for (let depth = 0; depth < 5 && typeof current === "object" && current !== null; depth++) {
    const code = (current as { readonly code?: unknown }).code
    if (typeof code === "string") return code
    current = (current as { readonly cause?: unknown }).cause
  }
  return undefined
}

/**
 * A unique or primary key was violated (PostgreSQL 23505, SQLite's constraint codes): another writer stored
 * the same row first.
 *
 * @internal
 */
export const isUniqueViolation = (error: unknown): boolean => {
  const code = codeOf(error)
  return code === "23505" || code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY"
}

/**
 * The database gave up on this transaction because of another one: a deadlock, a serialisation failure, a
 * busy file. Trying again may succeed.
 *
 * @internal
 */
export const isContention = (error: unknown): boolean => {
  const code = codeOf(error)
  // SQLITE_BUSY_SNAPSHOT: another process committed since this transaction read, so it may not write.
  return code === "40P01" || code === "40001" || code?.startsWith("SQLITE_BUSY") === true || code === "SQLITE_LOCKED"
}

const refusedCode = new TextRefused().code

/**
 * The database cannot take the text given: PostgreSQL's 22021 (a NUL character, or bytes that are not text in the
 * encoding) and 22P05 (a character the database's encoding lacks), or a NUL character refused before the
 * statement ran (`text.ts`). Bad input: running it again cannot succeed.
 *
 * @internal
 */
export const isInvalidText = (error: unknown): boolean => {
  const code = codeOf(error)
  return code === "22021" || code === "22P05" || code === refusedCode
}

/**
 * The fields of a port's error for a failed statement: `refusedAs` (the port's reason for bad input) when the
 * database cannot take the text given, else "unavailable" with the message `unreachable`. The messages name no
 * value.
 *
 * @internal
 */
export const sqlFailure = <R extends string>(cause: SqlError, refusedAs: R, unreachable: string) =>
  isInvalidText(cause)
    ? {
        reason: refusedAs,
        message: "A value holds text the database cannot store (a NUL character, or one its encoding lacks).",
        cause
      }
    : { reason: "unavailable" as const, message: unreachable, cause }

/**
 * An integer column: PostgreSQL returns `bigint` and `count(*)` as strings.
 *
 * @internal
 */
export const Int = Schema.Union(Schema.Int, Schema.compose(Schema.NumberFromString, Schema.Int))

const inline = (sql: SqlClient) => {
  const transaction = makeTransaction(sql)
  return <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E | SqlError, R> =>
    withServiceOption(TransactionConnection, (inside) => (Option.isSome(inside) ? effect : transaction(effect)))
}

/**
 * Runs a write in a transaction of its own, or as part of the transaction it is already in (a
 * `Transaction.atomically` block). For writes whose failure nobody catches to go on (upserts, inserts of fresh
 * keys): inside a block such a failure fails the whole block, which is rolled back to its own savepoint, so a
 * savepoint per write would only add two statements (two round trips on PostgreSQL) for nothing. A transaction of
 * its own is `transaction.ts`'s: its failed COMMIT is a failure, and its statements refuse NUL. Writers are not
 * serialised here: the SQLite client already gives a transaction its one connection alone, and PostgreSQL relies
 * on its constraints and row locks (a lock here would deadlock against a group commit that holds the connection
 * while waiting for it).
 *
 * @internal
 */
export const makeWriter = (sql: SqlClient) => Effect.succeed(inline(sql))

/**
 * Like {@link makeWriter}, for writes whose failure a caller catches and answers (a version conflict, a delivery
 * stored twice): on PostgreSQL such a write gets a savepoint inside a block, because after a failed statement
 * PostgreSQL refuses every further one until the failure is rolled back. SQLite undoes a failed statement by
 * itself and goes on, and these writers check before they write, so there the write runs inline.
 *
 * @internal
 */
export const makeGuardedWriter = (sql: SqlClient) =>
  Effect.succeed(sql.onDialectOrElse({ sqlite: () => inline(sql), orElse: () => makeTransaction(sql) }))
