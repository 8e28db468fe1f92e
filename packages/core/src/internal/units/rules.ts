import { Either, HashMap, Option } from "effect"
import type { LocalDate } from "../calendar/localDate.js"
import type { UnitRule } from "./hierarchy.js"
import * as S from "./state.js"
import type { Unit, UnitId, UnitKind } from "./unit.js"
import { displayName } from "./unit.js"

export interface Violation {
  readonly rule: UnitRule
  readonly message: string
  readonly unit?: UnitId
}

export const violation = <A = never>(rule: UnitRule, message: string, unit?: UnitId): Either.Either<A, Violation> =>
  Either.left(unit === undefined ? { rule, message } : { rule, message, unit })

const unknown = <A>(id: UnitId): Either.Either<A, Violation> =>
  violation("unknown_unit", `No unit with id "${id}" is recorded.`, id)

export interface Acted {
  readonly versions: ReadonlyArray<Unit>
  readonly current: Unit
}

/** A unit whose record the change rewrites: it must be open, and the change may not go back before its last one. */
export const actOn = (state: S.State, id: UnitId, date: LocalDate): Either.Either<Acted, Violation> => {
  const versions = S.versionsOf(state, id)
  if (versions === undefined) return unknown(id)
  const current = S.latest(versions)
  const closure = S.closureOf(state, id)
  if (closure !== undefined) {
    return violation(
      "dissolved",
      `${displayName(current)} closed on ${closure.date}; no change can act on it any more.`,
      id
    )
  }
  if (date < versions[0].validFrom) {
    return violation(
      "not_valid_at_date",
      `${displayName(current)} was established on ${versions[0].validFrom}; a change dated ${date} cannot act on it.`,
      id
    )
  }
  const last = S.lastChange(versions)
  if (date < last) {
    return violation(
      "out_of_order",
      `${displayName(current)} already has a change dated ${last}; a change dated ${date} had to be recorded before it.`,
      id
    )
  }
  return Either.right({ versions, current })
}

/** A unit the change points to (a parent, an heir, a part): it must hold on the date and never close later. */
export const refer = (state: S.State, id: UnitId, date: LocalDate, role: string): Either.Either<Unit, Violation> => {
  const versions = S.versionsOf(state, id)
  if (versions === undefined) return unknown(id)
  const name = displayName(S.latest(versions))
  if (date < versions[0].validFrom) {
    return violation(
      "not_valid_at_date",
      `${name} is only established on ${versions[0].validFrom}; it cannot be the ${role} on ${date}.`,
      id
    )
  }
  const closure = S.closureOf(state, id)
  if (closure !== undefined && closure.date <= date) {
    return violation("dissolved", `${name} closed on ${closure.date}; it cannot be the ${role} on ${date}.`, id)
  }
  if (closure !== undefined) {
    return violation(
      "out_of_order",
      `${name} closes on ${closure.date}, which is already recorded; it cannot become the ${role} from ${date}.`,
      id
    )
  }
  return Either.right(S.versionAt(versions, date)!)
}

/** Only these kinds may stand without a parent. Partner agencies stand beside the police tree. */
export const canBeRoot = (kind: UnitKind): boolean => kind === "ministry" || kind === "province" || kind === "partner"

/** An official code may be given again only to the unit that already bears it. */
export const checkCode = (state: S.State, code: string | undefined, id: UnitId): Violation | undefined => {
  if (code === undefined) return undefined
  const owner = Option.getOrUndefined(HashMap.get(state.codes, code))
  if (owner === undefined || owner === id) return undefined
  const versions = S.versionsOf(state, owner)!
  return {
    rule: "already_exists",
    message: `Code ${code} already belongs to ${displayName(S.latest(versions))}; official codes are never reused.`,
    unit: id
  }
}

/**
 * The first date, from `date` on, on which `start` would sit under itself. Only the parent of `start` (or of
 * units now pointing at it) changed, so any new cycle passes through `start`; later dates are checked because
 * changes of other units may already be recorded for them.
 */
export const cycleFrom = (state: S.State, start: UnitId, date: LocalDate): LocalDate | undefined => {
  const dates = [date, ...state.epochs.filter((e) => e > date)]
  for (const at of dates) {
    const seen = new Set<UnitId>()
    let current = S.unitAt(state, start, at)?.parent
    while (current !== undefined && !seen.has(current)) {
      if (current === start) return at
      seen.add(current)
      current = S.unitAt(state, current, at)?.parent
    }
  }
  return undefined
}
