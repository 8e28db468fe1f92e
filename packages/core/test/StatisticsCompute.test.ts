import { describe, expect, it } from "@effect/vitest"
import { NinhBinh } from "@tinbao/testkit"
import { DateTime, Either } from "effect"
import { ActorId } from "../src/Actor.js"
import * as Calendar from "../src/Calendar.js"
import { CategoryId, type LegalType } from "../src/Category.js"
import { AliasId } from "../src/IdentityVault.js"
import * as LocalDate from "../src/LocalDate.js"
import * as Statistics from "../src/Statistics.js"
import { TipId } from "../src/Tip.js"
import * as TipEvent from "../src/TipEvent.js"
import type { UnitId } from "../src/Unit.js"

// Events are built directly: the engine reads only the log, so this is what a store would hold.
const by = ActorId.make("can-bo-thu-nghiem")
// Local times (UTC+7) as written, or epoch millis.
const local = (s: string | number) => DateTime.unsafeMake(typeof s === "number" ? s : Date.parse(`${s}+07:00`))
const HOUR = 60 * 60 * 1000
const d = LocalDate.unsafeMake
const ids = NinhBinh.unitIds
const hierarchy = NinhBinh.hierarchy()
// The time of the queries: after every period the tests count, so that each is counted to its end.
const now = local("2030-01-01T00:00")

/** The events of one tip, added step by step. */
class TipLog {
  constructor(
    private readonly events: Array<TipEvent.TipEvent>,
    private readonly common: (when: string | number) => { tip: TipId; at: DateTime.Utc; by: ActorId }
  ) {}
  private add(...events: Array<TipEvent.TipEvent>): this {
    this.events.push(...events)
    return this
  }
  ack(when: string | number) {
    return this.add(new TipEvent.Acknowledged(this.common(when)))
  }
  accept(when: string | number) {
    return this.add(new TipEvent.Accepted(this.common(when)))
  }
  resolve(when: string | number) {
    return this.add(new TipEvent.Resolved({ ...this.common(when), outcome: { _tag: "Handled", summary: "Đã xử lý" } }))
  }
  escalate(to: UnitId, when: string, acceptedAt: string) {
    return this.add(
      new TipEvent.TransferRequested({ ...this.common(when), to, reason: "Vượt thẩm quyền", escalation: true }),
      new TipEvent.TransferAccepted(this.common(acceptedAt))
    )
  }
}

const makeLog = () => {
  const events: Array<TipEvent.TipEvent> = []
  let n = 0
  const tip = (unit: UnitId, at: string | number, legalType: LegalType = "phan_anh", category = "crime") => {
    const id = TipId.make(`tip-${++n}`)
    events.push(
      new TipEvent.TipReceived({
        tip: id,
        at: local(at),
        by,
        unit,
        code: `T-${n}`,
        registerNumber: n,
        registerYear: 2023,
        channel: "zalo",
        channelId: "nhom-zalo-1",
        reporterKind: "individual",
        alias: AliasId.make("AL-0123456789ABCDEF"),
        legalType,
        category: CategoryId.make(category),
        summary: "Phản ánh thử nghiệm"
      })
    )
    return new TipLog(events, (when) => ({ tip: id, at: local(when), by }))
  }
  const log = () => events.toSorted((a, b) => DateTime.toEpochMillis(a.at) - DateTime.toEpochMillis(b.at))
  return { tip, log }
}

const run = (events: Iterable<TipEvent.TipEvent>, query: Statistics.Query) =>
  Either.getOrThrow(Statistics.compute(events, hierarchy, Calendar.vietnam, query, { now }))

describe("Statistics.compute", () => {
  it("keeps an empty channel id and no channel id apart when grouping by channel id", () => {
    const events = [
      new TipEvent.TipReceived({
        tip: TipId.make("tip-empty"),
        at: local("2023-03-01T09:00"),
        by,
        unit: ids.ninhTien,
        code: "T-1",
        registerNumber: 1,
        registerYear: 2023,
        channel: "web",
        channelId: "",
        reporterKind: "individual",
        alias: AliasId.make("AL-0123456789ABCDEF"),
        legalType: "phan_anh",
        category: CategoryId.make("crime"),
        summary: "Phản ánh thử nghiệm"
      }),
      new TipEvent.TipReceived({
        tip: TipId.make("tip-none"),
        at: local("2023-03-02T09:00"),
        by,
        unit: ids.ninhTien,
        code: "T-2",
        registerNumber: 2,
        registerYear: 2023,
        channel: "in_person",
        reporterKind: "individual",
        alias: AliasId.make("AL-0123456789ABCDEF"),
        legalType: "phan_anh",
        category: CategoryId.make("crime"),
        summary: "Phản ánh thử nghiệm"
      })
    ]
    const groups = run(events, {
      root: ids.ninhTien,
      period: { _tag: "PoliceYear", year: 2023 },
      groupBy: ["channel_id"]
    }).groups
    expect(groups.map((g) => [g.key.channelId ?? null, g.measures.receivedInPeriod])).toEqual(
      expect.arrayContaining([
        ["", 1],
        [null, 1]
      ])
    )
    expect(groups).toHaveLength(2)
  })

  it("counts a tip received in December and resolved in January by cohort and by activity", () => {
    const { log, tip } = makeLog()
    tip(ids.ninhTien, "2022-12-20T09:00").ack("2022-12-20T10:00").accept("2022-12-21T08:00").resolve("2023-01-10T15:00")
    const year = (year: number) => run(log(), { root: ids.ninhTien, period: { _tag: "CalendarYear", year } }).total
    expect(year(2022)).toMatchObject({
      receivedInPeriod: 1,
      resolvedInPeriod: 0,
      resolvedOfReceived: 0,
      openAtEnd: 1,
      resolutionRate: 0
    })
    expect(year(2023)).toMatchObject({
      receivedInPeriod: 0,
      resolvedInPeriod: 1,
      resolvedOfReceived: 0,
      openAtEnd: 0,
      resolutionRate: null
    })
    expect(year(2023).timeToResolve.count).toBe(1)
    // Police year 2023 runs from 15 December 2022: the tip is received and resolved inside it.
    const police = run(log(), { root: ids.ninhTien, period: { _tag: "PoliceYear", year: 2023 } }).total
    expect(police).toMatchObject({ receivedInPeriod: 1, resolvedInPeriod: 1, resolvedOfReceived: 1, resolutionRate: 1 })
  })

  it("puts the 14th and the 15th, local time, in different police months", () => {
    const { log, tip } = makeLog()
    tip(ids.ninhTien, "2023-03-14T23:59:59.999")
    // 00:00 on the 15th in Hà Nội is still the 14th in UTC.
    tip(ids.ninhTien, "2023-03-15T00:00:00")
    const month = (month: number) =>
      run(log(), { root: ids.ninhTien, period: { _tag: "PoliceMonth", year: 2023, month } }).total.receivedInPeriod
    expect([month(3), month(4)]).toEqual([1, 1])
    const byMonth = run(log(), {
      root: ids.ninhTien,
      period: { _tag: "PoliceYear", year: 2023 },
      groupBy: ["police_month"]
    }).groups
    expect(byMonth.map((g) => g.key.policeMonth)).toEqual(
      Array.from({ length: 12 }, (_, i) => `2023-${String(i + 1).padStart(2, "0")}`)
    )
    expect(byMonth.filter((g) => g.measures.receivedInPeriod > 0).map((g) => g.key.policeMonth)).toEqual([
      "2023-03",
      "2023-04"
    ])
    expect(byMonth[2].label.vi).toBe("Tháng 3/2023 (thống kê: 15/02/2023–14/03/2023)")
    const calendar = run(log(), {
      root: ids.ninhTien,
      period: { _tag: "CalendarMonth", year: 2023, month: 3 },
      groupBy: ["calendar_month"]
    })
    expect(calendar.groups.map((g) => [g.key.calendarMonth, g.measures.receivedInPeriod])).toEqual([["2023-03", 2]])
  })

  it("ignores events after the period's end: the state is the tip's as of 24:00 on the last day", () => {
    const { log, tip } = makeLog()
    tip(ids.ninhTien, "2023-01-31T10:00").resolve("2023-02-01T00:00")
    tip(ids.ninhTien, "2023-01-31T11:00").resolve("2023-01-31T23:59")
    const jan = run(log(), { root: ids.ninhTien, period: { _tag: "CalendarMonth", year: 2023, month: 1 } })
    expect(jan.total).toMatchObject({ receivedInPeriod: 2, resolvedInPeriod: 1, resolvedOfReceived: 1, openAtEnd: 1 })
    expect(jan.scanned).toEqual({ events: 4, tips: 2 })
  })

  it("counts deadlines that fall due in the period, as they stand at its end", () => {
    const { log, tip } = makeLog()
    // Feedback: acknowledgement in 3 working days, resolution in 15 days.
    // Resolution due 24:00 on 25 January: missed.
    tip(ids.ninhTien, "2023-01-10T09:00").ack("2023-01-11T09:00")
    // Acknowledgement due 24:00 on 19 January, before Tết: met late. Resolution due 24:00 on 31 January, the very
    // instant the period ends: pending in January, and not February's.
    tip(ids.ninhTien, "2023-01-16T09:00").ack("2023-01-26T09:00")
    // Acknowledgements due after Tết (30 January), resolutions due in February (4 and 9 February).
    tip(ids.ninhTien, "2023-01-20T09:00").ack("2023-01-20T10:00")
    tip(ids.ninhTien, "2023-01-25T09:00").ack("2023-01-25T10:00").resolve("2023-01-30T09:00")
    const jan = run(log(), { root: ids.ninhTien, period: { _tag: "CalendarMonth", year: 2023, month: 1 } }).total
    expect(jan.compliance.acknowledgement).toEqual({ met: 3, metLate: 1, missed: 0, pending: 0 })
    expect(jan.compliance.resolution).toEqual({ met: 0, metLate: 0, missed: 1, pending: 1 })
    expect(jan.overdueAtEnd).toBe(1)
    const feb = run(log(), { root: ids.ninhTien, period: { _tag: "CalendarMonth", year: 2023, month: 2 } }).total
    expect(feb.compliance.resolution).toEqual({ met: 1, metLate: 0, missed: 1, pending: 0 })
    expect(feb.compliance.acknowledgement).toEqual({ met: 0, metLate: 0, missed: 0, pending: 0 })
    expect(feb.overdueAtEnd).toBe(3)
  })

  it("gives nearest-rank percentiles and the mean of durations", () => {
    const { log, tip } = makeLog()
    const start = Date.parse("2023-05-01T00:00:00+07:00")
    for (let h = 1; h <= 100; h++) tip(ids.ninhTien, start).ack(start + h * HOUR)
    const t = run(log(), { root: ids.ninhTien, period: { _tag: "CalendarMonth", year: 2023, month: 5 } }).total
    expect(t.timeToAcknowledge).toEqual({
      count: 100,
      meanMillis: 50.5 * HOUR,
      p50Millis: 50 * HOUR,
      p90Millis: 90 * HOUR,
      p99Millis: 99 * HOUR
    })
    const few = makeLog()
    for (const h of [7, 1, 3, 20, 5])
      few.tip(ids.ninhTien, "2023-06-01T00:00").ack(`2023-06-01T${String(h).padStart(2, "0")}:00`)
    const small = run(few.log(), { root: ids.ninhTien, period: { _tag: "CalendarMonth", year: 2023, month: 6 } })
    expect(small.total.timeToAcknowledge).toEqual({
      count: 5,
      meanMillis: 7.2 * HOUR,
      p50Millis: 5 * HOUR,
      p90Millis: 20 * HOUR,
      p99Millis: 20 * HOUR
    })
    expect(small.total.timeToResolve).toEqual({
      count: 0,
      meanMillis: null,
      p50Millis: null,
      p90Millis: null,
      p99Millis: null
    })
  })

  it("adds a city's 2020–2023 tips up across its units, and across the 2025 restructuring", () => {
    const { log, tip } = makeLog()
    const counts = new Map<UnitId, number>()
    const receive = (unit: UnitId, year: number, count: number) => {
      counts.set(unit, (counts.get(unit) ?? 0) + count)
      for (let i = 0; i < count; i++) {
        const day = `${year}-${String(1 + (i % 12)).padStart(2, "0")}-${String(1 + (i % 27)).padStart(2, "0")}`
        const t = tip(unit, `${day}T08:00`).ack(`${day}T09:00`).accept(`${day}T10:00`)
        if (i % 5 !== 0) t.resolve(`${day}T16:00`)
      }
    }
    NinhBinh.cityUnitIds.forEach((unit, u) => {
      for (const year of [2020, 2021, 2022, 2023]) {
        receive(unit, year, unit === ids.ninhTien && year === 2023 ? 26 : 8 + ((u * 7 + year) % 9))
      }
    })
    receive(ids.city, 2022, 5)
    receive(ids.dongThanhGroup3Team, 2023, 3)
    receive(ids.ninhPhucVillage1, 2021, 2)
    const tips = [...counts.values()].reduce((a, b) => a + b, 0)
    expect(tips).toBeGreaterThan(660)
    const period: Statistics.PeriodSpec = { _tag: "Range", first: NinhBinh.establishedOn, last: d("2023-12-31") }
    const sum = (groups: ReadonlyArray<Statistics.Group>, f: (m: Statistics.Measures) => number) =>
      groups.reduce((a, g) => a + f(g.measures), 0)

    const then = run(log(), { root: ids.city, period, groupBy: ["unit"] })
    expect(then.total.receivedInPeriod).toBe(tips)
    expect(then.groups.map((g) => g.key.unit)).toEqual([ids.city, ...NinhBinh.cityUnitIds])
    expect(then.groups[0].label.vi).toBe("Công an thành phố Ninh Bình (trực tiếp)")
    expect(sum(then.groups, (m) => m.receivedInPeriod)).toBe(tips)
    expect(sum(then.groups, (m) => m.resolvedOfReceived)).toBe(then.total.resolvedOfReceived)
    const group = (report: Statistics.Report, unit: UnitId) => report.groups.find((g) => g.key.unit === unit)!
    expect(group(then, ids.dongThanh).measures.receivedInPeriod).toBe(counts.get(ids.dongThanh)! + 3)

    const now = run(log(), { root: ids.province, asOf: d("2025-08-01"), period, groupBy: ["unit"] })
    expect(now.total.receivedInPeriod).toBe(tips)
    expect(now.total.resolvedOfReceived).toBe(then.total.resolvedOfReceived)
    expect(now.groups.map((g) => g.key.unit)).toEqual([
      ids.province,
      ids.hoaLu,
      ids.namHoaLu,
      ids.tayHoaLu,
      ids.dongHoaLu
    ])
    expect(sum(now.groups, (m) => m.receivedInPeriod)).toBe(tips)
    const of = (...units: Array<UnitId>) => units.reduce((a, u) => a + counts.get(u)!, 0)
    expect(group(now, ids.province).measures.receivedInPeriod).toBe(of(ids.city))
    expect(group(now, ids.tayHoaLu).measures.receivedInPeriod).toBe(
      of(ids.ninhKhanh, ids.ninhSon, ids.ninhNhat, ids.ninhTien)
    )
    // Ninh Phúc split: its heir answers for its tips; its village 1 had moved to Nam Hoa Lư first.
    expect(group(now, ids.dongHoaLu).measures.receivedInPeriod).toBe(of(ids.ninhPhuc))
    expect(group(now, ids.namHoaLu).measures.receivedInPeriod).toBe(
      of(ids.namBinh, ids.bichDao, ids.namThanh, ids.ninhPhong, ids.ninhPhucVillage1)
    )
    const ninhTien2023 = run(log(), { root: ids.ninhTien, period: { _tag: "CalendarYear", year: 2023 } })
    expect(ninhTien2023.total).toMatchObject({ receivedInPeriod: 26, resolvedOfReceived: 20 })
  })

  it("counts channels bound per unit under the units that answer for them", () => {
    const reach = { [ids.ninhTien]: 4, [ids.ninhKhanh]: 3, [ids.vanGiang]: 5, [ids.choRong]: 2 }
    const report = run([], {
      root: ids.province,
      asOf: d("2025-08-01"),
      period: { _tag: "CalendarYear", year: 2025 },
      groupBy: ["unit"],
      reach
    })
    expect(report.total.reach).toBe(12)
    expect(report.groups.map((g) => [g.key.unit, g.measures.reach])).toEqual([
      [ids.hoaLu, 5],
      [ids.namHoaLu, 0],
      [ids.tayHoaLu, 7],
      [ids.dongHoaLu, 0]
    ])
    const byCategory = run([], { root: ids.province, period: { _tag: "CalendarYear", year: 2025 }, reach })
    expect(byCategory.total.reach).toBe(12)
  })

  it("counts transfers and the time each unit held a tip, by receiving or by holding unit", () => {
    const { log, tip } = makeLog()
    tip(ids.vanGiang, "2023-04-03T09:00", "to_giac")
      .ack("2023-04-03T10:00")
      .escalate(ids.city, "2023-04-03T12:00", "2023-04-03T14:00")
      .resolve("2023-04-13T14:00")
    const query = { root: ids.city, period: { _tag: "CalendarYear", year: 2023 }, groupBy: ["unit"] } as const
    const report = run(log(), query)
    expect(report.total.transfers).toBe(1)
    expect(report.total.timeToAccept.p50Millis).toBe(5 * HOUR)
    expect(report.custody.map((c) => [c.unit, c.periods, c.handedOn, c.heldAtEnd, c.held.meanMillis])).toEqual([
      [ids.city, 1, 0, 0, 240 * HOUR],
      [ids.vanGiang, 1, 1, 0, 5 * HOUR]
    ])
    const received = report.groups.filter((g) => g.measures.receivedInPeriod > 0).map((g) => g.key.unit)
    expect(received).toEqual([ids.vanGiang])
    const held = run(log(), { ...query, attribution: "holding" }).groups
    expect(held.filter((g) => g.measures.receivedInPeriod > 0).map((g) => g.key.unit)).toEqual([ids.city])
  })

  it("filters and groups by category, outcome and status as they stand at the period's end", () => {
    const { log, tip } = makeLog()
    tip(ids.ninhTien, "2023-02-01T09:00", "phan_anh", "traffic").accept("2023-02-01T10:00").resolve("2023-02-02T09:00")
    tip(ids.ninhTien, "2023-02-03T09:00", "phan_anh", "traffic")
    tip(ids.ninhTien, "2023-02-04T09:00", "to_giac", "drugs").accept("2023-02-04T10:00")
    const report = run(log(), {
      root: ids.ninhTien,
      period: { _tag: "CalendarYear", year: 2023 },
      groupBy: ["category", "outcome"]
    })
    expect(report.groups.map((g) => [g.label.vi, g.measures.receivedInPeriod])).toEqual([
      ["Trật tự, an toàn giao thông · Chưa có kết quả", 1],
      ["Trật tự, an toàn giao thông · Đã xử lý", 1],
      ["Ma túy · Chưa có kết quả", 1]
    ])
    const open = run(log(), {
      root: ids.ninhTien,
      period: { _tag: "CalendarYear", year: 2023 },
      statuses: ["received", "verifying"],
      legalTypes: ["phan_anh"],
      groupBy: ["status"]
    })
    expect(open.groups.map((g) => [g.key.status, g.measures.openAtEnd])).toEqual([["received", 1]])
  })

  it("reports tips whose unit did not exist yet on the query's date as unplaced", () => {
    const { log, tip } = makeLog()
    tip(ids.hoaLu, "2025-08-01T09:00")
    tip(ids.vanGiang, "2025-02-01T09:00")
    const report = run(log(), {
      root: ids.province,
      asOf: d("2025-03-01"),
      period: { _tag: "CalendarYear", year: 2025 }
    })
    expect(report.unplaced).toBe(1)
    expect(report.total.receivedInPeriod).toBe(1)
  })

  it("fails with a typed error on a bad query or a broken log", () => {
    const year = { _tag: "CalendarYear", year: 2023 } as const
    const error = (events: Iterable<TipEvent.TipEvent>, query: unknown) =>
      Either.flip(Statistics.compute(events, hierarchy, Calendar.vietnam, query as Statistics.Query, { now })).pipe(
        Either.getOrThrow
      )
    expect(error([], { root: ids.city, asOf: "2025-08-01", period: year })).toMatchObject({
      reason: "invalid",
      message: expect.stringContaining("ca-tp-ninh-binh does not exist on 2025-08-01")
    })
    const backwards = error([], { root: ids.city, period: { _tag: "Range", first: "2023-02-01", last: "2023-01-01" } })
    expect(backwards.message).toContain("the range ends (2023-01-01) before it begins (2023-02-01)")
    expect(error([], { root: ids.city, period: year, categories: [] }).reason).toBe("invalid")
    expect(
      Either.isLeft(
        Statistics.decodeQuery({ root: "ca-tp-ninh-binh", period: { _tag: "PoliceMonth", year: 2023, month: 13 } })
      )
    ).toBe(true)
    const orphan = new TipEvent.Accepted({ tip: TipId.make("tip-x"), at: local("2023-01-01T09:00"), by })
    expect(error([orphan], { root: ids.city, period: year })).toMatchObject({ reason: "corrupt" })
  })
})
