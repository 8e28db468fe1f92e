import { createHash, createHmac, timingSafeEqual } from "node:crypto"
import { Either, Option, ParseResult, Redacted, Schema } from "effect"
import type { JsonLimits, Secret, TimestampRefusal, TimestampWindow } from "../../ChannelCheck.js"
import { problems } from "../shared/withheld.js"
import { ChannelError } from "./channel.js"
import { InboundMessage } from "./inboundMessage.js"

const encoder = new TextEncoder()
const utf8 = new TextDecoder("utf-8", { fatal: true })

const bytesOf = (value: string | Uint8Array): Uint8Array => (typeof value === "string" ? encoder.encode(value) : value)

const secretBytes = (secret: Secret): Uint8Array =>
  bytesOf(Redacted.isRedacted(secret) ? Redacted.value(secret) : secret)

/** @internal */
export const lowerCaseHeaders = (headers: Readonly<Record<string, string>>): Record<string, string> => {
  const lower: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) lower[name.toLowerCase()] = value
  return lower
}

/** @internal */
export const nestingDepth = (text: string, limit = Number.POSITIVE_INFINITY): number => {
  let depth = 0
  let deepest = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 0x5c) i++
      else if (c === 0x22) inString = false
    } else if (c === 0x22) inString = true
    else if (c === 0x7b || c === 0x5b) {
      depth++
      if (depth > deepest) deepest = depth
      if (deepest > limit) return deepest
    } else if (c === 0x7d || c === 0x5d) depth--
  }
  return deepest
}

/** @internal */
export const defaultLimits = { maxBytes: 1_048_576, maxDepth: 64 } as const

const badRequest = (channel: string, message: string) => new ChannelError({ channel, reason: "bad_request", message })

/** @internal */
export const readText = (
  channel: string,
  body: Uint8Array,
  maxBytes: number = defaultLimits.maxBytes
): Either.Either<string, ChannelError> => {
  if (body.byteLength > maxBytes) {
    return Either.left(badRequest(channel, `the body has ${body.byteLength} bytes, over ${maxBytes}`))
  }
  return Either.try({ try: () => utf8.decode(body), catch: () => badRequest(channel, "the body is not valid UTF-8") })
}

/** @internal */
export const readJson = (
  channel: string,
  body: Uint8Array,
  limits: JsonLimits = {}
): Either.Either<unknown, ChannelError> => {
  const maxDepth = limits.maxDepth ?? defaultLimits.maxDepth
  return Either.flatMap(readText(channel, body, limits.maxBytes), (text) =>
    nestingDepth(text, maxDepth) > maxDepth
      ? Either.left(badRequest(channel, `the body's JSON is nested deeper than ${maxDepth} levels`))
      : Either.try({
          try: () => JSON.parse(text) as unknown,
          catch: () => badRequest(channel, "the body is not valid JSON (is it truncated?)")
        })
  )
}

const digest = (value: Uint8Array) => createHash("sha256").update(value).digest()

// Digests of equal length are compared, so that neither the time nor an early exit tells a length.
/** @internal */
export const sameSecret = (given: string | Uint8Array, expected: Secret): boolean =>
  timingSafeEqual(digest(bytesOf(given)), digest(secretBytes(expected)))

/** @internal */
export const hmacSha256Hex = (key: Secret, ...parts: ReadonlyArray<string | Uint8Array>): string => {
  const hmac = createHmac("sha256", secretBytes(key))
  for (const part of parts) hmac.update(bytesOf(part))
  return hmac.digest("hex")
}

/** @internal */
export const sha256Hex = (...parts: ReadonlyArray<string | Uint8Array>): string => {
  const hash = createHash("sha256")
  for (const part of parts) hash.update(bytesOf(part))
  return hash.digest("hex")
}

/** @internal */
export const checkTimestamp = (
  value: string | number | undefined,
  nowMillis: number,
  window: TimestampWindow
): Either.Either<number, TimestampRefusal> => {
  if (value === undefined) return Either.left("missing")
  const text = typeof value === "number" ? String(value) : value.trim()
  if (!/^\d{1,16}$/.test(text)) return Either.left("malformed")
  const millis = window.unit === "seconds" ? Number(text) * 1000 : Number(text)
  return Math.abs(nowMillis - millis) > window.toleranceSeconds * 1000 ? Either.left("stale") : Either.right(millis)
}

/** @internal */
export const message = (
  channel: string,
  fields: ConstructorParameters<typeof InboundMessage>[0]
): Either.Either<InboundMessage, ChannelError> => {
  try {
    return Either.right(new InboundMessage(fields))
  } catch (error) {
    if (!ParseResult.isParseError(error)) throw error
    return Either.left(badRequest(channel, `the message is not valid: ${problems(error.issue)}`))
  }
}

/** @internal */
export const jsonObject = (value: unknown): Option.Option<Readonly<Record<string, unknown>>> =>
  typeof value === "object" && value !== null && !Array.isArray(value)
    ? Option.some(value as Readonly<Record<string, unknown>>)
    : Option.none()

/** @internal */
export const JsonId = Schema.Union(
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
).annotations({ identifier: "JsonId" })

/** @internal */
export const JsonNumber = Schema.Union(Schema.Number, Schema.NumberFromString).pipe(Schema.filter(Number.isFinite))

/** @internal */
export const errorPaths = (error: ParseResult.ParseError): string =>
  [...new Set(ParseResult.ArrayFormatter.formatErrorSync(error).map((i) => i.path.join(".") || "(root)"))].join(", ")

/** @internal */
export const decoder = <A, I>(schema: Schema.Schema<A, I>) => {
  const decode = Schema.decodeUnknownEither(schema, { errors: "all", onExcessProperty: "ignore" })
  return (value: unknown): Either.Either<A, string> => Either.mapLeft(decode(value), errorPaths)
}
