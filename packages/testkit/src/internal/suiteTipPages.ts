/**
 * The tip store's pages in the storage suite: the order (register year, number, id, newest first), the keys that
 * carry a reader from page to page, and each filter, followed as tips change.
 *
 * @internal
 */
import { expect } from "@effect/vitest"
import { Category, Tip, TipEvent, TipStore, type Unit } from "@tinbao/core"
import { type DateTime, Effect } from "effect"
import { by, type Context, freshAlias, freshUnit, ids, instant, plusMinutes, test } from "./suiteFixtures.js"
import { create } from "./suiteTipStore.js"

interface Entry {
  readonly year: number
  readonly number: number
  readonly channel?: string
  readonly channelId?: string
  readonly category?: string
}

// A tip entered in a unit's register under a given year and number, through a given channel.
const entered = (tip: Tip.TipId, unit: Unit.UnitId, at: DateTime.Utc, entry: Entry): TipEvent.TipReceived =>
  new TipEvent.TipReceived({
    tip,
    at,
    by,
    unit,
    code: `SUITE-${entry.year}-${String(entry.number).padStart(4, "0")}`,
    registerNumber: entry.number,
    registerYear: entry.year,
    channel: entry.channel ?? "zalo",
    ...(entry.channelId === undefined ? {} : { channelId: entry.channelId }),
    reporterKind: "individual",
    alias: freshAlias(),
    legalType: "to_giac",
    category: Category.CategoryId.make(entry.category ?? "crime"),
    summary: "Người dân phản ánh có nhóm thanh niên tụ tập đánh bạc tại nhà văn hoá tổ dân phố 3."
  })

// Every page of a query, `limit` at a time, by following `next`; stops after more pages than tips, which only a
// store whose keys go round in circles would need.
const everyPage = (store: TipStore.TipStore["Type"], query: Omit<TipStore.PageQuery, "after">) =>
  Effect.gen(function* () {
    const pages: Array<ReadonlyArray<Tip.Tip>> = []
    let after: TipStore.PageKey | undefined
    for (let i = 0; i < 100; i++) {
      const page = yield* store.page({ ...query, ...(after === undefined ? {} : { after }) })
      pages.push(page.tips)
      if (page.next === undefined) return pages
      after = page.next
    }
    return pages
  })

/** @internal */
export const tipPageTests = <R>(ctx: Context<R | TipStore.TipStore>): void => {
  test(ctx, "pages tips newest first by register year, number and id, and ends the pages", {}, () =>
    Effect.gen(function* () {
      const store = yield* TipStore.TipStore
      const [north, south] = [freshUnit("north"), freshUnit("south")]
      const at = instant("2025-10-01T01:00:00Z")
      const entries: Array<[Unit.UnitId, number, number]> = [
        [north, 2025, 1],
        [north, 2025, 2],
        [north, 2026, 1],
        [south, 2025, 1],
        [south, 2025, 12],
        [south, 2026, 1],
        [south, 2024, 300]
      ]
      const written: Array<Tip.Tip> = []
      for (const [i, [unit, year, number]] of entries.entries()) {
        const tip = Tip.makeId()
        written.push(...(yield* create([entered(tip, unit, plusMinutes(at, i), { year, number })])))
      }
      // Numbers are per unit: 2026/1 and 2025/1 are each held twice, and the id settles their order.
      const byId = (x: Tip.Tip, y: Tip.Tip) => (x.id < y.id ? 1 : -1)
      const newest = written.toSorted(
        (x, y) => y.registerYear - x.registerYear || y.registerNumber - x.registerNumber || byId(x, y)
      )
      expect(newest.map((t) => [t.registerYear, t.registerNumber])).toEqual([
        [2026, 1],
        [2026, 1],
        [2025, 12],
        [2025, 2],
        [2025, 1],
        [2025, 1],
        [2024, 300]
      ])
      const expected = ids(newest)
      for (const limit of [1, 2, 3, 7, 50]) {
        const pages = yield* everyPage(store, { units: [north, south], limit })
        expect(pages.flatMap(ids)).toEqual(expected)
        expect(pages.slice(0, -1).every((p) => p.length === limit)).toBe(true)
        expect(pages.length).toBe(Math.max(Math.ceil(expected.length / limit), 1))
      }
      const first = yield* store.page({ units: [north, south], limit: 3 })
      expect(first.tips).toEqual(newest.slice(0, 3))
      expect(first.next).toEqual({
        registerYear: first.tips[2]!.registerYear,
        registerNumber: first.tips[2]!.registerNumber,
        id: first.tips[2]!.id
      })
      const north2025 = yield* everyPage(store, { units: [north], limit: 10 })
      expect(north2025.flatMap(ids)).toEqual(expected.filter((id) => written.find((t) => t.id === id)!.unit === north))
      // A key that is no tip's still places the page: after 2025/2 come the tips numbered below it that year.
      const after = { registerYear: 2025, registerNumber: 2, id: Tip.TipId.make("T-") }
      const rest = yield* store.page({ units: [north, south], after, limit: 50 })
      expect(rest.tips.map((t) => [t.registerYear, t.registerNumber])).toEqual([
        [2025, 1],
        [2025, 1],
        [2024, 300]
      ])
      expect(rest.next).toBeUndefined()
      expect(yield* store.page({ units: [], limit: 5 })).toEqual({ tips: [] })
    })
  )

  test(ctx, "pages the tips of many units, and of every unit in a time window, in the same order", {}, () =>
    Effect.gen(function* () {
      const store = yield* TipStore.TipStore
      // More units than an officer's own few: a backend may read them otherwise, and must give the same pages.
      const units = Array.from({ length: 12 }, (_, i) => freshUnit(`ward${i}`))
      const start = instant("2019-03-17T01:00:00Z")
      const written: Array<Tip.Tip> = []
      for (const [i, unit] of units.entries()) {
        for (const number of [1, 2 + (i % 3)]) {
          const tip = Tip.makeId()
          const at = plusMinutes(start, written.length)
          const year = i % 4 === 0 ? 2018 : 2019
          written.push(...(yield* create([entered(tip, unit, at, { year, number, category: `c${i % 2}` })])))
        }
      }
      const byId = (x: Tip.Tip, y: Tip.Tip) => (x.id < y.id ? 1 : -1)
      const newest = written.toSorted(
        (x, y) => y.registerYear - x.registerYear || y.registerNumber - x.registerNumber || byId(x, y)
      )
      const pages = yield* everyPage(store, { units, limit: 5 })
      expect(pages.flatMap(ids)).toEqual(ids(newest))
      expect(pages.map((p) => p.length)).toEqual([5, 5, 5, 5, 4])
      const window = { receivedFrom: start, receivedBefore: plusMinutes(start, written.length) }
      expect((yield* everyPage(store, { ...window, limit: 7 })).flatMap(ids)).toEqual(ids(newest))
      const odd = Category.CategoryId.make("c1")
      const filtered = yield* everyPage(store, { units, category: odd, limit: 4 })
      expect(filtered.flatMap(ids)).toEqual(ids(newest.filter((t) => t.category === odd)))
    })
  )

  test(
    ctx,
    "filters a page by status, channel id or platform, category, receipt and open, as the tips change",
    {},
    () =>
      Effect.gen(function* () {
        const store = yield* TipStore.TipStore
        const unit = freshUnit("unit")
        const at = (minute: number) => plusMinutes(instant("2025-10-02T01:00:00Z"), minute)
        const [zalo, web, phone, facebook] = [Tip.makeId(), Tip.makeId(), Tip.makeId(), Tip.makeId()]
        yield* create([entered(zalo, unit, at(0), { year: 2025, number: 1, channelId: "zalo-oa:4318097521" })])
        yield* create([
          entered(web, unit, at(1), { year: 2025, number: 2, channel: "web", channelId: "web:cong-an_ninh-binh" }),
          new TipEvent.Acknowledged({ tip: web, at: at(2), by })
        ])
        yield* create([entered(phone, unit, at(3), { year: 2025, number: 3, channel: "phone", category: "fire" })])
        yield* create([
          entered(facebook, unit, at(4), { year: 2025, number: 4, channel: "facebook", channelId: "facebook:1048576" }),
          new TipEvent.Rejected({
            tip: facebook,
            at: at(5),
            by,
            rejection: { _tag: "OutOfScope", reason: "Tranh chấp dân sự." }
          })
        ])
        const page = (query: Omit<TipStore.PageQuery, "units" | "limit">) =>
          Effect.map(store.page({ units: [unit], limit: 10, ...query }), (p) => ids(p.tips))
        expect(yield* page({})).toEqual([facebook, phone, web, zalo])
        expect(yield* page({ status: ["received"] })).toEqual([phone, zalo])
        expect(yield* page({ status: ["acknowledged", "rejected"] })).toEqual([facebook, web])
        expect(yield* page({ status: [] })).toEqual([])
        expect(yield* page({ open: false })).toEqual([facebook])
        expect(yield* page({ channel: "zalo" })).toEqual([zalo])
        expect(yield* page({ channel: "zalo-oa:4318097521" })).toEqual([zalo])
        expect(yield* page({ channel: "zalo-oa" })).toEqual([zalo])
        expect(yield* page({ channel: "web" })).toEqual([web])
        expect(yield* page({ channel: "web:cong-an_ninh-binh" })).toEqual([web])
        // `_` and `%` are themselves, never patterns.
        expect(yield* page({ channel: "web:cong-an%" })).toEqual([])
        expect(yield* page({ channel: "web:cong-an_ninh-bin_" })).toEqual([])
        expect(yield* page({ channel: "phone" })).toEqual([phone])
        expect(yield* page({ channel: "zal" })).toEqual([])
        expect(yield* page({ category: Category.CategoryId.make("fire") })).toEqual([phone])
        expect(yield* page({ receivedFrom: at(1), receivedBefore: at(4) })).toEqual([phone, web])
        // The index follows the tips: a new category and status, and a closed tip reopened.
        yield* store.append([
          {
            tip: zalo,
            expectedVersion: 1,
            events: [
              new TipEvent.Acknowledged({ tip: zalo, at: at(6), by }),
              new TipEvent.Categorized({ tip: zalo, at: at(7), by, category: Category.CategoryId.make("fire") })
            ]
          }
        ])
        yield* store.append([
          {
            tip: facebook,
            expectedVersion: 2,
            events: [new TipEvent.Reopened({ tip: facebook, at: at(8), by, reason: "Có tình tiết mới." })]
          }
        ])
        expect(yield* page({ category: Category.CategoryId.make("fire") })).toEqual([phone, zalo])
        expect(yield* page({ status: ["received"] })).toEqual([phone])
        expect(yield* page({ open: false })).toEqual([])
        expect(yield* page({ open: true, channel: "facebook" })).toEqual([facebook])
        const filtered = yield* store.page({ units: [unit], status: ["received", "acknowledged"], limit: 1 })
        expect(ids(filtered.tips)).toEqual([phone])
        const second = yield* store.page({
          units: [unit],
          status: ["received", "acknowledged"],
          limit: 1,
          after: filtered.next!
        })
        expect(ids(second.tips)).toEqual([web])
      })
  )

  test(ctx, "refuses a page limit that is not a positive integer", {}, () =>
    Effect.gen(function* () {
      const store = yield* TipStore.TipStore
      for (const limit of [0, -1, 1.5, Number.NaN]) {
        const error = yield* Effect.flip(store.page({ units: [freshUnit("unit")], limit }))
        expect(error.reason).toBe("invalid")
        expect(error.message).toContain("positive integer")
      }
    })
  )
}
