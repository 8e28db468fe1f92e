/**
 * The register part of the storage suite: gapless numbers under concurrent intake, idempotence, the police year
 * boundary on 15 December (local time), lookups, and what the backend itself holds (`registerNumbers`).
 *
 * @internal
 */
import { expect } from "@effect/vitest"
import { Register, type Unit } from "@tinbao/core"
import { type DateTime, Effect, Option } from "effect"
import { type Context, fresh, freshTag, freshUnit, instant, test } from "./suiteFixtures.js"

const assign = (unit: Unit.UnitId, unitTag: string, tipId: string, receivedAt: DateTime.Utc) =>
  Effect.flatMap(Register.Register, (r) => r.assign({ unit, unitTag, tipId, receivedAt }))

const numbers = (n: number): ReadonlyArray<number> => Array.from({ length: n }, (_, i) => i + 1)

const spring = instant("2025-03-01T03:00:00Z")

/** @internal */
export const registerTests = <R>(ctx: Context<R | Register.Register>): void => {
  test(
    ctx,
    "numbers 500 parallel entries across 3 units 1..N with no gap",
    { capabilities: ["concurrentWriters"] },
    () =>
      Effect.gen(function* () {
        const register = yield* Register.Register
        const units = [0, 1, 2].map(() => ({ unit: freshUnit("unit"), tag: freshTag() }))
        const inputs = Array.from({ length: 500 }, (_, i) => ({ ...units[i % 3], tipId: fresh("tip") }))
        const entries = yield* Effect.all(
          inputs.map((input) => assign(input.unit, input.tag, input.tipId, spring)),
          { concurrency: "unbounded" }
        )
        expect(new Set(entries.map((e) => e.code)).size).toBe(500)
        for (const [i, { unit }] of units.entries()) {
          const book = yield* register.entries(unit, 2025)
          const expected = inputs.filter((_, j) => j % 3 === i).map((input) => input.tipId)
          expect(book.map((e) => e.number)).toEqual(numbers(expected.length))
          expect(book.every((e) => e.unit === unit && e.year === 2025)).toBe(true)
          expect(new Set(book.map((e) => e.tipId))).toEqual(new Set(expected))
        }
        for (const entry of entries) {
          expect(yield* register.byTip(entry.tipId)).toEqual(Option.some(entry))
        }
      })
  )

  test(ctx, "gives a tip its first entry again, and refuses it to another unit without using a number", {}, () =>
    Effect.gen(function* () {
      const register = yield* Register.Register
      const [u, v] = [freshUnit("unit"), freshUnit("other")]
      const [tagU, tagV] = [freshTag(), freshTag()]
      const tip = fresh("tip")
      const first = yield* assign(u, tagU, tip, spring)
      expect(first.number).toBe(1)
      expect(first.code).toBe(`${tagU}-2025-0001`)
      expect(yield* assign(u, tagU, tip, spring)).toEqual(first)
      expect(yield* assign(u, tagU, tip, instant("2025-05-01T03:00:00Z"))).toEqual(first)
      expect(yield* register.entries(u, 2025)).toEqual([first])
      const error = yield* Effect.flip(assign(v, tagV, tip, spring))
      expect(error).toBeInstanceOf(Register.RegisterError)
      expect(error.reason).toBe("conflict")
      expect(yield* register.entries(v, 2025)).toEqual([])
      const next = yield* assign(v, tagV, fresh("tip"), spring)
      expect(next.number).toBe(1)
      expect(yield* register.byTip(tip)).toEqual(Option.some(first))
    })
  )

  test(ctx, "starts a new police year at 00:00 on 15 December, local time (UTC+7)", {}, () =>
    Effect.gen(function* () {
      const register = yield* Register.Register
      const unit = freshUnit("unit")
      const tag = freshTag()
      const [t1, t2, t3, t4] = [fresh("tip"), fresh("tip"), fresh("tip"), fresh("tip")]
      // 16:59:59.999 UTC is 23:59:59.999 on 14 December in Vietnam; 17:00 UTC is midnight of the 15th.
      const last = yield* assign(unit, tag, t1, instant("2024-12-14T16:59:59.999Z"))
      const first = yield* assign(unit, tag, t2, instant("2024-12-14T17:00:00Z"))
      const second = yield* assign(unit, tag, t3, instant("2024-12-15T03:00:00Z"))
      const late = yield* assign(unit, tag, t4, instant("2024-12-14T10:00:00Z"))
      expect([last.year, last.number, last.code]).toEqual([2024, 1, `${tag}-2024-0001`])
      expect([first.year, first.number, first.code]).toEqual([2025, 1, `${tag}-2025-0001`])
      expect([second.year, second.number]).toEqual([2025, 2])
      expect([late.year, late.number]).toEqual([2024, 2])
      expect((yield* register.entries(unit, 2024)).map((e) => e.tipId)).toEqual([t1, t4])
      expect((yield* register.entries(unit, 2025)).map((e) => e.tipId)).toEqual([t2, t3])
    })
  )

  test(ctx, "finds an entry by its code, as a reporter writes it, and by its tip", {}, () =>
    Effect.gen(function* () {
      const register = yield* Register.Register
      const unit = freshUnit("unit")
      const tag = freshTag()
      const tip = fresh("tip")
      const entry = yield* assign(unit, tag, tip, spring)
      const found = Option.some(entry)
      expect(yield* register.byCode(entry.code)).toEqual(found)
      expect(yield* register.byCode(entry.code.toLowerCase())).toEqual(found)
      expect(yield* register.byCode(`Cho tôi hỏi tin báo ${tag} – 2025 – 1 đến đâu rồi ạ`)).toEqual(found)
      expect(yield* register.byCode(`${tag}-2025-0002`)).toEqual(Option.none())
      expect(yield* register.byCode(`${tag}-2024-0001`)).toEqual(Option.none())
      expect(yield* register.byCode("không có mã nào")).toEqual(Option.none())
      expect(yield* register.byTip(tip)).toEqual(found)
      expect(yield* register.byTip(fresh("tip"))).toEqual(Option.none())
    })
  )

  test(ctx, "the backend itself holds the numbers 1..N of each year", { probes: ["registerNumbers"] }, () =>
    Effect.gen(function* () {
      const probe = ctx.probes.registerNumbers!
      const unit = freshUnit("unit")
      const tag = freshTag()
      const concurrency = ctx.capabilities.concurrentWriters.supported ? "unbounded" : 1
      yield* Effect.all(
        Array.from({ length: 40 }, () => assign(unit, tag, fresh("tip"), spring)),
        { concurrency }
      )
      yield* assign(unit, tag, fresh("tip"), instant("2025-12-20T03:00:00Z"))
      yield* Effect.flip(
        assign(freshUnit("other"), freshTag(), (yield* assign(unit, tag, fresh("tip"), spring)).tipId, spring)
      )
      expect([...(yield* probe(unit, 2025))].sort((x, y) => x - y)).toEqual(numbers(41))
      expect(yield* probe(unit, 2026)).toEqual([1])
      expect(yield* probe(freshUnit("none"), 2025)).toEqual([])
    })
  )
}
