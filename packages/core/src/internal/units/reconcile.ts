import { Either, HashMap, Schema } from "effect"
import { LocalDate } from "../calendar/localDate.js"
import type { Label } from "../shared/label.js"
import type { UnitHierarchy } from "./hierarchy.js"
import { impl } from "./hierarchyImpl.js"
import * as S from "./state.js"
import { displayName, type Unit, UnitId } from "./unit.js"
import { Established, Moved, Reclassified, Renamed, type UnitChange, unitFields } from "./unitChange.js"

/**
 * A unit as a list of units (e.g. an app's units file) wants it to stand: the fields of an `Established` change
 * without its date and legal basis. A unit listed without `code` keeps the code it has (codes are never taken
 * back); without `remote`, it is not remote.
 *
 * @since 0.4.0
 * @category models
 */
export const ListedUnit = Schema.Struct(unitFields).annotations({ identifier: "ListedUnit" })

/**
 * @since 0.4.0
 * @category models
 */
export type ListedUnit = typeof ListedUnit.Type

/**
 * The date and the decision the changes that bring the hierarchy to a list of units take effect with.
 *
 * @since 0.4.0
 * @category models
 */
export const ChangeBasis = Schema.Struct({
  effectiveDate: LocalDate,
  legalBasis: Schema.NonEmptyTrimmedString
}).annotations({ identifier: "ChangeBasis" })

/**
 * @since 0.4.0
 * @category models
 */
export type ChangeBasis = typeof ChangeBasis.Type

/**
 * A list of units that no change of its own can bring the hierarchy to: `duplicate` (an id listed twice),
 * `unknown_parent` (a parent that is not in the list), `cycle` (units under each other), `to_top` (a unit that has a
 * parent listed without one: no change removes a parent), `closed` (the id of a unit that closed: ids are never
 * reused), `left_out` (an open unit missing from the list: closing a unit is a merger, a split or a dissolution with
 * an heir, a decision to record as its own `UnitChange`, not one to infer from a missing line).
 *
 * @since 0.4.0
 * @category errors
 */
export class UnitListError extends Schema.TaggedError<UnitListError>("@tinbao/core/UnitListError")("UnitListError", {
  reason: Schema.Literal("duplicate", "unknown_parent", "cycle", "to_top", "closed", "left_out"),
  message: Schema.String,
  unit: UnitId
}) {}

const sameLabel = (a: Label, b: Label): boolean => a.vi === b.vi && a.en === b.en

// The units in the list's order, each parent before its children, so that every parent is in place when a unit is
// established under it or moved to it: then no move can close a cycle, since the new parent's ancestors are final.
const parentsFirst = (units: ReadonlyArray<ListedUnit>): Either.Either<ReadonlyArray<ListedUnit>, UnitListError> => {
  const byId = new Map<UnitId, ListedUnit>()
  const children = new Map<UnitId | undefined, Array<ListedUnit>>()
  for (const unit of units) {
    if (byId.has(unit.id)) {
      return Either.left(
        new UnitListError({ reason: "duplicate", message: `The unit "${unit.id}" is listed twice.`, unit: unit.id })
      )
    }
    byId.set(unit.id, unit)
  }
  for (const unit of units) {
    if (unit.parent !== undefined && !byId.has(unit.parent)) {
      return Either.left(
        new UnitListError({
          reason: "unknown_parent",
          message: `${unit.name.vi} (${unit.id}) is listed under "${unit.parent}", which is not in the list.`,
          unit: unit.id
        })
      )
    }
    children.set(unit.parent, [...(children.get(unit.parent) ?? []), unit])
  }
  const ordered: Array<ListedUnit> = []
  const visit = (unit: ListedUnit) => {
    ordered.push(unit)
    for (const child of children.get(unit.id) ?? []) visit(child)
  }
  for (const root of children.get(undefined) ?? []) visit(root)
  // Units never reached from a top unit sit under each other.
  const reached = new Set(ordered.map((unit) => unit.id))
  const stranded = units.find((unit) => !reached.has(unit.id))
  if (stranded !== undefined) {
    return Either.left(
      new UnitListError({
        reason: "cycle",
        message: `${stranded.name.vi} (${stranded.id}) lies under itself through its listed parents.`,
        unit: stranded.id
      })
    )
  }
  return Either.right(ordered)
}

// What changes one listed unit needs against its latest version: a move, a new name or code, a new kind.
const changesOf = (
  current: Unit,
  wanted: ListedUnit,
  basis: ChangeBasis
): Either.Either<ReadonlyArray<UnitChange>, UnitListError> => {
  const changes: Array<UnitChange> = []
  if (wanted.parent !== current.parent) {
    if (wanted.parent === undefined) {
      return Either.left(
        new UnitListError({
          reason: "to_top",
          message: `${displayName(current)} is under "${current.parent}" and is listed without a parent; no change removes a unit's parent.`,
          unit: wanted.id
        })
      )
    }
    changes.push(new Moved({ ...basis, unit: wanted.id, newParent: wanted.parent }))
  }
  const code = wanted.code ?? current.code
  if (!sameLabel(wanted.name, current.name) || code !== current.code) {
    changes.push(new Renamed({ ...basis, unit: wanted.id, name: wanted.name, ...(code === undefined ? {} : { code }) }))
  }
  const remote = wanted.remote ?? false
  if (wanted.kind !== current.kind || remote !== current.remote) {
    changes.push(new Reclassified({ ...basis, unit: wanted.id, kind: wanted.kind, remote }))
  }
  return Either.right(changes)
}

/**
 * The changes that bring the hierarchy to a list of units, all dated and based on `basis`, parents first. Each
 * listed unit is compared with its latest version: one not yet recorded is established, a changed one is moved,
 * renamed or reclassified, and an unchanged one needs nothing, so a list the hierarchy already matches gives no
 * change. The changes can still break a rule of the hierarchy (e.g. a date before a unit's last change): apply them
 * with {@link applyAll}, or give the list to `UnitDirectory.reconcile`.
 *
 * @since 0.4.0
 * @category combinators
 */
export const changesTo = (
  hierarchy: UnitHierarchy,
  units: ReadonlyArray<ListedUnit>,
  basis: ChangeBasis
): Either.Either<ReadonlyArray<UnitChange>, UnitListError> =>
  Either.flatMap(parentsFirst(units), (ordered) => {
    const state = impl(hierarchy).state
    const listed = new Set(units.map((unit) => unit.id))
    for (const [id, entry] of HashMap.toEntries(state.entries)) {
      if (entry.closure === undefined && !listed.has(id)) {
        return Either.left(
          new UnitListError({
            reason: "left_out",
            message: `${displayName(S.latest(entry.versions))} is not in the list; to close it, record its merger, split or dissolution.`,
            unit: id
          })
        )
      }
    }
    const changes: Array<UnitChange> = []
    for (const wanted of ordered) {
      const entry = S.entryOf(state, wanted.id)
      if (entry === undefined) {
        changes.push(
          new Established({
            ...basis,
            id: wanted.id,
            kind: wanted.kind,
            name: wanted.name,
            ...(wanted.code === undefined ? {} : { code: wanted.code }),
            ...(wanted.parent === undefined ? {} : { parent: wanted.parent }),
            ...(wanted.remote === undefined ? {} : { remote: wanted.remote })
          })
        )
        continue
      }
      const current = S.latest(entry.versions)
      if (entry.closure !== undefined) {
        return Either.left(
          new UnitListError({
            reason: "closed",
            message: `${displayName(current)} closed on ${entry.closure.date}; ids are never reused, so list the unit that answers for it instead.`,
            unit: wanted.id
          })
        )
      }
      const more = changesOf(current, wanted, basis)
      if (Either.isLeft(more)) return Either.left(more.left)
      changes.push(...more.right)
    }
    return Either.right(changes)
  })
