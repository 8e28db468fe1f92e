import { describe, expect, it } from "@effect/vitest"
import { Binding, Unit } from "@tinbao/core"
import { SqlBindings } from "@tinbao/sql"
import { Effect, Option } from "effect"
import { backends } from "./backends.js"
import { vaultConfig } from "./fixtures.js"

const ninhTien = Unit.UnitId.make("ca-phuong-ninh-tien")
const namThanh = Unit.UnitId.make("ca-phuong-nam-thanh")
const channel = "zalo:oa-ninh-binh"

const unitOf = (found: Option.Option<Binding.Binding>) => Option.getOrUndefined(Option.map(found, (b) => b.unit))

for (const backend of backends()) {
  describe(`SqlBindings on ${backend.name}`, () => {
    it.live("uses its own changes at once, and another instance's within recheck", () =>
      Effect.gen(function* () {
        // Two instances of the app on one database: each store keeps what it read.
        const here = yield* SqlBindings.makeWith({ recheck: "300 millis" })
        const there = yield* SqlBindings.makeWith({ recheck: "300 millis" })
        yield* here.bind(Binding.Binding.make({ channel, unit: ninhTien }))
        expect(unitOf(yield* here.resolve(channel, "u-1"))).toBe(ninhTien)
        expect(unitOf(yield* there.resolve(channel, "u-1"))).toBe(ninhTien)

        // A group of its own on the channel: the group's binding wins over the channel's.
        yield* here.bind(Binding.Binding.make({ channel, conversation: "group-7", unit: namThanh }))
        expect(unitOf(yield* here.resolve(channel, "group-7"))).toBe(namThanh)
        expect(unitOf(yield* here.resolve(channel, "u-1"))).toBe(ninhTien)
        // The other instance read the channel before the change, and uses what it read until recheck.
        expect(unitOf(yield* there.resolve(channel, "group-7"))).toBe(ninhTien)
        yield* Effect.sleep("400 millis")
        expect(unitOf(yield* there.resolve(channel, "group-7"))).toBe(namThanh)

        yield* there.unbind(channel)
        expect(unitOf(yield* there.resolve(channel, "u-1"))).toBeUndefined()
        expect(unitOf(yield* there.resolve(channel, "group-7"))).toBe(namThanh)
        yield* Effect.sleep("400 millis")
        expect(unitOf(yield* here.resolve(channel, "u-1"))).toBeUndefined()
        expect(yield* here.list).toEqual([Binding.Binding.make({ channel, conversation: "group-7", unit: namThanh })])
      }).pipe(Effect.provide(backend.fresh()(vaultConfig())))
    )

    it.effect("with recheck 0, reads the database for every message", () =>
      Effect.gen(function* () {
        const here = yield* SqlBindings.makeWith({ recheck: 0 })
        const there = yield* SqlBindings.makeWith({ recheck: 0 })
        expect(unitOf(yield* there.resolve(channel, "u-1"))).toBeUndefined()
        yield* here.bind(Binding.Binding.make({ channel, unit: ninhTien }))
        expect(unitOf(yield* there.resolve(channel, "u-1"))).toBe(ninhTien)
        yield* here.bind(Binding.Binding.make({ channel, unit: namThanh }))
        expect(unitOf(yield* there.resolve(channel, "u-1"))).toBe(namThanh)
      }).pipe(Effect.provide(backend.fresh()(vaultConfig())))
    )
  })
}
