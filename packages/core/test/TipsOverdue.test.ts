// Listing and paging tips by whether a deadline of theirs is due and unmet now.
import { describe, expect, it } from "@effect/vitest"
import { DateTime, Effect, TestClock } from "effect"
import type { Tip } from "../src/Tip.js"
import * as Tips from "../src/Tips.js"
import { actors, DAY, ids, monday, receiveInput, recordUnits } from "./fixtures.js"

const codes = (tips: ReadonlyArray<Tip>) => tips.map((t) => t.code)

// Six tips of the ward, numbered 1 to 6: the odd ones received ten days before they were entered, never acknowledged
// nor transferred (those deadlines are missed), the even ones received now; and one of the commune, received now.
const seed = Effect.gen(function* () {
  yield* TestClock.setTime(monday)
  yield* recordUnits
  const tips = yield* Tips.Tips
  const ward: Array<Tip> = []
  for (let i = 1; i <= 6; i++) {
    const receivedAt = i % 2 === 1 ? { receivedAt: DateTime.unsafeMake(monday - 10 * DAY) } : {}
    ward.push(yield* tips.receive(actors.wardOfficer, receiveInput({ unit: ids.ward, ...receivedAt })))
  }
  const commune = yield* tips.receive(actors.communeLeader, receiveInput())
  return { tips, ward, commune }
})

describe("Tips by overdue", () => {
  it.effect("lists the tips with a missed deadline, or those without", () =>
    Effect.gen(function* () {
      const { tips, ward, commune } = yield* seed
      const late = ward.filter((_, i) => i % 2 === 0)
      const onTime = ward.filter((_, i) => i % 2 === 1)
      expect(codes(yield* tips.list(actors.provinceLeader, { overdue: true }))).toEqual(codes(late))
      expect(codes(yield* tips.list(actors.provinceLeader, { overdue: false })).toSorted()).toEqual(
        codes([...onTime, commune]).toSorted()
      )
      expect(codes(yield* tips.list(actors.provinceLeader, { overdue: true, unit: ids.commune }))).toEqual([])
      // Acknowledged and accepted late, both deadlines are met: the tip is no longer overdue.
      const first = late[0]!
      for (const [version, command] of [
        [1, { _tag: "Acknowledge" }],
        [2, { _tag: "Accept" }]
      ] as const) {
        yield* tips.execute(actors.wardOfficer, { tip: first.id, expectedVersion: version, command })
      }
      expect(codes(yield* tips.list(actors.provinceLeader, { overdue: true }))).toEqual(codes(late.slice(1)))
      // Time passes: three working days on, the tips received now have missed theirs too.
      yield* TestClock.adjust(DAY * 4)
      expect((yield* tips.list(actors.provinceLeader, { overdue: true })).length).toBe(6)
    }).pipe(Effect.provide(Tips.layerMemory()))
  )

  it.effect("pages them newest first, following `next` across the tips left out", () =>
    Effect.gen(function* () {
      const { tips, ward } = yield* seed
      const newestFirst = ward.toReversed()
      const pages: Array<ReadonlyArray<string>> = []
      let page = yield* tips.page(actors.provinceLeader, { overdue: true, limit: 2 })
      pages.push(codes(page.tips))
      while (page.next !== undefined) {
        page = yield* tips.page(actors.provinceLeader, { overdue: true, limit: 2, after: page.next })
        pages.push(codes(page.tips))
      }
      expect(pages).toEqual([codes([newestFirst[1]!, newestFirst[3]!]), codes([newestFirst[5]!])])
      const onTime = yield* tips.page(actors.wardOfficer, { overdue: false, limit: 10 })
      expect(codes(onTime.tips)).toEqual(codes([newestFirst[0]!, newestFirst[2]!, newestFirst[4]!]))
      expect(onTime.next).toBeUndefined()
      // With the store's own filters.
      const received = yield* tips.page(actors.provinceLeader, { overdue: true, status: ["received"], limit: 10 })
      expect(received.tips.length).toBe(3)
      const zero = yield* Effect.flip(tips.page(actors.provinceLeader, { overdue: true, limit: 0 }))
      expect(zero._tag === "TipStoreError" && zero.reason).toBe("invalid")
    }).pipe(Effect.provide(Tips.layerMemory()))
  )
})
