import { Schema } from "effect"
import type * as DateTime from "effect/DateTime"
import type { ActorId } from "../access/actor.js"
import { PlatformId } from "../channel/platform.js"
import type { Label } from "../shared/label.js"
import { withoutNul } from "../shared/text.js"
import type { UnitId } from "../units/unit.js"
import type { AliasId } from "../vault/identityVault.js"
import type { CategoryId, LegalType } from "./category.js"
import * as internal from "./fold.js"
import type * as TipEvent from "./tipEvent.js"

/**
 * The id of a tip: opaque, never shown to reporters (they see the register code).
 *
 * @since 0.1.0
 * @category models
 */
export const TipId = Schema.NonEmptyTrimmedString.pipe(
  Schema.maxLength(64),
  withoutNul(),
  Schema.brand("@tinbao/core/TipId")
)

/**
 * @since 0.1.0
 * @category models
 */
export type TipId = typeof TipId.Type

/**
 * A fresh tip id: `tip_`, the time it was made (milliseconds, 12 hex digits), then 80 random bits. Ids made later
 * sort later, as UUID version 7 does, so a database adds a new tip's rows at the end of every index keyed by its
 * id instead of all over them: a batch of new tips then dirties a few index pages rather than one per tip and
 * index (a fifth less written at each commit on SQLite).
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeId = (): TipId => {
  // A random UUID's last group and its first are 20 random hex digits (its version and variant are elsewhere).
  const uuid = globalThis.crypto.randomUUID()
  const time = Date.now().toString(16).padStart(12, "0")
  // Made here, in the shape `TipId` checks.
  return TipId.make(`tip_${time}${uuid.slice(24)}${uuid.slice(0, 8)}`, { disableValidation: true })
}

/**
 * How the tip reached the police (BLTTHS Art. 146: in person, post, phone or "other means of communication"): a
 * platform id, open to the platforms a deployment adds (`sms`, a hotline of its own). The built-in ones are
 * `Channel.builtinPlatforms`; an id follows `Channel.PlatformId`'s pattern, which every value of the closed set
 * before 0.2.0 matches, so events stored then decode as they are.
 *
 * @since 0.1.0
 * @category models
 */
export const ChannelKind = PlatformId

/**
 * @since 0.1.0
 * @category models
 */
export type ChannelKind = typeof ChannelKind.Type

/**
 * Who reported: an individual, an organisation, a state agency (only they may recommend prosecution) or the media.
 *
 * @since 0.1.0
 * @category models
 */
export const ReporterKind = Schema.Literal("individual", "organisation", "state_agency", "media")

/**
 * @since 0.1.0
 * @category models
 */
export type ReporterKind = typeof ReporterKind.Type

/**
 * The states of the lifecycle. See `Lifecycle.graph` for the transitions between them.
 *
 * @since 0.1.0
 * @category models
 */
export const Status = Schema.Literal(
  "received",
  "acknowledged",
  "assigned",
  "verifying",
  "suspended",
  "resolved",
  "rejected"
)

/**
 * @since 0.1.0
 * @category models
 */
export type Status = typeof Status.Type

/**
 * Labels of the states.
 *
 * @since 0.1.0
 * @category constants
 */
export const statusLabels: { readonly [K in Status]: Label } = {
  received: { vi: "Đã tiếp nhận", en: "Received" },
  acknowledged: { vi: "Đã thông báo tiếp nhận", en: "Acknowledged" },
  assigned: { vi: "Đã phân công", en: "Assigned" },
  verifying: { vi: "Đang xác minh", en: "Verifying" },
  suspended: { vi: "Tạm đình chỉ", en: "Suspended" },
  resolved: { vi: "Đã giải quyết", en: "Resolved" },
  rejected: { vi: "Không thụ lý", en: "Rejected" }
}

/**
 * Whether a state is open (work remains). Resolved and rejected tips are closed; a suspended tip is open.
 *
 * @since 0.1.0
 * @category predicates
 */
export const isOpenStatus = (status: Status): boolean => status !== "resolved" && status !== "rejected"

/**
 * A period a unit held the tip; `until` is absent while it still holds it.
 *
 * @since 0.1.0
 * @category models
 */
export interface Custody {
  readonly unit: UnitId
  readonly from: DateTime.Utc
  readonly until?: DateTime.Utc
}

/**
 * A transfer waiting for the receiving unit's answer.
 *
 * @since 0.1.0
 * @category models
 */
export interface PendingTransfer {
  readonly to: UnitId
  readonly requestedAt: DateTime.Utc
  readonly escalation: boolean
  readonly reason: string
}

/**
 * An on-site dispatch (urgent situations: officers go at once).
 *
 * @since 0.1.0
 * @category models
 */
export interface Dispatch {
  readonly team: string
  readonly at: DateTime.Utc
  readonly arrivedAt?: DateTime.Utc
}

/**
 * The tip's evidence files by where they stand: `pending` (being fetched), `stored` (kept) and `notRetrieved`
 * (given up: the tip shows it; its evidence list in `Tips.evidence` says why).
 *
 * @since 0.2.0
 * @category models
 */
export interface EvidenceCounts {
  readonly pending: number
  readonly stored: number
  readonly notRetrieved: number
}

/**
 * The current state of a tip, folded from its events.
 *
 * @since 0.1.0
 * @category models
 */
export interface Tip {
  readonly id: TipId
  readonly version: number
  readonly code: string
  readonly registerNumber: number
  readonly registerYear: number
  readonly receivingUnit: UnitId
  readonly unit: UnitId
  readonly status: Status
  readonly legalType: LegalType
  readonly category: CategoryId
  readonly channel: ChannelKind
  readonly channelId?: string
  readonly reporterKind: ReporterKind
  readonly alias: AliasId
  readonly summary: string
  readonly receivedAt: DateTime.Utc
  /**
   * When the tip was entered, if after it was received (see `TipEvent.TipReceived`).
   *
   * @since 0.4.0
   */
  readonly enteredAt?: DateTime.Utc
  readonly acknowledgedAt?: DateTime.Utc
  readonly acceptedAt?: DateTime.Utc
  readonly firstTransferAt?: DateTime.Utc
  readonly custody: ReadonlyArray<Custody>
  readonly pendingTransfer?: PendingTransfer
  readonly complexExtensions: number
  readonly procuracyExtendedUntil?: string
  readonly suspension?: {
    readonly ground: "a" | "b" | "c"
    readonly at: DateTime.Utc
    readonly notifiedAt?: DateTime.Utc
  }
  readonly restoredAt?: DateTime.Utc
  readonly decidedAt?: DateTime.Utc
  readonly firstDecidedAt?: DateTime.Utc
  readonly reopenedAt?: DateTime.Utc
  readonly outcome?: TipEvent.Outcome
  readonly rejection?: TipEvent.Rejection
  readonly duplicates: ReadonlyArray<TipId>
  readonly urgent: boolean
  readonly dispatches: ReadonlyArray<Dispatch>
  readonly notes: number
  /** Every attachment: files, links and places, evidence or not. */
  readonly attachments: number
  readonly evidence: EvidenceCounts
  readonly followUps: number
  readonly repliesToReporter: number
  /** The routing rule that chose the receiving unit, when intake routed the tip. */
  readonly routedBy?: string
  readonly reveals: ReadonlyArray<{ readonly by: ActorId; readonly at: DateTime.Utc; readonly reason: string }>
  readonly lastEventAt: DateTime.Utc
}

/**
 * Applies one event to a state. The first event of a tip must be `TipReceived`; any other event
 * on no state, or `TipReceived` on an existing tip, is a defect in the log and throws.
 *
 * @since 0.1.0
 * @category folding
 */
export const evolve: (state: Tip | undefined, event: TipEvent.TipEvent) => Tip = internal.evolve

/**
 * Folds a tip's events, in order, into its current state; `undefined` when there are none.
 *
 * @since 0.1.0
 * @category folding
 */
export const fold = (events: Iterable<TipEvent.TipEvent>): Tip | undefined => {
  let state: Tip | undefined
  for (const event of events) state = evolve(state, event)
  return state
}

/**
 * Whether the tip is open.
 *
 * @since 0.1.0
 * @category predicates
 */
export const isOpen = (tip: Tip): boolean => isOpenStatus(tip.status)
