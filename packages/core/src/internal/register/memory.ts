/**
 * The books behind `Register.layerMemory`: one numbered list per unit and year, and indexes by tip and by code.
 * Every method runs to completion without yielding; the caller still holds a one-permit semaphore around
 * `assign`, so that the read of the next number and the write of the entry stay one step if this ever awaits.
 *
 * @internal
 */

import type { UnitId } from "../units/unit.js"
import type { RegisterEntry } from "./register.js"

/** @internal */
export type Outcome =
  | { readonly _tag: "Added"; readonly entry: RegisterEntry }
  | { readonly _tag: "Existing"; readonly entry: RegisterEntry }
  | { readonly _tag: "TipElsewhere"; readonly entry: RegisterEntry }
  | { readonly _tag: "CodeTaken"; readonly code: string; readonly owner: RegisterEntry }

/** @internal */
export interface Request {
  readonly unit: UnitId
  readonly tipId: string
  readonly year: number
  readonly codeOf: (number: number) => string
  readonly build: (number: number, code: string) => RegisterEntry
}

const keyOf = (unit: UnitId, year: number): string => `${year}\u0000${unit}`

/** @internal */
export class Books {
  private readonly lists = new Map<string, Array<RegisterEntry>>()
  private readonly tips = new Map<string, RegisterEntry>()
  private readonly codes = new Map<string, RegisterEntry>()

  assign(request: Request): Outcome {
    const known = this.tips.get(request.tipId)
    if (known !== undefined) return { _tag: known.unit === request.unit ? "Existing" : "TipElsewhere", entry: known }
    const key = keyOf(request.unit, request.year)
    const list = this.lists.get(key) ?? []
    const number = list.length + 1
    const code = request.codeOf(number)
    const owner = this.codes.get(code)
    // Refused before anything is written, so the number is not used up and the list stays gapless.
    if (owner !== undefined) return { _tag: "CodeTaken", code, owner }
    const entry = request.build(number, code)
    list.push(entry)
    this.lists.set(key, list)
    this.tips.set(entry.tipId, entry)
    this.codes.set(code, entry)
    return { _tag: "Added", entry }
  }

  list(unit: UnitId, year: number): ReadonlyArray<RegisterEntry> {
    return [...(this.lists.get(keyOf(unit, year)) ?? [])]
  }

  byCode(code: string): RegisterEntry | undefined {
    return this.codes.get(code)
  }

  byTip(tipId: string): RegisterEntry | undefined {
    return this.tips.get(tipId)
  }
}
