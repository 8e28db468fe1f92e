/**
 * Parse errors that never carry the input's values. Schema's errors quote the value that failed ("actual
 * \" 0912345678 \"") and keep it in their issue tree, and an input of the public API may be anyone's identity: the
 * errors of public inputs are rebuilt here with every value withheld, so they name the field and the rule only.
 *
 * @internal
 */
import { Array as Arr, Effect, Either, ParseResult, Redacted, Schema } from "effect"

// One placeholder for every value: it prints as `<redacted>` and holds nothing of the input.
const placeholder: unknown = Redacted.make("withheld")

/**
 * The issue with every value withheld: the actual values, the partial outputs, and the messages that code built from
 * them (as `DateTimeUtc`'s "Unable to decode …"). Message annotations stay: they are static or see only the placeholder.
 *
 * @internal
 */
export const withholdIssue = (issue: ParseResult.ParseIssue): ParseResult.ParseIssue => {
  switch (issue._tag) {
    case "Pointer":
      return new ParseResult.Pointer(issue.path, placeholder, withholdIssue(issue.issue))
    case "Composite":
      return new ParseResult.Composite(
        issue.ast,
        placeholder,
        Array.isArray(issue.issues)
          ? Arr.map(issue.issues as Arr.NonEmptyReadonlyArray<ParseResult.ParseIssue>, withholdIssue)
          : withholdIssue(issue.issues as ParseResult.ParseIssue)
      )
    case "Refinement":
      return new ParseResult.Refinement(issue.ast, placeholder, issue.kind, withholdIssue(issue.issue))
    case "Transformation":
      return new ParseResult.Transformation(issue.ast, placeholder, issue.kind, withholdIssue(issue.issue))
    case "Type":
      return new ParseResult.Type(issue.ast, placeholder)
    case "Forbidden":
      return new ParseResult.Forbidden(issue.ast, placeholder)
    case "Missing":
      return new ParseResult.Missing(issue.ast)
    case "Unexpected":
      return new ParseResult.Unexpected(placeholder)
  }
}

/**
 * The same error with every value withheld (see {@link withholdIssue}).
 *
 * @internal
 */
export const withhold = (error: ParseResult.ParseError): ParseResult.ParseError =>
  new ParseResult.ParseError({ issue: withholdIssue(error.issue) })

/**
 * Validates an input of the public API against its schema's type; a failure names fields and rules, never values.
 *
 * @internal
 */
export const validate = <A, I, R>(schema: Schema.Schema<A, I, R>) => {
  const check = Schema.validate(schema)
  return (input: unknown): Effect.Effect<A, ParseResult.ParseError, R> => Effect.mapError(check(input), withhold)
}

const actual = ", actual <redacted>"

/**
 * Every failure of an issue as "path: rule", with no value: for the messages of typed errors.
 *
 * @internal
 */
export const problems = (issue: ParseResult.ParseIssue): string => {
  const rules = new Map<string, Set<string>>()
  for (const failure of ParseResult.ArrayFormatter.formatIssueSync(withholdIssue(issue))) {
    const path = failure.path.length === 0 ? "the whole value" : failure.path.map(String).join(".")
    const rule = failure.message.endsWith(actual) ? failure.message.slice(0, -actual.length) : failure.message
    rules.set(path, (rules.get(path) ?? new Set()).add(rule))
  }
  // An optional field that breaks its rule fails "undefined" too: that says nothing more.
  return [...rules]
    .flatMap(([path, all]) =>
      [...all].filter((rule) => all.size === 1 || rule !== "Expected undefined").map((rule) => `${path}: ${rule}`)
    )
    .join("; ")
}

/**
 * Checks an input against a schema's type, with every failure reported as {@link problems}.
 *
 * @internal
 */
export const check =
  <A, I>(schema: Schema.Schema<A, I>) =>
  (input: unknown): Either.Either<A, string> =>
    Either.mapLeft(ParseResult.validateEither(schema)(input, { errors: "all" }), problems)
