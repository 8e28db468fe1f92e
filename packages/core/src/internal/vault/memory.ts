/**
 * The in-memory store behind `IdentityVault.layerMemory`.
 *
 * @internal
 */
import { Effect, Option, Redacted } from "effect"
import type { AliasId, Store, StoredIdentity } from "./identityVault.js"

/**
 * The store and a view of its cells, which the tests read to check that `forget` leaves nothing behind.
 *
 * @internal
 */
export interface MemoryStore {
  readonly store: Store
  readonly cells: ReadonlyMap<AliasId, StoredIdentity>
}

const forgotten: StoredIdentity = { _tag: "Forgotten" }

/** @internal */
export const makeMemoryStore = (): MemoryStore => {
  const cells = new Map<AliasId, StoredIdentity>()
  const store: Store = {
    put: (alias, identity) =>
      Effect.sync(() => {
        cells.set(alias, { _tag: "Sealed", identity })
      }),
    get: (alias) => Effect.sync(() => Option.fromNullable(cells.get(alias))),
    replace: (alias, identity) =>
      Effect.sync(() => {
        const cell = cells.get(alias)
        if (cell?._tag !== "Sealed") return false
        Redacted.unsafeWipe(cell.identity)
        cells.set(alias, { _tag: "Sealed", identity })
        return true
      }),
    erase: (alias) =>
      Effect.sync(() => {
        const cell = cells.get(alias)
        // Wiping drops Redacted's only reference to the value, so nothing in the vault can reach it again;
        // the tombstone remains so that `reveal` can say the identity was erased rather than never known.
        if (cell?._tag === "Sealed") Redacted.unsafeWipe(cell.identity)
        cells.set(alias, forgotten)
      })
  }
  return { store, cells }
}
