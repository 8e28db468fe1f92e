import { describe, expect, it } from "@effect/vitest"
import { LocalDate, Unit, UnitChange, UnitDirectory, type UnitHierarchy } from "@tinbao/core"
import { Effect } from "effect"
import { backends } from "./backends.js"
import { vaultConfig } from "./fixtures.js"

const id = Unit.UnitId.make
const basis = (date: string) => ({ effectiveDate: LocalDate.unsafeMake(date), legalBasis: "Quyết định thử nghiệm" })

const file: ReadonlyArray<UnitHierarchy.ListedUnit> = [
  {
    id: id("p37"),
    code: Unit.OfficialCode.make("37"),
    kind: "province",
    name: { vi: "Công an tỉnh Ninh Bình", en: "Ninh Binh provincial police" }
  },
  { id: id("hoalu"), kind: "ward", name: { vi: "Công an phường Hoa Lư", en: "Hoa Lu ward police" }, parent: id("p37") }
]

for (const backend of backends()) {
  describe(`UnitDirectory.reconcile on ${backend.name}`, () => {
    it.effect("records a units list at the first start, nothing at the next, and only the change after an edit", () =>
      Effect.gen(function* () {
        const open = backend.fresh()
        const config = vaultConfig()
        // Each start opens the database anew and reconciles the list it reads.
        const start = (units: ReadonlyArray<UnitHierarchy.ListedUnit>, date: string) =>
          Effect.provide(UnitDirectory.reconcile(units, basis(date)), open(config))
        expect(yield* start(file, "2025-07-01")).toHaveLength(2)
        expect(yield* start(file, "2025-07-02")).toEqual([])
        const renamed = { vi: "Công an phường Hoa Lư mới", en: "New Hoa Lu ward police" }
        expect(yield* start([file[0], { ...file[1], name: renamed }], "2025-08-01")).toEqual([
          new UnitChange.Renamed({ ...basis("2025-08-01"), unit: id("hoalu"), name: renamed })
        ])
        const stored = yield* Effect.provide(
          Effect.flatMap(UnitDirectory.UnitDirectory, (d) => d.changes),
          open(config)
        )
        expect(stored.map((change) => change._tag)).toEqual(["Established", "Established", "Renamed"])
      })
    )
  })
}
