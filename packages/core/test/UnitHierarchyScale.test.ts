import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import * as LocalDate from "../src/LocalDate.js"
import type { UnitId, UnitKind } from "../src/Unit.js"
import * as UnitChange from "../src/UnitChange.js"
import * as UnitHierarchy from "../src/UnitHierarchy.js"

// A national tree of the 2025 shape: 34 provinces, 3,321 communes, 30 residential groups each (~100k units).
const PROVINCES = 34
const COMMUNES = 3321
const GROUPS = 30
const d = LocalDate.unsafeMake
const u = (s: string) => s as UnitId
const before = d("2020-01-01")
const after = d("2025-07-01")

const est = (id: string, kind: UnitKind, parent: string | undefined, date: LocalDate.LocalDate) =>
  new UnitChange.Established(
    {
      effectiveDate: date,
      legalBasis: "Dữ liệu thử quy mô toàn quốc",
      id: u(id),
      kind,
      name: { vi: `Đơn vị ${id}`, en: `Unit ${id}` },
      ...(parent === undefined ? {} : { parent: u(parent) })
    },
    true
  )

const provinceOf = (commune: number) => `p${commune % PROVINCES}`
const changes: Array<UnitChange.UnitChange> = [est("bca", "ministry", undefined, before)]
for (let p = 0; p < PROVINCES; p++) changes.push(est(`p${p}`, "province", "bca", before))
for (let c = 0; c < COMMUNES; c++) {
  changes.push(est(`c${c}`, "commune", provinceOf(c), before))
  for (let g = 0; g < GROUPS; g++) changes.push(est(`c${c}g${g}`, "residential_group", `c${c}`, before))
}

// The restructuring: communes c and c+34 (same province) merge into a new one; every 7th other commune moves to
// the next province. Expected province of each commune afterwards, computed independently of the hierarchy.
const expected = new Map<string, string>()
const restructuring: Array<UnitChange.UnitChange> = []
for (let c = 0; c < COMMUNES; c++) {
  if (expected.has(`c${c}`)) continue
  if (c % 5 === 0 && c + PROVINCES < COMMUNES) {
    restructuring.push(est(`m${c}`, "commune", provinceOf(c), after))
    restructuring.push(
      new UnitChange.Merged({
        effectiveDate: after,
        legalBasis: "Nghị quyết sắp xếp (thử)",
        sources: [u(`c${c}`), u(`c${c + PROVINCES}`)],
        into: u(`m${c}`)
      })
    )
    expected
      .set(`c${c}`, "merged")
      .set(`c${c + PROVINCES}`, "merged")
      .set(`m${c}`, provinceOf(c))
  } else if (c % 7 === 0) {
    const target = `p${(c + 1) % PROVINCES}`
    restructuring.push(
      new UnitChange.Moved({
        effectiveDate: after,
        legalBasis: "Quyết định điều chuyển (thử)",
        unit: u(`c${c}`),
        newParent: u(target)
      })
    )
    expected.set(`c${c}`, target)
  } else expected.set(`c${c}`, provinceOf(c))
}

// Deterministic samples.
let seed = 20250701
const random = (n: number) => {
  seed = (seed * 1103515245 + 12345) % 2147483648
  return seed % n
}
const anyUnit = () => {
  const c = random(COMMUNES)
  const g = random(GROUPS + 1)
  return g === GROUPS ? `c${c}` : `c${c}g${g}`
}

describe("UnitHierarchy at national scale", () => {
  it("builds ~100k units and answers isWithin and subtree like a walk up the tree", { timeout: 120_000 }, () => {
    const h = Either.getOrThrow(UnitHierarchy.fromChanges([...changes, ...restructuring]))
    for (const date of [before, after]) {
      for (let i = 0; i < 2000; i++) {
        const unit = u(anyUnit())
        const candidate = u(random(3) === 0 ? `p${random(PROVINCES)}` : anyUnit())
        const walk = [unit, ...UnitHierarchy.ancestors(h, unit, date).map((a) => a.id)]
        const exists = UnitHierarchy.get(h, unit, date)._tag === "Some"
        expect(UnitHierarchy.isWithin(h, unit, candidate, date)).toBe(exists && walk.includes(candidate))
      }
    }

    let total = 0
    for (let p = 0; p < PROVINCES; p++) {
      const units = UnitHierarchy.subtree(h, u(`p${p}`), after)
      const communes = units.filter((id) => !id.includes("g") && id !== `p${p}`)
      const want = [...expected].filter(([, province]) => province === `p${p}`).map(([id]) => id)
      expect(new Set(communes)).toEqual(new Set(want))
      // A merged commune took over the residential groups of both its sources.
      const groups = want.reduce((n, id) => n + (id.startsWith("m") ? 2 * GROUPS : GROUPS), 0)
      expect(units.length).toBe(1 + want.length + groups)
      total += units.length
    }
    expect(UnitHierarchy.subtree(h, u("bca"), after)).toHaveLength(total + 1)
    expect(UnitHierarchy.subtree(h, u("bca"), before)).toHaveLength(1 + PROVINCES + COMMUNES * (1 + GROUPS))
    expect(UnitHierarchy.subtree(h, u("c3g7"), after)).toEqual(["c3g7"])
    expect(UnitHierarchy.isWithin(h, u("c0g1"), u("m0"), after)).toBe(true)
    expect(UnitHierarchy.isWithin(h, u("c34g1"), u("m0"), after)).toBe(true)
    expect(UnitHierarchy.isWithin(h, u("c0g1"), u("c0"), after)).toBe(false)
  })
})
