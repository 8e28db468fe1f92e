import { Schema } from "effect"
import { LocalDate } from "../calendar/localDate.js"
import { ErrorReason, Item, OriginalUrl } from "../evidence/item.js"
import { withoutNul } from "../shared/text.js"
import { UnitId } from "../units/unit.js"
import { CategoryId, LegalType } from "./category.js"
import { TipId } from "./tip.js"
import { ContactField, MessageRemoval, Outcome, SuspensionGround } from "./tipEvent.js"

// A command's texts end in the tip's events: none holds a NUL.
const Reason = Schema.NonEmptyTrimmedString.pipe(Schema.maxLength(2000), withoutNul())
const Word = Schema.NonEmptyTrimmedString.pipe(withoutNul())
const command = Schema.TaggedStruct
// A nested member's tag is declared here, not by `Schema.TaggedStruct`, so that the API reference (which leaves out
// what effect declares) shows it; the interfaces of the commands restate theirs for the same reason.

/**
 * The schema of the `Acknowledge` command.
 *
 * @since 0.1.0
 * @category commands
 */
export const Acknowledge = command("Acknowledge", {})

/**
 * Notifies the reporter that the tip was received (thông báo tiếp nhận): the acknowledgement deadline is met.
 *
 * @since 0.1.0
 * @category commands
 */
export interface Acknowledge extends Schema.Schema.Type<typeof Acknowledge> {
  readonly _tag: "Acknowledge"
}

/**
 * The schema of the `Assign` command.
 *
 * @since 0.1.0
 * @category commands
 */
export const Assign = command("Assign", { unit: UnitId })

/**
 * Gives the tip to another unit that holds today (phân công).
 *
 * @since 0.1.0
 * @category commands
 */
export interface Assign extends Schema.Schema.Type<typeof Assign> {
  readonly _tag: "Assign"
}

/**
 * The schema of the `Accept` command.
 *
 * @since 0.1.0
 * @category commands
 */
export const Accept = command("Accept", {})

/**
 * The holding unit accepts the tip for verification (thụ lý).
 *
 * @since 0.1.0
 * @category commands
 */
export interface Accept extends Schema.Schema.Type<typeof Accept> {
  readonly _tag: "Accept"
}

/**
 * The schema of the `RequestTransfer` command.
 *
 * @since 0.1.0
 * @category commands
 */
export const RequestTransfer = command("RequestTransfer", { to: UnitId, reason: Reason })

/**
 * Asks another unit to take the tip over (chuyển tin báo); the tip waits for that unit's answer.
 *
 * @since 0.1.0
 * @category commands
 */
export interface RequestTransfer extends Schema.Schema.Type<typeof RequestTransfer> {
  readonly _tag: "RequestTransfer"
}

/**
 * The schema of the `Escalate` command.
 *
 * @since 0.1.0
 * @category commands
 */
export const Escalate = command("Escalate", { reason: Reason })

/**
 * Asks the holding unit's parent unit to take the tip over (chuyển lên cấp trên).
 *
 * @since 0.1.0
 * @category commands
 */
export interface Escalate extends Schema.Schema.Type<typeof Escalate> {
  readonly _tag: "Escalate"
}

/**
 * The schema of the `AcceptTransfer` command.
 *
 * @since 0.1.0
 * @category commands
 */
export const AcceptTransfer = command("AcceptTransfer", {})

/**
 * The unit asked to take the tip over accepts it (tiếp nhận tin báo được chuyển đến).
 *
 * @since 0.1.0
 * @category commands
 */
export interface AcceptTransfer extends Schema.Schema.Type<typeof AcceptTransfer> {
  readonly _tag: "AcceptTransfer"
}

/**
 * The schema of the `RefuseTransfer` command.
 *
 * @since 0.1.0
 * @category commands
 */
export const RefuseTransfer = command("RefuseTransfer", { reason: Reason })

/**
 * The unit asked to take the tip over refuses, saying why.
 *
 * @since 0.1.0
 * @category commands
 */
export interface RefuseTransfer extends Schema.Schema.Type<typeof RefuseTransfer> {
  readonly _tag: "RefuseTransfer"
}

/**
 * The schema of the `Categorize` command.
 *
 * @since 0.1.0
 * @category commands
 */
export const Categorize = command("Categorize", { category: CategoryId })

/**
 * Puts the tip in a category (phân loại).
 *
 * @since 0.1.0
 * @category commands
 */
export interface Categorize extends Schema.Schema.Type<typeof Categorize> {
  readonly _tag: "Categorize"
}

/**
 * The schema of the `Reclassify` command.
 *
 * @since 0.1.0
 * @category commands
 */
export const Reclassify = command("Reclassify", { to: LegalType, reason: Reason })

/**
 * Changes the tip's legal type (e.g. feedback found to report a crime), which may change its track and deadlines.
 *
 * @since 0.1.0
 * @category commands
 */
export interface Reclassify extends Schema.Schema.Type<typeof Reclassify> {
  readonly _tag: "Reclassify"
}

/**
 * The schema of the `ExtendVerification` command.
 *
 * @since 0.1.0
 * @category commands
 */
export const ExtendVerification = command("ExtendVerification", { reason: Reason })

/**
 * Extends the verification of a complex case (BLTTHS Art. 147(2)), or the resolution of a denunciation.
 *
 * @since 0.1.0
 * @category commands
 */
export interface ExtendVerification extends Schema.Schema.Type<typeof ExtendVerification> {
  readonly _tag: "ExtendVerification"
}

/**
 * The schema of the `GrantProcuracyExtension` command.
 *
 * @since 0.1.0
 * @category commands
 */
export const GrantProcuracyExtension = command("GrantProcuracyExtension", {
  requestedOn: LocalDate,
  until: LocalDate,
  decision: Reason
})

/**
 * Records the procuracy's extension of the verification (gia hạn của Viện kiểm sát), asked for on `requestedOn`, until `until`.
 *
 * @since 0.1.0
 * @category commands
 */
export interface GrantProcuracyExtension extends Schema.Schema.Type<typeof GrantProcuracyExtension> {
  readonly _tag: "GrantProcuracyExtension"
}

/**
 * The schema of the `Suspend` command.
 *
 * @since 0.1.0
 * @category commands
 */
export const Suspend = command("Suspend", { ground: SuspensionGround, reason: Reason })

/**
 * Suspends the verification (tạm đình chỉ) on a ground of BLTTHS Art. 148, once its period has expired.
 *
 * @since 0.1.0
 * @category commands
 */
export interface Suspend extends Schema.Schema.Type<typeof Suspend> {
  readonly _tag: "Suspend"
}

/**
 * The schema of the `NotifySuspension` command.
 *
 * @since 0.1.0
 * @category commands
 */
export const NotifySuspension = command("NotifySuspension", {})

/**
 * Records that the procuracy and the reporter were sent the suspension decision (Art. 148: within 24 hours).
 *
 * @since 0.1.0
 * @category commands
 */
export interface NotifySuspension extends Schema.Schema.Type<typeof NotifySuspension> {
  readonly _tag: "NotifySuspension"
}

/**
 * The schema of the `Restore` command.
 *
 * @since 0.1.0
 * @category commands
 */
export const Restore = command("Restore", { reason: Reason })

/**
 * Resumes a suspended verification (phục hồi) because its ground ended (Art. 149).
 *
 * @since 0.1.0
 * @category commands
 */
export interface Restore extends Schema.Schema.Type<typeof Restore> {
  readonly _tag: "Restore"
}

/**
 * The schema of the `Resolve` command.
 *
 * @since 0.1.0
 * @category commands
 */
export const Resolve = command("Resolve", { outcome: Outcome })

/**
 * Decides the tip (giải quyết) with an outcome its track allows.
 *
 * @since 0.1.0
 * @category commands
 */
export interface Resolve extends Schema.Schema.Type<typeof Resolve> {
  readonly _tag: "Resolve"
}

/**
 * The schema of the `Reject` command.
 *
 * @since 0.1.0
 * @category commands
 */
export const Reject = command("Reject", {
  rejection: Schema.Union(
    Schema.Struct({
      _tag: Schema.Literal("FalseReport"),
      reason: Reason
    }),
    Schema.Struct({
      _tag: Schema.Literal("OutOfScope"),
      reason: Reason
    })
  )
})

/**
 * Closes the tip as a false report or as outside the police's scope, saying why.
 *
 * @since 0.1.0
 * @category commands
 */
export interface Reject extends Schema.Schema.Type<typeof Reject> {
  readonly _tag: "Reject"
}

/**
 * The schema of the `MergeInto` command.
 *
 * @since 0.1.0
 * @category commands
 */
export const MergeInto = command("MergeInto", { target: TipId })

/**
 * Joins the tip to another tip about the same matter.
 *
 * @since 0.1.0
 * @category commands
 */
export interface MergeInto extends Schema.Schema.Type<typeof MergeInto> {
  readonly _tag: "MergeInto"
}

/**
 * The schema of the `Reopen` command.
 *
 * @since 0.1.0
 * @category commands
 */
export const Reopen = command("Reopen", { reason: Reason })

/**
 * Reopens a decided tip on new facts: a one-month deadline starts (Art. 149).
 *
 * @since 0.1.0
 * @category commands
 */
export interface Reopen extends Schema.Schema.Type<typeof Reopen> {
  readonly _tag: "Reopen"
}

/**
 * The schema of the `MarkUrgent` command.
 *
 * @since 0.1.0
 * @category commands
 */
export const MarkUrgent = command("MarkUrgent", { reason: Reason })

/**
 * Marks the tip urgent (khẩn cấp), e.g. a crime in progress.
 *
 * @since 0.1.0
 * @category commands
 */
export interface MarkUrgent extends Schema.Schema.Type<typeof MarkUrgent> {
  readonly _tag: "MarkUrgent"
}

/**
 * The schema of the `Dispatch` command.
 *
 * @since 0.1.0
 * @category commands
 */
export const Dispatch = command("Dispatch", { team: Word })

/**
 * Sends a team to the scene.
 *
 * @since 0.1.0
 * @category commands
 */
export interface Dispatch extends Schema.Schema.Type<typeof Dispatch> {
  readonly _tag: "Dispatch"
}

/**
 * The schema of the `ArriveOnSite` command.
 *
 * @since 0.1.0
 * @category commands
 */
export const ArriveOnSite = command("ArriveOnSite", {})

/**
 * Records that the dispatched team reached the scene.
 *
 * @since 0.1.0
 * @category commands
 */
export interface ArriveOnSite extends Schema.Schema.Type<typeof ArriveOnSite> {
  readonly _tag: "ArriveOnSite"
}

/**
 * The schema of the `AddNote` command.
 *
 * @since 0.1.0
 * @category commands
 */
export const AddNote = command("AddNote", { text: Reason })

/**
 * Adds a note for the staff.
 *
 * @since 0.1.0
 * @category commands
 */
export interface AddNote extends Schema.Schema.Type<typeof AddNote> {
  readonly _tag: "AddNote"
}

/**
 * The schema of the `AddAttachment` command.
 *
 * @since 0.1.0
 * @category commands
 */
export const AddAttachment = command("AddAttachment", { ref: Word, mediaType: Word })

/**
 * Adds a file the staff hold to the tip: a reference to it and its media type.
 *
 * @since 0.1.0
 * @category commands
 */
export interface AddAttachment extends Schema.Schema.Type<typeof AddAttachment> {
  readonly _tag: "AddAttachment"
}

/**
 * The schema of the `AppendFollowUp` command.
 *
 * @since 0.1.0
 * @category commands
 */
export const AppendFollowUp = command("AppendFollowUp", {
  text: Schema.NonEmptyString.pipe(Schema.maxLength(20000), withoutNul())
})

/**
 * Adds what the reporter said later about the same matter.
 *
 * @since 0.1.0
 * @category commands
 */
export interface AppendFollowUp extends Schema.Schema.Type<typeof AppendFollowUp> {
  readonly _tag: "AppendFollowUp"
}

/**
 * The schema of the `MessageReporter` command.
 *
 * @since 0.1.0
 * @category commands
 */
export const MessageReporter = command("MessageReporter", {
  text: Schema.NonEmptyString.pipe(Schema.maxLength(4000), withoutNul()),
  public: Schema.optional(Schema.Boolean)
})

/**
 * Sends the reporter a message on the tip's channel. `public` (since 0.2.0) records a reply posted in a comment thread;
 * `Intake.reply` gives it, and allows it only on a tip that came from a comment.
 *
 * @since 0.1.0
 * @category commands
 */
export interface MessageReporter extends Schema.Schema.Type<typeof MessageReporter> {
  readonly _tag: "MessageReporter"
}

/**
 * The schema of the `RevealIdentity` command.
 *
 * @since 0.1.0
 * @category commands
 */
export const RevealIdentity = command("RevealIdentity", { reason: Reason })

/**
 * Opens the reporter's sealed identity, saying why.
 *
 * @since 0.1.0
 * @category commands
 */
export interface RevealIdentity extends Schema.Schema.Type<typeof RevealIdentity> {
  readonly _tag: "RevealIdentity"
}

/**
 * The schema of the `RecordReporterContact` command.
 *
 * @since 0.1.0
 * @category commands
 */
export const RecordReporterContact = command("RecordReporterContact", { fields: Schema.NonEmptyArray(ContactField) })

/**
 * Given by intake alone (the role `system`) once it has added what the reporter shared to their sealed identity:
 * which contact fields they shared.
 *
 * @since 0.1.0
 * @category commands
 */
export interface RecordReporterContact extends Schema.Schema.Type<typeof RecordReporterContact> {
  readonly _tag: "RecordReporterContact"
}

/**
 * The schema of the `RecordMessageRemoved` command.
 *
 * @since 0.1.0
 * @category commands
 */
export const RecordMessageRemoved = command("RecordMessageRemoved", { platformMessageId: Word, how: MessageRemoval })

/**
 * Given by intake alone (the role `system`, since 0.2.0) when the platform says a message of the tip was taken
 * down or shown again.
 *
 * @since 0.1.0
 * @category commands
 */
export interface RecordMessageRemoved extends Schema.Schema.Type<typeof RecordMessageRemoved> {
  readonly _tag: "RecordMessageRemoved"
}

/**
 * The schema of the `AttachEvidence` command.
 *
 * @since 0.1.0
 * @category commands
 */
export const AttachEvidence = command("AttachEvidence", { url: OriginalUrl.pipe(withoutNul()), mediaType: Word })

/**
 * Given by the system alone: a platform's link to a file of the tip, to fetch and keep.
 *
 * @since 0.1.0
 * @category commands
 */
export interface AttachEvidence extends Schema.Schema.Type<typeof AttachEvidence> {
  readonly _tag: "AttachEvidence"
}

/**
 * The schema of the `RecordEvidence` command.
 *
 * @since 0.1.0
 * @category commands
 */
export const RecordEvidence = command("RecordEvidence", {
  result: Schema.Union(
    Schema.Struct({
      _tag: Schema.Literal("Stored"),
      item: Item
    }),
    Schema.Struct({
      _tag: Schema.Literal("NotRetrieved"),
      originalUrl: Schema.String.pipe(withoutNul()),
      reason: ErrorReason,
      message: Schema.String.pipe(withoutNul())
    })
  )
})

/**
 * Given by the system alone: what came of an `AttachEvidence` link, the kept item or why it was not retrieved. An
 * officer cannot say that a file was kept.
 *
 * @since 0.1.0
 * @category commands
 */
export interface RecordEvidence extends Schema.Schema.Type<typeof RecordEvidence> {
  readonly _tag: "RecordEvidence"
}

/**
 * Every command, as a Schema union: decode untrusted input with it and get a typed error for malformed commands.
 * Each kind of command is documented under its own name.
 *
 * @since 0.1.0
 * @category models
 */
export const Command = Schema.Union(
  Acknowledge,
  Assign,
  Accept,
  RequestTransfer,
  Escalate,
  AcceptTransfer,
  RefuseTransfer,
  Categorize,
  Reclassify,
  ExtendVerification,
  GrantProcuracyExtension,
  Suspend,
  NotifySuspension,
  Restore,
  Resolve,
  Reject,
  MergeInto,
  Reopen,
  MarkUrgent,
  Dispatch,
  ArriveOnSite,
  AddNote,
  AddAttachment,
  AppendFollowUp,
  MessageReporter,
  RevealIdentity,
  RecordReporterContact,
  RecordMessageRemoved,
  AttachEvidence,
  RecordEvidence
).annotations({ identifier: "Command" })

/**
 * Any command; its `_tag` says which.
 *
 * @since 0.1.0
 * @category models
 */
export type Command =
  | Acknowledge
  | Assign
  | Accept
  | RequestTransfer
  | Escalate
  | AcceptTransfer
  | RefuseTransfer
  | Categorize
  | Reclassify
  | ExtendVerification
  | GrantProcuracyExtension
  | Suspend
  | NotifySuspension
  | Restore
  | Resolve
  | Reject
  | MergeInto
  | Reopen
  | MarkUrgent
  | Dispatch
  | ArriveOnSite
  | AddNote
  | AddAttachment
  | AppendFollowUp
  | MessageReporter
  | RevealIdentity
  | RecordReporterContact
  | RecordMessageRemoved
  | AttachEvidence
  | RecordEvidence

/**
 * The name of a command.
 *
 * @since 0.1.0
 * @category models
 */
export type Name = Command["_tag"]

/**
 * A command addressed to a tip at the version the actor last saw (optimistic concurrency: a stale
 * version fails with a conflict and changes nothing).
 *
 * @since 0.1.0
 * @category models
 */
export const Envelope = Schema.Struct({
  tip: TipId,
  expectedVersion: Schema.Int.pipe(Schema.positive()),
  command: Command
}).annotations({ identifier: "CommandEnvelope" })

/**
 * @since 0.1.0
 * @category models
 */
export type Envelope = typeof Envelope.Type

// The union written out above, for the API reference, is the schema's: the schema's type is invariant, so adding a
// command to one and not the other fails here.
Command satisfies Schema.Schema<Command, Schema.Schema.Encoded<typeof Command>>
