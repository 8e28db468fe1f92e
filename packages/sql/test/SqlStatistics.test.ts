// The SQL statistics engine against the in-memory one, on the same stored log: every dimension, every period kind,
// both attributions, filters, roots at different levels and across the 2025 mergers, reach; then the projection's
// atomicity with the events, its build on a database that had tips before migration 3, and a change of basis.
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as Migrator from "@effect/sql/Migrator"
import * as SqlClient from "@effect/sql/SqlClient"
import * as PgClient from "@effect/sql-pg/PgClient"
import * as SqliteClient from "@effect/sql-sqlite-node/SqliteClient"
import { afterAll, describe, expect, it } from "@effect/vitest"
import {
  Actor,
  Calendar,
  Category,
  Channel,
  Deadline,
  IdentityVault,
  Lifecycle,
  LocalDate,
  Period,
  StatisticalPeriod,
  Statistics,
  Tip,
  TipEvent,
  TipStore,
  Transaction,
  Unit,
  UnitChange,
  UnitDirectory,
  UnitHierarchy
} from "@tinbao/core"
import { SqlMigrations, SqlStatistics, SqlStorage } from "@tinbao/sql"
import { Arbitraries, NinhBinh } from "@tinbao/testkit"
import { Postgres } from "@tinbao/testkit/vitest"
import { DateTime, Effect, Either, FastCheck as fc, Layer, Option, Redacted, Schema, TestClock } from "effect"
import { backends, createSchema, dropSchema, freshSchemaName, inSchema, pgCheck } from "./backends.js"
import { vaultConfig } from "./fixtures.js"

const ids = NinhBinh.unitIds
const CategoryId = Category.CategoryId
const HOUR = 60 * 60 * 1000
const by = Actor.ActorId.make("can-bo-thong-ke")
const alias = IdentityVault.AliasId.make("AL-0123456789ABCDEF")
const island = Unit.UnitId.make("ca-xa-dao-thu-nghiem")
const day = LocalDate.unsafeMake

// A commune of our own beside the fixture, so that its kind can be corrected after its tips are stored.
const islandEstablished = UnitChange.Established.make({
  effectiveDate: day("2020-01-01"),
  legalBasis: "Quyết định thành lập (thử nghiệm)",
  id: island,
  kind: "commune",
  name: { vi: "Công an xã đảo thử nghiệm", en: "Test island commune police" },
  parent: ids.province
})
const islandRemote = UnitChange.Reclassified.make({
  effectiveDate: day("2023-01-01"),
  legalBasis: "Quyết định công nhận xã đảo (thử nghiệm)",
  unit: island,
  kind: "commune",
  remote: true
})

const received = (tip: Tip.TipId, unit: Unit.UnitId, at: number, n: number, o: Partial<TipEvent.TipReceived> = {}) =>
  new TipEvent.TipReceived({
    tip,
    by,
    at: DateTime.unsafeMake(at),
    unit,
    code: `T-${n}`,
    registerNumber: n + 1,
    registerYear: 2023,
    channel: "zalo",
    channelId: `oa-${n % 4}`,
    reporterKind: "individual",
    alias,
    legalType: "tin_bao",
    category: CategoryId.make("crime"),
    summary: "",
    ...o
  })

/** One tip's life in 2022–2024, each step some hours after the one before, or not at all. */
const life = fc.record({
  unit: fc.constantFrom(ids.city, ...NinhBinh.cityUnitIds, ids.dongThanhGroup3Team, ids.choRong, island),
  receivedAfter: fc.integer({ min: 0, max: 24 * 520 }),
  legalType: fc.constantFrom(...(["to_giac", "tin_bao", "phan_anh", "to_cao"] as const)),
  category: fc.constantFrom("crime", "traffic", "drugs", "online_fraud"),
  channel: Arbitraries.channelKind,
  channelId: fc.option(fc.constantFrom("oa-1", "oa-2", "page-9"), { nil: undefined }),
  ack: fc.option(fc.integer({ min: 0, max: 24 * 10 })),
  accept: fc.option(fc.integer({ min: 0, max: 24 * 10 })),
  note: fc.boolean(),
  transfer: fc.option(
    fc.tuple(fc.constantFrom(ids.city, ids.vanGiang, ids.ninhTien, island), fc.integer({ min: 0, max: 48 }))
  ),
  assign: fc.option(fc.constantFrom(ids.dongThanh, ids.ninhNhat)),
  recategorize: fc.option(fc.constantFrom("gangs", "traffic")),
  extend: fc.boolean(),
  suspend: fc.option(fc.tuple(fc.integer({ min: 24 * 15, max: 24 * 40 }), fc.boolean())),
  decide: fc.option(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 24 * 60 }))),
  reopen: fc.option(fc.tuple(fc.integer({ min: 1, max: 24 * 30 }), fc.boolean())),
  // Event times out of order, as clocks of two app instances can put them: the engine folds up to the first event
  // at or after the period's end.
  skew: fc.option(fc.integer({ min: 1, max: 24 * 40 }), { freq: 8 })
})

type Life = typeof life extends fc.Arbitrary<infer A> ? A : never

const from = Date.parse("2022-11-01T00:00:00+07:00")

const eventsOf = (l: Life, n: number): Array<TipEvent.TipEvent> => {
  const tip = Tip.TipId.make(`life-${n}`)
  let t = from + l.receivedAfter * HOUR
  const at = (afterHours: number) => {
    t += afterHours * HOUR + 1
    return { tip, by, at: DateTime.unsafeMake(t) }
  }
  const events: Array<TipEvent.TipEvent> = [
    received(tip, l.unit, t, n, {
      legalType: l.legalType,
      category: CategoryId.make(l.category),
      channel: l.channel,
      channelId: l.channelId
    })
  ]
  const reason = "Lý do"
  if (l.ack !== null) events.push(new TipEvent.Acknowledged(at(l.ack)))
  if (l.note) events.push(new TipEvent.NoteAdded({ ...at(1), text: "Ghi chú" }))
  if (l.assign !== null && l.assign !== l.unit) events.push(new TipEvent.Assigned({ ...at(2), unit: l.assign }))
  if (l.accept !== null) events.push(new TipEvent.Accepted(at(l.accept)))
  if (l.recategorize !== null) {
    events.push(new TipEvent.Categorized({ ...at(1), category: CategoryId.make(l.recategorize) }))
  }
  if (l.transfer !== null) {
    events.push(new TipEvent.TransferRequested({ ...at(1), to: l.transfer[0], reason, escalation: false }))
    events.push(new TipEvent.TransferAccepted(at(l.transfer[1])))
  }
  if (l.extend) events.push(new TipEvent.VerificationExtended({ ...at(5), reason }))
  if (l.suspend !== null) {
    events.push(new TipEvent.Suspended({ ...at(l.suspend[0]), ground: "a", reason }))
    if (l.suspend[1]) events.push(new TipEvent.SuspensionNotified(at(30)))
    events.push(new TipEvent.Restored({ ...at(24 * 5), reason }))
  }
  if (l.decide !== null) {
    const [resolved, after] = l.decide
    events.push(
      resolved
        ? new TipEvent.Resolved({ ...at(after), outcome: { _tag: "NotConfirmed" } })
        : new TipEvent.Rejected({ ...at(after), rejection: { _tag: "OutOfScope", reason } })
    )
    if (l.reopen !== null) {
      events.push(new TipEvent.Reopened({ ...at(l.reopen[0]), reason }))
      if (l.reopen[1])
        events.push(new TipEvent.Resolved({ ...at(24 * 3), outcome: { _tag: "Handled", summary: reason } }))
    }
  }
  if (l.skew !== null && events.length > 2) {
    // Moves one event back in time, before some of those logged before it.
    const i = 1 + (n % (events.length - 1))
    const e = events[i]!
    events[i] = Object.assign(Object.create(Object.getPrototypeOf(e)), e, {
      at: DateTime.subtract(e.at, { hours: l.skew })
    }) as TipEvent.TipEvent
  }
  return events
}

/** Tips of 2025 driven by random commands through the lifecycle, across the city's closing and the wards' merger. */
const hierarchy = UnitHierarchy.fromChanges([...NinhBinh.allChanges, islandEstablished]).pipe(Either.getOrThrow)
const unitAt = (unit: Unit.UnitId, date: LocalDate.LocalDate) =>
  Option.getOrUndefined(UnitHierarchy.get(hierarchy, unit, date))
const officer = Actor.make("can-bo-tinh", ids.province, ["officer", "leader", "viewer", "administrator"])
const starts = ["2025-02-20T02:00:00Z", "2025-06-25T02:00:00Z", "2024-12-10T02:00:00Z"].map((s) =>
  DateTime.unsafeMake(s)
)
const scenario = fc.constantFrom(...starts).chain((start) =>
  fc.tuple(
    Arbitraries.tipReceived({ units: [ids.vanGiang, ids.ninhTien, ids.ninhPhuc, ids.city, island], at: start }),
    Arbitraries.commandSequence({
      units: [ids.province, ids.city, ids.vanGiang, ids.ninhTien, ids.hoaLu, ids.namHoaLu, island],
      start,
      minLength: 3,
      maxLength: 14
    })
  )
)

const decided = ([receipt, commands]: [TipEvent.TipReceived, ReadonlyArray<Arbitraries.TimedCommand>]) => {
  const log: Array<TipEvent.TipEvent> = [receipt]
  let state = Tip.fold(log)!
  for (const { at, command } of commands) {
    const context = { now: at, actor: officer, calendar: Calendar.vietnam, policy: Deadline.defaultPolicy, unitAt }
    const result = Lifecycle.decide(state, command, context)
    if (Either.isLeft(result)) continue
    for (const event of result.right) {
      state = Tip.evolve(state, event)
      log.push(event)
    }
  }
  return log
}

/** A decision, a reopening dated before it and a second decision dated before the first: two candidates. */
const irregular = (n: number): Array<TipEvent.TipEvent> => {
  const tip = Tip.TipId.make(`irregular-${n}`)
  const t = Date.parse("2023-03-01T09:00:00+07:00") + n * 7 * 24 * HOUR
  const c = (hours: number) => ({ tip, by, at: DateTime.unsafeMake(t + hours * HOUR) })
  return [
    received(tip, ids.ninhTien, t, 9000 + n, { legalType: "phan_anh" }),
    new TipEvent.Accepted(c(2)),
    new TipEvent.Resolved({ ...c(24 * 40), outcome: { _tag: "NotConfirmed" } }),
    new TipEvent.Reopened({ ...c(24 * 10), reason: "Có tình tiết mới" }),
    new TipEvent.Rejected({ ...c(24 * 20), rejection: { _tag: "Duplicate", of: tip } }),
    new TipEvent.Reopened({ ...c(24 * 5), reason: "Có tình tiết mới" }),
    new TipEvent.Resolved({ ...c(24 * 12), outcome: { _tag: "Handled", summary: "Đã xử lý" } })
  ]
}

/** A tip whose deadlines fall in 2200, a year the calendar does not cover: a report that counts it cannot be made. */
const beyondCalendar = (): Array<TipEvent.TipEvent> => {
  const tip = Tip.TipId.make("beyond-calendar")
  return [received(tip, ids.ninhTien, Date.parse("2199-12-30T09:00:00+07:00"), 99_999)]
}

/** Tips whose deadlines fall due at the very end of June 2023 (24:00 on Friday 30 June), unmet: pending then. */
const dueAtMonthEnd = (): Array<Array<TipEvent.TipEvent>> => [
  [received(Tip.TipId.make("due-at-end-1"), ids.ninhTien, Date.parse("2023-06-27T10:00:00+07:00"), 88_001)],
  [received(Tip.TipId.make("due-at-end-2"), ids.vanGiang, Date.parse("2023-06-10T15:00:00+07:00"), 88_002)]
]

/** Tips of 2023 at Ninh Tiến and Văn Giang by an SMS gateway (five) and at a walk-in desk (two). */
const smsAndWalkIn = (): Array<Array<TipEvent.TipEvent>> =>
  (["sms", "sms", "walk_in", "sms", "sms", "walk_in", "sms"] as const).map((channel, n) => {
    const tip = Tip.TipId.make(`${channel}-${n}`)
    const at = Date.parse("2023-04-03T09:00:00+07:00") + n * 24 * HOUR
    return [received(tip, n % 2 === 0 ? ids.ninhTien : ids.vanGiang, at, 77_000 + n, { channel, channelId: undefined })]
  })

/** A tip of the island commune handed on after 30 hours: late for a commune (24), in time for a remote one (48). */
const transferredAfter30Hours = (): Array<TipEvent.TipEvent> => {
  const tip = Tip.TipId.make("island-transfer")
  const t = Date.parse("2023-03-01T09:00:00+07:00")
  const c = (hours: number) => ({ tip, by, at: DateTime.unsafeMake(t + hours * HOUR) })
  return [
    received(tip, island, t, 66_000),
    new TipEvent.TransferRequested({ ...c(30), to: ids.city, reason: "Chuyển", escalation: false }),
    new TipEvent.TransferAccepted(c(31))
  ]
}

const logs = (seed: number): Array<Array<TipEvent.TipEvent>> => [
  ...dueAtMonthEnd(),
  transferredAfter30Hours(),
  ...smsAndWalkIn(),
  ...fc.sample(life, { seed, numRuns: 220 }).map(eventsOf),
  ...fc.sample(scenario, { seed: seed + 1, numRuns: 60 }).map(decided),
  ...Array.from({ length: 6 }, (_, n) => irregular(n)),
  beyondCalendar()
]

/** Appends every log in pieces of one to three events, the tips interleaved, as an app's writes interleave. */
const appendAll = (all: ReadonlyArray<ReadonlyArray<TipEvent.TipEvent>>) =>
  Effect.gen(function* () {
    const store = yield* TipStore.TipStore
    const cursor = all.map(() => 0)
    for (let round = 0; cursor.some((c, i) => c < all[i]!.length); round++) {
      const batch: Array<TipStore.Append> = []
      all.forEach((log, i) => {
        const at = cursor[i]!
        if (at >= log.length || (i + round) % 3 === 0) return
        const size = 1 + ((i + round) % 3)
        batch.push({ tip: log[0]!.tip, expectedVersion: at, events: log.slice(at, at + size) })
        cursor[i] = Math.min(log.length, at + size)
      })
      // Several tips per append now and then: one transaction for all of them.
      for (let j = 0; j < batch.length; j += 1 + (round % 4)) yield* store.append(batch.slice(j, j + 1 + (round % 4)))
    }
  })

const period = {
  day: { _tag: "Day", date: "2023-03-14" },
  month: { _tag: "CalendarMonth", year: 2023, month: 6 },
  year: { _tag: "CalendarYear", year: 2023 },
  policeMonth: { _tag: "PoliceMonth", year: 2024, month: 1 },
  policeYear: { _tag: "PoliceYear", year: 2024 },
  range: { _tag: "Range", first: "2022-11-15", last: "2025-09-30" },
  y2025: { _tag: "CalendarYear", year: 2025 }
} as const

type Q = Omit<Statistics.Query, "period"> & { readonly period: (typeof period)[keyof typeof period] }

/** The queries both engines answer; each one's report must be the same to the last field. */
const queries: ReadonlyArray<Q> = [
  { root: ids.province, period: period.range, groupBy: ["unit"] },
  { root: ids.province, asOf: day("2025-08-01"), period: period.range, groupBy: ["unit", "calendar_month"] },
  { root: ids.city, period: period.year, groupBy: ["unit"], attribution: "holding" },
  { root: ids.city, period: period.policeYear, groupBy: ["police_month", "unit"] },
  { root: ids.city, period: period.month, groupBy: ["category", "status"] },
  { root: ids.city, period: period.year, groupBy: ["channel", "outcome"], attribution: "holding" },
  { root: ids.city, period: period.policeYear, groupBy: ["channel_id"] },
  { root: ids.city, asOf: day("2024-12-31"), period: period.range, groupBy: ["legal_type", "calendar_month", "unit"] },
  { root: ids.city, period: period.day },
  { root: ids.city, period: period.policeMonth, groupBy: ["outcome"] },
  { root: ids.vanGiang, period: period.year, groupBy: ["status"] },
  { root: ids.dongThanh, asOf: day("2023-06-30"), period: period.range, groupBy: ["unit"], attribution: "holding" },
  { root: ids.hoaLu, asOf: day("2025-08-01"), period: period.range, groupBy: ["unit", "police_month"] },
  { root: ids.hoaLu, period: period.y2025, groupBy: ["category"], attribution: "holding" },
  { root: ids.province, period: period.y2025, groupBy: ["unit", "legal_type"] },
  { root: island, period: period.range, groupBy: ["calendar_month"] },
  {
    root: ids.city,
    asOf: day("2024-12-31"),
    period: period.range,
    categories: [CategoryId.make("crime"), CategoryId.make("gangs")],
    statuses: ["resolved", "rejected", "verifying"],
    groupBy: ["unit"]
  },
  { root: ids.province, period: period.range, legalTypes: ["to_giac", "tin_bao"], channels: ["zalo", "hotline_113"] },
  { root: ids.city, period: period.range, channels: ["sms", "walk_in", "hotline_1900"], groupBy: ["channel", "unit"] },
  { root: ids.province, period: period.year, channelIds: ["oa-1", "page-9"], groupBy: ["channel_id"] },
  {
    root: ids.city,
    period: period.year,
    groupBy: ["unit"],
    reach: { [ids.vanGiang]: 3, [ids.ninhTien]: 2, [ids.hoaLu]: 1 }
  },
  { root: ids.province, asOf: day("2025-08-01"), period: period.range, attribution: "holding", groupBy: ["unit"] }
]

// Roots with a date each holds on: the city police closed on 2025-03-01, the wards merged on 2025-07-01.
const rootsAsOf = [
  { root: ids.province, asOf: day("2025-08-01") },
  { root: ids.province, asOf: day("2021-01-01") },
  { root: ids.city, asOf: day("2024-06-30") },
  { root: ids.vanGiang, asOf: day("2023-12-31") },
  { root: ids.ninhTien, asOf: day("2024-12-31") },
  { root: ids.hoaLu, asOf: day("2025-08-01") },
  { root: ids.tayHoaLu, asOf: day("2025-12-31") },
  { root: island, asOf: day("2025-12-31") }
]

const randomQuery = fc.record({
  at: fc.constantFrom(...rootsAsOf),
  period: fc.constantFrom(...Object.values(period)),
  attribution: fc.constantFrom("receiving" as const, "holding" as const),
  groupBy: fc.subarray(["unit", "category", "channel", "status", "outcome", "calendar_month", "legal_type"] as const, {
    maxLength: 3
  }),
  channels: fc.option(fc.uniqueArray(Arbitraries.channelKind, { minLength: 1, maxLength: 3 }), { nil: undefined })
})

// Declared by the deployment: a label for the SMS gateway and for a platform no tip came from.
const platforms = [
  { id: "sms", label: { vi: "Tin nhắn SMS", en: "SMS" } },
  { id: "hotline_1900", label: { vi: "Đường dây nóng 1900", en: "1900 hotline" } }
]

/** Times of queries inside the seeded log: events after them exist, and must not count. */
const nows = [
  "2023-03-14T16:00:00",
  "2023-06-30T23:59:59",
  "2023-12-14T00:00:00",
  "2024-02-29T09:15:00",
  "2024-07-15T00:00:00",
  "2024-12-31T12:00:00"
].map((local) => Date.parse(`${local}+07:00`))
const groupings: ReadonlyArray<ReadonlyArray<Statistics.Dimension>> = [
  ["unit"],
  ["unit", "calendar_month"],
  ["police_month", "status"],
  ["category", "outcome"],
  []
]

/** The periods under way on `today`, one ending today, a range up to today, and the next police month (future). */
const underWay = (today: LocalDate.LocalDate, i: number) => {
  const [year, month] = [Number(today.slice(0, 4)), Number(today.slice(5, 7))]
  const police = StatisticalPeriod.policeMonthOf(today)
  const next =
    police.month === 12 ? { year: police.year + 1, month: 1 } : { year: police.year, month: police.month + 1 }
  const root = [ids.province, ids.city, ids.vanGiang][i % 3]!
  const periods = [
    { _tag: "CalendarMonth", year, month },
    { _tag: "PoliceMonth", ...police },
    { _tag: "CalendarYear", year },
    { _tag: "PoliceYear", year: StatisticalPeriod.policeYearOf(today) },
    { _tag: "Day", date: today },
    { _tag: "Range", first: "2022-11-15", last: today },
    { _tag: "PoliceMonth", ...next }
  ]
  return periods.map((p, j) => ({
    root,
    period: p,
    groupBy: groupings[(i + j) % groupings.length]!,
    ...(j % 2 === 1 ? { attribution: "holding" as const } : {})
  }))
}

/** The calendar month and the police month under way at 16:00 on 14 March 2025 (the police month ends that day). */
const march: Record<"month" | "policeMonth", Statistics.PeriodSpec> = {
  month: { _tag: "CalendarMonth", year: 2025, month: 3 },
  policeMonth: { _tag: "PoliceMonth", year: 2025, month: 3 }
}

/** Ninh Tiến, March 2025, nothing acknowledged: A on 3 March, B at 20:00 on 13 March, C at 15:59:30 on 14 March. */
const marchTips = (): Array<Array<TipEvent.TipEvent>> => [
  [
    received(Tip.TipId.make("march-a"), ids.ninhTien, Date.parse("2025-03-03T09:00:00+07:00"), 1, {
      legalType: "phan_anh"
    })
  ],
  [received(Tip.TipId.make("march-b"), ids.ninhTien, Date.parse("2025-03-13T20:00:00+07:00"), 2)],
  [received(Tip.TipId.make("march-c"), ids.ninhTien, Date.parse("2025-03-14T15:59:30+07:00"), 3)]
]

/** The time of the queries: after every period they count, so that each is counted to its end. */
const afterThePeriods = TestClock.setTime(Date.parse("2026-01-01T08:00:00+07:00"))

const engines = (options: { readonly platforms?: typeof platforms }) =>
  Effect.gen(function* () {
    const memory = yield* Statistics.make(options)
    const sql = yield* SqlStatistics.make(options)
    return { memory, sql }
  })

const same = (q: Q | Statistics.Query, options: { readonly platforms?: typeof platforms } = { platforms }) =>
  Effect.flatMap(engines(options), (built) => sameOn(built, q))

/** Both engines' reports of a query, which must be equal; the in-memory one is returned. */
const sameOn = ({ memory, sql }: Effect.Effect.Success<ReturnType<typeof engines>>, q: Q | Statistics.Query) =>
  Effect.gen(function* () {
    const expected = yield* Effect.either(memory.query(q as Statistics.Query))
    const actual = yield* Effect.either(sql.query(q as Statistics.Query))
    expect(actual).toEqual(expected)
    return expected
  })

for (const backend of backends()) {
  const open = backend.fresh()
  const storage = Layer.merge(open(vaultConfig()), Calendar.layerVietnam)
  const seeded = Effect.gen(function* () {
    yield* afterThePeriods
    const directory = yield* UnitDirectory.UnitDirectory
    if ((yield* directory.changes).length > 0) return
    yield* directory.record([...NinhBinh.allChanges, islandEstablished])
    yield* appendAll(logs(42))
  })

  describe(`SqlStatistics on ${backend.name}`, () => {
    it.effect(
      "gives the in-memory engine's report for every dimension, period kind, attribution, filter and root",
      () =>
        Effect.gen(function* () {
          yield* seeded
          let counted = 0
          for (const q of queries) {
            const report = yield* same(q)
            if (Either.isRight(report)) counted += report.right.total.receivedInPeriod
          }
          // Without these, the comparison could pass on empty reports.
          expect(counted).toBeGreaterThan(300)
        }).pipe(Effect.provide(storage)),
      120_000
    )

    it.effect(
      "gives the same report on random queries",
      () =>
        Effect.gen(function* () {
          yield* seeded
          let counted = 0
          for (const { at, channels, ...q } of fc.sample(randomQuery, { seed: 7, numRuns: 40 })) {
            const report = yield* same({ ...q, ...at, ...(channels === undefined ? {} : { channels }) })
            if (Either.isRight(report)) counted += report.right.total.receivedInPeriod
          }
          expect(counted).toBeGreaterThan(300)
        }).pipe(Effect.provide(storage)),
      120_000
    )

    it.effect("counts sms tips in a row of their own, labelled as declared or by their id, and filters by them", () =>
      Effect.gen(function* () {
        yield* seeded
        const q: Q = { root: ids.city, period: period.year, groupBy: ["channel"] }
        const row = (r: Either.Either<Statistics.Report, Statistics.StatisticsError>, channel: string) =>
          Either.getOrThrow(r).groups.find((g) => g.key.channel === channel)
        const declared = row(yield* same(q), "sms")
        expect(declared?.labels).toEqual([{ vi: "Tin nhắn SMS", en: "SMS" }])
        expect(declared?.measures.receivedInPeriod).toBeGreaterThanOrEqual(5)
        const undeclared = yield* same(q, {})
        expect(row(undeclared, "sms")?.labels).toEqual([{ vi: "sms", en: "sms" }])
        expect(row(undeclared, "walk_in")?.labels).toEqual([{ vi: "walk_in", en: "walk_in" }])
        // The built-ins first, in their order; then the others by id.
        const channels = Either.getOrThrow(undeclared).groups.map((g) => g.key.channel!)
        const builtins = Object.keys(Channel.builtinPlatforms)
        const firstOther = channels.findIndex((c) => !builtins.includes(c))
        expect(channels.slice(firstOther).every((c) => !builtins.includes(c))).toBe(true)
        expect(channels.slice(firstOther)).toEqual([...channels.slice(firstOther)].sort())
        const filtered = yield* same({ root: ids.city, period: period.year, channels: ["sms"] })
        expect(Either.getOrThrow(filtered).total).toEqual(declared?.measures)
      }).pipe(Effect.provide(storage))
    )

    it.effect(
      "reads the receiving unit's kind at query time: a commune recognised as remote after its tips were stored",
      () =>
        Effect.gen(function* () {
          yield* seeded
          const q: Q = { root: island, period: period.range, groupBy: ["calendar_month"] }
          const before = yield* same(q)
          const directory = yield* UnitDirectory.UnitDirectory
          if (!(yield* directory.changes).some((c) => c._tag === "Reclassified"))
            yield* directory.record([islandRemote])
          const after = yield* same(q)
          const transfer = (r: typeof before) => Either.getOrThrow(r).total.compliance.transfer
          expect(transfer(after)).not.toEqual(transfer(before))
        }).pipe(Effect.provide(storage)),
      60_000
    )

    it.effect("fails as the in-memory engine does: a root that does not hold, a deadline beyond the calendar", () =>
      Effect.gen(function* () {
        yield* seeded
        const reason = (r: Either.Either<Statistics.Report, Statistics.StatisticsError>) =>
          Either.getLeft(r).pipe(Option.map((e) => e.reason))
        const gone = yield* same({ root: ids.vanGiang, asOf: day("2025-08-01"), period: period.year })
        expect(reason(gone)).toEqual(Option.some("invalid"))
        yield* TestClock.setTime(Date.parse("2200-01-01T08:00:00+07:00"))
        const beyond = yield* same({ root: ids.province, period: { _tag: "CalendarYear", year: 2199 } as never })
        expect(reason(beyond)).toEqual(Option.some("calendar"))
      }).pipe(Effect.provide(storage))
    )

    it.effect(
      "counts a period under way as the in-memory engine does: the current month, today, a future period",
      () =>
        Effect.gen(function* () {
          yield* seeded
          const built = yield* engines({ platforms })
          let counted = 0
          let future = 0
          for (const [i, now] of nows.entries()) {
            yield* TestClock.setTime(now)
            for (const q of underWay(LocalDate.ofInstant(DateTime.unsafeMake(now)), i)) {
              const report = yield* sameOn(built, q as Statistics.Query)
              if (Either.isRight(report)) {
                counted += report.right.total.receivedInPeriod
                expect(DateTime.toEpochMillis(report.right.measuredAt)).toBeLessThanOrEqual(now)
              } else if (report.left.reason === "future") future++
            }
          }
          // Without these, the comparison could pass on empty reports or on errors alone.
          expect(counted).toBeGreaterThan(300)
          expect(future).toBe(nows.length)
        }).pipe(Effect.provide(storage)),
      120_000
    )

    it.effect("takes a period's figures at now: a tip received seconds ago is not overdue, as in memory", () =>
      Effect.gen(function* () {
        yield* TestClock.setTime(Date.parse("2025-01-01T08:00:00+07:00"))
        yield* Effect.flatMap(UnitDirectory.UnitDirectory, (d) => d.record(NinhBinh.allChanges))
        const store = yield* TipStore.TipStore
        for (const log of marchTips()) yield* store.append([{ tip: log[0]!.tip, expectedVersion: 0, events: log }])
        yield* TestClock.setTime(Date.parse("2025-03-14T16:00:00+07:00"))
        const none = { met: 0, metLate: 0, missed: 0, pending: 0 }
        const month = Either.getOrThrow(yield* same({ root: ids.ninhTien, period: march.month }))
        expect(month.total).toMatchObject({ receivedInPeriod: 3, openAtEnd: 3, overdueAtEnd: 1 })
        expect(month.total.compliance.transfer).toEqual({ ...none, pending: 2 })
        // Police month 3/2025 ends at 24:00 today: B's transfer, due at 20:00, is still pending at 16:00.
        const today = Either.getOrThrow(yield* same({ root: ids.ninhTien, period: march.policeMonth }))
        expect(today.total).toMatchObject({ overdueAtEnd: 1 })
        expect(today.total.compliance.transfer).toEqual({ ...none, pending: 1 })
        const next = yield* same({ root: ids.ninhTien, period: { _tag: "PoliceMonth", year: 2025, month: 4 } })
        expect(Either.getLeft(next).pipe(Option.map((e) => e.reason))).toEqual(Option.some("future"))
        yield* TestClock.setTime(Date.parse("2025-03-15T08:00:00+07:00"))
        const final = Either.getOrThrow(yield* same({ root: ids.ninhTien, period: march.policeMonth }))
        expect(final.total.compliance.transfer).toEqual({ ...none, missed: 1 })
      }).pipe(Effect.provide(Layer.merge(backend.fresh()(vaultConfig()), Calendar.layerVietnam)))
    )

    it.effect(
      "writes the projection in the events' transaction: a failed append leaves neither behind",
      () =>
        Effect.gen(function* () {
          const sql = yield* SqlClient.SqlClient
          const store = yield* TipStore.TipStore
          const count = (table: string, tip: string) =>
            Effect.map(
              sql<{ n: number | string }>`SELECT count(*) AS n FROM ${sql(table)} WHERE tip = ${tip}`,
              (rows) => Number(rows[0]!.n)
            )
          const t = Date.parse("2024-05-06T09:00:00+07:00")
          const first = Tip.TipId.make("atomic-first")
          yield* store.append([{ tip: first, expectedVersion: 0, events: [received(first, ids.ninhTien, t, 1)] }])
          expect([yield* count("tip_events", first), yield* count("stat_tips", first)]).toEqual([1, 1])

          // The projection's write fails after the event's insert (a history row is in its way): neither stays.
          yield* sql.unsafe("INSERT INTO stat_tip_history SELECT *, 0 FROM stat_tips WHERE tip = 'atomic-first'")
          const acknowledged = new TipEvent.Acknowledged({ tip: first, by, at: DateTime.unsafeMake(t + HOUR) })
          const failed = yield* Effect.either(
            store.append([{ tip: first, expectedVersion: 1, events: [acknowledged] }])
          )
          expect(Either.isLeft(failed)).toBe(true)
          expect([yield* count("tip_events", first), yield* count("stat_tip_history", first)]).toEqual([1, 1])
          const [state] = yield* sql<{ version: number | string }>`SELECT version FROM stat_tips WHERE tip = ${first}`
          expect(Number(state!.version)).toBe(1)

          // An append inside a transaction that fails afterwards: neither its events nor its projection stay.
          const second = Tip.TipId.make("atomic-second")
          const append = store.append([
            { tip: second, expectedVersion: 0, events: [received(second, ids.vanGiang, t, 2)] }
          ])
          const rolledBack = yield* Effect.either(Transaction.atomically(Effect.zipRight(append, Effect.fail("later"))))
          expect(rolledBack).toEqual(Either.left("later"))
          expect([yield* count("tip_events", second), yield* count("stat_tips", second)]).toEqual([0, 0])
        }).pipe(Effect.provide(Layer.merge(backend.fresh()(vaultConfig()), Calendar.layerVietnam))),
      60_000
    )
  })
}

// A database as the previous release left it: migrations 1 and 2 only, with tips in its event log.
const previousRelease = (kind: "sqlite" | "postgresql") => {
  const dir = mkdtempSync(join(tmpdir(), "tinbao-stat-"))
  const schema = freshSchemaName()
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true })
    if (kind === "postgresql") await dropSchema(schema)
  })
  const filename = join(dir, "previous.db")
  const client: Layer.Layer<SqlClient.SqlClient, unknown> =
    kind === "sqlite"
      ? SqliteClient.layer({ filename })
      : Layer.unwrapEffect(
          Effect.as(
            Effect.promise(() => createSchema(schema)),
            PgClient.layer({ url: Redacted.make(inSchema(schema)) })
          )
        )
  const open = (config: SqlStorage.Config) =>
    kind === "sqlite"
      ? SqlStorage.layerSqlite({ filename, ...config })
      : SqlStorage.layerPg({ url: inSchema(schema), ...config })
  return { client, open }
}

const encode = Schema.encodeSync(TipEvent.TipEvent)

const writeAsPreviousRelease = (all: ReadonlyArray<ReadonlyArray<TipEvent.TipEvent>>) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    yield* Migrator.make({})({
      loader: Migrator.fromRecord({
        "1_initial": SqlMigrations.migrations["1_initial"]!,
        "2_messaging": SqlMigrations.migrations["2_messaging"]!
      }),
      table: SqlMigrations.table
    })
    for (const log of all) {
      const rows = log.map((e, i) => ({ tip: e.tip, version: i + 1, event: JSON.stringify(encode(e)) }))
      yield* sql`INSERT INTO tip_events ${sql.insert(rows)}`
      const state = Tip.fold(log)!
      yield* sql`INSERT INTO tips ${sql.insert({
        tip: state.id,
        unit: state.unit,
        received_at: DateTime.toEpochMillis(state.receivedAt),
        open: Tip.isOpen(state) ? 1 : 0
      })}`
    }
  })

const kinds = pgCheck.reachable ? (["sqlite", "postgresql"] as const) : (["sqlite"] as const)

for (const kind of kinds) {
  describe(`SqlStatistics on ${kind}, after the previous release`, () => {
    const db = previousRelease(kind)
    const all = logs(5).slice(0, 120)

    it.effect(
      "builds the projection of the tips stored before migration 3 from the event log, then counts them",
      () =>
        Effect.gen(function* () {
          yield* afterThePeriods
          yield* writeAsPreviousRelease(all).pipe(Effect.provide(db.client), Effect.scoped)
          yield* Effect.gen(function* () {
            const directory = yield* UnitDirectory.UnitDirectory
            yield* directory.record([...NinhBinh.allChanges, islandEstablished])
            const sql = yield* SqlClient.SqlClient
            for (const q of queries.slice(0, 8)) yield* same(q)
            const [built] = yield* sql<{ n: number | string }>`SELECT count(*) AS n FROM stat_tips`
            expect(Number(built!.n)).toBe(all.length)
          }).pipe(Effect.provide(Layer.merge(db.open(vaultConfig()), Calendar.layerVietnam)), Effect.scoped)
        }),
      120_000
    )
  })
}

/** Another calendar and policy: 30 June 2023 given as a day off, and two working days to acknowledge. */
const calendar = Calendar.layer({ add: [{ date: "2023-06-30", name: { vi: "Nghỉ bù", en: "Day off in lieu" } }] })
const policy: Deadline.Policy = { ...Deadline.defaultPolicy, acknowledgement: Period.workingDays(2) }

for (const backend of backends()) {
  describe(`SqlStatistics on ${backend.name}, when the calendar or the policy changes`, () => {
    it.effect(
      "rebuilds the projection with the new basis as it starts, and keeps writing with it",
      () =>
        Effect.gen(function* () {
          yield* afterThePeriods
          const open = backend.fresh()
          const all = logs(11).slice(0, 150)
          const q: Q = { root: ids.province, period: period.range, groupBy: ["unit", "calendar_month"] }
          const before = yield* Effect.gen(function* () {
            yield* Effect.flatMap(UnitDirectory.UnitDirectory, (d) =>
              d.record([...NinhBinh.allChanges, islandEstablished])
            )
            yield* appendAll(all.slice(0, 100))
            return yield* same(q)
          }).pipe(Effect.provide(Layer.merge(open(vaultConfig()), Calendar.layerVietnam)), Effect.scoped)

          const basis = SqlStatistics.layerBasis({ policy }).pipe(Layer.provideMerge(calendar))
          yield* Effect.gen(function* () {
            const memory = yield* Statistics.make({ policy })
            const sql = yield* SqlStatistics.make()
            const compare = Effect.gen(function* () {
              const expected = yield* Effect.either(memory.query(q as Statistics.Query))
              expect(yield* Effect.either(sql.query(q as Statistics.Query))).toEqual(expected)
              return expected
            })
            const after = yield* compare
            // The basis shows: deadlines moved.
            expect(Either.getOrThrow(after).total.compliance).not.toEqual(Either.getOrThrow(before).total.compliance)
            yield* appendAll(all.slice(100))
            yield* compare
          }).pipe(Effect.provide(open(vaultConfig()).pipe(Layer.provideMerge(basis))), Effect.scoped)
        }),
      120_000
    )
  })
}

Postgres.registerStandIn(pgCheck)
