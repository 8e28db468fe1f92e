/**
 * The in-memory media store.
 *
 * @internal
 */
import { Effect } from "effect"
import type { Encoded } from "../../MediaStore.js"

/** @internal */
export const makeMemoryEncoded = (): Encoded => {
  const files = new Map<string, Uint8Array>()
  return {
    // Copies in and out: a caller that changes its array afterwards does not change what is stored.
    write: (hash, bytes) => Effect.sync(() => void files.set(hash, bytes.slice())),
    read: (hash) => Effect.sync(() => files.get(hash)?.slice()),
    exists: (hash) => Effect.sync(() => files.has(hash))
  }
}
