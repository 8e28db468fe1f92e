/**
 * What evidence is once settled: the item kept, or why the file was not; and the link it came from. Pure schemas
 * with no dependency on tips, so that the tip's events can carry them.
 *
 * @internal
 */
import { Schema } from "effect"
import { Hash } from "./media.js"
import { MediaType } from "./sniff.js"
import { maxUrlLength, parseUrl } from "./url.js"

/**
 * An absolute http or https URL, as a platform gave it (its query string included: the link needs it).
 *
 * @since 0.2.0
 * @category models
 */
export const OriginalUrl = Schema.String.pipe(
  Schema.maxLength(maxUrlLength),
  Schema.filter((text) => parseUrl(text) !== undefined, { message: () => "an absolute http or https URL" })
).annotations({ identifier: "OriginalUrl" })

/**
 * A piece of evidence kept: its bytes' SHA-256 hash (their name in the {@link MediaStore}), size in bytes, media
 * type (read from the bytes, never from the URL or the server's word), the URL it came from, and when it was
 * stored.
 *
 * @since 0.2.0
 * @category models
 */
export class Item extends Schema.Class<Item>("@tinbao/core/EvidenceItem")({
  hash: Hash,
  size: Schema.NonNegativeInt,
  mediaType: MediaType,
  originalUrl: OriginalUrl,
  storedAt: Schema.DateTimeUtc
}) {}

/**
 * Why a file could not be retrieved, closed. Not worth trying again: `misconfigured` (the retrieval's options
 * are invalid), `invalid_url` (not an http or https URL),
 * `not_allowed` (the deployment does not fetch from that host), `not_found` (404 or 410: the link expired or
 * the file was removed), `refused` (another 4xx, e.g. a platform's 403 for an expired signature, or a redirect
 * that goes nowhere), `too_large`, `unsupported_type` (the bytes are no allowed media type). Worth trying
 * again: `rate_limited` (429), `server_error` (5xx), `network` (no connection, a reset), `timeout`.
 *
 * @since 0.2.0
 * @category models
 */
export const RetrievalReason = Schema.Literal(
  "misconfigured",
  "invalid_url",
  "not_allowed",
  "not_found",
  "refused",
  "too_large",
  "unsupported_type",
  "rate_limited",
  "server_error",
  "network",
  "timeout"
)

/**
 * @since 0.2.0
 * @category models
 */
export type RetrievalReason = typeof RetrievalReason.Type

/**
 * Why the last attempt did not keep the file: a retrieval's reason, `media_unavailable` (the file was fetched
 * but the media store could not write it) or `interrupted` (the attempts ran out while the last ones never
 * finished: the worker stopped or lost its lease).
 *
 * @since 0.2.0
 * @category models
 */
export const ErrorReason = Schema.Literal(...RetrievalReason.literals, "media_unavailable", "interrupted")

/**
 * @since 0.2.0
 * @category models
 */
export type ErrorReason = typeof ErrorReason.Type

/**
 * The last failure of a record, in words a duty officer reads; never the URL's query string.
 *
 * @since 0.2.0
 * @category models
 */
export const LastError = Schema.Struct({ reason: ErrorReason, message: Schema.String }).annotations({
  identifier: "EvidenceLastError"
})

/**
 * @since 0.2.0
 * @category models
 */
export type LastError = typeof LastError.Type
