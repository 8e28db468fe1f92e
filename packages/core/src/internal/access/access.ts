import { Schema } from "effect"
import type { LocalDate } from "../calendar/localDate.js"
import type { Name } from "../lifecycle/command.js"
import type { Tip } from "../lifecycle/tip.js"
import type { UnitId } from "../units/unit.js"
import { type Actor, ActorId, hasRole, type Role, roleLabels } from "./actor.js"

/**
 * The actor may not do this: it lacks a role, or the tip or unit is outside its scope. The message
 * never names the reporter and says only what the actor already knows.
 *
 * @since 0.1.0
 * @category errors
 */
export class AccessDenied extends Schema.TaggedError<AccessDenied>("@tinbao/core/AccessDenied")("AccessDenied", {
  actor: ActorId,
  reason: Schema.Literal("role", "scope"),
  message: Schema.String
}) {}

/**
 * Answers "is `unit` inside the subtree of `ancestorOrSelf` on `date`?" (from `UnitHierarchy.isWithin`).
 *
 * @since 0.1.0
 * @category models
 */
export type Within = (unit: UnitId, ancestorOrSelf: UnitId, date: LocalDate) => boolean

/**
 * Whether the actor may read the tip on `date`.
 *
 * @since 0.1.0
 * @category predicates
 */
export const canRead = (within: Within, actor: Actor, tip: Tip, date: LocalDate): boolean =>
  within(tip.unit, actor.unit, date) ||
  tip.custody.some((c) => within(c.unit, actor.unit, date)) ||
  (tip.pendingTransfer !== undefined && within(tip.pendingTransfer.to, actor.unit, date))

/**
 * The unit whose scope a command needs: the receiving unit of a pending transfer for answers to it,
 * else the unit holding the tip.
 *
 * @since 0.1.0
 * @category getters
 */
export const unitActingOn = (tip: Tip, command: Name): UnitId =>
  (command === "AcceptTransfer" || command === "RefuseTransfer") && tip.pendingTransfer !== undefined
    ? tip.pendingTransfer.to
    : tip.unit

/**
 * Checks that the actor holds one of the roles.
 *
 * @since 0.1.0
 * @category guards
 */
export const requireRole = (actor: Actor, roles: ReadonlyArray<Role>, doing: string): AccessDenied | undefined =>
  roles.some((r) => hasRole(actor, r))
    ? undefined
    : new AccessDenied({
        actor: actor.id,
        reason: "role",
        message: `${doing} needs the role ${roles.map((r) => `${roleLabels[r].vi} (${roleLabels[r].en})`).join(" or ")}.`
      })

/**
 * The error for a tip or unit outside the actor's scope.
 *
 * @since 0.1.0
 * @category errors
 */
export const outOfScope = (actor: Actor, what: string): AccessDenied =>
  new AccessDenied({ actor: actor.id, reason: "scope", message: `${what} is outside the scope of unit ${actor.unit}.` })
