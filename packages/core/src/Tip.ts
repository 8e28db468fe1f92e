/**
 * A tip (tin báo) and its current state. The state is never stored as a free field: it is the fold
 * of the tip's events ({@link TipEvent}), pure and deterministic, so every view can be rebuilt from the log.
 *
 * @since 0.1.0
 * @module
 */

export type { EvidenceFile, EvidenceLink } from "./internal/lifecycle/evidence.js"
export { evidenceOf } from "./internal/lifecycle/evidence.js"
export type { Custody, Dispatch, EvidenceCounts, PendingTransfer, Tip } from "./internal/lifecycle/tip.js"
export {
  ChannelKind,
  evolve,
  fold,
  isOpen,
  isOpenStatus,
  makeId,
  ReporterKind,
  Status,
  statusLabels,
  TipId
} from "./internal/lifecycle/tip.js"
