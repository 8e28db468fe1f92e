import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "@effect/vitest"
import { NinhBinh } from "@tinbao/testkit"
import { Effect, Either } from "effect"
import * as Units from "../src/units.js"

const dir = mkdtempSync(join(tmpdir(), "ninh-binh-units-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const file = (name: string, text: string) => {
  const path = join(dir, name)
  writeFileSync(path, text)
  return path
}

describe("the units file", () => {
  it.effect("decodes to exactly the testkit's Ninh Bình units, and names the same units", () =>
    Effect.gen(function* () {
      const units = yield* Units.load()
      expect(units.changes).toEqual(NinhBinh.allChanges)
      expect(units.province).toBe(NinhBinh.unitIds.province)
      expect(units.ninhTien).toBe(NinhBinh.unitIds.ninhTien)
      expect(units.cityUnitIds).toEqual(NinhBinh.cityUnitIds)
      // The city's wards and communes, and the wards the 2025 restructuring established.
      expect(units.localUnitIds).toEqual([
        ...NinhBinh.cityUnitIds,
        "ca-p-hoa-lu",
        "ca-p-nam-hoa-lu",
        "ca-p-tay-hoa-lu",
        "ca-p-dong-hoa-lu"
      ])
    })
  )

  it.effect("refuses an invalid file naming the file and where it is wrong", () =>
    Effect.gen(function* () {
      const broken = file(
        "broken.json",
        JSON.stringify([{ _tag: "Established", effectiveDate: "2020-13-45", legalBasis: "x", id: "a", kind: "ward" }])
      )
      const invalid = yield* Effect.flip(Units.load(broken))
      expect(invalid.message).toContain(broken)
      expect(invalid.message).toMatch(/at 0\.effectiveDate/)
      expect(invalid.message).toMatch(/at 0\.name/)
      const truncated = yield* Effect.flip(Units.load(file("truncated.json", '[{"_tag": "Estab')))
      expect(truncated.message).toContain("truncated.json is invalid")
      const missing = yield* Effect.flip(Units.load(join(dir, "none.json")))
      expect(missing.message).toContain("none.json cannot be read")
    })
  )

  it("finds each unit the demo names exactly once", () => {
    const withoutProvince = NinhBinh.allChanges.filter((c) => !(c._tag === "Established" && c.kind === "province"))
    expect(Units.fromChanges(withoutProvince)).toEqual(Either.left("it has 0 units that are a provincial police"))
    const provinceTwice = [...NinhBinh.allChanges, NinhBinh.changes[1]]
    expect(Units.fromChanges(provinceTwice)).toEqual(Either.left("it has 2 units that are a provincial police"))
  })
})
