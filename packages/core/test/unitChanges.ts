// Shorthands for building unit histories in tests.
import * as LocalDate from "../src/LocalDate.js"
import { OfficialCode, UnitId, type UnitKind } from "../src/Unit.js"
import * as UnitChange from "../src/UnitChange.js"

export const d = LocalDate.unsafeMake
export const u = (s: string) => UnitId.make(s)
export const basis = "Quyết định thử nghiệm"
export const at = (date: string, legalBasis = basis) => ({ effectiveDate: d(date), legalBasis })

/** A unit established on `date` (2020-01-01 by default), named `vi` in both languages. */
export const est = (id: string, kind: UnitKind, vi: string, parent?: string, date = "2020-01-01", code?: string) =>
  new UnitChange.Established({
    ...at(date),
    id: u(id),
    kind,
    name: { vi, en: vi },
    ...(parent === undefined ? {} : { parent: u(parent) }),
    ...(code === undefined ? {} : { code: OfficialCode.make(code) })
  })
