/**
 * Intake's statements, written once as text and run straight on the transaction's connection: a `sql` template
 * is parsed, compiled and traced again at every call, which costs more than SQLite takes to run it (see
 * docs/storage.md, "Inside the SQL adapters"). Texts use `?`, turned into `$1`, `$2`, … on PostgreSQL, so a text
 * must hold no other question mark.
 *
 * @internal
 */
import { type SqlClient, TransactionConnection } from "@effect/sql/SqlClient"
import { SqlError } from "@effect/sql/SqlError"
import { Effect, Option } from "effect"
import { AheadConnection, type Param } from "./ahead.js"
import { withServiceOption } from "./context.js"
import { holdsNul, textRefused } from "./text.js"

export type { Param } from "./ahead.js"

/**
 * A prepared statement: its parameters in, its rows out (none for a statement without `RETURNING`).
 *
 * @internal
 */
export type Prepared = (params: ReadonlyArray<Param>) => Effect.Effect<ReadonlyArray<unknown>, SqlError>

const numbered = (text: string) => {
  let n = 0
  return text.replace(/\?/g, () => `$${++n}`)
}

// The text as the client's dialect takes it: `$1`, `$2`, … on PostgreSQL.
const compile = (sql: SqlClient, text: string) => sql.onDialectOrElse({ pg: () => numbered(text), orElse: () => text })

/**
 * The statement `text` for the client's dialect. In a batch on PostgreSQL it goes with the writes left waiting for
 * it (`ahead.ts`). Values holding a NUL character are refused, on every path (`text.ts`).
 *
 * @internal
 */
export const prepare = (sql: SqlClient, text: string): Prepared => {
  const compiled = compile(sql, text)
  // Rows come back with the columns' own names either way, as on the connection.
  const client = sql.withoutTransforms()
  return (params) =>
    holdsNul(params)
      ? Effect.fail(textRefused())
      : withServiceOption(TransactionConnection, (inside) => {
          if (Option.isNone(inside)) return client.unsafe<Record<string, unknown>>(compiled, params)
          const [connection] = inside.value
          return connection instanceof AheadConnection
            ? connection.withNext({ text, compiled, params })
            : connection.execute(compiled, params, undefined)
        })
}

/**
 * A write whose result nobody waits for: in a batch on PostgreSQL it waits for the block's next statement and goes
 * with it, in one round trip (`ahead.ts`); anywhere else it runs at once, as {@link prepare}'s would.
 *
 * @internal
 */
export const prepareAhead = (
  sql: SqlClient,
  text: string
): ((params: ReadonlyArray<Param>) => Effect.Effect<void, SqlError>) => {
  const now = prepare(sql, text)
  const compiled = compile(sql, text)
  return (params) =>
    withServiceOption(TransactionConnection, (inside) => {
      if (Option.isNone(inside) || !(inside.value[0] instanceof AheadConnection)) return Effect.asVoid(now(params))
      // Refused now, by its own block, rather than in a message with the next statement.
      if (holdsNul(params)) return Effect.fail(textRefused())
      inside.value[0].leave({ text, compiled, params })
      return Effect.void
    })
}

// Texts kept per statement: one for each count up to a group commit's largest batch (128 blocks by default), so a
// batch's multi-row inserts are written out once per size rather than at every commit.
const KEPT = 128

/**
 * `count` copies of `each`, comma-separated: `?, ?, ?` for an `IN` list, `(?, ?), (?, ?)` for rows.
 *
 * @internal
 */
export const repeated = (count: number, each = "?"): string => Array.from({ length: count }, () => each).join(", ")

/**
 * A statement whose text depends on how many values it takes (`IN (?, ?)`, several rows), each text made and
 * prepared once per count, when first run. Counts up to 128 are kept (a batch's rows of one table); larger ones (a
 * rebuild's pages) are prepared when run and not kept.
 *
 * @internal
 */
export const prepareByCount = (sql: SqlClient, text: (count: number) => string) => {
  const kept: Array<Prepared | undefined> = []
  return (count: number): Prepared => {
    if (count > KEPT) return prepare(sql, text(count))
    let made = kept[count]
    if (made === undefined) {
      made = prepare(sql, text(count))
      kept[count] = made
    }
    return made
  }
}

// The most parameters one statement may take on both drivers (SQLite's limit; PostgreSQL's is 65,535).
const MAX_PARAMS = 32_766

/**
 * A row as a statement takes it: a value for each column, by name.
 *
 * @internal
 */
export type Row = Readonly<Record<string, Param>>

/**
 * An insert of any number of rows: its rows out (none without `RETURNING`). Its parts say what it writes, for
 * {@link insertAll}.
 *
 * @internal
 */
export interface Insert<In = Row> {
  (rows: ReadonlyArray<In>): Effect.Effect<ReadonlyArray<unknown>, SqlError>
  readonly table: string
  readonly columns: ReadonlyArray<string>
  readonly rest: string
  /** The rows as written, one for each row given: the rows themselves unless prepared with a `finish`. */
  readonly finish: (rows: ReadonlyArray<In>) => ReadonlyArray<Row>
}

const insertText = (into: Pick<Insert<unknown>, "table" | "columns" | "rest">, count: number) => {
  const values = repeated(count, `(${repeated(into.columns.length)})`)
  return `INSERT INTO ${into.table} (${into.columns.join(", ")}) VALUES ${values}${into.rest === "" ? "" : ` ${into.rest}`}`
}

const paramsOf = (columns: ReadonlyArray<string>, rows: ReadonlyArray<Row>, into: Array<Param> = []) => {
  for (const r of rows) for (const c of columns) into.push(r[c] ?? null)
  return into
}

/**
 * `INSERT INTO table (columns) VALUES (?, …), … rest` for any number of rows, in as many statements as the drivers'
 * limit on parameters needs (none for no rows). Rows are records with (at least) the columns, in any order; with
 * `finish`, rows are given in another form and finished into such records as they are written (when a batch
 * writes them, all together).
 *
 * @internal
 */
export function prepareInsert(sql: SqlClient, table: string, columns: ReadonlyArray<string>, rest?: string): Insert
export function prepareInsert<In>(
  sql: SqlClient,
  table: string,
  columns: ReadonlyArray<string>,
  rest: string,
  finish: (rows: ReadonlyArray<In>) => ReadonlyArray<Row>
): Insert<In>
export function prepareInsert<In>(
  sql: SqlClient,
  table: string,
  columns: ReadonlyArray<string>,
  rest = "",
  finish?: (rows: ReadonlyArray<In>) => ReadonlyArray<Row>
): Insert<In> {
  const parts = { table, columns, rest }
  const statementFor = prepareByCount(sql, (count) => insertText(parts, count))
  const perStatement = Math.floor(MAX_PARAMS / columns.length)
  const one = (rows: ReadonlyArray<Row>) => statementFor(rows.length)(paramsOf(columns, rows))
  const write = (rows: ReadonlyArray<Row>) => {
    if (rows.length === 0) return Effect.succeed([])
    if (rows.length <= perStatement) return one(rows)
    const chunks = Array.from({ length: Math.ceil(rows.length / perStatement) }, (_, i) =>
      rows.slice(i * perStatement, (i + 1) * perStatement)
    )
    return Effect.map(Effect.forEach(chunks, one), (returned) => returned.flat())
  }
  if (finish === undefined)
    return Object.assign(write, parts, { finish: (rows: ReadonlyArray<Row>) => rows }) as Insert<In>
  // Finished when the insert runs, not when it is made: an insert made for a row left to a batch never runs.
  const insert = (rows: ReadonlyArray<In>) =>
    Effect.flatMap(
      finished(() => finish(rows)),
      write
    )
  return Object.assign(insert, parts, { finish })
}

// A row that cannot be finished fails the write (a batch then runs again carefully), rather than killing its fiber.
const finished = <A>(finish: () => A) =>
  Effect.try({
    try: finish,
    catch: (cause) => new SqlError({ cause, message: "A row could not be made ready to be written." })
  })

/**
 * Rows for several tables, each table's with its insert. On PostgreSQL, one statement when they fit in one: every
 * insert but the last in a `WITH` of its own (each table once, so no row is written twice in the statement), a
 * round trip for all of them; elsewhere, and when they do not fit, one insert after another. What the inserts
 * return is not kept.
 *
 * @internal
 */
export const insertAll = (
  sql: SqlClient,
  inserts: Iterable<readonly [Insert<never>, ReadonlyArray<unknown>]>
): Effect.Effect<void, SqlError> => {
  const given = [...inserts].filter(([, rows]) => rows.length > 0)
  const params = given.reduce((n, [into, rows]) => n + into.columns.length * rows.length, 0)
  const together = sql.onDialectOrElse({
    pg: () =>
      given.length > 1 && params <= MAX_PARAMS && new Set(given.map(([into]) => into.table)).size === given.length,
    orElse: () => false
  })
  // Each table's rows are of its own insert's input type (hence `never` above): they go back to that insert.
  if (!together) return Effect.forEach(given, ([into, rows]) => into(rows as ReadonlyArray<never>), { discard: true })
  return Effect.flatMap(
    finished(() => given.map(([into, rows]) => [into, into.finish(rows as ReadonlyArray<never>)] as const)),
    (writes) => {
      const texts = writes.map(([into, rows]) => insertText(into, rows.length))
      const text = `WITH ${texts
        .slice(0, -1)
        .map((t, i) => `written_${i} AS (${t})`)
        .join(", ")} ${texts.at(-1)}`
      const values: Array<Param> = []
      for (const [into, rows] of writes) paramsOf(into.columns, rows, values)
      return Effect.asVoid(prepare(sql, text)(values))
    }
  )
}
