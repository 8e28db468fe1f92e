import { describe, expect, it } from "@effect/vitest"
import { Either, Option, Schema } from "effect"
import { Unit } from "../src/Unit.js"
import * as UnitChange from "../src/UnitChange.js"
import * as UnitHierarchy from "../src/UnitHierarchy.js"
import { at, basis, d, est, u } from "./unitChanges.js"

const base = [
  est("bca", "ministry", "Bộ Công an"),
  est("p37", "province", "Công an tỉnh Ninh Bình", "bca", "2020-01-01", "37"),
  est("city", "district", "Công an thành phố Ninh Bình", "p37"),
  est("w1", "ward", "Công an phường Vân Giang", "city"),
  est("w2", "ward", "Công an phường Thanh Bình", "city"),
  est("c1", "commune", "Công an xã Ninh Tiến", "city"),
  est("g1", "residential_group", "Tổ dân phố 1, phường Vân Giang", "w1"),
  est("t1", "security_team", "Tổ an ninh tổ dân phố 1, phường Vân Giang", "g1"),
  est("school", "partner", "Trường THPT Lương Văn Tụy")
]

const build = (changes: ReadonlyArray<UnitChange.UnitChange>) => Either.getOrThrow(UnitHierarchy.fromChanges(changes))
const h0 = build(base)
const nameAt = (h: UnitHierarchy.UnitHierarchy, id: string, date: string) =>
  Option.map(UnitHierarchy.get(h, u(id), d(date)), (unit) => unit.name.vi)
const ids = (units: ReadonlyArray<{ readonly id: string }>) => units.map((unit) => unit.id)

describe("UnitHierarchy: building and as-of-date queries", () => {
  it("knows a unit from the day it is established", () => {
    expect(nameAt(h0, "w1", "2019-12-31")).toEqual(Option.none())
    expect(nameAt(h0, "w1", "2020-01-01")).toEqual(Option.some("Công an phường Vân Giang"))
    expect(UnitHierarchy.versions(h0, u("w1"))).toHaveLength(1)
    expect(UnitHierarchy.versions(h0, u("nobody"))).toEqual([])
  })

  it("lays out the tree with partner agencies standing beside it", () => {
    const tree = UnitHierarchy.tree(h0, d("2024-06-01"))
    expect(tree.map((n) => n.unit.id)).toEqual(["bca", "school"])
    const city = tree[0].children[0].children[0]
    expect(city.unit.id).toBe("city")
    expect(city.children.map((n) => n.unit.id)).toEqual(["w1", "w2", "c1"])
    expect(UnitHierarchy.tree(h0, d("2019-01-01"))).toEqual([])
    const encoded = Schema.encodeSync(UnitHierarchy.UnitTreeNode)(tree[1])
    expect(encoded).toEqual({
      unit: {
        id: "school",
        kind: "partner",
        name: { vi: "Trường THPT Lương Văn Tụy", en: "Trường THPT Lương Văn Tụy" },
        remote: false,
        validFrom: "2020-01-01"
      },
      children: []
    })
  })

  it("answers children, ancestors, subtree and isWithin", () => {
    const date = d("2024-06-01")
    expect(ids(UnitHierarchy.children(h0, u("city"), date))).toEqual(["w1", "w2", "c1"])
    expect(ids(UnitHierarchy.ancestors(h0, u("t1"), date))).toEqual(["g1", "w1", "city", "p37", "bca"])
    expect(UnitHierarchy.ancestors(h0, u("school"), date)).toEqual([])
    expect(UnitHierarchy.subtree(h0, u("w1"), date)).toEqual(["w1", "g1", "t1"])
    expect(UnitHierarchy.subtree(h0, u("city"), date)).toEqual(["city", "w1", "g1", "t1", "w2", "c1"])
    expect(UnitHierarchy.isWithin(h0, u("t1"), u("city"), date)).toBe(true)
    expect(UnitHierarchy.isWithin(h0, u("city"), u("city"), date)).toBe(true)
    expect(UnitHierarchy.isWithin(h0, u("city"), u("t1"), date)).toBe(false)
    expect(UnitHierarchy.isWithin(h0, u("w2"), u("w1"), date)).toBe(false)
    expect(UnitHierarchy.isWithin(h0, u("school"), u("bca"), date)).toBe(false)
    expect(UnitHierarchy.subtree(h0, u("w1"), d("2019-01-01"))).toEqual([])
  })
})

describe("UnitHierarchy: each kind of change", () => {
  it("Renamed keeps the id and the history", () => {
    const h = build([
      ...base,
      new UnitChange.Renamed({
        ...at("2023-05-01"),
        unit: u("c1"),
        name: { vi: "Công an phường Ninh Tiến", en: "Ninh Tien ward police" }
      })
    ])
    expect(nameAt(h, "c1", "2023-04-30")).toEqual(Option.some("Công an xã Ninh Tiến"))
    expect(nameAt(h, "c1", "2023-05-01")).toEqual(Option.some("Công an phường Ninh Tiến"))
    expect(UnitHierarchy.versions(h, u("c1")).map((v) => [v.validFrom, v.validTo])).toEqual([
      ["2020-01-01", "2023-05-01"],
      ["2023-05-01", undefined]
    ])
    expect(UnitHierarchy.successors(h, u("c1"), d("2024-01-01"))).toEqual(["c1"])
    const [, renamed] = UnitHierarchy.versions(h, u("c1"))
    const expected = new Unit({
      id: u("c1"),
      kind: "commune",
      name: { vi: "Công an phường Ninh Tiến", en: "Ninh Tien ward police" },
      parent: u("city"),
      validFrom: d("2023-05-01")
    })
    expect(renamed).toBeInstanceOf(Unit)
    expect(Schema.is(Unit)(renamed)).toBe(true)
    expect(renamed).toStrictEqual(expected)
  })

  it("Moved carries the unit's subtree to its new parent from that date", () => {
    const h = build([...base, new UnitChange.Moved({ ...at("2025-03-01"), unit: u("w1"), newParent: u("p37") })])
    expect(UnitHierarchy.isWithin(h, u("t1"), u("city"), d("2025-02-28"))).toBe(true)
    expect(UnitHierarchy.isWithin(h, u("t1"), u("city"), d("2025-03-01"))).toBe(false)
    expect(ids(UnitHierarchy.ancestors(h, u("t1"), d("2025-03-01")))).toEqual(["g1", "w1", "p37", "bca"])
    expect(UnitHierarchy.subtree(h, u("city"), d("2025-03-01"))).toEqual(["city", "w2", "c1"])
    expect(ids(UnitHierarchy.children(h, u("p37"), d("2025-03-01")))).toEqual(["city", "w1"])
  })

  it("Merged closes the sources and moves their units to the merged unit", () => {
    const h = build([
      ...base,
      est("hoalu", "ward", "Công an phường Hoa Lư", "p37", "2025-07-01"),
      new UnitChange.Merged({ ...at("2025-07-01"), sources: [u("w1"), u("w2")], into: u("hoalu") })
    ])
    expect(nameAt(h, "w1", "2025-06-30")).toEqual(Option.some("Công an phường Vân Giang"))
    expect(nameAt(h, "w1", "2025-07-01")).toEqual(Option.none())
    expect(UnitHierarchy.versions(h, u("w1"))[0].validTo).toBe("2025-07-01")
    expect(UnitHierarchy.subtree(h, u("hoalu"), d("2025-07-01"))).toEqual(["hoalu", "g1", "t1"])
    expect(UnitHierarchy.answeringUnit(h, u("w2"), d("2025-07-01"))).toEqual(Option.some("hoalu"))
    expect(UnitHierarchy.successors(h, u("w1"), d("2026-01-01"))).toEqual(["hoalu"])
  })

  it("Split closes the source; the heir answers for it and takes the units left under it", () => {
    const h = build([
      ...base,
      est("c1a", "commune", "Công an xã Ninh Tiến A", "city", "2024-01-01"),
      est("c1b", "commune", "Công an xã Ninh Tiến B", "city", "2024-01-01"),
      est("g2", "residential_group", "Thôn 2, xã Ninh Tiến", "c1", "2021-01-01"),
      est("g3", "residential_group", "Thôn 3, xã Ninh Tiến", "c1", "2021-01-01"),
      new UnitChange.Moved({ ...at("2024-01-01"), unit: u("g3"), newParent: u("c1b") }),
      new UnitChange.Split({ ...at("2024-01-01"), source: u("c1"), into: [u("c1a"), u("c1b")], heir: u("c1b") })
    ])
    expect(UnitHierarchy.successors(h, u("c1"), d("2024-01-01"))).toEqual(["c1a", "c1b"])
    expect(UnitHierarchy.answeringUnit(h, u("c1"), d("2024-01-01"))).toEqual(Option.some("c1b"))
    expect(UnitHierarchy.subtree(h, u("c1b"), d("2024-01-01"))).toEqual(["c1b", "g2", "g3"])
    expect(UnitHierarchy.subtree(h, u("c1"), d("2023-12-31"))).toEqual(["c1", "g2", "g3"])
  })

  it("Dissolved hands over to the heir, or else to the parent", () => {
    const withHeir = build([
      ...base,
      new UnitChange.Dissolved({ ...at("2025-03-01"), unit: u("city"), heir: u("p37") })
    ])
    const noHeir = build([...base, new UnitChange.Dissolved({ ...at("2025-03-01"), unit: u("w1") })])
    expect(ids(UnitHierarchy.children(withHeir, u("p37"), d("2025-03-01")))).toEqual(["w1", "w2", "c1"])
    expect(UnitHierarchy.answeringUnit(withHeir, u("city"), d("2025-03-01"))).toEqual(Option.some("p37"))
    expect(UnitHierarchy.answeringUnit(noHeir, u("w1"), d("2025-03-01"))).toEqual(Option.some("city"))
    expect(UnitHierarchy.subtree(noHeir, u("city"), d("2025-03-01"))).toEqual(["city", "w2", "c1", "g1", "t1"])
    const partnerGone = build([...base, new UnitChange.Dissolved({ ...at("2025-03-01"), unit: u("school") })])
    expect(UnitHierarchy.answeringUnit(partnerGone, u("school"), d("2025-03-01"))).toEqual(Option.none())
    expect(UnitHierarchy.successors(partnerGone, u("school"), d("2025-03-01"))).toEqual([])
  })

  it("Reclassified changes the kind and the remote flag from that date", () => {
    const h = build([
      ...base,
      new UnitChange.Reclassified({ ...at("2023-01-01"), unit: u("c1"), kind: "ward", remote: true })
    ])
    const before = Option.getOrThrow(UnitHierarchy.get(h, u("c1"), d("2022-12-31")))
    const after = Option.getOrThrow(UnitHierarchy.get(h, u("c1"), d("2023-01-01")))
    expect([before.kind, before.remote, after.kind, after.remote]).toEqual(["commune", false, "ward", true])
  })

  it("decodes changes from their encoded form and rejects a merger of one unit", () => {
    const decode = Schema.decodeUnknownEither(UnitChange.UnitChange)
    const merged = decode({
      _tag: "Merged",
      effectiveDate: "2025-07-01",
      legalBasis: basis,
      sources: ["a", "b"],
      into: "c"
    })
    expect(Either.isRight(merged) && merged.right instanceof UnitChange.Merged).toBe(true)
    expect(
      Either.isLeft(
        decode({ _tag: "Merged", effectiveDate: "2025-07-01", legalBasis: basis, sources: ["a"], into: "c" })
      )
    ).toBe(true)
    expect(
      Either.isLeft(decode({ _tag: "Dissolved", effectiveDate: "2025-02-30", legalBasis: basis, unit: "a" }))
    ).toBe(true)
    expect(UnitChange.unitsNamed(base[3])).toEqual(["w1", "city"])
  })
})
