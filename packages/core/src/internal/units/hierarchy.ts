import { Either, Option, Schema } from "effect"
import type { LocalDate } from "../calendar/localDate.js"
import * as internal from "./hierarchyImpl.js"
import * as Snap from "./snapshot.js"
import * as S from "./state.js"
import { Unit, UnitId } from "./unit.js"
import type { UnitChange } from "./unitChange.js"

/**
 * The rules a change can break.
 *
 * @since 0.1.0
 * @category errors
 */
export const UnitRule = Schema.Literal(
  "unknown_unit",
  "not_valid_at_date",
  "already_exists",
  "dissolved",
  "cycle",
  "out_of_order",
  "invalid_change"
).annotations({ identifier: "UnitRule" })

/**
 * @since 0.1.0
 * @category errors
 */
export type UnitRule = typeof UnitRule.Type

/**
 * A change that the hierarchy refuses, with the rule it breaks and a message an officer can act on.
 * `position` is the change's place in the batch when a batch was applied.
 *
 * @since 0.1.0
 * @category errors
 */
export class UnitRuleError extends Schema.TaggedError<UnitRuleError>("@tinbao/core/UnitRuleError")("UnitRuleError", {
  rule: UnitRule,
  message: Schema.String,
  unit: Schema.optional(UnitId),
  position: Schema.optional(Schema.NonNegativeInt)
}) {}

/**
 * The hierarchy with its whole history. Build it with {@link fromChanges} or {@link apply}; it is derived from the
 * changes, which are what is stored.
 *
 * @since 0.1.0
 * @category models
 */
export interface UnitHierarchy {
  readonly _tag: "UnitHierarchy"
}

/**
 * A unit with the units directly under it, as of one date.
 *
 * @since 0.1.0
 * @category models
 */
export interface UnitTreeNode {
  readonly unit: Unit
  readonly children: ReadonlyArray<UnitTreeNode>
}

/**
 * @since 0.1.0
 * @category models
 */
export interface UnitTreeNodeEncoded {
  readonly unit: Schema.Schema.Encoded<typeof Unit>
  readonly children: ReadonlyArray<UnitTreeNodeEncoded>
}

/**
 * @since 0.1.0
 * @category models
 */
export const UnitTreeNode: Schema.Schema<UnitTreeNode, UnitTreeNodeEncoded> = Schema.Struct({
  unit: Unit,
  children: Schema.Array(Schema.suspend((): Schema.Schema<UnitTreeNode, UnitTreeNodeEncoded> => UnitTreeNode))
}).annotations({ identifier: "UnitTreeNode" })

/**
 * The hierarchy before any change.
 *
 * @since 0.1.0
 * @category constructors
 */
export const empty: UnitHierarchy = internal.empty

/**
 * @since 0.1.0
 * @category predicates
 */
export const isUnitHierarchy = (u: unknown): u is UnitHierarchy => u instanceof internal.HierarchyImpl

/**
 * Applies the changes in order, all or nothing: on the first broken rule the error gives its position.
 *
 * @since 0.1.0
 * @category combinators
 */
export const applyAll = (
  hierarchy: UnitHierarchy,
  changes: ReadonlyArray<UnitChange>
): Either.Either<UnitHierarchy, UnitRuleError> =>
  Either.mapLeft(
    internal.applyAll(hierarchy, changes),
    ({ position, violation }) => new UnitRuleError({ ...violation, position })
  )

/**
 * Applies one change.
 *
 * @since 0.1.0
 * @category combinators
 */
export const apply = (hierarchy: UnitHierarchy, change: UnitChange): Either.Either<UnitHierarchy, UnitRuleError> =>
  Either.mapLeft(internal.applyAll(hierarchy, [change]), ({ violation }) => new UnitRuleError(violation))

/**
 * The hierarchy that the changes build, in order.
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromChanges = (changes: ReadonlyArray<UnitChange>): Either.Either<UnitHierarchy, UnitRuleError> =>
  applyAll(empty, changes)

/**
 * The version of a unit that held on a date.
 *
 * @since 0.1.0
 * @category getters
 */
export const get = (hierarchy: UnitHierarchy, id: UnitId, date: LocalDate): Option.Option<Unit> =>
  Option.fromNullable(S.unitAt(internal.impl(hierarchy).state, id, date))

/**
 * Every version of a unit, oldest first; empty for an unknown id.
 *
 * @since 0.1.0
 * @category getters
 */
export const versions = (hierarchy: UnitHierarchy, id: UnitId): ReadonlyArray<Unit> =>
  S.versionsOf(internal.impl(hierarchy).state, id) ?? []

/**
 * The dates on which the tree changes, ascending.
 *
 * @since 0.1.0
 * @category getters
 */
export const dates = (hierarchy: UnitHierarchy): ReadonlyArray<LocalDate> => internal.impl(hierarchy).state.epochs

/**
 * The tree on a date: its roots (the ministry or provinces, and partner agencies without a parent), each with
 * the units under it.
 *
 * @since 0.1.0
 * @category getters
 */
export const tree = (hierarchy: UnitHierarchy, date: LocalDate): ReadonlyArray<UnitTreeNode> => {
  const snapshot = internal.snapshotAt(hierarchy, date)
  const node = (unit: Unit): UnitTreeNode => ({
    unit,
    children: (snapshot.children.get(unit.id) ?? []).map(node)
  })
  return snapshot.roots.map(node)
}

/**
 * The units directly under a unit on a date, in the order they were established.
 *
 * @since 0.1.0
 * @category getters
 */
export const children = (hierarchy: UnitHierarchy, id: UnitId, date: LocalDate): ReadonlyArray<Unit> =>
  internal.snapshotAt(hierarchy, date).children.get(id) ?? []

/**
 * The units above a unit on a date: its parent first, up to the root.
 *
 * @since 0.1.0
 * @category getters
 */
export const ancestors: (hierarchy: UnitHierarchy, id: UnitId, date: LocalDate) => ReadonlyArray<Unit> =
  internal.ancestors

/**
 * The unit and every unit under it on a date, the unit first, in pre-order; empty when it does not hold then.
 *
 * @since 0.1.0
 * @category getters
 */
export const subtree = (hierarchy: UnitHierarchy, id: UnitId, date: LocalDate): ReadonlyArray<UnitId> =>
  Snap.subtree(internal.snapshotAt(hierarchy, date), id)

/**
 * Whether `unit` is `ancestorOrSelf` or lies under it on a date.
 *
 * @since 0.1.0
 * @category predicates
 */
export const isWithin = (hierarchy: UnitHierarchy, unit: UnitId, ancestorOrSelf: UnitId, date: LocalDate): boolean =>
  Snap.isWithin(internal.snapshotAt(hierarchy, date), unit, ancestorOrSelf)

/**
 * The units holding on `date` that carry on for a unit: itself while it holds; a merger's unit, all parts of a
 * split, a dissolved unit's heir (else its parent), followed through later closures. A rename keeps the id.
 * Empty when the unit did not exist yet.
 *
 * @since 0.1.0
 * @category getters
 */
export const successors: (hierarchy: UnitHierarchy, id: UnitId, date: LocalDate) => ReadonlyArray<UnitId> =
  internal.successors

/**
 * The unit holding on `date` that answers for a unit's tips: itself while it holds, else the merger's unit, the
 * split's heir or the dissolved unit's heir (else its parent), followed until a unit that holds is reached.
 *
 * @since 0.1.0
 * @category getters
 */
export const answeringUnit: (hierarchy: UnitHierarchy, id: UnitId, date: LocalDate) => Option.Option<UnitId> =
  internal.answeringUnit

/**
 * The units whose tips are answered for within a unit's subtree on `date`: the subtree's units that hold then, and
 * the closed units (merged, split, dissolved) whose {@link answeringUnit} lies in it. An officer of the merged ward
 * works the tips its former wards registered; this is the set of units to look them up by. Empty when the unit
 * does not hold on `date`.
 *
 * @since 0.1.0
 * @category getters
 */
export const answeredWithin: (hierarchy: UnitHierarchy, id: UnitId, date: LocalDate) => ReadonlyArray<UnitId> =
  internal.answeredWithin

/**
 * The changes that touched a unit, in the order they were applied, each with its date and legal basis: those
 * that act on it, that make it a successor, and closures of its parent that moved it.
 *
 * @since 0.1.0
 * @category getters
 */
export const lineage: (hierarchy: UnitHierarchy, id: UnitId) => ReadonlyArray<UnitChange> = internal.lineage
