import { Schema } from "effect"
import type { Label } from "../shared/label.js"
import { withoutNul } from "../shared/text.js"
import { UnitId } from "../units/unit.js"

/**
 * The id of a person or process that acts on tips (an officer's account id, or `system:…` for processes).
 *
 * @since 0.1.0
 * @category models
 */
export const ActorId = Schema.NonEmptyTrimmedString.pipe(Schema.maxLength(128), Schema.brand("@tinbao/core/ActorId"))

/**
 * @since 0.1.0
 * @category models
 */
export type ActorId = typeof ActorId.Type

/**
 * Roles:
 * - `officer` (cán bộ): handles the tips of the unit subtree;
 * - `leader` (lãnh đạo): also assigns, transfers, decides outcomes and extensions;
 * - `viewer` (xem): reads only;
 * - `identity_custodian` (người quản lý danh tính): may reveal a reporter's identity, with a reason;
 * - `administrator` (quản trị): manages units and channels;
 * - `system` (hệ thống): tinbao's own processes (intake, the evidence worker's handler), which record what only
 *   they observed, such as a file fetched and kept as evidence. Never give it to a person's account.
 *
 * @since 0.1.0
 * @category models
 */
export const Role = Schema.Literal("officer", "leader", "viewer", "identity_custodian", "administrator", "system")

/**
 * @since 0.1.0
 * @category models
 */
export type Role = typeof Role.Type

/**
 * Labels of the roles.
 *
 * @since 0.1.0
 * @category constants
 */
export const roleLabels: { readonly [K in Role]: Label } = {
  officer: { vi: "Cán bộ", en: "Officer" },
  leader: { vi: "Lãnh đạo", en: "Leader" },
  viewer: { vi: "Người xem", en: "Viewer" },
  identity_custodian: { vi: "Người quản lý danh tính", en: "Identity custodian" },
  administrator: { vi: "Quản trị viên", en: "Administrator" },
  system: { vi: "Hệ thống", en: "System" }
}

/**
 * An actor: its id, its unit (its scope is that unit's subtree as of now) and its roles. Every entry point that takes
 * an actor decodes it with this schema first: a malformed actor is `AccessDenied` with reason `actor`.
 *
 * @since 0.1.0
 * @category models
 */
export class Actor extends Schema.Class<Actor>("@tinbao/core/Actor")({
  // Its id ends in every event the actor causes: no NUL, which storage cannot hold.
  id: ActorId.pipe(withoutNul()),
  unit: UnitId,
  roles: Schema.Array(Role)
}) {}

/**
 * Whether the actor holds a role: one of its roles is that role. (Roles given as a string, not an array, hold none:
 * `"not_identity_custodian"` does not contain the role `identity_custodian`.)
 *
 * @since 0.1.0
 * @category predicates
 */
export const hasRole = (actor: Actor, role: Role): boolean =>
  Array.isArray(actor.roles) && actor.roles.some((held) => held === role)

/**
 * Builds an actor from plain values (ids are validated).
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (id: string, unit: string, roles: ReadonlyArray<Role>): Actor =>
  Actor.make({ id: ActorId.make(id), unit: UnitId.make(unit), roles: [...roles] })
