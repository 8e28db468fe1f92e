/**
 * Legal deadlines of a tip, computed from its state, a policy and the holiday calendar.
 *
 * Deadlines are never stored: they are derived from the events, so a change of policy or calendar
 * (the government swaps days off every year) applies to every tip at once.
 *
 * | kind | from | default | met when |
 * |---|---|---|---|
 * | `acknowledgement` | receipt | 3 working days (TTLT 01/2017 Art. 14) | the reporter is notified |
 * | `transfer` | receipt, criminal track at commune level | 24 hours, 48 hours for remote communes (TTLT 01/2017) | transferred, accepted or decided |
 * | `verification` | receipt, criminal track | 20 days; 2 months when complex; the procuracy's date (BLTTHS Art. 147) | resolved, rejected or suspended |
 * | `suspension_notice` | suspension | 24 hours (Art. 148) | the procuracy and reporter are notified |
 * | `restoration` | restoration or reopening | 1 month (Art. 149) | decided again |
 * | `resolution` | receipt (feedback) or acceptance (denunciation) | 15 days (policy); 30 days + 30 per extension (Denunciation Law) | resolved or rejected |
 *
 * @since 0.1.0
 * @module
 */
import type * as DateTime from "effect/DateTime"
import type { Calendar } from "./Calendar.js"
import * as internal from "./internal/lifecycle/deadline.js"
import type * as Period from "./Period.js"
import type { Tip } from "./Tip.js"
import type { Unit } from "./Unit.js"

export { byKind, dueLabel, lastDay } from "./internal/lifecycle/deadlineDay.js"
export { defaultPolicy, kindLabels } from "./internal/lifecycle/policy.js"

/**
 * The kinds of deadline.
 *
 * @since 0.1.0
 * @category models
 */
export type Kind = "acknowledgement" | "transfer" | "verification" | "suspension_notice" | "restoration" | "resolution"

/**
 * Where a deadline stands: `pending` (open, not yet due), `met`, `missed` (due and still open), `met_late`.
 *
 * @since 0.1.0
 * @category models
 */
export type Status = "pending" | "met" | "missed" | "met_late"

/**
 * One deadline of one tip.
 *
 * @since 0.1.0
 * @category models
 */
export interface Deadline {
  readonly kind: Kind
  readonly dueAt: DateTime.Utc
  readonly status: Status
  readonly closedAt?: DateTime.Utc
}

/**
 * The periods the deadlines use. The criminal-track values are the law's; `feedbackResolution` is a policy
 * value (no statute sets it) and `suspensionDecision` is how long after the verification period expires a
 * suspension still counts as decided in time.
 *
 * @since 0.1.0
 * @category models
 */
export interface Policy {
  readonly acknowledgement: Period.Period
  readonly transfer: Period.Period
  readonly transferRemote: Period.Period
  readonly verification: Period.Period
  readonly verificationComplex: Period.Period
  readonly procuracyExtensionMax: Period.Period
  readonly verificationMax: Period.Period
  readonly procuracyRequestLeadDays: number
  readonly suspensionDecision: Period.Period
  readonly suspensionNotice: Period.Period
  readonly restoration: Period.Period
  readonly feedbackResolution: Period.Period
  readonly denunciationResolution: Period.Period
  readonly denunciationExtension: Period.Period
  readonly denunciationExtensionsMax: number
}

/**
 * What deadline computation needs besides the tip: the time now, the calendar, the policy, and the unit
 * that received the tip as it was then (its kind and whether it is remote decide the transfer deadline).
 *
 * @since 0.1.0
 * @category models
 */
export interface Context {
  readonly now: DateTime.Utc
  readonly calendar: Calendar
  readonly policy: Policy
  readonly receivingUnit?: Unit
}

/**
 * Every deadline that applies to the tip, with its status at `context.now`.
 *
 * @since 0.1.0
 * @category getters
 */
export const of: (tip: Tip, context: Context) => ReadonlyArray<Deadline> = internal.deadlinesOf

/**
 * When the verification period of a criminal-track tip ends (after extensions); `undefined` on other tracks.
 *
 * @since 0.1.0
 * @category getters
 */
export const verificationDue: (tip: Tip, calendar: Calendar, policy: Policy) => DateTime.Utc | undefined =
  internal.verificationDue

/**
 * Whether any deadline of the tip is missed now.
 *
 * @since 0.1.0
 * @category predicates
 */
export const isOverdue = (tip: Tip, context: Context): boolean => of(tip, context).some((d) => d.status === "missed")
