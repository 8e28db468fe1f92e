/**
 * Commands: what staff ask to do to a tip. Each is checked against the lifecycle's graph, its guard and the
 * actor's roles and scope before it becomes events ({@link Lifecycle}).
 *
 * @since 0.1.0
 * @module
 */

export type { Name } from "./internal/lifecycle/command.js"
export {
  Accept,
  AcceptTransfer,
  Acknowledge,
  AddAttachment,
  AddNote,
  AppendFollowUp,
  ArriveOnSite,
  Assign,
  AttachEvidence,
  Categorize,
  Command,
  Dispatch,
  Envelope,
  Escalate,
  ExtendVerification,
  GrantProcuracyExtension,
  MarkUrgent,
  MergeInto,
  MessageReporter,
  NotifySuspension,
  Reclassify,
  RecordEvidence,
  RecordMessageRemoved,
  RecordReporterContact,
  RefuseTransfer,
  Reject,
  Reopen,
  RequestTransfer,
  Resolve,
  Restore,
  RevealIdentity,
  Suspend
} from "./internal/lifecycle/command.js"
