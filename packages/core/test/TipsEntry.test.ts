// Tips entered after they were received (a call or a visit written up later), categories outside the taxonomy, and
// the memory layer's calendar with the government's day swaps.
import { describe, expect, it } from "@effect/vitest"
import { DateTime, Effect, TestClock } from "effect"
import * as Actor from "../src/Actor.js"
import * as Calendar from "../src/Calendar.js"
import * as Category from "../src/Category.js"
import { CategoryId } from "../src/Category.js"
import * as LocalDate from "../src/LocalDate.js"
import * as Register from "../src/Register.js"
import * as Tips from "../src/Tips.js"
import { UnitId } from "../src/Unit.js"
import * as UnitChange from "../src/UnitChange.js"
import { UnitDirectory } from "../src/UnitDirectory.js"
import { actors, ids, monday, receiveInput, recordUnits } from "./fixtures.js"

const utc = (iso: string) => DateTime.unsafeMake(iso)
const dueOf = (deadlines: ReadonlyArray<{ readonly kind: string; readonly dueAt: DateTime.Utc }>, kind: string) =>
  DateTime.formatIso(deadlines.find((d) => d.kind === kind)!.dueAt)

const setup = Effect.gen(function* () {
  yield* TestClock.setTime(monday)
  yield* recordUnits
  return yield* Tips.Tips
})

// Monday 16 December 2024, 09:00 in Hà Nội: the police year 2025 began the day before (15 December).
const inNewYear = Date.UTC(2024, 11, 16, 2, 0)

describe("Tips entered after they were received", () => {
  it.effect("count from the time they were received: the register year and every deadline", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(inNewYear)
      yield* recordUnits
      const tips = yield* Tips.Tips
      // Friday 13 December 2024, 20:00 in Hà Nội: a call to the duty officer, in the police year 2024.
      const receivedAt = utc("2024-12-13T13:00:00Z")
      const late = yield* tips.receive(actors.communeLeader, receiveInput({ receivedAt }))
      const now = yield* tips.receive(actors.communeLeader, receiveInput())
      expect(DateTime.formatIso(late.receivedAt)).toBe("2024-12-13T13:00:00.000Z")
      expect(DateTime.formatIso(late.enteredAt!)).toBe("2024-12-16T02:00:00.000Z")
      expect([late.registerYear, late.registerNumber]).toEqual([2024, 1])
      expect(late.code).toMatch(/-2024-0001$/)
      expect([now.registerYear, now.registerNumber, now.enteredAt]).toEqual([2025, 1, undefined])
      const register = yield* Register.Register
      expect((yield* register.entries(ids.commune, 2024)).map((e) => e.tipId)).toEqual([late.id])

      // The event keeps both times and who entered it.
      const [event] = yield* tips.history(actors.communeLeader, late.id)
      expect(event?._tag).toBe("TipReceived")
      if (event?._tag !== "TipReceived") return
      expect([DateTime.formatIso(event.at), DateTime.formatIso(event.enteredAt!), event.by]).toEqual([
        "2024-12-13T13:00:00.000Z",
        "2024-12-16T02:00:00.000Z",
        actors.communeLeader.id
      ])

      // Three working days from Friday: Monday, Tuesday, Wednesday 18 December, to 24:00; the transfer (commune) 24
      // hours from the call, already missed when the tip is entered; twenty days to 2 January.
      const deadlines = yield* tips.deadlines(actors.communeLeader, late.id)
      expect(dueOf(deadlines, "acknowledgement")).toBe("2024-12-18T17:00:00.000Z")
      expect(dueOf(deadlines, "transfer")).toBe("2024-12-14T13:00:00.000Z")
      expect(deadlines.find((d) => d.kind === "transfer")?.status).toBe("missed")
      expect(dueOf(deadlines, "verification")).toBe("2025-01-02T17:00:00.000Z")
      expect(dueOf(yield* tips.deadlines(actors.communeLeader, now.id), "verification")).toBe(
        "2025-01-05T17:00:00.000Z"
      )
    }).pipe(Effect.provide(Tips.layerMemory()))
  )

  it.effect("refuses a time ahead of the clock by more than a minute, and takes a time less ahead as now", () =>
    Effect.gen(function* () {
      const tips = yield* setup
      const ahead = (millis: number) => receiveInput({ receivedAt: DateTime.unsafeMake(monday + millis) })
      const refused = yield* Effect.flip(tips.receive(actors.communeLeader, ahead(61_000)))
      expect(refused._tag === "RuleViolation" && refused.rule).toBe("received_in_future")
      const taken = yield* tips.receive(actors.communeLeader, ahead(30_000))
      expect(DateTime.toEpochMillis(taken.receivedAt)).toBe(monday)
      expect(taken.registerNumber).toBe(1)
    }).pipe(Effect.provide(Tips.layerMemory()))
  )

  it.effect("refuses a time before the unit existed", () =>
    Effect.gen(function* () {
      const tips = yield* setup
      // The fixtures' units were established on 1 January 2020, 00:00 in Hà Nội.
      const before = yield* Effect.flip(
        tips.receive(actors.communeLeader, receiveInput({ receivedAt: utc("2019-12-31T16:59:00Z") }))
      )
      expect(before._tag === "UnitRuleError" && before.rule).toBe("not_valid_at_date")
      const first = yield* tips.receive(actors.communeLeader, receiveInput({ receivedAt: utc("2019-12-31T17:00:00Z") }))
      expect([first.registerYear, first.registerNumber]).toEqual([2020, 1])
    }).pipe(Effect.provide(Tips.layerMemory()))
  )

  it.effect("refuses a time before the years the calendar covers, whose deadlines could not be counted", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(monday)
      const old = UnitId.make("ca-tinh-lau-doi")
      yield* Effect.flatMap(UnitDirectory, (d) =>
        d.record([
          UnitChange.Established.make({
            effectiveDate: LocalDate.unsafeMake("1990-01-01"),
            legalBasis: "Quyết định thành lập (ví dụ)",
            id: old,
            kind: "province",
            name: { vi: "Công an tỉnh lâu đời", en: "An old province" }
          })
        ])
      )
      const tips = yield* Tips.Tips
      const officer = Actor.make("can-bo-lau-doi", old, ["officer"])
      const ancient = yield* Effect.flip(
        tips.receive(officer, receiveInput({ unit: old, receivedAt: utc("1999-06-01T02:00:00Z") }))
      )
      expect(ancient._tag === "RuleViolation" && ancient.rule).toBe("received_before_calendar")
      expect(yield* Effect.flatMap(Register.Register, (r) => r.entries(old, 1999))).toEqual([])
      const taken = yield* tips.receive(officer, receiveInput({ unit: old, receivedAt: utc("2000-06-01T02:00:00Z") }))
      expect(taken.registerYear).toBe(2000)
    }).pipe(Effect.provide(Tips.layerMemory()))
  )
})

describe("A tip entered after its unit merged into another", () => {
  const established = (id: string, kind: "province" | "ward", date: string, parent?: string) =>
    UnitChange.Established.make({
      effectiveDate: LocalDate.unsafeMake(date),
      legalBasis: "Nghị quyết sắp xếp (ví dụ)",
      id: UnitId.make(id),
      kind,
      name: { vi: `Công an ${id}`, en: `Police ${id}` },
      ...(parent === undefined ? {} : { parent: UnitId.make(parent) })
    })

  it.effect("goes to the register of the unit that received it, worked by the unit that answers for it", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(Date.UTC(2025, 6, 2, 2, 0))
      yield* Effect.flatMap(UnitDirectory, (d) =>
        d.record([
          established("p", "province", "2020-01-01"),
          established("w1", "ward", "2020-01-01", "p"),
          established("w2", "ward", "2020-01-01", "p"),
          established("hoalu", "ward", "2025-07-01", "p"),
          UnitChange.Merged.make({
            effectiveDate: LocalDate.unsafeMake("2025-07-01"),
            legalBasis: "Nghị quyết sắp xếp (ví dụ)",
            sources: [UnitId.make("w1"), UnitId.make("w2")],
            into: UnitId.make("hoalu")
          })
        ])
      )
      const tips = yield* Tips.Tips
      const merged = Actor.make("can-bo-hoa-lu", UnitId.make("hoalu"), ["officer", "leader"])
      // Called in on 30 June, 20:00 in Hà Nội, the ward's last day.
      const receivedAt = utc("2025-06-30T13:00:00Z")
      const tip = yield* tips.receive(merged, receiveInput({ unit: UnitId.make("w1"), receivedAt }))
      expect([tip.receivingUnit, tip.registerYear]).toEqual(["w1", 2025])
      expect((yield* tips.list(merged)).map((t) => t.id)).toEqual([tip.id])
      const notYet = yield* Effect.flip(tips.receive(merged, receiveInput({ unit: UnitId.make("hoalu"), receivedAt })))
      expect(notYet._tag === "UnitRuleError" && notYet.rule).toBe("not_valid_at_date")
    }).pipe(Effect.provide(Tips.layerMemory()))
  )
})

describe("Categories outside the taxonomy", () => {
  const fire = CategoryId.make("fire")

  it.effect("are refused when a tip is received or categorized, and nothing is recorded", () =>
    Effect.gen(function* () {
      const tips = yield* setup
      const received = yield* Effect.flip(tips.receive(actors.communeLeader, receiveInput({ category: fire })))
      expect(received._tag === "RuleViolation" && [received.rule, received.command]).toEqual([
        "unknown_category",
        "Receive"
      ])
      expect(yield* tips.list(actors.communeLeader)).toEqual([])
      const tip = yield* tips.receive(actors.communeLeader, receiveInput())
      const categorized = yield* Effect.flip(
        tips.execute(actors.communeLeader, {
          tip: tip.id,
          expectedVersion: tip.version,
          command: { _tag: "Categorize", category: fire }
        })
      )
      expect(categorized._tag === "RuleViolation" && categorized.rule).toBe("unknown_category")
      expect(yield* tips.get(actors.communeLeader, tip.id)).toEqual(tip)
      const drugs = yield* tips.execute(actors.communeLeader, {
        tip: tip.id,
        expectedVersion: tip.version,
        command: { _tag: "Categorize", category: CategoryId.make("drugs") }
      })
      expect(drugs.category).toBe("drugs")
    }).pipe(Effect.provide(Tips.layerMemory()))
  )

  it.effect("are taken once the service's taxonomy has them", () =>
    Effect.gen(function* () {
      const tips = yield* setup
      const tip = yield* tips.receive(actors.communeLeader, receiveInput({ category: fire }))
      expect(tip.category).toBe("fire")
    }).pipe(
      Effect.provide(
        Tips.layerMemory({
          taxonomy: [...Category.standard, Category.Category.make({ id: fire, label: { vi: "Cháy nổ", en: "Fire" } })]
        })
      )
    )
  )
})

describe("Tips.layerMemory with a calendar", () => {
  // Receipt on Monday 4 March 2024: three working days end on Thursday 7 March, or on Friday 8 March when the
  // government makes Tuesday 5 March a day off (and works Saturday 9 March in exchange).
  const acknowledgementDue = Effect.gen(function* () {
    const tips = yield* setup
    const tip = yield* tips.receive(actors.communeLeader, receiveInput())
    return dueOf(yield* tips.deadlines(actors.communeLeader, tip.id), "acknowledgement")
  })
  const swapped = Calendar.unsafeMake({
    add: [{ date: LocalDate.unsafeMake("2024-03-05"), name: { vi: "Nghỉ bù", en: "Swapped day off" } }],
    remove: [LocalDate.unsafeMake("2024-03-09")]
  })

  it.effect("counts the law's days off by default", () =>
    Effect.map(acknowledgementDue, (due) => expect(due).toBe("2024-03-07T17:00:00.000Z")).pipe(
      Effect.provide(Tips.layerMemory())
    )
  )

  it.effect("counts the government's swaps when given them", () =>
    Effect.map(acknowledgementDue, (due) => expect(due).toBe("2024-03-08T17:00:00.000Z")).pipe(
      Effect.provide(Tips.layerMemory({ calendar: swapped }))
    )
  )
})
