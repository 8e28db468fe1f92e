import { Effect, Either, Schema } from "effect"
import type { LocalDate } from "../calendar/localDate.js"
import type { Name } from "../lifecycle/command.js"
import type { Tip } from "../lifecycle/tip.js"
import { problems } from "../shared/withheld.js"
import type { UnitId } from "../units/unit.js"
import { Actor, ActorId, hasRole, type Role, roleLabels } from "./actor.js"

/**
 * The actor may not do this: it lacks a role (`role`), the tip or unit is outside its scope (`scope`), or what was
 * given as the actor is not a valid {@link Actor} (`actor`: roles that are not an array of roles, an empty id; then
 * `actor` is there only when the id given is a valid one). The message never names the reporter, says only what the
 * actor already knows, and names a malformed actor's fields and rules, never their values.
 *
 * @since 0.1.0
 * @category errors
 */
export class AccessDenied extends Schema.TaggedError<AccessDenied>("@tinbao/core/AccessDenied")("AccessDenied", {
  actor: Schema.optional(ActorId),
  reason: Schema.Literal("role", "scope", "actor"),
  message: Schema.String
}) {}

const decode = Schema.decodeUnknownEither(Actor, { errors: "all" })
const isId = Schema.is(Actor.fields.id)

/**
 * The actor a caller gave, decoded with its schema (a plain object or an {@link Actor}): every entry point that takes
 * an actor starts here, so that a malformed one is `AccessDenied` with reason `actor`, never a role it only seems to
 * hold or a defect further on.
 *
 * @since 0.2.0
 * @category guards
 */
export const decodeActor = (actor: unknown): Effect.Effect<Actor, AccessDenied> =>
  Either.match(decode(actor), {
    onLeft: (error) => {
      const id = typeof actor === "object" && actor !== null && "id" in actor ? actor.id : undefined
      return Effect.fail(
        new AccessDenied({
          ...(isId(id) ? { actor: id } : {}),
          reason: "actor",
          message: `The actor is not a valid actor (${problems(error.issue)}); nothing was done.`
        })
      )
    },
    onRight: Effect.succeed
  })

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
