import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import * as UnitChange from "../src/UnitChange.js"
import * as UnitHierarchy from "../src/UnitHierarchy.js"
import { at, est, u } from "./unitChanges.js"

const base = [
  est("bca", "ministry", "Bộ Công an"),
  est("p37", "province", "Công an tỉnh Ninh Bình", "bca", "2020-01-01", "37"),
  est("city", "district", "Công an thành phố Ninh Bình", "p37"),
  est("w1", "ward", "Công an phường Vân Giang", "city"),
  est("w2", "ward", "Công an phường Thanh Bình", "city"),
  est("w3", "ward", "Công an phường Phúc Thành", "city"),
  est("g1", "residential_group", "Tổ dân phố 1, phường Vân Giang", "w1")
]
const h0 = Either.getOrThrow(UnitHierarchy.fromChanges(base))

const fail = (...changes: ReadonlyArray<UnitChange.UnitChange>): UnitHierarchy.UnitRuleError => {
  const r = UnitHierarchy.applyAll(h0, changes)
  if (Either.isRight(r)) throw new Error("expected the changes to be refused")
  return r.left
}
const rename = (unit: string, vi: string, date: string) =>
  new UnitChange.Renamed({ ...at(date), unit: u(unit), name: { vi, en: vi } })
const move = (unit: string, newParent: string, date: string) =>
  new UnitChange.Moved({ ...at(date), unit: u(unit), newParent: u(newParent) })
const merge = (sources: ReadonlyArray<string>, into: string, date: string) =>
  new UnitChange.Merged({ ...at(date), sources: sources.map(u), into: u(into) }, true)

describe("UnitHierarchy rules", () => {
  it("unknown_unit: a change names a unit that was never established", () => {
    const e = fail(move("w9", "city", "2024-01-01"))
    expect([e._tag, e.rule, e.unit, e.position]).toEqual(["UnitRuleError", "unknown_unit", "w9", 0])
    expect(fail(est("x", "ward", "Công an phường X", "nowhere")).rule).toBe("unknown_unit")
  })

  it("not_valid_at_date: the unit does not exist yet on the change's date", () => {
    const e = fail(est("x", "ward", "Công an phường X", "city", "2019-06-01"))
    expect(e.rule).toBe("not_valid_at_date")
    expect(e.message).toContain("Công an thành phố Ninh Bình")
    expect(fail(rename("w1", "Công an phường Mới", "2019-06-01")).rule).toBe("not_valid_at_date")
  })

  it("already_exists: ids and official codes are never reused", () => {
    expect(fail(est("w1", "ward", "Công an phường khác", "city")).rule).toBe("already_exists")
    const e = fail(est("p99", "province", "Công an tỉnh khác", "bca", "2021-01-01", "37"))
    expect([e.rule, e.message]).toEqual([
      "already_exists",
      "Code 37 already belongs to Công an tỉnh Ninh Bình (p37); official codes are never reused."
    ])
  })

  it("dissolved: a closed unit can neither change nor receive units", () => {
    const gone = new UnitChange.Dissolved({ ...at("2025-03-01"), unit: u("w3") })
    expect(fail(gone, rename("w3", "Công an phường Mới", "2025-04-01")).rule).toBe("dissolved")
    const e = fail(gone, est("g9", "residential_group", "Tổ dân phố 9", "w3", "2025-04-01"))
    expect([e.rule, e.position]).toEqual(["dissolved", 1])
    expect(e.message).toContain("Công an phường Phúc Thành (w3) closed on 2025-03-01")
  })

  it("cycle: a unit cannot go under itself or its own descendants", () => {
    expect(fail(move("city", "g1", "2024-01-01")).rule).toBe("cycle")
    expect(fail(move("w1", "w1", "2024-01-01")).rule).toBe("cycle")
    // The heir lies under the closing unit, so it cannot take over the units next to it.
    const e = fail(new UnitChange.Dissolved({ ...at("2025-03-01"), unit: u("city"), heir: u("g1") }))
    expect([e.rule, e.unit]).toEqual(["cycle", "g1"])
  })

  it("cycle: a move is checked against moves already recorded for later dates", () => {
    const e = fail(move("w2", "w3", "2025-07-01"), move("w3", "w2", "2025-03-01"))
    expect([e.rule, e.position]).toEqual(["cycle", 1])
    expect(e.message).toContain("on 2025-07-01")
  })

  it("out_of_order: no change goes back before the last change of a unit it rewrites", () => {
    const e = fail(rename("w1", "Công an phường A", "2025-01-01"), rename("w1", "Công an phường B", "2024-01-01"))
    expect([e.rule, e.unit, e.position]).toEqual(["out_of_order", "w1", 1])
    // w1's rename is recorded for 2025, so its parent cannot close earlier and move it then.
    const closing = new UnitChange.Dissolved({ ...at("2024-06-01"), unit: u("city"), heir: u("p37") })
    expect(fail(rename("w1", "Công an phường A", "2025-01-01"), closing).rule).toBe("out_of_order")
    // A parent whose closure is recorded cannot receive units dated before it.
    const later = new UnitChange.Dissolved({ ...at("2025-03-01"), unit: u("w3") })
    expect(fail(later, est("g9", "residential_group", "Tổ dân phố 9", "w3", "2024-01-01")).rule).toBe("out_of_order")
  })

  it("invalid_change: malformed or pointless changes", () => {
    const rules = [
      fail(merge(["w1", "w1"], "w2", "2025-07-01")),
      fail(merge(["w1"], "w2", "2025-07-01")),
      fail(merge(["w1", "w2"], "w1", "2025-07-01")),
      fail(new UnitChange.Split({ ...at("2025-07-01"), source: u("w1"), into: [u("w2"), u("w3")], heir: u("city") })),
      fail(est("x", "ward", "Công an phường không có cấp trên")),
      fail(rename("w1", "Công an phường Vân Giang", "2024-01-01")),
      fail(move("w1", "city", "2024-01-01")),
      fail(new UnitChange.Reclassified({ ...at("2024-01-01"), unit: u("w1"), kind: "ward" })),
      fail(new UnitChange.Dissolved({ ...at("2024-01-01"), unit: u("w1"), heir: u("w1") }))
    ].map((e) => e.rule)
    expect(new Set(rules)).toEqual(new Set(["invalid_change"]))
    expect(rules).toHaveLength(9)
  })

  it("invalid_change: a top-level unit with units under it needs an heir to close", () => {
    const e = fail(new UnitChange.Dissolved({ ...at("2025-01-01"), unit: u("bca") }))
    expect([e.rule, e.unit]).toEqual(["invalid_change", "bca"])
    expect(e.message).toContain("name an heir, or move its units first")
  })

  it("a refused batch leaves the hierarchy as it was", () => {
    const r = UnitHierarchy.applyAll(h0, [
      rename("w1", "Công an phường A", "2025-01-01"),
      move("w9", "city", "2025-01-01")
    ])
    expect(Either.isLeft(r)).toBe(true)
    expect(UnitHierarchy.versions(h0, u("w1"))).toHaveLength(1)
    const single = UnitHierarchy.apply(h0, move("w9", "city", "2025-01-01"))
    expect(Either.isLeft(single) && single.left.position).toBe(undefined)
  })
})
