/**
 * The statements intake runs for every tip, written once as text and run straight on the transaction's
 * connection. A statement built with the `sql` template is parsed, compiled and traced again at every call: about
 * 70 fiber steps and 15 µs, more than SQLite takes to run it. Run on the connection, a prepared text costs about 12
 * steps, and no span of its own (the transaction's span still covers it). Outside a transaction the text goes
 * through the client as any statement does (a connection from the pool, a span).
 *
 * Texts use `?` for their parameters; on PostgreSQL they become `$1`, `$2`, … once, when prepared, so a text must
 * hold no other question mark.
 *
 * @internal
 */
import { type SqlClient, TransactionConnection } from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import { Effect, Option } from "effect"
import { withServiceOption } from "./context.js"

/**
 * A value a prepared statement takes: what both drivers accept as is.
 *
 * @internal
 */
export type Param = string | number | null

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

/**
 * The statement `text` for the client's dialect.
 *
 * @internal
 */
export const prepare = (sql: SqlClient, text: string): Prepared => {
  const compiled = sql.onDialectOrElse({ pg: () => numbered(text), orElse: () => text })
  // Rows come back with the columns' own names either way, as on the connection.
  const client = sql.withoutTransforms()
  return (params) =>
    withServiceOption(TransactionConnection, (inside) =>
      Option.isSome(inside)
        ? inside.value[0].execute(compiled, params, undefined)
        : client.unsafe<Record<string, unknown>>(compiled, params)
    )
}

const KEPT = 8

/**
 * `count` copies of `each`, comma-separated: `?, ?, ?` for an `IN` list, `(?, ?), (?, ?)` for rows.
 *
 * @internal
 */
export const repeated = (count: number, each = "?"): string => Array.from({ length: count }, () => each).join(", ")

/**
 * A statement whose text depends on how many values it takes (`IN (?, ?)`, several rows), each text prepared once
 * per count. The usual counts are few and small (a tip's events, its projection's rows); larger ones (a rebuild's
 * pages) are prepared when run and not kept.
 *
 * @internal
 */
export const prepareByCount = (sql: SqlClient, text: (count: number) => string) => {
  const kept = Array.from({ length: KEPT + 1 }, (_, count) => (count === 0 ? undefined : prepare(sql, text(count))))
  return (count: number): Prepared => kept[count] ?? prepare(sql, text(count))
}

// The most parameters one statement may take on both drivers (SQLite's limit; PostgreSQL's is 65,535).
const MAX_PARAMS = 32_766

/**
 * An insert of any number of rows: its rows out (none without `RETURNING`).
 *
 * @internal
 */
export type Insert = (
  rows: ReadonlyArray<Readonly<Record<string, Param>>>
) => Effect.Effect<ReadonlyArray<unknown>, SqlError>

/**
 * `INSERT INTO table (columns) VALUES (?, …), … rest` for any number of rows, in as many statements as the drivers'
 * limit on parameters needs (none for no rows). Rows are records with (at least) the columns, in any order.
 *
 * @internal
 */
export const prepareInsert = (sql: SqlClient, table: string, columns: ReadonlyArray<string>, rest = ""): Insert => {
  const row = `(${repeated(columns.length)})`
  const statementFor = prepareByCount(
    sql,
    (count) =>
      `INSERT INTO ${table} (${columns.join(", ")}) VALUES ${repeated(count, row)}${rest === "" ? "" : ` ${rest}`}`
  )
  const perStatement = Math.floor(MAX_PARAMS / columns.length)
  const one = (rows: ReadonlyArray<Readonly<Record<string, Param>>>) => {
    const params: Array<Param> = []
    for (const r of rows) for (const c of columns) params.push(r[c] ?? null)
    return statementFor(rows.length)(params)
  }
  return (rows) => {
    if (rows.length === 0) return Effect.succeed([])
    if (rows.length <= perStatement) return one(rows)
    const parts = Array.from({ length: Math.ceil(rows.length / perStatement) }, (_, i) =>
      rows.slice(i * perStatement, (i + 1) * perStatement)
    )
    return Effect.map(Effect.forEach(parts, one), (returned) => returned.flat())
  }
}
