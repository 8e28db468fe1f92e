import { Either, HashMap, Option } from "effect"
import type { LocalDate } from "../calendar/localDate.js"
import { applyChange } from "./apply.js"
import type { UnitHierarchy } from "./hierarchy.js"
import type { Violation } from "./rules.js"
import * as Snap from "./snapshot.js"
import * as S from "./state.js"
import type { Unit, UnitId } from "./unit.js"
import type { UnitChange } from "./unitChange.js"

export class HierarchyImpl implements UnitHierarchy {
  readonly _tag = "UnitHierarchy"
  constructor(
    readonly state: S.State,
    /** Snapshots by epoch, built on first use. The value is immutable, so they never go stale. */
    readonly cache: Map<LocalDate, Snap.Snapshot>
  ) {}
}

export const empty: HierarchyImpl = new HierarchyImpl(S.emptyState, new Map())

export const impl = (h: UnitHierarchy): HierarchyImpl => h as HierarchyImpl

/** Applies the changes in order; on the first broken rule nothing is applied and its position is given. */
export const applyAll = (
  h: UnitHierarchy,
  changes: ReadonlyArray<UnitChange>
): Either.Either<HierarchyImpl, { readonly violation: Violation; readonly position: number }> => {
  const from = impl(h)
  if (changes.length === 0) return Either.right(from)
  // The maps are edited in place for the batch (copy on first write, so `from` is untouched) and sealed at the end.
  let state = S.mutable(from.state)
  let earliest = changes[0].effectiveDate
  for (let i = 0; i < changes.length; i++) {
    const r = applyChange(state, changes[i])
    if (Either.isLeft(r)) return Either.left({ violation: r.left, position: i })
    state = r.right
    if (changes[i].effectiveDate < earliest) earliest = changes[i].effectiveDate
  }
  state = S.seal(state)
  // A change only alters the tree from its own date on, so trees of earlier epochs can be kept.
  const cache = new Map<LocalDate, Snap.Snapshot>()
  for (const [epoch, snapshot] of from.cache) if (epoch < earliest) cache.set(epoch, snapshot)
  return Either.right(new HierarchyImpl(state, cache))
}

export const snapshotAt = (h: UnitHierarchy, date: LocalDate): Snap.Snapshot => {
  const { cache, state } = impl(h)
  const epoch = S.epochOf(state.epochs, date)
  if (epoch === undefined) return Snap.emptySnapshot
  let snapshot = cache.get(epoch)
  if (snapshot === undefined) snapshot = Snap.build(state, epoch)
  else cache.delete(epoch)
  // Least recently used first: a national snapshot weighs megabytes, and most queries are about a few dates.
  cache.set(epoch, snapshot)
  if (cache.size > cachedEpochs) cache.delete(cache.keys().next().value!)
  return snapshot
}

const cachedEpochs = 8

export const ancestors = (h: UnitHierarchy, id: UnitId, date: LocalDate): ReadonlyArray<Unit> => {
  const { state } = impl(h)
  const result: Array<Unit> = []
  const seen = new Set<UnitId>([id])
  let parent = S.unitAt(state, id, date)?.parent
  while (parent !== undefined && !seen.has(parent)) {
    const unit = S.unitAt(state, parent, date)
    if (unit === undefined) break
    result.push(unit)
    seen.add(parent)
    parent = unit.parent
  }
  return result
}

/** Whether the unit did not exist yet on the date (or is unknown): nothing carries on for it then. */
const notYet = (state: S.State, id: UnitId, date: LocalDate): boolean => {
  const versions = S.versionsOf(state, id)
  return versions === undefined || date < versions[0].validFrom
}

export const successors = (h: UnitHierarchy, id: UnitId, date: LocalDate): ReadonlyArray<UnitId> => {
  const { state } = impl(h)
  if (notYet(state, id, date)) return []
  const result: Array<UnitId> = []
  const seen = new Set<UnitId>()
  const visit = (current: UnitId): void => {
    if (seen.has(current)) return
    seen.add(current)
    if (S.unitAt(state, current, date) !== undefined) {
      result.push(current)
      return
    }
    for (const next of S.closureOf(state, current)?.successors ?? []) visit(next)
  }
  visit(id)
  return result
}

export const answeringUnit = (h: UnitHierarchy, id: UnitId, date: LocalDate): Option.Option<UnitId> => {
  const { state } = impl(h)
  if (notYet(state, id, date)) return Option.none()
  let current: UnitId | undefined = id
  const seen = new Set<UnitId>()
  while (current !== undefined && !seen.has(current)) {
    if (S.unitAt(state, current, date) !== undefined) return Option.some(current)
    seen.add(current)
    current = S.closureOf(state, current)?.answerer
  }
  return Option.none()
}

export const answeredWithin = (h: UnitHierarchy, root: UnitId, date: LocalDate): ReadonlyArray<UnitId> => {
  const { state } = impl(h)
  const holding = new Set(Snap.subtree(snapshotAt(h, date), root))
  if (holding.size === 0) return []
  const closed: Array<UnitId> = []
  for (const id of HashMap.keys(state.entries)) {
    if (holding.has(id)) continue
    const answering = answeringUnit(h, id, date)
    if (Option.isSome(answering) && holding.has(answering.value)) closed.push(id)
  }
  return [...holding, ...closed]
}

export const lineage = (h: UnitHierarchy, id: UnitId): ReadonlyArray<UnitChange> =>
  S.entryOf(impl(h).state, id)?.changes ?? []
