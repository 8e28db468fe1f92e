/**
 * The tip lifecycle: a declared transition graph with guards. `decide` turns a command on a tip's
 * state into new events, or into a {@link RuleViolation} that names the rule that was broken.
 *
 * ```text
 * received ──Acknowledge──▶ acknowledged ──Assign──▶ assigned ──Accept──▶ verifying ──Resolve──▶ resolved
 *     │                          │                       │                 │  ▲  │
 *     └────────── Accept ────────┴───────────────────────┘      Suspend ───┘  │  └─Reject/MergeInto─▶ rejected
 *                                                                    ▼        │
 *                                                               suspended ─Restore
 * resolved, rejected ──Reopen──▶ verifying        transfers: RequestTransfer/Escalate, then AcceptTransfer (▶ verifying)
 *                                                 or RefuseTransfer, from any open state but suspended
 * ```
 *
 * @since 0.1.0
 * @module
 */
import type * as DateTime from "effect/DateTime"
import type { Either } from "effect/Either"
import type { Actor } from "./Actor.js"
import type { Calendar } from "./Calendar.js"
import type { Track } from "./Category.js"
import type { Command } from "./Command.js"
import type { Policy } from "./Deadline.js"
import * as internal from "./internal/lifecycle/decide.js"
import { graph, type RuleViolation } from "./internal/lifecycle/graph.js"
import type { LocalDate } from "./LocalDate.js"
import type { Tip } from "./Tip.js"
import type { Outcome, TipEvent } from "./TipEvent.js"
import type { Unit, UnitId } from "./Unit.js"

export type { Transition } from "./internal/lifecycle/graph.js"
export { graph, Rule, RuleViolation, target } from "./internal/lifecycle/graph.js"

/**
 * What the guards need to know besides the tip: the time, who acts, the calendar and policy of the
 * deadlines, and the units as of a date.
 *
 * @since 0.1.0
 * @category models
 */
export interface Context {
  readonly now: DateTime.Utc
  readonly actor: Actor
  readonly calendar: Calendar
  readonly policy: Policy
  readonly unitAt: (id: UnitId, date: LocalDate) => Unit | undefined
}

/**
 * Decides a command on a tip: the events it produces, or the rule it breaks. Pure: the same tip,
 * command and context always give the same answer. Roles and scope are checked by the caller
 * (`Tips`); the roles each command needs are in {@link graph}.
 *
 * @since 0.1.0
 * @category decisions
 */
export const decide: (tip: Tip, command: Command, context: Context) => Either<ReadonlyArray<TipEvent>, RuleViolation> =
  internal.decide

/**
 * The outcomes a tip may be resolved with, by its procedural track (`Category.trackOf` of its legal type): a
 * criminal report is prosecuted or not, feedback is handled, not confirmed or referred, a denunciation founded,
 * partly founded, unfounded or referred. `Resolve` with another outcome is refused (`RuleViolation`).
 *
 * @since 0.2.0
 * @category constants
 */
export const outcomesOf: { readonly [K in Track]: ReadonlyArray<Outcome["_tag"]> } = internal.outcomesOf
