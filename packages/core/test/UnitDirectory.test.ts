import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, Exit, Option, Ref } from "effect"
import * as LocalDate from "../src/LocalDate.js"
import { UnitId, type UnitKind } from "../src/Unit.js"
import * as UnitChange from "../src/UnitChange.js"
import * as UnitDirectory from "../src/UnitDirectory.js"
import * as UnitHierarchy from "../src/UnitHierarchy.js"

const d = LocalDate.unsafeMake
const u = (s: string) => UnitId.make(s)
const at = (date: string) => ({ effectiveDate: d(date), legalBasis: "Quyết định thử nghiệm" })
const est = (id: string, kind: UnitKind, parent?: string, date = "2020-01-01") =>
  new UnitChange.Established({
    ...at(date),
    id: u(id),
    kind,
    name: { vi: `Công an ${id}`, en: `Police ${id}` },
    ...(parent === undefined ? {} : { parent: u(parent) })
  })

const seed = [est("p37", "province"), est("w1", "ward", "p37"), est("w2", "ward", "p37")]
const merger = [
  est("hoalu", "ward", "p37", "2025-07-01"),
  new UnitChange.Merged({ ...at("2025-07-01"), sources: [u("w1"), u("w2")], into: u("hoalu") })
]

describe("UnitDirectory (memory)", () => {
  it.effect("records changes in order and serves the hierarchy they build", () =>
    Effect.gen(function* () {
      const directory = yield* UnitDirectory.UnitDirectory
      yield* directory.record(seed)
      yield* directory.record(merger)
      yield* directory.record([])
      expect(yield* directory.changes).toEqual([...seed, ...merger])
      const h = yield* directory.hierarchy
      expect(UnitHierarchy.answeringUnit(h, u("w1"), d("2025-07-01"))).toEqual(Option.some("hoalu"))
      expect(yield* UnitDirectory.subtreeOf(u("p37"), d("2025-07-01"))).toEqual(["p37", "hoalu"])
      expect(yield* UnitDirectory.answeringUnitOf(u("w2"), d("2026-01-01"))).toEqual(Option.some("hoalu"))
    }).pipe(Effect.provide(UnitDirectory.layerMemory))
  )

  it.effect("records a batch with one bad change not at all", () =>
    Effect.gen(function* () {
      const directory = yield* UnitDirectory.UnitDirectory
      yield* directory.record(seed)
      const before = yield* directory.hierarchy
      const bad = [
        ...merger,
        new UnitChange.Renamed({ ...at("2025-08-01"), unit: u("w1"), name: { vi: "X", en: "X" } })
      ]
      const error = yield* Effect.flip(directory.record(bad))
      expect(error._tag).toBe("UnitRuleError")
      expect(error._tag === "UnitRuleError" && [error.rule, error.position]).toEqual(["dissolved", 2])
      expect(yield* directory.changes).toEqual(seed)
      const after = yield* directory.hierarchy
      expect(after).toBe(before)
      expect(UnitHierarchy.get(after, u("hoalu"), d("2025-07-01"))).toEqual(Option.none())
    }).pipe(Effect.provide(UnitDirectory.layerMemory))
  )

  it.effect("serialises concurrent records, each checked against the ones before it", () =>
    Effect.gen(function* () {
      const directory = yield* UnitDirectory.UnitDirectory
      yield* directory.record([est("p37", "province")])
      const wards = Array.from({ length: 50 }, (_, i) => est(`w${i}`, "ward", "p37"))
      const exits = yield* Effect.forEach([...wards, ...wards], (w) => Effect.exit(directory.record([w])), {
        concurrency: "unbounded"
      })
      expect(exits.filter(Exit.isSuccess)).toHaveLength(50)
      expect(yield* directory.changes).toHaveLength(51)
      expect(yield* UnitDirectory.subtreeOf(u("p37"), d("2021-01-01"))).toHaveLength(51)
    }).pipe(Effect.provide(UnitDirectory.layerMemory))
  )

  it.effect("reports another writer's append as a conflict, and stored changes that break the rules as corrupt", () =>
    Effect.gen(function* () {
      const log = yield* Ref.make<ReadonlyArray<UnitChange.UnitChange>>(seed)
      const backend: UnitDirectory.Backend = {
        load: Ref.get(log),
        append: (expected, changes) =>
          Effect.flatMap(Ref.get(log), (current) =>
            current.length === expected
              ? Ref.set(log, [...current, ...changes])
              : Effect.fail(new UnitDirectory.UnitDirectoryError({ reason: "conflict", message: "moved on" }))
          )
      }
      const directory = yield* UnitDirectory.make(backend)
      expect(UnitHierarchy.subtree(yield* directory.hierarchy, u("p37"), d("2021-01-01"))).toHaveLength(3)
      // Another writer appends behind this directory's back: the next read catches up.
      yield* Ref.update(log, (current) => [...current, est("w3", "ward", "p37")])
      expect(UnitHierarchy.subtree(yield* directory.hierarchy, u("p37"), d("2021-01-01"))).toHaveLength(4)

      const racing: UnitDirectory.Backend = {
        ...backend,
        append: (expected, changes) =>
          Effect.zipRight(
            Ref.update(log, (c) => [...c, est("w4", "ward", "p37")]),
            backend.append(expected, changes)
          )
      }
      const loser = yield* UnitDirectory.make(racing)
      const conflict = yield* Effect.flip(loser.record([est("w5", "ward", "p37")]))
      expect(conflict._tag === "UnitDirectoryError" && conflict.reason).toBe("conflict")

      yield* Ref.set(log, [...seed, est("w1", "ward", "p37")])
      const corrupt = yield* Effect.flip((yield* UnitDirectory.make(backend)).hierarchy)
      expect([corrupt.reason, corrupt.message]).toEqual([
        "corrupt",
        'The stored unit changes do not build a valid hierarchy: The id "w1" already belongs to Công an w1 (w1); ids are never reused, even after a unit closes.'
      ])
    })
  )

  it.live("asks a backend with a length at most once per recheck, and sees another writer after it", () =>
    Effect.gen(function* () {
      const log = yield* Ref.make<ReadonlyArray<UnitChange.UnitChange>>(seed)
      const asked = yield* Ref.make(0)
      const backend: UnitDirectory.Backend = {
        load: Ref.get(log),
        length: Effect.zipRight(
          Ref.update(asked, (n) => n + 1),
          Effect.map(Ref.get(log), (changes) => changes.length)
        ),
        append: (_, changes) => Ref.update(log, (current) => [...current, ...changes])
      }
      const wards = (h: UnitHierarchy.UnitHierarchy) => UnitHierarchy.subtree(h, u("p37"), d("2021-01-01")).length
      const directory = yield* UnitDirectory.make(backend, { recheck: "50 millis" })
      expect(wards(yield* directory.hierarchy)).toBe(3)
      // Another instance records a ward: within the window the cached hierarchy is served without asking.
      yield* Ref.update(log, (current) => [...current, est("w3", "ward", "p37")])
      expect(wards(yield* directory.hierarchy)).toBe(3)
      expect(yield* Ref.get(asked)).toBe(1)
      // This directory's own record is seen at once.
      yield* directory.record([est("w4", "ward", "p37")])
      expect(wards(yield* directory.hierarchy)).toBe(5)
      yield* Effect.sleep("60 millis")
      yield* Ref.update(log, (current) => [...current, est("w5", "ward", "p37")])
      expect(wards(yield* directory.hierarchy)).toBe(6)
      expect(yield* Ref.get(asked)).toBe(2)
      // With no window, every read asks.
      const eager = yield* UnitDirectory.make(backend, { recheck: 0 })
      yield* eager.hierarchy
      yield* eager.hierarchy
      expect(yield* Ref.get(asked)).toBe(4)
    })
  )

  it("builds the same hierarchy as applying the stored changes directly", () => {
    const direct = Either.getOrThrow(UnitHierarchy.fromChanges([...seed, ...merger]))
    const viaDirectory = Effect.runSync(
      Effect.gen(function* () {
        const directory = yield* UnitDirectory.makeMemory
        yield* directory.record(seed)
        yield* directory.record(merger)
        return yield* directory.hierarchy
      })
    )
    const date = d("2025-07-01")
    expect(UnitHierarchy.tree(viaDirectory, date)).toEqual(UnitHierarchy.tree(direct, date))
    expect(UnitHierarchy.lineage(viaDirectory, u("w1"))).toEqual(UnitHierarchy.lineage(direct, u("w1")))
  })
})
