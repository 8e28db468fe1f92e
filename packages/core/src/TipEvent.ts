/**
 * The events of a tip's life. The event log is the truth: a tip's state is their fold.
 * Every event says when (`at`, UTC) and who (`by`).
 *
 * @since 0.1.0
 * @module
 */

export type { Encoded } from "./internal/lifecycle/tipEvent.js"
export {
  Accepted,
  Acknowledged,
  ArrivedOnSite,
  Assigned,
  AttachmentAdded,
  Categorized,
  ContactField,
  Dispatched,
  DuplicateMerged,
  EvidenceNotRetrieved,
  EvidenceStored,
  FollowUpAppended,
  IdentityRevealed,
  MarkedUrgent,
  MessageRemoval,
  NonProsecutionGround,
  NoteAdded,
  Outcome,
  ProcuracyExtended,
  Reclassified,
  Rejected,
  Rejection,
  Reopened,
  ReporterContactShared,
  ReporterMessaged,
  ReporterMessageRemoved,
  Resolved,
  Restored,
  Suspended,
  SuspensionGround,
  SuspensionNotified,
  TipEvent,
  TipReceived,
  TransferAccepted,
  TransferRefused,
  TransferRequested,
  VerificationExtended
} from "./internal/lifecycle/tipEvent.js"
