/**
 * On PostgreSQL, a write whose result nobody waits for goes with the block's next statement, in one round trip
 * (the simple-query protocol, values written in as literals by {@link inline}), when the session's
 * `client_encoding` is UTF-8. Why it is safe and what it saves: docs/storage.md, "Transactions and group commit".
 *
 * @internal
 */
import type { Connection } from "@effect/sql/SqlConnection"
import type { SqlError } from "@effect/sql/SqlError"
import { Effect, Stream } from "effect"
import { runCarefully } from "./careful.js"
import { holdsNul, textRefused } from "./text.js"

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
// E'' strings read backslashes the same way whatever `standard_conforming_strings` says, and quotes are doubled,
// never `\'`, so `backslash_quote` does not matter either. Safe only in an encoding where no character's bytes hold
// a quote or a backslash, as in UTF-8 (see `Session`).
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
 * What a pooled PostgreSQL session's `client_encoding` is: whether values may be written into a message as
 * literals (`utf8`), `undefined` until read. In another encoding a multibyte character may end in the byte of a
 * backslash and swallow it, and a crafted value would then close its literal early (CVE-2006-2313's pattern).
 *
 * @internal
 */
export interface Session {
  utf8: boolean | undefined
}

// What the pg driver's connection under @effect/sql-pg's reserved one offers: every change of a reported setting,
// `client_encoding` among them, arrives as a ParameterStatus message, whoever made it (a `SET`, a `RESET`, a
// rolled-back `SET LOCAL`).
interface Reports {
  readonly on: (
    event: "parameterStatus",
    listener: (message: { readonly parameterName: string; readonly parameterValue: string }) => void
  ) => unknown
}

const reportsOf = (connection: Connection): Reports | undefined => {
  const driver = (connection as { readonly pg?: { readonly connection?: Partial<Reports> } }).pg?.connection
  return typeof driver?.on === "function" ? (driver as Reports) : undefined
}

const sessions = new WeakMap<Reports, Session>()
// A connection whose driver reports nothing: never written into as literals.
const silent: Session = { utf8: false }

/**
 * The session of a reserved connection, followed through the driver's reports from the first time it is seen: no
 * statement asks for its encoding, save one the first time something is to be written into a message as literals.
 *
 * @internal
 */
export const sessionOf = (connection: Connection): Session => {
  const reports = reportsOf(connection)
  if (reports === undefined) return silent
  let session = sessions.get(reports)
  if (session === undefined) {
    const fresh: Session = { utf8: undefined }
    reports.on("parameterStatus", (message) => {
      if (message.parameterName === "client_encoding") fresh.utf8 = message.parameterValue === "UTF8"
    })
    sessions.set(reports, fresh)
    session = fresh
  }
  return session
}

// Whether the session is UTF-8, read from the database when it is not known yet. Never fails: a session that could
// not be read is taken as not UTF-8 this time, and read again next time.
const isUtf8 = (session: Session, connection: Connection): Effect.Effect<boolean> =>
  session.utf8 !== undefined
    ? Effect.succeed(session.utf8)
    : connection.executeUnprepared("SELECT current_setting('client_encoding') AS encoding", [], undefined).pipe(
        Effect.map((rows) => {
          session.utf8 = (rows[0] as { readonly encoding?: unknown } | undefined)?.encoding === "UTF8"
          return session.utf8
        }),
        Effect.orElseSucceed(() => false)
      )

/**
 * COMMIT; when it fails, ROLLBACK too (its own failure ignored), so that the connection goes back clean: SQLite
 * keeps a transaction whose COMMIT failed open, and PostgreSQL has ended it already (the ROLLBACK only warns).
 *
 * @internal
 */
export const commitOrRollBack = (connection: Connection): Effect.Effect<void, SqlError> =>
  Effect.catchAll(Effect.asVoid(connection.executeUnprepared("COMMIT", [], undefined)), (error) =>
    Effect.zipRight(Effect.ignore(connection.executeUnprepared("ROLLBACK", [], undefined)), Effect.fail(error))
  )

/**
 * The connection a batch's blocks get on PostgreSQL: writes may be left on it to wait for the next statement.
 * Values holding a NUL character are refused before they are sent (`text.ts`).
 *
 * @internal
 */
export class AheadConnection implements Connection {
  private waiting: Array<Statement> = []
  /** Whether writes sent together failed, so that the batch must run again carefully. */
  asked = false

  constructor(
    readonly inner: Connection,
    private readonly session: Session
  ) {}

  // Made once, not at every message.
  private readonly carefully = (): Effect.Effect<never, SqlError> => {
    this.asked = true
    return Effect.fail(runCarefully())
  }

  /** Leaves BEGIN to go with the transaction's first statement. */
  begin(): void {
    this.waiting.push(begin)
  }

  /** Leaves a write to go with the next statement. */
  leave(statement: Statement): void {
    this.waiting.push(statement)
  }

  /** The statement, after what waits (in one message when they can be): its own rows. (`prepare` checked it.) */
  withNext(next: Statement): Effect.Effect<ReadonlyArray<unknown>, SqlError> {
    return Effect.suspend(() =>
      this.waiting.length === 0
        ? this.inner.execute(next.compiled, next.params, undefined)
        : Effect.catchAll(this.send([...this.waiting.splice(0), next]), this.carefully)
    )
  }

  // Statements one after another, in one message when they can be: the last one's rows. The session is asked as
  // each message goes, since its encoding may change between two.
  private send(statements: ReadonlyArray<Statement>): Effect.Effect<ReadonlyArray<unknown>, SqlError> {
    const oneByOne = Effect.map(
      Effect.forEach(statements, (s) => this.inner.execute(s.compiled, s.params, undefined)),
      (results) => results.at(-1)!
    )
    if (statements.length === 1) return oneByOne
    return Effect.flatMap(isUtf8(this.session, this.inner), (literals) => {
      const texts = literals ? statements.map((s) => inline(s.text, s.params)) : []
      if (!literals || texts.some((t) => t === undefined)) return oneByOne
      // Several statements in one simple query answer with a list of rows each.
      return Effect.map(
        this.inner.executeUnprepared(texts.join(";\n"), [], undefined),
        (results) => results.at(-1) as ReadonlyArray<unknown>
      )
    })
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
   * Should what waits or the COMMIT fail, the transaction is rolled back here, so the connection goes back to the
   * pool clean.
   */
  readonly commit: Effect.Effect<void, SqlError> = Effect.suspend(() =>
    Effect.zipRight(
      Effect.catchAll(this.drain, (error) =>
        Effect.zipRight(Effect.ignore(this.inner.executeUnprepared("ROLLBACK", [], undefined)), Effect.fail(error))
      ),
      commitOrRollBack(this.inner)
    )
  )

  /** Sends what waits, if anything does. */
  readonly drain: Effect.Effect<void, SqlError> = Effect.suspend(() =>
    this.waiting.length === 0
      ? Effect.void
      : Effect.asVoid(Effect.catchAll(this.send(this.waiting.splice(0)), this.carefully))
  )

  readonly execute: Connection["execute"] = (sql, params, transformRows) =>
    holdsNul(params)
      ? Effect.fail(textRefused())
      : Effect.zipRight(this.drain, this.inner.execute(sql, params, transformRows))
  readonly executeRaw: Connection["executeRaw"] = (sql, params) =>
    holdsNul(params) ? Effect.fail(textRefused()) : Effect.zipRight(this.drain, this.inner.executeRaw(sql, params))
  readonly executeStream: Connection["executeStream"] = (sql, params, transformRows) =>
    holdsNul(params)
      ? Stream.fail(textRefused())
      : Stream.unwrap(Effect.as(this.drain, this.inner.executeStream(sql, params, transformRows)))
  readonly executeValues: Connection["executeValues"] = (sql, params) =>
    holdsNul(params) ? Effect.fail(textRefused()) : Effect.zipRight(this.drain, this.inner.executeValues(sql, params))
  readonly executeUnprepared: Connection["executeUnprepared"] = (sql, params, transformRows) =>
    holdsNul(params)
      ? Effect.fail(textRefused())
      : Effect.zipRight(this.drain, this.inner.executeUnprepared(sql, params, transformRows))
}

/**
 * A reserved connection as the SQL adapters' transactions give it to their statements: values holding a NUL
 * character are refused before they reach the database (`text.ts`), on SQLite as on PostgreSQL.
 *
 * @internal
 */
export class CheckedConnection implements Connection {
  constructor(readonly inner: Connection) {}

  readonly execute: Connection["execute"] = (sql, params, transformRows) =>
    holdsNul(params) ? Effect.fail(textRefused()) : this.inner.execute(sql, params, transformRows)
  readonly executeRaw: Connection["executeRaw"] = (sql, params) =>
    holdsNul(params) ? Effect.fail(textRefused()) : this.inner.executeRaw(sql, params)
  readonly executeStream: Connection["executeStream"] = (sql, params, transformRows) =>
    holdsNul(params) ? Stream.fail(textRefused()) : this.inner.executeStream(sql, params, transformRows)
  readonly executeValues: Connection["executeValues"] = (sql, params) =>
    holdsNul(params) ? Effect.fail(textRefused()) : this.inner.executeValues(sql, params)
  readonly executeUnprepared: Connection["executeUnprepared"] = (sql, params, transformRows) =>
    holdsNul(params) ? Effect.fail(textRefused()) : this.inner.executeUnprepared(sql, params, transformRows)
}
