import { describe, expect, it } from "@effect/vitest"
import { Either, Option } from "effect"
import * as LocalDate from "../src/LocalDate.js"
import { UnitId, type UnitKind } from "../src/Unit.js"
import * as UnitChange from "../src/UnitChange.js"
import * as UnitHierarchy from "../src/UnitHierarchy.js"

const d = LocalDate.unsafeMake
const u = (s: string) => UnitId.make(s)
const at = (date: string, legalBasis = "Quyết định thử nghiệm") => ({ effectiveDate: d(date), legalBasis })
const est = (id: string, kind: UnitKind, parent: string, date = "2020-01-01") =>
  new UnitChange.Established({
    ...at(date),
    id: u(id),
    kind,
    name: { vi: `Đơn vị ${id}`, en: `Unit ${id}` },
    parent: u(parent)
  })
const build = (changes: ReadonlyArray<UnitChange.UnitChange>) => Either.getOrThrow(UnitHierarchy.fromChanges(changes))

const root = new UnitChange.Established({
  ...at("2020-01-01"),
  id: u("p"),
  kind: "province",
  name: { vi: "Công an tỉnh", en: "Provincial police" }
})
const merged = new UnitChange.Merged({
  ...at("2025-03-01", "Nghị quyết sáp nhập (minh hoạ)"),
  sources: [u("a"), u("b")],
  into: u("c")
})
const split = new UnitChange.Split({
  ...at("2025-07-01", "Nghị quyết chia tách (minh hoạ)"),
  source: u("c"),
  into: [u("d"), u("e")],
  heir: u("d")
})
const dissolved = new UnitChange.Dissolved({ ...at("2026-01-01", "Quyết định giải thể (minh hoạ)"), unit: u("d") })
const history = [
  root,
  est("a", "ward", "p"),
  est("b", "ward", "p"),
  est("ga", "residential_group", "a"),
  est("c", "ward", "p", "2025-03-01"),
  merged,
  est("d", "ward", "p", "2025-07-01"),
  est("e", "ward", "p", "2025-07-01"),
  split,
  dissolved
]
const h = build(history)

describe("UnitHierarchy lineage", () => {
  it("lists the changes that touched a unit, with date and legal basis", () => {
    expect(UnitHierarchy.lineage(h, u("a"))).toEqual([history[1], merged])
    expect(UnitHierarchy.lineage(h, u("c"))).toEqual([history[4], merged, split])
    expect(UnitHierarchy.lineage(h, u("ga"))).toEqual([history[3], merged, split, dissolved])
    expect(UnitHierarchy.lineage(h, u("c")).map((c) => [c.effectiveDate, c.legalBasis])).toEqual([
      ["2025-03-01", "Quyết định thử nghiệm"],
      ["2025-03-01", "Nghị quyết sáp nhập (minh hoạ)"],
      ["2025-07-01", "Nghị quyết chia tách (minh hoạ)"]
    ])
    expect(UnitHierarchy.lineage(h, u("unknown"))).toEqual([])
  })

  it("follows successors through a merger and then a split", () => {
    expect(UnitHierarchy.successors(h, u("a"), d("2024-12-31"))).toEqual(["a"])
    expect(UnitHierarchy.successors(h, u("a"), d("2025-03-01"))).toEqual(["c"])
    expect(UnitHierarchy.successors(h, u("a"), d("2025-07-01"))).toEqual(["d", "e"])
    expect(UnitHierarchy.successors(h, u("a"), d("2026-01-01"))).toEqual(["p", "e"])
    expect(UnitHierarchy.successors(h, u("c"), d("2024-01-01"))).toEqual([])
  })

  it("finds the answering unit through several steps", () => {
    const answering = (date: string) => UnitHierarchy.answeringUnit(h, u("a"), d(date))
    expect(answering("2019-12-31")).toEqual(Option.none())
    expect(answering("2024-06-01")).toEqual(Option.some("a"))
    expect(answering("2025-03-01")).toEqual(Option.some("c"))
    expect(answering("2025-07-01")).toEqual(Option.some("d"))
    expect(answering("2026-01-01")).toEqual(Option.some("p"))
    expect(UnitHierarchy.answeringUnit(h, u("nobody"), d("2026-01-01"))).toEqual(Option.none())
  })

  it("moves the units under closing units along the same chain", () => {
    expect(UnitHierarchy.ancestors(h, u("ga"), d("2025-03-01")).map((x) => x.id)).toEqual(["c", "p"])
    expect(UnitHierarchy.ancestors(h, u("ga"), d("2025-07-01")).map((x) => x.id)).toEqual(["d", "p"])
    expect(UnitHierarchy.ancestors(h, u("ga"), d("2026-01-01")).map((x) => x.id)).toEqual(["p"])
    expect(UnitHierarchy.dates(h)).toEqual(["2020-01-01", "2025-03-01", "2025-07-01", "2026-01-01"])
  })
})

describe("UnitHierarchy values", () => {
  it("are immutable: applying a change leaves the old value's answers as they were", () => {
    const before = build(history.slice(0, 4))
    expect(UnitHierarchy.subtree(before, u("p"), d("2030-01-01"))).toEqual(["p", "a", "ga", "b"])
    const branchA = Either.getOrThrow(UnitHierarchy.apply(before, est("x", "ward", "p", "2021-01-01")))
    const branchB = Either.getOrThrow(UnitHierarchy.apply(before, est("y", "ward", "a", "2021-01-01")))
    expect(UnitHierarchy.subtree(before, u("p"), d("2030-01-01"))).toEqual(["p", "a", "ga", "b"])
    expect(UnitHierarchy.subtree(branchA, u("p"), d("2030-01-01"))).toEqual(["p", "a", "ga", "b", "x"])
    expect(UnitHierarchy.subtree(branchB, u("p"), d("2030-01-01"))).toEqual(["p", "a", "ga", "y", "b"])
    expect(UnitHierarchy.isUnitHierarchy(branchB)).toBe(true)
    expect(UnitHierarchy.isUnitHierarchy({ _tag: "UnitHierarchy" })).toBe(false)
  })

  it("keep cached trees only where a later change cannot have altered them", () => {
    const first = build(history)
    // Build the cached trees of several epochs first.
    expect(UnitHierarchy.subtree(first, u("p"), d("2020-06-01"))).toEqual(["p", "a", "ga", "b"])
    expect(UnitHierarchy.isWithin(first, u("ga"), u("d"), d("2025-08-01"))).toBe(true)
    // A change recorded now for an earlier date, touching units no later change touched.
    const late = Either.getOrThrow(UnitHierarchy.apply(first, est("z", "ward", "p", "2021-01-01")))
    expect(UnitHierarchy.subtree(late, u("p"), d("2020-06-01"))).toEqual(["p", "a", "ga", "b"])
    expect(UnitHierarchy.subtree(late, u("p"), d("2025-08-01"))).toEqual(["p", "d", "ga", "e", "z"])
    expect(UnitHierarchy.subtree(first, u("p"), d("2025-08-01"))).toEqual(["p", "d", "ga", "e"])
  })

  it("answer the same when more dates are queried than trees are kept", () => {
    const years = Array.from({ length: 12 }, (_, i) => 2021 + i)
    const grown = build([root, ...years.map((y) => est(`w${y}`, "ward", "p", `${y}-01-01`))])
    const expected = (y: number) => ["p", ...years.filter((x) => x <= y).map((x) => `w${x}`)]
    for (const pass of [years, [...years].reverse(), years]) {
      for (const y of pass) expect(UnitHierarchy.subtree(grown, u("p"), d(`${y}-06-30`))).toEqual(expected(y))
    }
  })
})
