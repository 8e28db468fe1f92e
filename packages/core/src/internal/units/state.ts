import { HashMap, Option } from "effect"
import type { LocalDate } from "../calendar/localDate.js"
import type { Label } from "../shared/label.js"
import type { OfficialCode, UnitId, UnitKind } from "./unit.js"
import { isValidAt, Unit } from "./unit.js"
import type { UnitChange } from "./unitChange.js"

/** How a closed unit was closed, and who carries on for it. */
export interface Closure {
  readonly date: LocalDate
  readonly successors: ReadonlyArray<UnitId>
  readonly answerer: UnitId | undefined
}

/**
 * An append-only array shared between successive states: each state sees its own prefix, and appending to an
 * older state copies. Growing it change by change costs O(1) per item instead of O(n).
 */
export interface Log<A> {
  readonly items: Array<A>
  readonly length: number
}

/** Everything known about one unit, kept in one map entry so that a change costs few map operations. */
export interface Entry {
  /** The order in which units were established: siblings appear in this order. */
  readonly seq: number
  /** Versions, oldest first, contiguous in time. */
  readonly versions: ReadonlyArray<Unit>
  /** The changes that touched the unit, in the order applied. */
  readonly changes: ReadonlyArray<UnitChange>
  readonly closure: Closure | undefined
  /** Every unit ever placed directly under it (may repeat), so that closing it finds its children without a scan. */
  readonly children: Log<UnitId>
}

export interface State {
  readonly entries: HashMap.HashMap<UnitId, Entry>
  readonly size: number
  /** Official codes stay with the unit that first bore them. */
  readonly codes: HashMap.HashMap<string, UnitId>
  /** The distinct effective dates, ascending: the tree only changes on these dates. */
  readonly epochs: ReadonlyArray<LocalDate>
}

export const emptyState: State = { entries: HashMap.empty(), size: 0, codes: HashMap.empty(), epochs: [] }

/** A copy of the state whose maps are edited in place until {@link seal}; the original stays as it was. */
export const mutable = (state: State): State => ({
  ...state,
  entries: HashMap.beginMutation(state.entries),
  codes: HashMap.beginMutation(state.codes)
})

export const seal = (state: State): State => ({
  ...state,
  entries: HashMap.endMutation(state.entries),
  codes: HashMap.endMutation(state.codes)
})

export const emptyLog = <A>(): Log<A> => ({ items: [], length: 0 })

export const append = <A>(log: Log<A>, a: A): Log<A> => {
  if (log.items.length === log.length) {
    log.items.push(a)
    return { items: log.items, length: log.length + 1 }
  }
  const items = log.items.slice(0, log.length)
  items.push(a)
  return { items, length: items.length }
}

export const entryOf = (state: State, id: UnitId): Entry | undefined =>
  Option.getOrUndefined(HashMap.get(state.entries, id))

const update = (state: State, id: UnitId, f: (entry: Entry) => Entry): State => {
  const entry = entryOf(state, id)
  return entry === undefined ? state : { ...state, entries: HashMap.set(state.entries, id, f(entry)) }
}

export const addUnit = (state: State, unit: Unit, change: UnitChange): State => ({
  ...state,
  size: state.size + 1,
  entries: HashMap.set(state.entries, unit.id, {
    seq: state.size,
    versions: [unit],
    changes: [change],
    closure: undefined,
    children: emptyLog()
  })
})

export const versionsOf = (state: State, id: UnitId): ReadonlyArray<Unit> | undefined => entryOf(state, id)?.versions

export const closureOf = (state: State, id: UnitId): Closure | undefined => entryOf(state, id)?.closure

export const versionAt = (versions: ReadonlyArray<Unit>, date: LocalDate): Unit | undefined => {
  for (let i = versions.length - 1; i >= 0; i--) {
    const v = versions[i]
    if (v.validFrom <= date) return isValidAt(v, date) ? v : undefined
  }
  return undefined
}

export const unitAt = (state: State, id: UnitId, date: LocalDate): Unit | undefined => {
  const versions = versionsOf(state, id)
  return versions === undefined ? undefined : versionAt(versions, date)
}

export const latest = (versions: ReadonlyArray<Unit>): Unit => versions[versions.length - 1]

/** The date of the last change recorded for a unit: its last version's start, or its closing date. */
export const lastChange = (versions: ReadonlyArray<Unit>): LocalDate => {
  const last = latest(versions)
  return last.validTo ?? last.validFrom
}

export interface VersionFields {
  readonly id: UnitId
  readonly code: OfficialCode | undefined
  readonly kind: UnitKind
  readonly name: Label
  readonly parent: UnitId | undefined
  readonly remote: boolean
  readonly validFrom: LocalDate
  readonly validTo?: LocalDate | undefined
}

/**
 * A version from fields that were validated when their change was made or decoded. Going through the Schema
 * class constructor (even without validation) costs more than the rest of applying a change, so the instance is
 * made as that constructor makes it: the fields assigned onto an object with the class's prototype.
 */
export const makeVersion = (f: VersionFields): Unit =>
  Object.assign(Object.create(Unit.prototype) as Unit, {
    id: f.id,
    kind: f.kind,
    name: f.name,
    remote: f.remote,
    validFrom: f.validFrom,
    ...(f.code === undefined ? {} : { code: f.code }),
    ...(f.parent === undefined ? {} : { parent: f.parent }),
    ...(f.validTo === undefined ? {} : { validTo: f.validTo })
  })

const fieldsOf = (u: Unit): VersionFields => ({
  id: u.id,
  code: u.code,
  kind: u.kind,
  name: u.name,
  parent: u.parent,
  remote: u.remote,
  validFrom: u.validFrom,
  validTo: u.validTo
})

const withEnd = (u: Unit, date: LocalDate): Unit => makeVersion({ ...fieldsOf(u), validTo: date })

/** A new open version from `date`; a version that began the same day is replaced rather than left empty. */
export const supersede = (state: State, id: UnitId, patch: Partial<VersionFields>, date: LocalDate): State =>
  update(state, id, (entry) => {
    const versions = entry.versions
    const last = latest(versions)
    const next = makeVersion({ ...fieldsOf(last), ...patch, validFrom: date, validTo: undefined })
    const kept = last.validFrom === date ? versions.slice(0, -1) : [...versions.slice(0, -1), withEnd(last, date)]
    return { ...entry, versions: [...kept, next] }
  })

/** Closes the last version; one that would begin and end the same day is dropped, since its predecessor ends then. */
export const closeUnit = (state: State, id: UnitId, closure: Closure): State =>
  update(state, id, (entry) => {
    const versions = entry.versions
    const last = latest(versions)
    const closed =
      last.validFrom === closure.date && versions.length > 1
        ? versions.slice(0, -1)
        : [...versions.slice(0, -1), withEnd(last, closure.date)]
    return { ...entry, versions: closed, closure }
  })

export const linkChild = (state: State, parent: UnitId | undefined, child: UnitId): State =>
  parent === undefined
    ? state
    : update(state, parent, (entry) => ({ ...entry, children: append(entry.children, child) }))

export const childrenEver = (state: State, parent: UnitId): ReadonlyArray<UnitId> => {
  const log = entryOf(state, parent)?.children
  return log === undefined ? [] : [...new Set(log.items.slice(0, log.length))]
}

export const touch = (state: State, ids: Iterable<UnitId>, change: UnitChange): State => {
  let next = state
  for (const id of new Set(ids)) next = update(next, id, (entry) => ({ ...entry, changes: [...entry.changes, change] }))
  return next
}

export const addEpoch = (state: State, date: LocalDate): State => {
  const epochs = state.epochs
  let i = epochs.length
  while (i > 0 && epochs[i - 1] > date) i--
  if (i > 0 && epochs[i - 1] === date) return state
  return { ...state, epochs: [...epochs.slice(0, i), date, ...epochs.slice(i)] }
}

/** The epoch in force on a date: the last effective date on or before it. */
export const epochOf = (epochs: ReadonlyArray<LocalDate>, date: LocalDate): LocalDate | undefined => {
  let lo = 0
  let hi = epochs.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (epochs[mid] <= date) lo = mid + 1
    else hi = mid
  }
  return lo === 0 ? undefined : epochs[lo - 1]
}
