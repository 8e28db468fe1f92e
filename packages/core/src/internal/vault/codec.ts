/**
 * Reading identities without ever echoing them: Schema's parse errors quote the offending value, and `JSON.parse`
 * quotes the text, so a failure is reduced here to the names of the fields that were wrong.
 *
 * @internal
 */
import { Either, ParseResult, Redacted, type Schema } from "effect"

/**
 * What went wrong, in words that hold no value from the input.
 *
 * @internal
 */
export type Problem = string

const fieldsOf = (issue: ParseResult.ParseIssue): string => {
  const paths = ParseResult.ArrayFormatter.formatIssueSync(issue).map((issue) =>
    issue.path.length === 0 ? "(the whole value)" : issue.path.map(String).join(".")
  )
  return [...new Set(paths)].join(", ")
}

/**
 * Opens a redacted value and decodes it, reporting only where it failed.
 *
 * @internal
 */
export const openWith =
  <A, I>(schema: Schema.Schema<A, I>, what: string) =>
  (redacted: Redacted.Redacted<unknown>): Either.Either<A, Problem> => {
    if (!Redacted.isRedacted(redacted)) return Either.left(`${what} is not wrapped in Redacted`)
    let raw: unknown
    try {
      raw = Redacted.value(redacted)
    } catch {
      return Either.left(`${what} has been wiped`)
    }
    return Either.mapLeft(
      ParseResult.decodeUnknownEither(schema)(raw, { errors: "all" }),
      (issue) => `${what} is malformed in: ${fieldsOf(issue)}`
    )
  }
