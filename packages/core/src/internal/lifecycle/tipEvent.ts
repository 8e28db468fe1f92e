import { Schema } from "effect"
import { ActorId } from "../access/actor.js"
import { LocalDate } from "../calendar/localDate.js"
import { ErrorReason, Item } from "../evidence/item.js"
import { UnitId } from "../units/unit.js"
import { AliasId } from "../vault/identityVault.js"
import { CategoryId, LegalType } from "./category.js"
import { ChannelKind, ReporterKind, TipId } from "./tip.js"

const common = { tip: TipId, at: Schema.DateTimeUtc, by: ActorId }
const Reason = Schema.NonEmptyTrimmedString.pipe(Schema.maxLength(2000))

/**
 * Grounds for not prosecuting (không khởi tố), BLTTHS Art. 157.
 *
 * @since 0.1.0
 * @category models
 */
export const NonProsecutionGround = Schema.Literal(
  "no_crime",
  "not_a_crime",
  "under_age",
  "already_judged",
  "limitation_expired",
  "amnesty",
  "offender_deceased",
  "no_victim_request"
)

/**
 * @since 0.1.0
 * @category models
 */
export type NonProsecutionGround = typeof NonProsecutionGround.Type

/**
 * Grounds for suspending verification (tạm đình chỉ), BLTTHS Art. 148: (a) expert examination, valuation or
 * foreign legal assistance pending; (b) decisive documents or objects requested and not received; (c) force majeure.
 *
 * @since 0.1.0
 * @category models
 */
export const SuspensionGround = Schema.Literal("a", "b", "c")

/**
 * @since 0.1.0
 * @category models
 */
export type SuspensionGround = typeof SuspensionGround.Type

/**
 * The outcome of a resolved tip. Criminal track: `Prosecuted` (khởi tố), `NotProsecuted` (không khởi tố).
 * Feedback track: `Handled` (đã xử lý), `NotConfirmed` (không xác minh được), `Referred` (chuyển cơ quan khác).
 * Denunciation track: `Founded`, `PartlyFounded`, `Unfounded` (tố cáo đúng, đúng một phần, sai), or `Referred`.
 *
 * @since 0.1.0
 * @category models
 */
export const Outcome = Schema.Union(
  Schema.TaggedStruct("Prosecuted", {}),
  Schema.TaggedStruct("NotProsecuted", { ground: NonProsecutionGround }),
  Schema.TaggedStruct("Handled", { summary: Reason }),
  Schema.TaggedStruct("NotConfirmed", {}),
  Schema.TaggedStruct("Referred", { agency: Reason }),
  Schema.TaggedStruct("Founded", {}),
  Schema.TaggedStruct("PartlyFounded", {}),
  Schema.TaggedStruct("Unfounded", {})
)

/**
 * @since 0.1.0
 * @category models
 */
export type Outcome = typeof Outcome.Type

/**
 * Why a tip was not taken up: a duplicate of another tip, a false report or spam, or out of scope.
 *
 * @since 0.1.0
 * @category models
 */
export const Rejection = Schema.Union(
  Schema.TaggedStruct("Duplicate", { of: TipId }),
  Schema.TaggedStruct("FalseReport", { reason: Reason }),
  Schema.TaggedStruct("OutOfScope", { reason: Reason })
)

/**
 * @since 0.1.0
 * @category models
 */
export type Rejection = typeof Rejection.Type

/**
 * The tip was received and entered in the receiving unit's register (sổ tiếp nhận). `at` is when it was received,
 * which sets its register year and starts every deadline; `by` is who entered it. `enteredAt` is there when the tip
 * was entered after it was received (a call or a visit written up later): when it was entered. Events stored before
 * 0.4.0 have none: they were entered as they were received.
 *
 * @since 0.1.0
 * @category events
 */
export class TipReceived extends Schema.TaggedClass<TipReceived>()("TipReceived", {
  ...common,
  /** @since 0.4.0 */
  enteredAt: Schema.optional(Schema.DateTimeUtc),
  unit: UnitId,
  code: Schema.NonEmptyTrimmedString,
  registerNumber: Schema.Int.pipe(Schema.positive()),
  registerYear: Schema.Int,
  channel: ChannelKind,
  channelId: Schema.optional(Schema.String),
  reporterKind: ReporterKind,
  alias: AliasId,
  legalType: LegalType,
  category: CategoryId,
  summary: Schema.String.pipe(Schema.maxLength(20000)),
  routedBy: Schema.optional(Schema.String)
}) {}

/**
 * The notice of receipt was sent to the reporter (TTLT 01/2017 Art. 14: within 3 working days).
 *
 * @since 0.1.0
 * @category events
 */
export class Acknowledged extends Schema.TaggedClass<Acknowledged>()("Acknowledged", { ...common }) {}

/**
 * The tip was assigned to a unit, which must accept it.
 *
 * @since 0.1.0
 * @category events
 */
export class Assigned extends Schema.TaggedClass<Assigned>()("Assigned", { ...common, unit: UnitId }) {}

/**
 * The unit that holds the tip accepted it and began verifying.
 *
 * @since 0.1.0
 * @category events
 */
export class Accepted extends Schema.TaggedClass<Accepted>()("Accepted", { ...common }) {}

/**
 * A transfer to another unit was requested; `escalation` marks a transfer to the parent unit.
 *
 * @since 0.1.0
 * @category events
 */
export class TransferRequested extends Schema.TaggedClass<TransferRequested>()("TransferRequested", {
  ...common,
  to: UnitId,
  reason: Reason,
  escalation: Schema.Boolean
}) {}

/**
 * The receiving unit accepted the transfer; it now holds the tip and verifies it.
 *
 * @since 0.1.0
 * @category events
 */
export class TransferAccepted extends Schema.TaggedClass<TransferAccepted>()("TransferAccepted", { ...common }) {}

/**
 * The receiving unit refused the transfer; the tip stays where it was.
 *
 * @since 0.1.0
 * @category events
 */
export class TransferRefused extends Schema.TaggedClass<TransferRefused>()("TransferRefused", {
  ...common,
  reason: Reason
}) {}

/**
 * The tip's category was set or changed.
 *
 * @since 0.1.0
 * @category events
 */
export class Categorized extends Schema.TaggedClass<Categorized>()("Categorized", {
  ...common,
  category: CategoryId
}) {}

/**
 * The legal type was changed, which changes the deadline regime.
 *
 * @since 0.1.0
 * @category events
 */
export class Reclassified extends Schema.TaggedClass<Reclassified>()("Reclassified", {
  ...common,
  from: LegalType,
  to: LegalType,
  reason: Reason
}) {}

/**
 * The case was declared complex: verification runs to 2 months (criminal track), or 30 more days (denunciation track).
 *
 * @since 0.1.0
 * @category events
 */
export class VerificationExtended extends Schema.TaggedClass<VerificationExtended>()("VerificationExtended", {
  ...common,
  reason: Reason
}) {}

/**
 * The procuracy (VKS) extended verification, once, to the end of `until` (at most 2 months more, 4 months in all).
 *
 * @since 0.1.0
 * @category events
 */
export class ProcuracyExtended extends Schema.TaggedClass<ProcuracyExtended>()("ProcuracyExtended", {
  ...common,
  until: LocalDate,
  decision: Reason
}) {}

/**
 * Verification was suspended (tạm đình chỉ) on a ground of Art. 148, after the verification period expired.
 *
 * @since 0.1.0
 * @category events
 */
export class Suspended extends Schema.TaggedClass<Suspended>()("Suspended", {
  ...common,
  ground: SuspensionGround,
  reason: Reason
}) {}

/**
 * The suspension decision was sent to the procuracy and the reporter (within 24 hours).
 *
 * @since 0.1.0
 * @category events
 */
export class SuspensionNotified extends Schema.TaggedClass<SuspensionNotified>()("SuspensionNotified", { ...common }) {}

/**
 * Verification was restored (phục hồi) and continues for at most 1 month.
 *
 * @since 0.1.0
 * @category events
 */
export class Restored extends Schema.TaggedClass<Restored>()("Restored", { ...common, reason: Reason }) {}

/**
 * The tip was resolved with an outcome of its track.
 *
 * @since 0.1.0
 * @category events
 */
export class Resolved extends Schema.TaggedClass<Resolved>()("Resolved", { ...common, outcome: Outcome }) {}

/**
 * The tip was not taken up: a duplicate (merged into another tip), a false report, or out of scope.
 *
 * @since 0.1.0
 * @category events
 */
export class Rejected extends Schema.TaggedClass<Rejected>()("Rejected", { ...common, rejection: Rejection }) {}

/**
 * Another tip was merged into this one as its duplicate (the other link of `Rejected` with `Duplicate`).
 *
 * @since 0.1.0
 * @category events
 */
export class DuplicateMerged extends Schema.TaggedClass<DuplicateMerged>()("DuplicateMerged", {
  ...common,
  duplicate: TipId
}) {}

/**
 * A closed tip was reopened; verification continues.
 *
 * @since 0.1.0
 * @category events
 */
export class Reopened extends Schema.TaggedClass<Reopened>()("Reopened", { ...common, reason: Reason }) {}

/**
 * The tip was marked urgent.
 *
 * @since 0.1.0
 * @category events
 */
export class MarkedUrgent extends Schema.TaggedClass<MarkedUrgent>()("MarkedUrgent", { ...common, reason: Reason }) {}

/**
 * A team was sent on site.
 *
 * @since 0.1.0
 * @category events
 */
export class Dispatched extends Schema.TaggedClass<Dispatched>()("Dispatched", {
  ...common,
  team: Schema.NonEmptyTrimmedString
}) {}

/**
 * The last dispatched team arrived on site.
 *
 * @since 0.1.0
 * @category events
 */
export class ArrivedOnSite extends Schema.TaggedClass<ArrivedOnSite>()("ArrivedOnSite", { ...common }) {}

/**
 * An officer added a note.
 *
 * @since 0.1.0
 * @category events
 */
export class NoteAdded extends Schema.TaggedClass<NoteAdded>()("NoteAdded", { ...common, text: Reason }) {}

/**
 * A file was attached (a photo, a video, a document), by reference to where it is stored. With `evidence`, the
 * reference is the platform's link and tinbao fetches the file to keep it: an {@link EvidenceStored} or
 * {@link EvidenceNotRetrieved} with the same link follows (`mediaType` is then what the platform called it, e.g.
 * `image`).
 *
 * @since 0.1.0
 * @category events
 */
export class AttachmentAdded extends Schema.TaggedClass<AttachmentAdded>()("AttachmentAdded", {
  ...common,
  ref: Schema.NonEmptyTrimmedString,
  mediaType: Schema.NonEmptyTrimmedString,
  evidence: Schema.optional(Schema.Literal(true))
}) {}

/**
 * The file of an attachment was fetched, checked and kept: its item names it by hash (in the `MediaStore`), with
 * its size, the media type read from its bytes, the link it came from and when it was kept. Recorded by the
 * system, whatever the tip's status: a photo kept after the tip was closed is still its evidence.
 *
 * @since 0.2.0
 * @category events
 */
export class EvidenceStored extends Schema.TaggedClass<EvidenceStored>()("EvidenceStored", {
  ...common,
  item: Item
}) {}

/**
 * The file of an attachment could not be kept, for good: the link expired, the file was refused (too large, not
 * a media type), or the attempts ran out. `message` says which, in words a duty officer reads, never with the
 * link's query string. The tip itself is whole; only this file is missing.
 *
 * @since 0.2.0
 * @category events
 */
export class EvidenceNotRetrieved extends Schema.TaggedClass<EvidenceNotRetrieved>()("EvidenceNotRetrieved", {
  ...common,
  originalUrl: Schema.String,
  reason: ErrorReason,
  message: Schema.String
}) {}

/**
 * The reporter sent a follow-up message on this tip.
 *
 * @since 0.1.0
 * @category events
 */
export class FollowUpAppended extends Schema.TaggedClass<FollowUpAppended>()("FollowUpAppended", {
  ...common,
  text: Schema.String.pipe(Schema.maxLength(20000))
}) {}

/**
 * An officer wrote to the reporter through the tip's channel; the message goes out through the outbox
 * under `key`, to the real reporter, and the officer never learns who that is. `public` (since 0.2.0) is `true`
 * when the officer answered a comment in its thread, for everyone to see; absent, the reply went to the reporter
 * alone (as every reply recorded before 0.2.0 did).
 *
 * @since 0.1.0
 * @category events
 */
export class ReporterMessaged extends Schema.TaggedClass<ReporterMessaged>()("ReporterMessaged", {
  ...common,
  text: Schema.NonEmptyString.pipe(Schema.maxLength(4000)),
  key: Schema.NonEmptyTrimmedString,
  public: Schema.optional(Schema.Literal(true))
}) {}

/**
 * An identity custodian revealed the reporter's identity, for the reason given. The identity itself is never in the log.
 *
 * @since 0.1.0
 * @category events
 */
export class IdentityRevealed extends Schema.TaggedClass<IdentityRevealed>()("IdentityRevealed", {
  ...common,
  reason: Reason
}) {}

/**
 * Which contact details a reporter shared (Zalo's `user_submit_info`).
 *
 * @since 0.2.0
 * @category models
 */
export const ContactField = Schema.Literal("phone", "address")

/**
 * @since 0.2.0
 * @category models
 */
export type ContactField = typeof ContactField.Type

/**
 * The reporter shared contact details after the tip (a phone number, an address), which were added to their sealed
 * identity in the vault. The event names the fields, never their values: an identity custodian reveals them.
 *
 * @since 0.2.0
 * @category events
 */
export class ReporterContactShared extends Schema.TaggedClass<ReporterContactShared>()("ReporterContactShared", {
  ...common,
  fields: Schema.NonEmptyArray(ContactField)
}) {}

/**
 * What happened to a reporter's message on its platform: `removed` (its author or the page deleted it), `hidden`
 * (the page hid it from the public) or `unhidden` (it shows again).
 *
 * @since 0.2.0
 * @category models
 */
export const MessageRemoval = Schema.Literal("removed", "hidden", "unhidden")

/**
 * @since 0.2.0
 * @category models
 */
export type MessageRemoval = typeof MessageRemoval.Type

/**
 * A message or comment of the reporter that fed this tip was taken down on its platform, or shown again (`how`);
 * `platformMessageId` names it. Nothing else about the tip changes: its status and deadlines stand, and what the
 * message said stays in the tip (its summary or a `FollowUpAppended`), because what was received is kept as the
 * record of the tip, whatever becomes of it on the platform.
 *
 * @since 0.2.0
 * @category events
 */
export class ReporterMessageRemoved extends Schema.TaggedClass<ReporterMessageRemoved>()("ReporterMessageRemoved", {
  ...common,
  platformMessageId: Schema.NonEmptyTrimmedString,
  how: MessageRemoval
}) {}

/**
 * Any event of a tip.
 *
 * @since 0.1.0
 * @category models
 */
export const TipEvent = Schema.Union(
  TipReceived,
  Acknowledged,
  Assigned,
  Accepted,
  TransferRequested,
  TransferAccepted,
  TransferRefused,
  Categorized,
  Reclassified,
  VerificationExtended,
  ProcuracyExtended,
  Suspended,
  SuspensionNotified,
  Restored,
  Resolved,
  Rejected,
  DuplicateMerged,
  Reopened,
  MarkedUrgent,
  Dispatched,
  ArrivedOnSite,
  NoteAdded,
  AttachmentAdded,
  FollowUpAppended,
  ReporterMessaged,
  IdentityRevealed,
  EvidenceStored,
  EvidenceNotRetrieved,
  ReporterContactShared,
  ReporterMessageRemoved
).annotations({ identifier: "TipEvent" })

/**
 * @since 0.1.0
 * @category models
 */
export type TipEvent = typeof TipEvent.Type

/**
 * The JSON form of an event, as storage keeps it.
 *
 * @since 0.1.0
 * @category models
 */
export type Encoded = typeof TipEvent.Encoded
