import { describe, expect, it } from "@effect/vitest"
import { LocalDate, type UnitChange, UnitHierarchy } from "@tinbao/core"
import { Either, Option } from "effect"
import * as NinhBinh from "../src/NinhBinh.js"

const d = LocalDate.unsafeMake
const ids = NinhBinh.unitIds
const h = NinhBinh.hierarchy()
const groupsAndTeamsUnderProvince = (date: string) =>
  UnitHierarchy.subtree(h, ids.province, d(date))
    .map((id) => Option.getOrThrow(UnitHierarchy.get(h, id, d(date))))
    .filter((u) => u.kind === "residential_group" || u.kind === "security_team")
    .map((u) => u.id)

describe("NinhBinh fixture", () => {
  it("builds without breaking a rule, and the restructuring follows the 2020 units", () => {
    expect(Either.isRight(UnitHierarchy.fromChanges(NinhBinh.allChanges))).toBe(true)
    expect(NinhBinh.allChanges).toEqual([...NinhBinh.changes, ...NinhBinh.restructuring2025])
    expect(NinhBinh.changes.every((c) => c.effectiveDate === "2020-01-01" && c._tag === "Established")).toBe(true)
    expect(NinhBinh.allChanges.every((c) => c.legalBasis.length > 10)).toBe(true)
    expect(NinhBinh.hierarchy()).toBe(h)
  })

  it("has 14 ward and commune police units under the city before 2025, with real names", () => {
    const date = d("2023-12-31")
    const under = UnitHierarchy.children(h, ids.city, date)
    expect(under.map((u) => u.id)).toEqual(NinhBinh.cityUnitIds)
    expect(under.filter((u) => u.kind === "ward")).toHaveLength(11)
    expect(under.filter((u) => u.kind === "commune").map((u) => u.name.vi)).toEqual([
      "Công an xã Ninh Nhất",
      "Công an xã Ninh Tiến",
      "Công an xã Ninh Phúc"
    ])
    expect(under[0].name).toEqual({ vi: "Công an phường Vân Giang", en: "Van Giang ward police" })
    const province = Option.getOrThrow(UnitHierarchy.get(h, ids.province, date))
    expect([province.code, province.name.vi]).toEqual(["37", "Công an tỉnh Ninh Bình"])
    expect(UnitHierarchy.ancestors(h, ids.city, date).map((u) => u.id)).toEqual([ids.province, ids.ministry])
  })

  it("gives each ward and commune 2 to 4 residential groups, each with a security team", () => {
    const date = d("2023-12-31")
    for (const ward of NinhBinh.cityUnitIds) {
      const groups = UnitHierarchy.children(h, ward, date)
      expect(groups.length).toBeGreaterThanOrEqual(2)
      expect(groups.length).toBeLessThanOrEqual(4)
      expect(groups.map((g) => g.id)).toEqual(NinhBinh.residentialGroupIds.get(ward))
      for (const group of groups) {
        expect(group.kind).toBe("residential_group")
        expect(UnitHierarchy.children(h, group.id, date).map((t) => t.kind)).toEqual(["security_team"])
      }
    }
    const team = Option.getOrThrow(UnitHierarchy.get(h, ids.dongThanhGroup3Team, date))
    expect(team.name.vi).toBe("Tổ an ninh tổ dân phố 3, phường Đông Thành")
    expect(UnitHierarchy.isWithin(h, ids.dongThanhGroup3Team, ids.city, date)).toBe(true)
    expect(
      Option.getOrThrow(UnitHierarchy.get(h, NinhBinh.residentialGroupIds.get(ids.ninhTien)![0], date)).name.vi
    ).toBe("Thôn 1, xã Ninh Tiến")
  })

  it("has 26 partner agencies beside the tree", () => {
    const roots = UnitHierarchy.tree(h, d("2023-12-31")).map((n) => n.unit)
    expect(roots[0].id).toBe(ids.ministry)
    const partners = roots.filter((u) => u.kind === "partner")
    expect(partners).toHaveLength(26)
    expect(new Set(partners.map((p) => p.name.vi)).size).toBe(26)
    expect(partners.map((p) => p.id)).toEqual(NinhBinh.partnerIds)
    expect(partners.map((p) => p.name.vi)).toContain("Ban quản lý chợ Rồng")
  })

  it("moves the wards under the provincial police when the city police closes on 2025-03-01", () => {
    expect(UnitHierarchy.get(h, ids.city, d("2025-02-28"))._tag).toBe("Some")
    expect(UnitHierarchy.get(h, ids.city, d("2025-03-01"))).toEqual(Option.none())
    const after = UnitHierarchy.children(h, ids.province, d("2025-03-01")).map((u) => u.id)
    expect(after).toEqual(NinhBinh.cityUnitIds)
    expect(UnitHierarchy.answeringUnit(h, ids.city, d("2025-03-01"))).toEqual(Option.some(ids.province))
    expect(UnitHierarchy.isWithin(h, ids.dongThanhGroup3Team, ids.province, d("2025-03-01"))).toBe(true)
    expect(UnitHierarchy.lineage(h, ids.ninhTien).map((c) => c._tag)).toEqual(["Established", "Dissolved", "Merged"])
  })

  it("after 2025-07-01 the old wards answer to the new ones", () => {
    const date = d("2025-07-01")
    const answering = (id: typeof ids.vanGiang) => Option.getOrThrow(UnitHierarchy.answeringUnit(h, id, date))
    expect([ids.vanGiang, ids.thanhBinh, ids.phucThanh, ids.dongThanh, ids.tanThanh].map(answering)).toEqual(
      Array(5).fill(ids.hoaLu)
    )
    expect([ids.namBinh, ids.bichDao, ids.namThanh, ids.ninhPhong].map(answering)).toEqual(Array(4).fill(ids.namHoaLu))
    expect(answering(ids.ninhTien)).toBe(ids.tayHoaLu)
    expect(answering(ids.ninhPhuc)).toBe(ids.dongHoaLu)
    expect(answering(ids.city)).toBe(ids.province)
    expect(UnitHierarchy.successors(h, ids.ninhPhuc, date)).toEqual([ids.dongHoaLu, ids.namHoaLu])
    expect(UnitHierarchy.children(h, ids.province, date).map((u) => u.name.vi)).toEqual([
      "Công an phường Hoa Lư",
      "Công an phường Nam Hoa Lư",
      "Công an phường Tây Hoa Lư",
      "Công an phường Đông Hoa Lư"
    ])
    expect(UnitHierarchy.ancestors(h, ids.dongThanhGroup3Team, date).map((u) => u.id)).toEqual([
      ids.dongThanhGroup3,
      ids.hoaLu,
      ids.province,
      ids.ministry
    ])
    expect(UnitHierarchy.isWithin(h, ids.ninhPhucVillage1, ids.namHoaLu, date)).toBe(true)
    const ninhPhucGroups = NinhBinh.residentialGroupIds.get(ids.ninhPhuc)!
    expect(ninhPhucGroups.slice(1).every((g) => UnitHierarchy.isWithin(h, g, ids.dongHoaLu, date))).toBe(true)
    // The residential groups and their teams outlive the police units that closed.
    const before = groupsAndTeamsUnderProvince("2023-12-31")
    expect(before).toHaveLength(2 * 41)
    expect(new Set(groupsAndTeamsUnderProvince("2025-07-01"))).toEqual(new Set(before))
  })

  it("cites a legal basis for every change of the restructuring", () => {
    const tags = NinhBinh.restructuring2025.map((c) => c._tag)
    expect(tags).toEqual([
      "Dissolved",
      "Established",
      "Established",
      "Established",
      "Established",
      "Merged",
      "Merged",
      "Merged",
      "Moved",
      "Split"
    ])
    const split = NinhBinh.restructuring2025.find((c): c is UnitChange.Split => c._tag === "Split")!
    expect(split.heir).toBe(ids.dongHoaLu)
    expect(NinhBinh.restructuring2025.slice(1).every((c) => c.legalBasis.includes("1674/NQ-UBTVQH15"))).toBe(true)
    expect(NinhBinh.restructuring2025[0].legalBasis).toContain("02/2025/NĐ-CP")
  })
})
