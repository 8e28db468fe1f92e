/**
 * Reading rows back through a Schema, one row at a time, so that a bad row is reported by its columns and never
 * by its values (a value may be an identity).
 *
 * @internal
 */
import { Effect, Either, ParseResult, Schema } from "effect"

/**
 * The columns a decoding failure points at, e.g. `recipient, attempts`.
 *
 * @internal
 */
export const columnsOf = (error: ParseResult.ParseError): string => {
  const paths = ParseResult.ArrayFormatter.formatErrorSync(error).map((issue) => issue.path.join(".") || "the row")
  return [...new Set(paths)].join(", ")
}

/**
 * A decoder for rows of one table: each row is decoded on its own, and a failure becomes the port's `corrupt`
 * error, built by `corrupt` from a message that names the table and the columns.
 *
 * @internal
 */
export const rowDecoder = <A, I, E>(schema: Schema.Schema<A, I>, table: string, corrupt: (message: string) => E) => {
  const decode = Schema.decodeUnknownEither(schema, { errors: "all" })
  return (rows: ReadonlyArray<unknown>): Effect.Effect<ReadonlyArray<A>, E> => {
    const out: Array<A> = []
    for (const row of rows) {
      const decoded = decode(row)
      if (Either.isLeft(decoded)) {
        return Effect.fail(
          corrupt(`A stored row of the table ${table} is not valid: check ${columnsOf(decoded.left)}.`)
        )
      }
      out.push(decoded.right)
    }
    return Effect.succeed(out)
  }
}

/**
 * A nullable text column.
 *
 * @internal
 */
export const NullableText = Schema.NullOr(Schema.String)

/**
 * A 0/1 flag column (PostgreSQL may also hand back a boolean).
 *
 * @internal
 */
export const Flag = Schema.transform(Schema.Union(Schema.Literal(0, 1), Schema.Boolean), Schema.Boolean, {
  strict: true,
  decode: (value) => value === true || value === 1,
  encode: (value) => value
})

/**
 * Reads a table's rows through {@link rowDecoder} and turns each into the port's row: `rows` for a query's rows,
 * `one` for its first, if any.
 *
 * @internal
 */
export const rowReader = <C, I, Row, E>(
  schema: Schema.Schema<C, I>,
  table: string,
  corrupt: (message: string) => E,
  toRow: (columns: C) => Row
) => {
  const decode = rowDecoder(schema, table, corrupt)
  const rows = <E2, R>(query: Effect.Effect<ReadonlyArray<unknown>, E2, R>): Effect.Effect<Array<Row>, E | E2, R> =>
    Effect.flatMap(query, (found) => Effect.map(decode(found), (decoded) => decoded.map(toRow)))
  const one = <E2, R>(query: Effect.Effect<ReadonlyArray<unknown>, E2, R>): Effect.Effect<Row | undefined, E | E2, R> =>
    Effect.map(rows(query), (found) => found[0])
  return { rows, one }
}
