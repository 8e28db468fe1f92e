import { Effect } from "effect"
import type { TipsError } from "../../Tips.js"
import type { Actor } from "../access/actor.js"
import type { Item } from "../evidence/item.js"
import { type Hash, MediaStore, type MediaStoreError } from "../evidence/media.js"
import type { TipId } from "../lifecycle/tip.js"
import { Tips } from "./tips.js"

/** @internal */
export const readEvidence = (
  actor: Actor,
  tip: TipId,
  hash: Hash
): Effect.Effect<
  { readonly item: Item; readonly bytes: Uint8Array } | undefined,
  TipsError | MediaStoreError,
  Tips | MediaStore
> =>
  Effect.gen(function* () {
    const files = yield* (yield* Tips).evidence(actor, tip)
    // Only a hash the tip's own events name: the file is served as its tip is, never by its hash alone.
    const file = files.find((f) => f.status === "stored" && f.item.hash === hash)
    if (file?.status !== "stored") return undefined
    const bytes = yield* (yield* MediaStore).get(file.item.hash)
    return bytes === undefined ? undefined : { item: file.item, bytes }
  })
