import { Option } from "effect"
import type { LocalDate } from "../calendar/localDate.js"
import type { Label } from "../shared/label.js"
import * as UnitHierarchy from "../units/hierarchy.js"
import type { Unit, UnitId } from "../units/unit.js"

/** Where a unit's tips count as of the query's date: the unit that answers for them and the root's child above it. */
export interface Place {
  readonly unit: UnitId
  readonly group: UnitId
}

/** Outside the root's subtree, or with no unit answering for it on the date (it did not exist yet). */
export type Placement = Place | "outside" | "unplaced"

/** The root's subtree as of a date, with every lookup memoised: a query meets few distinct units. */
export interface Scope {
  readonly root: Unit
  readonly asOf: LocalDate
  readonly children: ReadonlyArray<Unit>
  readonly place: (unit: UnitId) => Placement
  /** The unit's place in the subtree's pre-order, for sorting; units outside sort last. */
  readonly order: (unit: UnitId) => number
  readonly name: (unit: UnitId) => Label
}

/** The scope of `root` on `asOf`, or `undefined` when the root does not hold on that date. */
export const makeScope = (hierarchy: UnitHierarchy.UnitHierarchy, root: UnitId, asOf: LocalDate): Scope | undefined => {
  const rootUnit = Option.getOrUndefined(UnitHierarchy.get(hierarchy, root, asOf))
  if (rootUnit === undefined) return undefined
  const places = new Map<UnitId, Placement>()
  const groups = new Map<UnitId, UnitId>()

  const groupOf = (unit: UnitId): UnitId => {
    if (unit === root) return root
    let group = groups.get(unit)
    if (group === undefined) {
      group = unit
      for (const above of UnitHierarchy.ancestors(hierarchy, unit, asOf)) {
        if (above.id === root) break
        group = above.id
      }
      groups.set(unit, group)
    }
    return group
  }

  const place = (unit: UnitId): Placement => {
    let placement = places.get(unit)
    if (placement === undefined) {
      const answering = UnitHierarchy.answeringUnit(hierarchy, unit, asOf)
      if (Option.isNone(answering)) placement = "unplaced"
      else if (!UnitHierarchy.isWithin(hierarchy, answering.value, root, asOf)) placement = "outside"
      else placement = { unit: answering.value, group: groupOf(answering.value) }
      places.set(unit, placement)
    }
    return placement
  }

  let positions: Map<UnitId, number> | undefined
  const order = (unit: UnitId): number => {
    positions ??= new Map(UnitHierarchy.subtree(hierarchy, root, asOf).map((id, i) => [id, i]))
    return positions.get(unit) ?? Number.MAX_SAFE_INTEGER
  }

  const name = (unit: UnitId): Label => {
    const now = UnitHierarchy.get(hierarchy, unit, asOf)
    if (Option.isSome(now)) return now.value.name
    const last = UnitHierarchy.versions(hierarchy, unit).at(-1)
    return last?.name ?? { vi: unit, en: unit }
  }

  return {
    root: rootUnit,
    asOf,
    children: UnitHierarchy.children(hierarchy, root, asOf),
    place,
    order,
    name
  }
}
