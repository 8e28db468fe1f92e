/**
 * Reading Zalo's JSON defensively: ids as strings whatever JSON gave (a number only when it is exact), times as
 * strings or numbers, text normalised to NFC, and the place of a problem named by its path, never its value.
 *
 * @internal
 */
import { ChannelCheck, InboundMessage } from "@tinbao/core"
import { Either, Option, ParseResult, Schema } from "effect"

/**
 * An id: a non-empty string, or a JSON number small enough to be read exactly (a larger one has lost digits in
 * `JSON.parse` and is refused rather than turned into another user's id).
 *
 * @internal
 */
export const Id = Schema.Union(
  Schema.NonEmptyTrimmedString,
  Schema.transformOrFail(Schema.Number, Schema.String, {
    strict: true,
    decode: (n, _, ast) =>
      Number.isSafeInteger(n) && n >= 0
        ? ParseResult.succeed(String(n))
        : ParseResult.fail(new ParseResult.Type(ast, n, "an id written as a number too large to read exactly")),
    encode: (s, _, ast) =>
      /^\d{1,15}$/.test(s) ? ParseResult.succeed(Number(s)) : ParseResult.fail(new ParseResult.Type(ast, s))
  })
)

/** A number written as a number or a numeric string. @internal */
export const Numeric = Schema.Union(Schema.Number, Schema.NumberFromString).pipe(Schema.filter(Number.isFinite))

/** @internal */
export const Time = InboundMessage.PlatformTime

/** Where a value is malformed: the paths, never the values (they may be identities). @internal */
export const where = (error: ParseResult.ParseError): string =>
  [...new Set(ParseResult.ArrayFormatter.formatErrorSync(error).map((i) => i.path.join(".") || "(root)"))].join(", ")

/** Text as tinbao keeps it: NFC, so that Vietnamese typed two ways compares equal. @internal */
export function text(value: string): string
export function text(value: string | undefined): string | undefined
export function text(value: string | undefined): string | undefined {
  return value === undefined ? undefined : value.normalize("NFC")
}

/** A plain JSON object, or none. @internal */
export const record = (value: unknown): Option.Option<Readonly<Record<string, unknown>>> =>
  typeof value === "object" && value !== null && !Array.isArray(value)
    ? Option.some(value as Readonly<Record<string, unknown>>)
    : Option.none()

/** A decoder that gives an Either and names the paths of what is wrong. @internal */
export const decoder = <A, I>(schema: Schema.Schema<A, I>) => {
  const decode = Schema.decodeUnknownEither(schema, { errors: "all", onExcessProperty: "ignore" })
  return (value: unknown): Either.Either<A, string> => Either.mapLeft(decode(value), where)
}

/**
 * A message from the fields read, or why they break the message's rules (each field and its rule, never a value),
 * through the checks the core gives adapters.
 *
 * @internal
 */
export const message = (
  fields: ConstructorParameters<typeof InboundMessage.InboundMessage>[0]
): Either.Either<InboundMessage.InboundMessage, string> =>
  Either.mapLeft(ChannelCheck.message(fields.channel, fields), (refused) => refused.message)
