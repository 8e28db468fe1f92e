import type { LocalDate } from "../calendar/localDate.js"
import * as S from "./state.js"
import type { Unit, UnitId } from "./unit.js"

/**
 * The tree as it stands during one epoch, laid out in pre-order (an Euler tour): the subtree of the unit at
 * position `i` is exactly the positions `i` to `end[i] - 1`. "Is A within B" is then two comparisons and a
 * subtree is one slice, whatever the size of the tree.
 */
export interface Snapshot {
  readonly order: ReadonlyArray<Unit>
  readonly position: ReadonlyMap<UnitId, number>
  readonly end: Int32Array
  readonly roots: ReadonlyArray<Unit>
  readonly children: ReadonlyMap<UnitId, ReadonlyArray<Unit>>
}

export const emptySnapshot: Snapshot = {
  order: [],
  position: new Map(),
  end: new Int32Array(0),
  roots: [],
  children: new Map()
}

export const build = (state: S.State, epoch: LocalDate): Snapshot => {
  // Walking the map is cheaper than looking each unit up; placing by sequence number restores creation order.
  const bySeq = new Array<Unit | undefined>(state.size)
  for (const [, entry] of state.entries) bySeq[entry.seq] = S.versionAt(entry.versions, epoch)
  // A parent holds whenever its child does (closing a unit moves its children), so every unit is reached.
  const roots: Array<Unit> = []
  const children = new Map<UnitId, Array<Unit>>()
  for (const unit of bySeq) {
    if (unit === undefined) continue
    if (unit.parent === undefined) {
      roots.push(unit)
      continue
    }
    const siblings = children.get(unit.parent)
    if (siblings === undefined) children.set(unit.parent, [unit])
    else siblings.push(unit)
  }

  const order: Array<Unit> = []
  const parentAt: Array<number> = []
  const position = new Map<UnitId, number>()
  const stack: Array<Unit> = []
  const stackParent: Array<number> = []
  for (let r = roots.length - 1; r >= 0; r--) {
    stack.push(roots[r])
    stackParent.push(-1)
  }
  while (stack.length > 0) {
    const unit = stack.pop()!
    const here = order.length
    position.set(unit.id, here)
    order.push(unit)
    parentAt.push(stackParent.pop()!)
    const kids = children.get(unit.id)
    if (kids === undefined) continue
    for (let k = kids.length - 1; k >= 0; k--) {
      stack.push(kids[k])
      stackParent.push(here)
    }
  }

  // Descendants follow their ancestor in pre-order, so one backward pass adds each subtree's size to its parent.
  const size = new Int32Array(order.length).fill(1)
  for (let i = order.length - 1; i >= 0; i--) if (parentAt[i] >= 0) size[parentAt[i]] += size[i]
  const end = new Int32Array(order.length)
  for (let i = 0; i < order.length; i++) end[i] = i + size[i]
  return { order, position, end, roots, children }
}

export const isWithin = (snapshot: Snapshot, unit: UnitId, ancestorOrSelf: UnitId): boolean => {
  const i = snapshot.position.get(unit)
  const a = snapshot.position.get(ancestorOrSelf)
  return i !== undefined && a !== undefined && a <= i && i < snapshot.end[a]
}

export const subtree = (snapshot: Snapshot, id: UnitId): ReadonlyArray<UnitId> => {
  const start = snapshot.position.get(id)
  if (start === undefined) return []
  const stop = snapshot.end[start]
  const ids = new Array<UnitId>(stop - start)
  for (let i = start; i < stop; i++) ids[i - start] = snapshot.order[i].id
  return ids
}
