/**
 * The media store's model: the content hash, the error and the port.
 *
 * @internal
 */
import { Context, type Effect, Schema } from "effect"

/**
 * A SHA-256 digest in 64 lower-case hex digits: the name of a stored file, and the proof that the bytes read back
 * are the bytes stored.
 *
 * @since 0.2.0
 * @category models
 */
export const Hash = Schema.String.pipe(
  Schema.pattern(/^[0-9a-f]{64}$/, { message: () => "a SHA-256 hash: 64 lower-case hex digits" }),
  Schema.brand("@tinbao/core/MediaHash")
).annotations({ identifier: "MediaHash" })

/**
 * @since 0.2.0
 * @category models
 */
export type Hash = typeof Hash.Type

/**
 * What `put` stored: the bytes' hash and their size in bytes.
 *
 * @since 0.2.0
 * @category models
 */
export interface Stored {
  readonly hash: Hash
  readonly size: number
}

/**
 * The one error of the media store. `invalid`: a hash that is not 64 lower-case hex digits; `corrupt`: the bytes
 * stored under a hash are not the bytes with that hash (the file was changed or damaged); `unavailable`: the
 * storage cannot be read or written (a missing or read-only directory, a full disk).
 *
 * @since 0.2.0
 * @category errors
 */
export class MediaStoreError extends Schema.TaggedError<MediaStoreError>("@tinbao/core/MediaStoreError")(
  "MediaStoreError",
  {
    reason: Schema.Literal("invalid", "corrupt", "unavailable"),
    message: Schema.String,
    cause: Schema.optional(Schema.Defect)
  }
) {}

/**
 * The media store as users see it: bytes kept under their SHA-256 hash.
 *
 * @since 0.2.0
 * @category tags
 */
export class MediaStore extends Context.Tag("@tinbao/core/MediaStore")<
  MediaStore,
  {
    /** Stores bytes under their hash; the same bytes twice are stored once, and give the same answer. */
    readonly put: (bytes: Uint8Array) => Effect.Effect<Stored, MediaStoreError>
    /** The bytes stored under a hash, checked against it (`corrupt` when they differ), or `undefined`. */
    readonly get: (hash: Hash) => Effect.Effect<Uint8Array | undefined, MediaStoreError>
    /** Whether bytes are stored under a hash. */
    readonly has: (hash: Hash) => Effect.Effect<boolean, MediaStoreError>
  }
>() {}
