/**
 * The events of a tip's life. The event log is the truth: a tip's state is their fold.
 * Every event says when (`at`, UTC) and who (`by`).
 *
 * @since 0.1.0
 */
export { NonProsecutionGround, SuspensionGround, Outcome, Rejection, TipReceived, Acknowledged, Assigned, Accepted, TransferRequested, TransferAccepted, TransferRefused, Categorized, Reclassified, VerificationExtended, ProcuracyExtended, Suspended, SuspensionNotified, Restored, Resolved, Rejected, DuplicateMerged, Reopened, MarkedUrgent, Dispatched, ArrivedOnSite, NoteAdded, AttachmentAdded, FollowUpAppended, ReporterMessaged, IdentityRevealed, TipEvent } from "./internal/lifecycle/tipEvent.js"
export type { Encoded } from "./internal/lifecycle/tipEvent.js"
