import { describe, expect, it } from "@effect/vitest"
import { Effect, TestClock } from "effect"
import * as Actor from "../src/Actor.js"
import * as LocalDate from "../src/LocalDate.js"
import * as Tips from "../src/Tips.js"
import { UnitId } from "../src/Unit.js"
import * as UnitChange from "../src/UnitChange.js"
import { UnitDirectory } from "../src/UnitDirectory.js"
import * as UnitHierarchy from "../src/UnitHierarchy.js"
import { receiveInput } from "./fixtures.js"

// The 2025 restructuring: two wards merge into a new one on 1 July; their tips stay registered under the old wards.
const u = UnitId.make
const d = LocalDate.unsafeMake
const basis = { legalBasis: "Nghị quyết sắp xếp (ví dụ)" }
const established = (id: string, kind: "province" | "ward", date: string, parent?: string) =>
  UnitChange.Established.make({
    effectiveDate: d(date),
    ...basis,
    id: u(id),
    kind,
    name: { vi: `Công an ${id}`, en: `Police ${id}` },
    ...(parent === undefined ? {} : { parent: u(parent) })
  })
const before = [
  established("p", "province", "2020-01-01"),
  established("w1", "ward", "2020-01-01", "p"),
  established("w2", "ward", "2020-01-01", "p"),
  established("w3", "ward", "2020-01-01", "p")
]
const merger = [
  established("hoalu", "ward", "2025-07-01", "p"),
  UnitChange.Merged.make({ effectiveDate: d("2025-07-01"), ...basis, sources: [u("w1"), u("w2")], into: u("hoalu") })
]
const merged = Actor.make("can-bo-hoa-lu", u("hoalu"), ["officer", "leader"])
const other = Actor.make("can-bo-w3", u("w3"), ["officer", "leader"])
const formerW1 = Actor.make("can-bo-w1-cu", u("w1"), ["officer", "leader"])
const province = Actor.make("lanh-dao-tinh", u("p"), ["officer", "leader"])

describe("Tips after a merger of wards", () => {
  it.effect("the merged ward reads, lists and works its former wards' tips; no one else gains them", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(Date.UTC(2025, 5, 20, 2, 0))
      const directory = yield* UnitDirectory
      yield* directory.record(before)
      const tips = yield* Tips.Tips
      const inW1 = yield* tips.receive(Actor.make("can-bo-w1", u("w1"), ["officer"]), receiveInput({ unit: u("w1") }))
      const inW3 = yield* tips.receive(other, receiveInput({ unit: u("w3") }))
      yield* directory.record(merger)
      yield* TestClock.setTime(Date.UTC(2025, 6, 2, 2, 0))

      expect((yield* tips.list(merged)).map((t) => t.id)).toEqual([inW1.id])
      expect((yield* tips.get(merged, inW1.id)).unit).toBe("w1")
      const accepted = yield* tips.execute(merged, {
        tip: inW1.id,
        expectedVersion: inW1.version,
        command: { _tag: "Accept" }
      })
      expect(accepted.status).toBe("verifying")
      expect((yield* tips.list(province)).map((t) => t.id).toSorted()).toEqual([inW1.id, inW3.id].toSorted())

      expect((yield* tips.list(other)).map((t) => t.id)).toEqual([inW3.id])
      expect((yield* tips.page(merged, { limit: 10 })).tips.map((t) => t.id)).toEqual([inW1.id])
      expect((yield* tips.page(other, { limit: 10 })).tips.map((t) => t.id)).toEqual([inW3.id])
      expect((yield* Effect.flip(tips.get(other, inW1.id)))._tag).toBe("TipNotFound")
      // The closed ward's own officers hold no unit any more: its tips are not theirs to work.
      expect((yield* Effect.flip(tips.get(formerW1, inW1.id)))._tag).toBe("TipNotFound")

      const hierarchy = yield* directory.hierarchy
      expect(UnitHierarchy.answeredWithin(hierarchy, u("hoalu"), d("2025-07-02")).toSorted()).toEqual([
        "hoalu",
        "w1",
        "w2"
      ])
      expect(UnitHierarchy.answeredWithin(hierarchy, u("w1"), d("2025-07-02"))).toEqual([])
      expect(UnitHierarchy.answeredWithin(hierarchy, u("hoalu"), d("2025-06-30"))).toEqual([])
    }).pipe(Effect.provide(Tips.layerMemory()))
  )
})
