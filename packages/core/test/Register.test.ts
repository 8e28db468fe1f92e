import { describe, expect, it } from "@effect/vitest"
import { DateTime, Effect, Equal, Option, Schema } from "effect"
import * as Register from "../src/Register.js"
import { UnitId } from "../src/Unit.js"

const { RegisterEntry, UnitTag } = Register

const nghiaTien = UnitId.make("nb-xa-nghia-tien")
const hoaLu = UnitId.make("nb-phuong-hoa-lu")
const yenMo = UnitId.make("nb-xa-yen-mo")
const at = (iso: string) => DateTime.unsafeMake(iso)

const assign = (unit: UnitId, unitTag: string, tipId: string, receivedAt = at("2024-06-01T03:00:00Z")) =>
  Effect.flatMap(Register.Register, (r) => r.assign({ unit, unitTag, tipId, receivedAt }))

describe("Register codes", () => {
  it("formats codes with the tag, the police year and a padded number", () => {
    expect(Register.codeOf({ unitTag: UnitTag.make("NTIEN"), year: 2024, number: 26 })).toBe("NTIEN-2024-0026")
    expect(Register.codeOf({ unitTag: UnitTag.make("25123"), year: 2025, number: 12345 })).toBe("25123-2025-12345")
  })

  it("derives unit tags without diacritics, from the official code first", () => {
    expect(Register.unitTagOf(UnitId.make("Nghĩa Tiến"))).toBe("NGHIATIEN")
    expect(Register.unitTagOf(UnitId.make("Đồng Đăng"))).toBe("DONGDANG")
    expect(Register.unitTagOf(nghiaTien)).toBe("NBXANGHIAT")
    expect(Register.unitTagOf(nghiaTien, "25123")).toBe("25123")
    // the kind of unit at the head of an id is dropped: the place name is what reporters recognise
    expect(Register.unitTagOf(UnitId.make("ca-phuong-van-giang"))).toBe("VANGIANG")
    expect(Register.unitTagOf(UnitId.make("ca-xa-ninh-tien"))).toBe("NINHTIEN")
    expect(Register.unitTagOf(UnitId.make("cong-an-tinh-ninh-binh"))).toBe("NINHBINH")
    expect(Register.unitTagOf(UnitId.make("ca-phuong"))).toBe("PHUONG")
    expect(Register.unitTagOf(UnitId.make("ca-p-van-giang"))).toBe("VANGIANG")
    expect(Register.unitTagOf(UnitId.make("ca-x-ninh-tien"))).toBe("NINHTIEN")
    const odd = Register.unitTagOf(UnitId.make("—"))
    expect(odd).toMatch(/^DV[0-9A-Z]{1,7}$/)
    expect(Register.unitTagOf(UnitId.make("—"))).toBe(odd)
    expect(Register.unitTagOf(UnitId.make("——"))).not.toBe(odd)
    for (const tag of [odd, Register.unitTagOf(UnitId.make("Công an xã Nghĩa Tiến, tỉnh Ninh Bình"))]) {
      expect(Schema.is(UnitTag)(tag)).toBe(true)
    }
  })

  it("keeps the hashed tag of a unit id with no letter or digit stable across releases", () => {
    // Codes are printed on acknowledgements and quoted back by reporters: the hash behind them must not change.
    expect(Register.unitTagOf(UnitId.make("---"))).toBe("DV1IMPW1Y")
  })

  it("finds a code in a reporter's message", () => {
    const found = Register.parseCode("Cho tôi hỏi tin báo NTIEN-2024-0026 đến đâu rồi ạ")
    expect(found).toEqual(Option.some({ code: "NTIEN-2024-0026", unitTag: "NTIEN", year: 2024, number: 26 }))
    const code = (text: string) => Option.map(Register.parseCode(text), (p) => p.code)
    expect(code("mã tin báo của em là ntien-2024-26 ạ")).toEqual(Option.some("NTIEN-2024-0026"))
    expect(code("NTIEN – 2024 – 0026?")).toEqual(Option.some("NTIEN-2024-0026"))
    expect(code("tin NTIẾN-2024-0026")).toEqual(Option.some("NTIEN-2024-0026"))
    expect(code("(25123-2025-10001).")).toEqual(Option.some("25123-2025-10001"))
    expect(code("cũ: A1-2023-0002, mới: B2-2024-0003")).toEqual(Option.some("A1-2023-0002"))
    expect(code("NTIEN-2024-0000 rồi NTIEN-2024-0007")).toEqual(Option.some("NTIEN-2024-0007"))
    for (const text of [
      "Anh ơi em bị lừa mất tiền",
      "gọi 0912-345-678 giúp em",
      "ngày 15-12-2024",
      "ABCDEFGHIJK-2024-0001",
      "NTIEN-2024-0026abc",
      "NTIEN-24-0026"
    ]) {
      expect(Register.parseCode(text)).toEqual(Option.none())
    }
    const parts = { unitTag: UnitTag.make("NTIEN"), year: 2024, number: 26 }
    expect(Register.parseCode(Register.codeOf(parts))).toEqual(Option.some({ ...parts, code: "NTIEN-2024-0026" }))
  })

  it("reads entries back through the schema", () => {
    const entry = new RegisterEntry({
      unit: nghiaTien,
      year: 2024,
      number: 26,
      tipId: "tip-26",
      code: "NTIEN-2024-0026",
      receivedAt: at("2024-06-01T03:00:00Z")
    })
    const encoded = Schema.encodeSync(RegisterEntry)(entry)
    expect(encoded.receivedAt).toBe("2024-06-01T03:00:00.000Z")
    expect(Equal.equals(Schema.decodeUnknownSync(RegisterEntry)(encoded), entry)).toBe(true)
    expect(() => Schema.decodeUnknownSync(RegisterEntry)({ ...encoded, number: 0 })).toThrow()
    expect(() => Schema.decodeUnknownSync(RegisterEntry)({ ...encoded, code: "ntien 26" })).toThrow()
  })
})

describe("Register.layerMemory", () => {
  it.effect("restarts numbering on 15 December, local time", () =>
    Effect.gen(function* () {
      const register = yield* Register.Register
      const june = yield* assign(nghiaTien, "NTIEN", "t1", at("2024-06-01T03:00:00Z"))
      // 16:59:59 UTC is 23:59:59 on 14 December in Vietnam; 17:00 UTC is already 15 December.
      const lastMinute = yield* assign(nghiaTien, "NTIEN", "t2", at("2024-12-14T16:59:59Z"))
      const midnight = yield* assign(nghiaTien, "NTIEN", "t3", at("2024-12-14T17:00:00Z"))
      const january = yield* assign(nghiaTien, "NTIEN", "t4", at("2025-01-05T02:00:00Z"))
      expect([june.year, june.number, lastMinute.year, lastMinute.number]).toEqual([2024, 1, 2024, 2])
      expect([midnight.year, midnight.number, january.year, january.number]).toEqual([2025, 1, 2025, 2])
      expect(lastMinute.code).toBe("NTIEN-2024-0002")
      expect(midnight.code).toBe("NTIEN-2025-0001")
      expect((yield* register.entries(nghiaTien, 2024)).map((e) => e.tipId)).toEqual(["t1", "t2"])
      expect((yield* register.entries(nghiaTien, 2025)).map((e) => e.tipId)).toEqual(["t3", "t4"])
      expect(yield* register.entries(hoaLu, 2024)).toEqual([])
    }).pipe(Effect.provide(Register.layerMemory))
  )

  it.effect("gives a tip the same entry however often it is assigned", () =>
    Effect.gen(function* () {
      const register = yield* Register.Register
      const first = yield* assign(nghiaTien, "NTIEN", "tip-a")
      const again = yield* assign(nghiaTien, "NTIEN", "tip-a", at("2025-02-01T00:00:00Z"))
      expect(again).toBe(first)
      const racing = yield* Effect.forEach(Array.from({ length: 50 }), () => assign(nghiaTien, "NTIEN", "tip-b"), {
        concurrency: "unbounded"
      })
      expect(new Set(racing).size).toBe(1)
      expect((yield* register.entries(nghiaTien, 2024)).map((e) => e.number)).toEqual([1, 2])
      const elsewhere = yield* Effect.flip(assign(hoaLu, "HOALU", "tip-a"))
      expect(elsewhere.reason).toBe("conflict")
      expect(elsewhere.message).toContain("NTIEN-2024-0001")
      expect((yield* assign(hoaLu, "HOALU", "tip-c")).number).toBe(1)
    }).pipe(Effect.provide(Register.layerMemory))
  )

  it.effect("numbers 1,000 concurrent tips across three units without gaps or repeats", () =>
    Effect.gen(function* () {
      const register = yield* Register.Register
      const units = [nghiaTien, hoaLu, yenMo]
      const tags = ["NTIEN", "HOALU", "YENMO"]
      const assigned = yield* Effect.forEach(
        Array.from({ length: 1000 }, (_, i) => i),
        (i) => Effect.zipRight(Effect.yieldNow(), assign(units[i % 3], tags[i % 3], `tip-${i}`)),
        { concurrency: "unbounded" }
      )
      expect(new Set(assigned.map((e) => e.code)).size).toBe(1000)
      for (const [u, unit] of units.entries()) {
        const count = Math.ceil((1000 - u) / 3)
        const list = yield* register.entries(unit, 2024)
        expect(list.map((e) => e.number)).toEqual(Array.from({ length: count }, (_, i) => i + 1))
        expect(list.every((e) => e.unit === unit && e.code.startsWith(`${tags[u]}-2024-`))).toBe(true)
      }
      for (const entry of assigned) {
        expect(yield* register.byTip(entry.tipId)).toEqual(Option.some(entry))
        expect(yield* register.byCode(entry.code)).toEqual(Option.some(entry))
      }
    }).pipe(Effect.provide(Register.layerMemory))
  )

  it.effect("finds entries by code as reporters write them, and by tip", () =>
    Effect.gen(function* () {
      const register = yield* Register.Register
      const entry = yield* assign(nghiaTien, "NTIEN", "tip-1")
      expect(yield* register.byCode("NTIEN-2024-0001")).toEqual(Option.some(entry))
      expect(yield* register.byCode("cho hỏi ntien-2024-1 ạ")).toEqual(Option.some(entry))
      expect(yield* register.byCode("NTIEN-2024-0002")).toEqual(Option.none())
      expect(yield* register.byCode("không có mã")).toEqual(Option.none())
      expect(yield* register.byTip("tip-9")).toEqual(Option.none())
    }).pipe(Effect.provide(Register.layerMemory))
  )

  it.effect("cleans the tag it is given and refuses a code another unit holds", () =>
    Effect.gen(function* () {
      const register = yield* Register.Register
      expect((yield* assign(nghiaTien, "Nghĩa Tiến", "tip-1")).code).toBe("NGHIATIEN-2024-0001")
      expect((yield* assign(yenMo, " — ", "tip-2")).code).toBe(`${Register.unitTagOf(yenMo)}-2024-0001`)
      const taken = yield* Effect.flip(assign(hoaLu, "nghia-tien", "tip-3"))
      expect(taken.reason).toBe("conflict")
      expect(taken.message).toContain("NGHIATIEN-2024-0001")
      expect(yield* register.byTip("tip-3")).toEqual(Option.none())
      // The refused tip used no number: the unit's register still starts at 1.
      expect((yield* assign(hoaLu, "HOALU", "tip-3")).code).toBe("HOALU-2024-0001")
    }).pipe(Effect.provide(Register.layerMemory))
  )
})
