import { Schema } from "effect"
import type { Role } from "../access/actor.js"
import type { Name } from "./command.js"
import { type Status, TipId } from "./tip.js"

const open: ReadonlyArray<Status> = ["received", "acknowledged", "assigned", "verifying", "suspended"]
const movable: ReadonlyArray<Status> = ["received", "acknowledged", "assigned", "verifying"]
const all: ReadonlyArray<Status> = [...open, "resolved", "rejected"]
const staff: ReadonlyArray<Role> = ["officer", "leader"]
const leader: ReadonlyArray<Role> = ["leader"]
const system: ReadonlyArray<Role> = ["system"]

/**
 * What one command may do: its edges (from a state, to a state; a command that changes no state
 * is an edge from a state to itself) and the roles that may give it.
 *
 * @since 0.1.0
 * @category models
 */
export interface Transition {
  readonly edges: ReadonlyArray<readonly [from: Status, to: Status]>
  readonly roles: ReadonlyArray<Role>
}

const move = (from: ReadonlyArray<Status>, to: Status) => from.map((s) => [s, to] as const)
const stay = (from: ReadonlyArray<Status>) => from.map((s) => [s, s] as const)
const edge = (edges: ReadonlyArray<readonly [Status, Status]>, roles: ReadonlyArray<Role>): Transition => ({
  edges,
  roles
})

/**
 * The transition graph, declared: every command, where it may start, where it leads, and who may give it.
 * Guards ({@link decide}) add the rules that depend on the tip's data and the time.
 *
 * @since 0.1.0
 * @category constants
 */
export const graph: { readonly [K in Name]: Transition } = {
  Acknowledge: edge([...move(["received"], "acknowledged"), ...stay(["assigned", "verifying", "suspended"])], staff),
  Assign: edge(move(["received", "acknowledged", "assigned"], "assigned"), leader),
  Accept: edge(move(["received", "acknowledged", "assigned"], "verifying"), staff),
  RequestTransfer: edge(stay(movable), staff),
  Escalate: edge(stay(movable), staff),
  AcceptTransfer: edge(move(movable, "verifying"), staff),
  RefuseTransfer: edge(stay(movable), staff),
  Categorize: edge(stay(open), staff),
  Reclassify: edge(stay(open), leader),
  ExtendVerification: edge(stay(["verifying"]), leader),
  GrantProcuracyExtension: edge(stay(["verifying"]), leader),
  Suspend: edge(move(["verifying"], "suspended"), leader),
  NotifySuspension: edge(stay(["suspended"]), staff),
  Restore: edge(move(["suspended"], "verifying"), leader),
  Resolve: edge(move(["verifying"], "resolved"), leader),
  Reject: edge(move(movable, "rejected"), leader),
  MergeInto: edge(move(movable, "rejected"), staff),
  Reopen: edge(move(["resolved", "rejected"], "verifying"), leader),
  MarkUrgent: edge(stay(open), staff),
  Dispatch: edge(stay(open), staff),
  ArriveOnSite: edge(stay(open), staff),
  AddNote: edge(stay(all), staff),
  AddAttachment: edge(stay(open), staff),
  AppendFollowUp: edge(stay(open), staff),
  MessageReporter: edge(stay(open), staff),
  RevealIdentity: edge(stay(all), ["identity_custodian"]),
  // The reporter may share a phone after the tip was closed: the officer may still need to call back.
  RecordReporterContact: edge(stay(all), system),
  // A comment may be taken down after the tip was closed: the tip's history says so, and keeps what it said.
  RecordMessageRemoved: edge(stay(all), system),
  AttachEvidence: edge(stay(open), system),
  // A file kept after the tip was closed is still its evidence.
  RecordEvidence: edge(stay(all), system)
}

/**
 * The state a command leads to from a state, or `undefined` when the graph has no such edge.
 *
 * @since 0.1.0
 * @category getters
 */
export const target = (command: Name, from: Status): Status | undefined =>
  graph[command].edges.find(([f]) => f === from)?.[1]

/**
 * The rules a command can break. Since 0.4.0: `unknown_category` (a category outside the service's taxonomy),
 * `received_in_future` and `received_before_calendar` (a receipt time after now, or before the years the holiday
 * calendar covers, so that no deadline could be counted).
 *
 * @since 0.1.0
 * @category models
 */
export const Rule = Schema.Literal(
  "transition_not_allowed",
  "already_acknowledged",
  "transfer_pending",
  "no_transfer_pending",
  "same_unit",
  "unit_not_active",
  "no_parent_unit",
  "wrong_track",
  "outcome_not_of_track",
  "extension_already_used",
  "extension_after_expiry",
  "procuracy_request_too_late",
  "extension_too_long",
  "suspension_before_expiry",
  "already_notified",
  "same_legal_type",
  "written_agency_only",
  "duplicate_of_itself",
  "duplicate_target_closed",
  "not_dispatched",
  "already_arrived",
  "no_reply_channel",
  "public_reply_not_comment",
  "unknown_category",
  "received_in_future",
  "received_before_calendar"
)

/**
 * @since 0.1.0
 * @category models
 */
export type Rule = typeof Rule.Type

/**
 * A command broke a rule of the lifecycle. The message says which, in words an officer understands.
 *
 * @since 0.1.0
 * @category errors
 */
export class RuleViolation extends Schema.TaggedError<RuleViolation>("@tinbao/core/RuleViolation")("RuleViolation", {
  tip: TipId,
  command: Schema.String,
  rule: Rule,
  message: Schema.String
}) {}
