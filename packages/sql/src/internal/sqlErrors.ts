/**
 * Driver failures, read at the boundary: which ones mean another writer got there first, and the numbers
 * that PostgreSQL returns as strings.
 *
 * @internal
 */
import type { SqlClient } from "@effect/sql/SqlClient"
import { Effect, Schema } from "effect"

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
  return code === "40P01" || code === "40001" || code === "SQLITE_BUSY" || code === "SQLITE_LOCKED"
}

/**
 * An integer column: PostgreSQL returns `bigint` and `count(*)` as strings.
 *
 * @internal
 */
export const Int = Schema.Union(Schema.Int, Schema.compose(Schema.NumberFromString, Schema.Int))

/**
 * Runs a write in a transaction. On SQLite writes are also serialised in this process, so that a writer never
 * meets a busy file of its own making; PostgreSQL relies on its constraints and row locks instead.
 *
 * @internal
 */
export const makeWriter = (sql: SqlClient) =>
  Effect.map(Effect.makeSemaphore(1), (lock) => {
    const serialise = sql.onDialectOrElse({ sqlite: () => true, orElse: () => false })
    return <A, E, R>(effect: Effect.Effect<A, E, R>) =>
      serialise ? lock.withPermits(1)(sql.withTransaction(effect)) : sql.withTransaction(effect)
  })
