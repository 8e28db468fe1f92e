/**
 * The media store: the bytes of a tip's evidence (photos, videos, voice messages, documents) kept under their
 * SHA-256 hash. Content-addressed, so the same file sent twice is stored once, and every read is checked against
 * its hash: what comes out is provably what went in.
 *
 * Adapters implement the small {@link Encoded} interface; {@link makeEncoded} hashes and checks. Layers:
 * {@link layerMemory}, and {@link layerDirectory} on a folder of the server's disk (default `./data/media`). What
 * to keep and for how long is in the evidence guide (`docs/evidence.md`).
 *
 * @since 0.2.0
 * @module
 */
import { Effect, Layer } from "effect"
import { type Hash, MediaStore, type MediaStoreError } from "./internal/evidence/media.js"
import { makeDirectoryEncoded as directory } from "./internal/evidence/mediaDirectory.js"
import { makeMemoryEncoded as memory } from "./internal/evidence/mediaMemory.js"
import * as internal from "./internal/evidence/mediaStore.js"

export { Hash, MediaStore, MediaStoreError, type Stored } from "./internal/evidence/media.js"

/**
 * What a storage adapter implements: bytes under a hash it is given. `write` must be atomic (a reader sees all
 * the bytes or none) and may assume the hash is right; {@link makeEncoded} computes it.
 *
 * @since 0.2.0
 * @category models
 */
export interface Encoded {
  readonly write: (hash: Hash, bytes: Uint8Array) => Effect.Effect<void, MediaStoreError>
  /** The bytes under a hash, as stored, or `undefined`. */
  readonly read: (hash: Hash) => Effect.Effect<Uint8Array | undefined, MediaStoreError>
  readonly exists: (hash: Hash) => Effect.Effect<boolean, MediaStoreError>
}

/**
 * Builds the full media store from an adapter's {@link Encoded} implementation.
 *
 * @since 0.2.0
 * @category constructors
 */
export const makeEncoded: (encoded: Encoded) => MediaStore["Type"] = internal.makeEncoded

/**
 * An in-memory {@link Encoded} store.
 *
 * @since 0.2.0
 * @category constructors
 */
export const makeMemoryEncoded: () => Encoded = memory

/**
 * The media store in memory.
 *
 * @since 0.2.0
 * @category layers
 */
export const layerMemory: Layer.Layer<MediaStore> = Layer.sync(MediaStore, () => makeEncoded(memory()))

/**
 * Options of {@link layerDirectory}: the folder (default `./data/media`, from the process's working directory).
 *
 * @since 0.2.0
 * @category models
 */
export interface DirectoryOptions {
  readonly directory?: string
}

/**
 * The {@link Encoded} store on a folder, made (owner-only) when missing: each file at `ab/cd/abcd…` under it,
 * written to `tmp/` first, synced, then renamed into place, so that a crash never leaves a half file under a hash
 * (a stray file in `tmp/` may be left; it can be deleted).
 *
 * @since 0.2.0
 * @category constructors
 */
export const makeDirectoryEncoded: (options?: DirectoryOptions) => Effect.Effect<Encoded, MediaStoreError> = (
  options
) => directory(options?.directory ?? "./data/media")

/**
 * The media store on a folder of the server's disk (see {@link makeDirectoryEncoded}).
 *
 * @since 0.2.0
 * @category layers
 */
export const layerDirectory = (options?: DirectoryOptions): Layer.Layer<MediaStore, MediaStoreError> =>
  Layer.effect(MediaStore, Effect.map(makeDirectoryEncoded(options), makeEncoded))
