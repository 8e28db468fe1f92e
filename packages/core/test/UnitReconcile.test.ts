import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, Option } from "effect"
import * as LocalDate from "../src/LocalDate.js"
import { UnitId } from "../src/Unit.js"
import * as UnitChange from "../src/UnitChange.js"
import * as UnitDirectory from "../src/UnitDirectory.js"
import * as UnitHierarchy from "../src/UnitHierarchy.js"

const d = LocalDate.unsafeMake
const u = (s: string) => UnitId.make(s)
const basis = (date: string) => ({ effectiveDate: d(date), legalBasis: "Quyết định thử nghiệm" })

const file: ReadonlyArray<UnitHierarchy.ListedUnit> = [
  // A child listed before its parent: the changes still establish the parent first.
  {
    id: u("vangiang"),
    kind: "ward",
    name: { vi: "Công an phường Vân Giang", en: "Van Giang ward police" },
    parent: u("p37")
  },
  { id: u("p37"), kind: "province", name: { vi: "Công an tỉnh Ninh Bình", en: "Ninh Binh provincial police" } },
  { id: u("hoalu"), kind: "ward", name: { vi: "Công an phường Hoa Lư", en: "Hoa Lu ward police" }, parent: u("p37") }
]

describe("UnitDirectory.reconcile", () => {
  it.effect("records a list once: a second time records nothing, a changed list only what changed", () =>
    Effect.gen(function* () {
      const directory = yield* UnitDirectory.UnitDirectory
      const first = yield* UnitDirectory.reconcile(file, basis("2025-07-01"))
      expect(first.map((c) => c._tag === "Established" && c.id)).toEqual(["p37", "vangiang", "hoalu"])
      expect(yield* UnitDirectory.reconcile(file, basis("2025-07-01"))).toEqual([])
      expect(yield* directory.changes).toHaveLength(3)

      const changed: ReadonlyArray<UnitHierarchy.ListedUnit> = [
        file[1],
        { ...file[0], name: { vi: "Công an phường Tây Hoa Lư", en: "Tay Hoa Lu ward police" }, parent: u("hoalu") },
        file[2],
        {
          id: u("ninhgiang"),
          kind: "commune",
          name: { vi: "Công an xã Ninh Giang", en: "Ninh Giang commune police" },
          parent: u("p37"),
          remote: true
        }
      ]
      const second = yield* UnitDirectory.reconcile(changed, basis("2025-09-01"))
      expect(second).toEqual([
        new UnitChange.Moved({ ...basis("2025-09-01"), unit: u("vangiang"), newParent: u("hoalu") }),
        new UnitChange.Renamed({ ...basis("2025-09-01"), unit: u("vangiang"), name: changed[1].name }),
        new UnitChange.Established({ ...basis("2025-09-01"), ...changed[3] })
      ])
      expect(yield* UnitDirectory.reconcile(changed, basis("2025-10-01"))).toEqual([])
      const h = yield* directory.hierarchy
      expect(UnitHierarchy.ancestors(h, u("vangiang"), d("2025-09-01")).map((unit) => unit.id)).toEqual([
        "hoalu",
        "p37"
      ])
      expect(Option.map(UnitHierarchy.get(h, u("vangiang"), d("2025-08-31")), (unit) => unit.name.vi)).toEqual(
        Option.some("Công an phường Vân Giang")
      )

      const reclassified = yield* UnitDirectory.reconcile(
        changed.map((unit) => (unit.id === "ninhgiang" ? { ...unit, kind: "ward" as const, remote: false } : unit)),
        basis("2025-10-01")
      )
      expect(reclassified).toEqual([
        new UnitChange.Reclassified({ ...basis("2025-10-01"), unit: u("ninhgiang"), kind: "ward", remote: false })
      ])
    }).pipe(Effect.provide(UnitDirectory.layerMemory))
  )

  it.effect("refuses a list it cannot reach, and records nothing of it", () =>
    Effect.gen(function* () {
      const directory = yield* UnitDirectory.UnitDirectory
      yield* UnitDirectory.reconcile(file, basis("2025-07-01"))
      const refused = (units: ReadonlyArray<UnitHierarchy.ListedUnit>, date = "2025-08-01") =>
        Effect.map(Effect.flip(UnitDirectory.reconcile(units, basis(date))), (e) =>
          e._tag === "UnitListError" ? [e.reason, e.unit] : e._tag === "UnitRuleError" ? [e.rule, e.unit] : e.reason
        )
      expect(yield* refused([file[1], file[2]])).toEqual(["left_out", "vangiang"])
      expect(yield* refused([...file, file[2]])).toEqual(["duplicate", "hoalu"])
      expect(yield* refused([...file, { ...file[2], id: u("x"), parent: u("nowhere") }])).toEqual([
        "unknown_parent",
        "x"
      ])
      expect(yield* refused([file[0], { ...file[1], parent: u("hoalu") }, file[2]])).toEqual(["cycle", "vangiang"])
      expect(yield* refused([{ ...file[0], parent: undefined }, file[1], file[2]])).toEqual(["to_top", "vangiang"])
      // A change dated before the unit's last one breaks a rule of the hierarchy.
      expect(yield* refused([file[0], file[1], { ...file[2], name: { vi: "Y", en: "Y" } }], "2025-01-01")).toEqual([
        "not_valid_at_date",
        "hoalu"
      ])
      expect(yield* directory.changes).toHaveLength(3)

      yield* directory.record([
        new UnitChange.Dissolved({ ...basis("2025-09-01"), unit: u("vangiang"), heir: u("hoalu") })
      ])
      expect(yield* refused(file)).toEqual(["closed", "vangiang"])
      expect(yield* UnitDirectory.reconcile([file[1], file[2]], basis("2025-10-01"))).toEqual([])
    }).pipe(Effect.provide(UnitDirectory.layerMemory))
  )

  it.effect("reads again and records nothing when another instance reconciled the same list first", () =>
    Effect.gen(function* () {
      const backend = yield* UnitDirectory.memoryBackend
      const other = yield* UnitDirectory.make(backend)
      let raced = false
      // The other instance records the same list between this one's read and its write.
      const racing: UnitDirectory.Backend = {
        ...backend,
        append: (expected, changes) =>
          Effect.suspend(() => {
            if (raced) return backend.append(expected, changes)
            raced = true
            return Effect.zipRight(
              Effect.orDie(other.reconcile(file, basis("2025-07-01"))),
              backend.append(expected, changes)
            )
          })
      }
      const one = yield* UnitDirectory.make(racing)
      expect(yield* one.reconcile(file, basis("2025-07-01"))).toEqual([])
      expect(raced).toBe(true)
      expect(yield* backend.load).toHaveLength(3)
    })
  )

  it("gives the changes without recording them", () => {
    const changes = Either.getOrThrow(UnitHierarchy.changesTo(UnitHierarchy.empty, file, basis("2025-07-01")))
    const built = Either.getOrThrow(UnitHierarchy.fromChanges(changes))
    expect(UnitHierarchy.changesTo(built, file, basis("2025-08-01"))).toEqual(Either.right([]))
  })
})

describe("UnitDirectory.recordMissing", () => {
  const log = Either.getOrThrow(UnitHierarchy.changesTo(UnitHierarchy.empty, file, basis("2025-07-01")))
  const later = new UnitChange.Renamed({
    ...basis("2025-09-01"),
    unit: u("hoalu"),
    name: { vi: "Hoa Lư", en: "Hoa Lu" }
  })

  it.effect("records a log once, then only what was appended to it", () =>
    Effect.gen(function* () {
      const directory = yield* UnitDirectory.UnitDirectory
      expect(yield* directory.recordMissing(log)).toEqual(log)
      expect(yield* directory.recordMissing(log)).toEqual([])
      expect(yield* directory.recordMissing([...log, later])).toEqual([later])
      // A log the directory is ahead of has nothing to add.
      expect(yield* directory.recordMissing(log)).toEqual([])
      expect(yield* directory.changes).toEqual([...log, later])
    }).pipe(Effect.provide(UnitDirectory.layerMemory))
  )

  it.effect("refuses a log the directory's changes do not begin", () =>
    Effect.gen(function* () {
      const directory = yield* UnitDirectory.UnitDirectory
      yield* directory.recordMissing(log)
      const edited = [log[0], later, ...log.slice(1)]
      const error = yield* Effect.flip(directory.recordMissing(edited))
      expect(error._tag === "UnitLogError" && error.position).toBe(1)
      expect(yield* directory.changes).toEqual(log)
    }).pipe(Effect.provide(UnitDirectory.layerMemory))
  )
})
