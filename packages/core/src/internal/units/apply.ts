import { Either, HashMap } from "effect"
import { closeWith } from "./close.js"
import type { Violation } from "./rules.js"
import { actOn, canBeRoot, checkCode, cycleFrom, refer, violation } from "./rules.js"
import * as S from "./state.js"
import type { UnitId } from "./unit.js"
import { displayName } from "./unit.js"
import type { UnitChange } from "./unitChange.js"

type Result = Either.Either<S.State, Violation>

const finish = (state: S.State, change: UnitChange, touched: Iterable<UnitId>): Result =>
  Either.right(S.addEpoch(S.touch(state, touched, change), change.effectiveDate))

const withCode = (state: S.State, code: string | undefined, id: UnitId): S.State =>
  code === undefined ? state : { ...state, codes: HashMap.set(state.codes, code, id) }

const distinct = (ids: ReadonlyArray<UnitId>): boolean => new Set(ids).size === ids.length

const established = (state: S.State, c: Extract<UnitChange, { _tag: "Established" }>): Result => {
  const existing = S.versionsOf(state, c.id)
  if (existing !== undefined) {
    return violation(
      "already_exists",
      `The id "${c.id}" already belongs to ${displayName(S.latest(existing))}; ids are never reused, even after a unit closes.`,
      c.id
    )
  }
  const clash = checkCode(state, c.code, c.id)
  if (clash !== undefined) return Either.left(clash)
  if (c.parent === undefined && !canBeRoot(c.kind)) {
    return violation(
      "invalid_change",
      `${c.name.vi} (${c.id}) needs a parent unit: only the ministry, a province or a partner agency stands at the top.`,
      c.id
    )
  }
  if (c.parent !== undefined) {
    const parent = refer(state, c.parent, c.effectiveDate, `parent of ${c.name.vi}`)
    if (Either.isLeft(parent)) return Either.left(parent.left)
  }
  const unit = S.makeVersion({
    id: c.id,
    code: c.code,
    kind: c.kind,
    name: c.name,
    parent: c.parent,
    remote: c.remote ?? false,
    validFrom: c.effectiveDate
  })
  const added = S.linkChild(withCode(S.addUnit(state, unit, c), c.code, c.id), c.parent, c.id)
  return Either.right(S.addEpoch(added, c.effectiveDate))
}

const renamed = (state: S.State, c: Extract<UnitChange, { _tag: "Renamed" }>): Result =>
  Either.flatMap(actOn(state, c.unit, c.effectiveDate), ({ current }) => {
    const clash = checkCode(state, c.code, c.unit)
    if (clash !== undefined) return Either.left(clash)
    if (c.name.vi === current.name.vi && c.name.en === current.name.en && (c.code ?? current.code) === current.code) {
      return violation("invalid_change", `${displayName(current)} already bears this name.`, c.unit)
    }
    const next = S.supersede(state, c.unit, { name: c.name, code: c.code ?? current.code }, c.effectiveDate)
    return finish(withCode(next, c.code, c.unit), c, [c.unit])
  })

const moved = (state: S.State, c: Extract<UnitChange, { _tag: "Moved" }>): Result =>
  Either.flatMap(actOn(state, c.unit, c.effectiveDate), ({ current }) => {
    if (c.newParent === c.unit) {
      return violation("cycle", `${displayName(current)} cannot be placed under itself.`, c.unit)
    }
    return Either.flatMap(refer(state, c.newParent, c.effectiveDate, `new parent of ${current.name.vi}`), (parent) => {
      if (current.parent === c.newParent) {
        return violation("invalid_change", `${displayName(current)} is already under ${displayName(parent)}.`, c.unit)
      }
      const next = S.linkChild(
        S.supersede(state, c.unit, { parent: c.newParent }, c.effectiveDate),
        c.newParent,
        c.unit
      )
      const at = cycleFrom(next, c.unit, c.effectiveDate)
      if (at !== undefined) {
        return violation(
          "cycle",
          `${displayName(current)} cannot move under ${displayName(parent)}: on ${at} ${parent.name.vi} lies under ${current.name.vi}.`,
          c.unit
        )
      }
      return finish(next, c, [c.unit])
    })
  })

const reclassified = (state: S.State, c: Extract<UnitChange, { _tag: "Reclassified" }>): Result =>
  Either.flatMap(actOn(state, c.unit, c.effectiveDate), ({ current }) => {
    const remote = c.remote ?? current.remote
    if (c.kind === current.kind && remote === current.remote) {
      return violation("invalid_change", `${displayName(current)} already is of this kind.`, c.unit)
    }
    if (current.parent === undefined && !canBeRoot(c.kind)) {
      return violation(
        "invalid_change",
        `${displayName(current)} has no parent unit, so it can only be the ministry, a province or a partner agency.`,
        c.unit
      )
    }
    return finish(S.supersede(state, c.unit, { kind: c.kind, remote }, c.effectiveDate), c, [c.unit])
  })

const merged = (state: S.State, c: Extract<UnitChange, { _tag: "Merged" }>): Result => {
  if (c.sources.length < 2 || !distinct(c.sources)) {
    return violation("invalid_change", "A merger needs at least two different units that close.")
  }
  if (c.sources.includes(c.into)) {
    return violation(
      "invalid_change",
      `"${c.into}" is listed both as closing and as the unit the others merge into; list only the units that close.`,
      c.into
    )
  }
  for (const source of c.sources) {
    const acted = actOn(state, source, c.effectiveDate)
    if (Either.isLeft(acted)) return Either.left(acted.left)
  }
  const into = refer(state, c.into, c.effectiveDate, "unit they merge into")
  if (Either.isLeft(into)) return Either.left(into.left)
  return closeAll(state, c, c.sources, { date: c.effectiveDate, successors: [c.into], answerer: c.into }, [c.into])
}

const split = (state: S.State, c: Extract<UnitChange, { _tag: "Split" }>): Result => {
  if (c.into.length < 2 || !distinct(c.into) || c.into.includes(c.source)) {
    return violation("invalid_change", "A split needs at least two different units, other than the one that closes.")
  }
  if (!c.into.includes(c.heir)) {
    return violation("invalid_change", `The heir "${c.heir}" must be one of the units the split creates.`, c.heir)
  }
  return Either.flatMap(actOn(state, c.source, c.effectiveDate), ({ current }) => {
    for (const part of c.into) {
      const r = refer(state, part, c.effectiveDate, `part of ${current.name.vi}`)
      if (Either.isLeft(r)) return Either.left(r.left)
    }
    return closeAll(state, c, [c.source], { date: c.effectiveDate, successors: c.into, answerer: c.heir }, c.into)
  })
}

const dissolved = (state: S.State, c: Extract<UnitChange, { _tag: "Dissolved" }>): Result =>
  Either.flatMap(actOn(state, c.unit, c.effectiveDate), ({ current }) => {
    if (c.heir === c.unit) return violation("invalid_change", `${displayName(current)} cannot be its own heir.`, c.unit)
    if (c.heir !== undefined) {
      const heir = refer(state, c.heir, c.effectiveDate, `heir of ${current.name.vi}`)
      if (Either.isLeft(heir)) return Either.left(heir.left)
    }
    const answerer = c.heir ?? current.parent
    const successors = answerer === undefined ? [] : [answerer]
    return closeAll(state, c, [c.unit], { date: c.effectiveDate, successors, answerer }, successors)
  })

const closeAll = (
  state: S.State,
  change: UnitChange,
  closing: ReadonlyArray<UnitId>,
  closure: S.Closure,
  successors: ReadonlyArray<UnitId>
): Result => {
  let next = state
  const touched: Array<UnitId> = [...closing, ...successors]
  for (const id of closing) {
    const r = closeWith(next, id, closure)
    if (Either.isLeft(r)) return Either.left(r.left)
    next = r.right.state
    touched.push(...r.right.moved)
  }
  return finish(next, change, touched)
}

/** Applies one change, or says which rule it breaks. Nothing is changed when it fails. */
export const applyChange = (state: S.State, change: UnitChange): Result => {
  switch (change._tag) {
    case "Established":
      return established(state, change)
    case "Renamed":
      return renamed(state, change)
    case "Moved":
      return moved(state, change)
    case "Reclassified":
      return reclassified(state, change)
    case "Merged":
      return merged(state, change)
    case "Split":
      return split(state, change)
    case "Dissolved":
      return dissolved(state, change)
  }
}
