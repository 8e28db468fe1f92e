import { Either } from "effect"
import type { Violation } from "./rules.js"
import { cycleFrom, violation } from "./rules.js"
import * as S from "./state.js"
import type { UnitId } from "./unit.js"
import { displayName } from "./unit.js"

/**
 * Closes a unit on the closure's date. The units still directly under it move to the unit that answers for it,
 * so no open version ever points at a closed parent. A child with changes recorded after that date cannot be
 * moved without rewriting its later history, so the closure is then out of order.
 */
export const closeWith = (
  state: S.State,
  id: UnitId,
  closure: S.Closure
): Either.Either<{ readonly state: S.State; readonly moved: ReadonlyArray<UnitId> }, Violation> => {
  const date = closure.date
  const current = S.latest(S.versionsOf(state, id)!)
  const heir = closure.answerer
  const moved: Array<UnitId> = []
  let next = state
  for (const child of S.childrenEver(state, id)) {
    const versions = S.versionsOf(next, child)!
    const last = S.latest(versions)
    if (last.parent === id && last.validTo === undefined && last.validFrom <= date) {
      if (heir === undefined) {
        return violation(
          "invalid_change",
          `${displayName(current)} still has ${displayName(last)} under it and no unit to take it over: name an heir, or move its units first.`,
          id
        )
      }
      next = S.linkChild(S.supersede(next, child, { parent: heir }, date), heir, child)
      moved.push(child)
    } else if (versions.some((v) => v.parent === id && (v.validTo === undefined || v.validTo > date))) {
      return violation(
        "out_of_order",
        `${displayName(last)} has a change recorded after ${date} while it is under ${displayName(current)}; ${current.name.vi} cannot close on ${date} after that was recorded.`,
        child
      )
    }
  }
  next = S.closeUnit(next, id, closure)
  if (heir !== undefined && moved.length > 0) {
    const at = cycleFrom(next, heir, date)
    if (at !== undefined) {
      const heirUnit = S.unitAt(next, heir, date)!
      return violation(
        "cycle",
        `${displayName(heirUnit)} cannot take over the units under ${displayName(current)}: it lies under ${current.name.vi} itself.`,
        heir
      )
    }
  }
  return Either.right({ state: next, moved })
}
