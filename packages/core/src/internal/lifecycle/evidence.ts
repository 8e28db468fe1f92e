import type * as DateTime from "effect/DateTime"
import type { ErrorReason, Item } from "../evidence/item.js"
import type { TipEvent } from "./tipEvent.js"

/**
 * What every evidence file of a tip says: the link it came from, as the platform gave it; and, when intake attached
 * it, what the platform called it (`image`, `video`, …) and when.
 *
 * @since 0.2.0
 * @category models
 */
export interface EvidenceLink {
  readonly originalUrl: string
  readonly declaredAs?: string
  readonly attachedAt?: DateTime.Utc
}

/**
 * One evidence file of a tip: a media attachment being fetched (`pending`), kept (`stored`, with its item: hash,
 * size, media type read from its bytes), or given up (`not_retrieved`, with the reason and a message for the duty
 * officer). `recordedAt` is when the outcome was recorded on the tip.
 *
 * @since 0.2.0
 * @category models
 */
export type EvidenceFile =
  | (EvidenceLink & { readonly status: "pending" })
  | (EvidenceLink & { readonly status: "stored"; readonly item: Item; readonly recordedAt: DateTime.Utc })
  | (EvidenceLink & {
      readonly status: "not_retrieved"
      readonly reason: ErrorReason
      readonly message: string
      readonly recordedAt: DateTime.Utc
    })

const attachedPart = (file: EvidenceLink | undefined, originalUrl: string): EvidenceLink => ({
  originalUrl,
  ...(file?.declaredAs !== undefined ? { declaredAs: file.declaredAs } : {}),
  ...(file?.attachedAt !== undefined ? { attachedAt: file.attachedAt } : {})
})

/**
 * A tip's evidence files from its events, in the order they were attached, one per link: the attachments taken as
 * evidence, each with the outcome recorded for its link (the first one: the system records one outcome a link).
 *
 * @since 0.2.0
 * @category getters
 */
export const evidenceOf = (events: Iterable<TipEvent>): ReadonlyArray<EvidenceFile> => {
  const files = new Map<string, EvidenceFile>()
  for (const e of events) {
    if (e._tag === "AttachmentAdded" && e.evidence === true) {
      if (!files.has(e.ref)) {
        files.set(e.ref, { originalUrl: e.ref, declaredAs: e.mediaType, attachedAt: e.at, status: "pending" })
      }
    } else if (e._tag === "EvidenceStored" || e._tag === "EvidenceNotRetrieved") {
      const url = e._tag === "EvidenceStored" ? e.item.originalUrl : e.originalUrl
      const before = files.get(url)
      if (before !== undefined && before.status !== "pending") continue
      const attached = attachedPart(before, url)
      files.set(
        url,
        e._tag === "EvidenceStored"
          ? { ...attached, status: "stored", item: e.item, recordedAt: e.at }
          : { ...attached, status: "not_retrieved", reason: e.reason, message: e.message, recordedAt: e.at }
      )
    }
  }
  return [...files.values()]
}
