/**
 * The checks every channel adapter makes of a delivery, written once: reading a JSON body within a size limit,
 * as strict UTF-8 and with its nesting depth counted before it is parsed (10,000 nested brackets are a
 * `bad_request`, not a stack overflow); header names in lower case; secrets and digests compared in constant
 * time whatever their lengths; HMAC-SHA256 and SHA-256 in hex; a timestamp's distance from now; and building a
 * message from what the platform sent, refusing one whose fields break their rules. The web form uses them, and so
 * should every new adapter.
 *
 * Refusals are `ChannelError`s with reason `bad_request` whose messages are sentences for the sender's
 * developers: they never quote the body or a secret.
 *
 * @since 0.2.0
 * @module
 */
import type { Either, Option, ParseResult, Redacted, Schema } from "effect"
import type { ChannelError } from "./Channel.js"
import type { InboundMessage } from "./InboundMessage.js"
import * as internal from "./internal/channel/check.js"

/**
 * A secret, or a key: in the clear, as bytes, or redacted.
 *
 * @since 0.2.0
 * @category models
 */
export type Secret = string | Uint8Array | Redacted.Redacted<string>

/**
 * The limits of {@link readJson}: the largest body in bytes (default 1 MiB) and the deepest nesting of objects
 * and arrays (default 64).
 *
 * @since 0.2.0
 * @category models
 */
export interface JsonLimits {
  readonly maxBytes?: number
  readonly maxDepth?: number
}

/**
 * How far a timestamp may be from now, either way, and whether it counts seconds or milliseconds since the epoch.
 *
 * @since 0.2.0
 * @category models
 */
export interface TimestampWindow {
  readonly unit: "seconds" | "milliseconds"
  readonly toleranceSeconds: number
}

/**
 * Why a timestamp is refused: there is none, it is not a whole number of at most 16 digits, or it is further
 * from now than the window allows (a replay, or a wrong clock).
 *
 * @since 0.2.0
 * @category models
 */
export type TimestampRefusal = "missing" | "malformed" | "stale"

/**
 * The limits {@link readJson} applies when not told otherwise: 1 MiB and 64 levels.
 *
 * @since 0.2.0
 * @category constants
 */
export const defaultLimits: { readonly maxBytes: number; readonly maxDepth: number } = internal.defaultLimits

/**
 * The headers with their names in lower case, as a `RawDelivery` should carry them.
 *
 * @since 0.2.0
 * @category headers
 */
export const lowerCaseHeaders: (headers: Readonly<Record<string, string>>) => Record<string, string> =
  internal.lowerCaseHeaders

/**
 * The deepest nesting of objects and arrays in a JSON text, counted without parsing it (brackets inside strings
 * do not count); stops counting once past `limit`.
 *
 * @since 0.2.0
 * @category body
 */
export const nestingDepth: (text: string, limit?: number) => number = internal.nestingDepth

/**
 * A body as text: refused when it is larger than `maxBytes` (default 1 MiB) or is not valid UTF-8.
 *
 * @since 0.2.0
 * @category body
 */
export const readText: (channel: string, body: Uint8Array, maxBytes?: number) => Either.Either<string, ChannelError> =
  internal.readText

/**
 * A JSON body, parsed: refused when it is too large, not valid UTF-8, nested deeper than the limit, or not JSON
 * (a truncated body, for one). Decode the value with Schema next.
 *
 * @since 0.2.0
 * @category body
 */
export const readJson: (
  channel: string,
  body: Uint8Array,
  limits?: JsonLimits
) => Either.Either<unknown, ChannelError> = internal.readJson

/**
 * Whether a secret (or a signature, a token) given by a request equals the expected one, in constant time
 * whatever the lengths: their SHA-256 digests are compared.
 *
 * @since 0.2.0
 * @category signatures
 */
export const sameSecret: (given: string | Uint8Array, expected: Secret) => boolean = internal.sameSecret

/**
 * The HMAC-SHA256, in lower-case hex, of the parts one after the other, keyed with `key`. Sign the exact body
 * bytes, never re-serialised JSON.
 *
 * @since 0.2.0
 * @category signatures
 */
export const hmacSha256Hex: (key: Secret, ...parts: ReadonlyArray<string | Uint8Array>) => string =
  internal.hmacSha256Hex

/**
 * The SHA-256, in lower-case hex, of the parts one after the other.
 *
 * @since 0.2.0
 * @category signatures
 */
export const sha256Hex: (...parts: ReadonlyArray<string | Uint8Array>) => string = internal.sha256Hex

/**
 * Checks a timestamp (a number, or a string of digits, as a header carries it) against now: the time it stands
 * for in epoch milliseconds, or why it is refused. Use it in `verify` only: `decode` never looks at the time.
 *
 * @since 0.2.0
 * @category signatures
 */
export const checkTimestamp: (
  value: string | number | undefined,
  nowMillis: number,
  window: TimestampWindow
) => Either.Either<number, TimestampRefusal> = internal.checkTimestamp

/**
 * Builds a message from what the platform sent, or refuses it with `bad_request` when a field breaks its rule (an
 * empty sender id, a NUL character, which storage cannot hold): the message names the fields and their rules, never
 * a value, for a field may be the sender's identity. A delivery refused so in `decode` becomes a dead letter.
 *
 * @since 0.2.0
 * @category messages
 */
export const message: (
  channel: string,
  fields: ConstructorParameters<typeof InboundMessage>[0]
) => Either.Either<InboundMessage, ChannelError> = internal.message

/**
 * A JSON value as a plain object, or none (an array, `null` or a scalar is none).
 *
 * @since 0.2.0
 * @category json
 */
export const jsonObject: (value: unknown) => Option.Option<Readonly<Record<string, unknown>>> = internal.jsonObject

/**
 * A platform's id as JSON gives it: a non-empty string, or a number small enough to be read exactly, as a string.
 * A larger number has lost digits in `JSON.parse` and is refused rather than turned into another user's id
 * (Messenger's older bodies wrote ids as numbers; one `app_id` exceeds 2^53). Compare ids as strings.
 *
 * @since 0.2.0
 * @category json
 */
export const JsonId: Schema.Schema<string, string | number> = internal.JsonId

/**
 * A number written as a JSON number or as a numeric string (`"21.0285"`).
 *
 * @since 0.2.0
 * @category json
 */
export const JsonNumber: Schema.Schema<number, string | number> = internal.JsonNumber

/**
 * Where a value is malformed: the paths of a parse error's issues (`entry.0.messaging.1.sender.id`), never the
 * values, which may be identities.
 *
 * @since 0.2.0
 * @category json
 */
export const errorPaths: (error: ParseResult.ParseError) => string = internal.errorPaths

/**
 * A decoder of unknown JSON into a schema's type that ignores fields it does not know and, on failure, names the
 * paths of what is wrong ({@link errorPaths}).
 *
 * @since 0.2.0
 * @category json
 */
export const decoder: <A, I>(schema: Schema.Schema<A, I>) => (value: unknown) => Either.Either<A, string> =
  internal.decoder
