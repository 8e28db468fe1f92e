/**
 * Access: an actor's scope is its unit's subtree as of now. Every command and query checks it,
 * and nothing outside the scope is readable.
 *
 * - A tip is readable when the unit holding it, or any unit that held it, or the unit a transfer
 *   is waiting on, is inside the scope: a commune that transferred a tip up can still follow it.
 * - A command may be given when the unit holding the tip is inside the scope; answering a transfer
 *   (accept or refuse) needs the receiving unit inside the scope instead.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { type Actor, ActorId, hasRole, type Role, roleLabels } from "./Actor.js"
import type { Name } from "./Command.js"
import type { LocalDate } from "./LocalDate.js"
import type { Tip } from "./Tip.js"
import type { UnitId } from "./Unit.js"

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
