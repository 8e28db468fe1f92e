import { SqlClient } from "@effect/sql/SqlClient"
import { describe, expect, it } from "@effect/vitest"
import { Register, Transaction, type Unit } from "@tinbao/core"
import { DateTime, Effect } from "effect"
import { backends } from "./backends.js"
import { vaultConfig } from "./fixtures.js"

const receivedAt = DateTime.unsafeMake(Date.UTC(2024, 2, 4, 2))
const input = (unit: string, tipId: string, unitTag = "NINHTIEN"): Register.AssignInput => ({
  unit: unit as Unit.UnitId,
  unitTag,
  tipId,
  receivedAt
})

const counters = Effect.flatMap(
  SqlClient,
  (sql) => sql<{ unit: string; last: number | string }>`SELECT unit, last FROM register_counters ORDER BY unit`
)

for (const backend of backends()) {
  describe(`SqlRegister on ${backend.name}`, () => {
    it.live("gives a tip its entry once: again for the same unit, refused for another, no number used up", () =>
      Effect.gen(function* () {
        const register = yield* Register.Register
        const first = yield* register.assign(input("ca-xa-ninh-tien", "T-1"))
        expect(first.code).toBe("NINHTIEN-2024-0001")
        expect(yield* register.assign(input("ca-xa-ninh-tien", "T-1"))).toEqual(first)
        const elsewhere = yield* Effect.flip(register.assign(input("ca-xa-ninh-phong", "T-1", "NINHPHONG")))
        expect(elsewhere.reason).toBe("conflict")
        expect(elsewhere.message).toContain("NINHTIEN-2024-0001")
        expect((yield* register.assign(input("ca-xa-ninh-tien", "T-2"))).number).toBe(2)
        expect((yield* register.assign(input("ca-xa-ninh-phong", "T-3", "NINHPHONG"))).number).toBe(1)
      }).pipe(Effect.provide(backend.fresh()(vaultConfig())))
    )

    it.live("refuses a code another unit holds, names it, and keeps the refused unit's numbers gapless", () =>
      Effect.gen(function* () {
        const register = yield* Register.Register
        yield* register.assign(input("ca-xa-ninh-tien", "T-1"))
        // Two units that would print the same code: the second is told whose code it is.
        const taken = yield* Effect.flip(register.assign(input("ca-phuong-ninh-tien", "T-2")))
        expect(taken.reason).toBe("conflict")
        expect(taken.message).toContain("NINHTIEN-2024-0001")
        expect(taken.message).toContain("ca-xa-ninh-tien")
        // Inside a transaction block too: the refusal comes back as the same error, and nothing is used up.
        const inBlock = yield* Effect.flip(Transaction.atomically(register.assign(input("ca-phuong-ninh-tien", "T-3"))))
        expect(inBlock._tag === "RegisterError" && inBlock.reason).toBe("conflict")
        expect((yield* counters).map((c) => [c.unit, Number(c.last)])).toEqual([["ca-xa-ninh-tien", 1]])
        const own = yield* register.assign(input("ca-phuong-ninh-tien", "T-4", "PNINHTIEN"))
        expect(own.code).toBe("PNINHTIEN-2024-0001")
      }).pipe(Effect.provide(backend.fresh()(vaultConfig())))
    )
  })
}
