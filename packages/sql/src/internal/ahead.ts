/**
 * On PostgreSQL, a write whose result nobody waits for goes with the block's next statement, in one round trip
 * (the simple-query protocol, values written in as literals by {@link inline}). Why it is safe and what it saves:
 * docs/storage.md, "Transactions and group commit".
 *
 * @internal
 */
import { makeWithTransaction, type SqlClient, TransactionConnection } from "@effect/sql/SqlClient"
import type { Connection } from "@effect/sql/SqlConnection"
import type { SqlError } from "@effect/sql/SqlError"
import { Effect, Scope, Stream } from "effect"
import { runCarefully } from "./careful.js"

/**
 * A value a statement takes: what both drivers accept as is.
 *
 * @internal
 */
export type Param = string | number | null

/**
 * A statement: its text for the simple-query protocol (`?` for each parameter, and no other question mark), the
 * same for the extended one (`$1`, `$2`, …), and its parameters.
 *
 * @internal
 */
export interface Statement {
  readonly text: string
  readonly compiled: string
  readonly params: ReadonlyArray<Param>
}

// Quoted even for numbers: an untyped literal, which PostgreSQL casts to the column's type as it does a parameter.
// E'' strings read backslashes the same way whatever `standard_conforming_strings` says.
const literal = (value: Param): string | undefined => {
  if (value === null) return "NULL"
  if (typeof value === "number") return Number.isFinite(value) ? `'${value}'` : undefined
  if (value.includes("\u0000")) return undefined
  return `E'${value.replaceAll("\\", "\\\\").replaceAll("'", "''")}'`
}

/**
 * A statement's text with its values written in as literals; `undefined` when one cannot be, or when the values do
 * not match the text's parameters.
 *
 * @internal
 */
export const inline = (text: string, params: ReadonlyArray<Param>): string | undefined => {
  const parts = text.split("?")
  if (parts.length !== params.length + 1) return undefined
  let out = parts[0]!
  for (let i = 0; i < params.length; i++) {
    const value = literal(params[i]!)
    if (value === undefined) return undefined
    out += value + parts[i + 1]!
  }
  return out
}

const statement = (text: string): Statement => ({ text, compiled: text, params: [] })
const begin = statement("BEGIN")

/**
 * The connection a batch's blocks get on PostgreSQL: writes may be left on it to wait for the next statement.
 *
 * @internal
 */
export class AheadConnection implements Connection {
  private waiting: Array<Statement> = []
  /** Whether writes sent together failed, so that the batch must run again carefully. */
  asked = false

  constructor(readonly inner: Connection) {}

  // Made once, not at every message.
  private readonly carefully = (): Effect.Effect<never, SqlError> => {
    this.asked = true
    return Effect.fail(runCarefully())
  }

  /** Leaves a write to go with the next statement. */
  leave(statement: Statement): void {
    this.waiting.push(statement)
  }

  /** The statement, after what waits (in one message when they can be): its own rows. */
  withNext(next: Statement): Effect.Effect<ReadonlyArray<unknown>, SqlError> {
    return Effect.suspend(() =>
      this.waiting.length === 0
        ? this.inner.execute(next.compiled, next.params, undefined)
        : Effect.catchAll(this.send([...this.waiting.splice(0), next]), this.carefully)
    )
  }

  // Statements one after another, in one message when they can be: the last one's rows.
  private send(statements: ReadonlyArray<Statement>): Effect.Effect<ReadonlyArray<unknown>, SqlError> {
    const texts = statements.map((s) => inline(s.text, s.params))
    if (statements.length === 1 || texts.some((t) => t === undefined)) {
      return Effect.map(
        Effect.forEach(statements, (s) => this.inner.execute(s.compiled, s.params, undefined)),
        (results) => results.at(-1)!
      )
    }
    // Several statements in one simple query answer with a list of rows each.
    return Effect.map(
      this.inner.executeUnprepared(texts.join(";\n"), [], undefined),
      (results) => results.at(-1) as ReadonlyArray<unknown>
    )
  }

  /**
   * Ends the transaction: what waits is dropped, and ROLLBACK sent unless BEGIN itself never was (then the
   * database has nothing to undo).
   */
  readonly rollback: Effect.Effect<void, SqlError> = Effect.suspend(() => {
    const begun = this.waiting[0] !== begin
    this.waiting.length = 0
    return begun ? this.inner.executeUnprepared("ROLLBACK", [], undefined) : Effect.void
  })

  /**
   * COMMIT, after anything still waiting (nothing does: the committer drains the connection before it returns).
   * Should what waits fail, the transaction is rolled back here, so the connection goes back to the pool clean.
   */
  readonly commit: Effect.Effect<void, SqlError> = Effect.suspend(() =>
    Effect.zipRight(
      Effect.catchAll(this.drain, (error) =>
        Effect.zipRight(Effect.ignore(this.inner.executeUnprepared("ROLLBACK", [], undefined)), Effect.fail(error))
      ),
      Effect.asVoid(this.inner.executeUnprepared("COMMIT", [], undefined))
    )
  )

  /** Sends what waits, if anything does. */
  readonly drain: Effect.Effect<void, SqlError> = Effect.suspend(() =>
    this.waiting.length === 0
      ? Effect.void
      : Effect.asVoid(Effect.catchAll(this.send(this.waiting.splice(0)), this.carefully))
  )

  readonly execute: Connection["execute"] = (sql, params, transformRows) =>
    Effect.zipRight(this.drain, this.inner.execute(sql, params, transformRows))
  readonly executeRaw: Connection["executeRaw"] = (sql, params) =>
    Effect.zipRight(this.drain, this.inner.executeRaw(sql, params))
  readonly executeStream: Connection["executeStream"] = (sql, params, transformRows) =>
    Stream.unwrap(Effect.as(this.drain, this.inner.executeStream(sql, params, transformRows)))
  readonly executeValues: Connection["executeValues"] = (sql, params) =>
    Effect.zipRight(this.drain, this.inner.executeValues(sql, params))
  readonly executeUnprepared: Connection["executeUnprepared"] = (sql, params, transformRows) =>
    Effect.zipRight(this.drain, this.inner.executeUnprepared(sql, params, transformRows))
}

const aheadOf = (connection: Connection): AheadConnection => {
  if (connection instanceof AheadConnection) return connection
  throw new Error("a batch's transaction runs on an AheadConnection")
}

/**
 * `sql.withTransaction` for a batch on PostgreSQL whose BEGIN waits for the batch's first statement and goes with
 * it: a round trip a batch fewer. The blocks get the `AheadConnection`. (The batch's rows could go with COMMIT the
 * same way, but written in as literals a few hundred values cost both sides more than the round trip: measured.)
 *
 * @internal
 */
export const withAheadTransaction = (sql: SqlClient) =>
  makeWithTransaction<TransactionConnection, Connection>({
    transactionTag: TransactionConnection,
    spanAttributes: [],
    acquireConnection: Effect.flatMap(Scope.make(), (scope) =>
      Effect.map(Scope.extend(sql.reserve, scope), (connection) => [scope, new AheadConnection(connection)] as const)
    ),
    begin: (connection) =>
      Effect.sync(() => {
        aheadOf(connection).leave(begin)
      }),
    savepoint: (connection, id) => connection.executeUnprepared(`SAVEPOINT effect_sql_${id}`, [], undefined),
    commit: (connection) => aheadOf(connection).commit,
    rollback: (connection) => aheadOf(connection).rollback,
    rollbackSavepoint: (connection, id) =>
      connection.executeUnprepared(`ROLLBACK TO SAVEPOINT effect_sql_${id}`, [], undefined)
  })
