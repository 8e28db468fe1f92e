/**
 * The media store derived from an adapter's `Encoded` store: hashing on the way in, checking on the way out.
 *
 * @internal
 */
import { createHash } from "node:crypto"
import { Effect } from "effect"
import type { Encoded } from "../../MediaStore.js"
import { type Hash, type MediaStore, MediaStoreError } from "./media.js"

const hashPattern = /^[0-9a-f]{64}$/

/** The SHA-256 hash of bytes, as hex. @internal */
export const sha256 = (bytes: Uint8Array): Hash => createHash("sha256").update(bytes).digest("hex") as Hash

/** A hash's shape, checked before it names a file. @internal */
export const checkHash = (hash: string): Effect.Effect<Hash, MediaStoreError> =>
  hashPattern.test(hash)
    ? Effect.succeed(hash as Hash)
    : Effect.fail(
        new MediaStoreError({ reason: "invalid", message: "A media hash is 64 lower-case hex digits (SHA-256)." })
      )

/** @internal */
export const makeEncoded = (store: Encoded): MediaStore["Type"] => ({
  put: (bytes) =>
    Effect.gen(function* () {
      const hash = sha256(bytes)
      // Bytes already stored are not written again: a content-addressed store holds each file once.
      if (!(yield* store.exists(hash))) yield* store.write(hash, bytes)
      return { hash, size: bytes.length }
    }),
  get: (hash) =>
    Effect.gen(function* () {
      const checked = yield* checkHash(hash)
      const bytes = yield* store.read(checked)
      if (bytes === undefined) return undefined
      const found = sha256(bytes)
      if (found !== checked) {
        return yield* new MediaStoreError({
          reason: "corrupt",
          message: `The file stored under ${checked} has other bytes (their hash is ${found}): it was changed or damaged.`
        })
      }
      return bytes
    }),
  has: (hash) => Effect.flatMap(checkHash(hash), store.exists)
})
