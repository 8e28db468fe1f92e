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

/**
 * Every command, as a Schema union: decode untrusted input with it and get a typed error for malformed commands.
 * `AttachEvidence` (a platform's link to fetch and keep) and `RecordEvidence` (what came of it) are given by the
 * system alone (the role `system`): an officer cannot say that a file was kept. So is `RecordReporterContact`, which
 * intake gives once it has added what the reporter shared to their sealed identity, and `RecordMessageRemoved`
 * (since 0.2.0), which intake gives when the platform says a message of the tip was taken down or shown again.
 * `MessageReporter`'s `public` (since 0.2.0) records a reply posted in a comment thread; `Intake.reply` gives it, and
 * allows it only on a tip that came from a comment.
 *
 * @since 0.1.0
 * @category models
 */
export const Command = Schema.Union(
  command("Acknowledge", {}),
  command("Assign", { unit: UnitId }),
  command("Accept", {}),
  command("RequestTransfer", { to: UnitId, reason: Reason }),
  command("Escalate", { reason: Reason }),
  command("AcceptTransfer", {}),
  command("RefuseTransfer", { reason: Reason }),
  command("Categorize", { category: CategoryId }),
  command("Reclassify", { to: LegalType, reason: Reason }),
  command("ExtendVerification", { reason: Reason }),
  command("GrantProcuracyExtension", { requestedOn: LocalDate, until: LocalDate, decision: Reason }),
  command("Suspend", { ground: SuspensionGround, reason: Reason }),
  command("NotifySuspension", {}),
  command("Restore", { reason: Reason }),
  command("Resolve", { outcome: Outcome }),
  command("Reject", {
    rejection: Schema.Union(
      Schema.TaggedStruct("FalseReport", { reason: Reason }),
      Schema.TaggedStruct("OutOfScope", { reason: Reason })
    )
  }),
  command("MergeInto", { target: TipId }),
  command("Reopen", { reason: Reason }),
  command("MarkUrgent", { reason: Reason }),
  command("Dispatch", { team: Word }),
  command("ArriveOnSite", {}),
  command("AddNote", { text: Reason }),
  command("AddAttachment", { ref: Word, mediaType: Word }),
  command("AppendFollowUp", { text: Schema.NonEmptyString.pipe(Schema.maxLength(20000), withoutNul()) }),
  command("MessageReporter", {
    text: Schema.NonEmptyString.pipe(Schema.maxLength(4000), withoutNul()),
    public: Schema.optional(Schema.Boolean)
  }),
  command("RevealIdentity", { reason: Reason }),
  command("RecordReporterContact", { fields: Schema.NonEmptyArray(ContactField) }),
  command("RecordMessageRemoved", { platformMessageId: Word, how: MessageRemoval }),
  command("AttachEvidence", { url: OriginalUrl.pipe(withoutNul()), mediaType: Word }),
  command("RecordEvidence", {
    result: Schema.Union(
      Schema.TaggedStruct("Stored", { item: Item }),
      Schema.TaggedStruct("NotRetrieved", {
        originalUrl: Schema.String.pipe(withoutNul()),
        reason: ErrorReason,
        message: Schema.String.pipe(withoutNul())
      })
    )
  })
).annotations({ identifier: "Command" })

/**
 * @since 0.1.0
 * @category models
 */
export type Command = typeof Command.Type

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
