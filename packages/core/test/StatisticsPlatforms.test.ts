// Platforms beyond the built-in ones: a deployment's SMS gateway and walk-in desk are channels of their own, from
// the tip's receipt to the rows of a report and its CSV, and an id that breaks the platform id rule is refused.
import { describe, expect, it } from "@effect/vitest"
import { NinhBinh } from "@tinbao/testkit"
import { Chunk, DateTime, Effect, Either, Redacted, Schema, Stream, TestClock } from "effect"
import * as Actor from "../src/Actor.js"
import * as Calendar from "../src/Calendar.js"
import { CategoryId } from "../src/Category.js"
import * as Channel from "../src/Channel.js"
import * as Statistics from "../src/Statistics.js"
import * as StatisticsExport from "../src/StatisticsExport.js"
import * as StatisticsPlan from "../src/StatisticsPlan.js"
import * as Tip from "../src/Tip.js"
import * as TipEvent from "../src/TipEvent.js"
import { TipStore } from "../src/TipStore.js"
import * as Tips from "../src/Tips.js"
import { UnitDirectory } from "../src/UnitDirectory.js"

const ids = NinhBinh.unitIds
const officer = Actor.make("can-bo-ninh-tien", ids.ninhTien, ["officer", "leader"])
const sms = { id: "sms", label: { vi: "Tin nhắn SMS", en: "SMS" } }
const year2023 = { _tag: "CalendarYear", year: 2023 } as const
const byChannel: Statistics.Query = { root: ids.ninhTien, period: year2023, groupBy: ["channel"] }

const receive = (channel: string, day: number) =>
  Effect.gen(function* () {
    yield* TestClock.setTime(Date.parse(`2023-03-${String(day).padStart(2, "0")}T08:30:00+07:00`))
    const tips = yield* Tips.Tips
    return yield* tips.receive(officer, {
      unit: ids.ninhTien,
      channel,
      identity: Redacted.make({ channel: `${channel}-gateway`, platformUserId: "0912000111" }),
      reporterKind: "individual",
      legalType: "phan_anh",
      category: CategoryId.make("crime"),
      summary: "Phản ánh về an ninh trật tự trong thôn"
    })
  })

/** Three tips by SMS, two on Zalo and one at a walk-in desk nobody declared, in March 2023 at Ninh Tiến. */
const seed = Effect.gen(function* () {
  yield* TestClock.setTime(Date.parse("2020-01-01T08:00:00+07:00"))
  yield* Effect.flatMap(UnitDirectory, (d) => d.record(NinhBinh.allChanges))
  for (const [channel, day] of [
    ["sms", 1],
    ["zalo", 2],
    ["walk_in", 3],
    ["sms", 4],
    ["zalo", 5],
    ["sms", 6]
  ] as const)
    yield* receive(channel, day)
  // The reports are read after the year, which is counted to its end.
  yield* TestClock.setTime(Date.parse("2024-01-02T08:00:00+07:00"))
})

const engine = (options?: Statistics.Options) => Statistics.make(options)

const rows = (report: Statistics.Report) =>
  report.groups.map((g) => [g.key.channel, g.labels[0]!.vi, g.labels[0]!.en, g.measures.receivedInPeriod])

describe("Statistics by channel, with platforms a deployment adds", () => {
  it.effect("counts tips received on an sms channel in a row of their own, labelled as the deployment declares", () =>
    Effect.gen(function* () {
      yield* seed
      const report = yield* Effect.flatMap(engine({ platforms: [sms] }), (e) => e.query(byChannel))
      // The built-ins in their order, then the others by id; a platform nobody declared is labelled by its id.
      expect(rows(report)).toEqual([
        ["zalo", "Zalo", "Zalo", 2],
        ["sms", "Tin nhắn SMS", "SMS", 3],
        ["walk_in", "walk_in", "walk_in", 1]
      ])
      const [header, ...records] = StatisticsExport.parseCsv(StatisticsExport.toCsv(report))
      const received = header!.indexOf("Tiếp nhận (received)")
      // After the column that says when the figures were taken: the year's end, 24:00 on 31 December.
      expect(records.map((r) => [r[0], r[1], r[2], r[received]])).toEqual([
        ["2023-12-31T24:00:00+07:00", "Zalo", "zalo", "2"],
        ["2023-12-31T24:00:00+07:00", "Tin nhắn SMS", "sms", "3"],
        ["2023-12-31T24:00:00+07:00", "walk_in", "walk_in", "1"],
        ["2023-12-31T24:00:00+07:00", "Tổng cộng (total)", "", "6"]
      ])
    }).pipe(Effect.provide(Tips.layerMemory()))
  )

  it.effect("labels an sms channel nobody declared by its id", () =>
    Effect.gen(function* () {
      yield* seed
      const report = yield* Effect.flatMap(engine(), (e) => e.query(byChannel))
      expect(rows(report)).toEqual([
        ["zalo", "Zalo", "Zalo", 2],
        ["sms", "sms", "sms", 3],
        ["walk_in", "walk_in", "walk_in", 1]
      ])
    }).pipe(Effect.provide(Tips.layerMemory()))
  )

  it.effect("lets a declared label replace a built-in one, keeping the built-in's place", () =>
    Effect.gen(function* () {
      yield* seed
      const zalo = { id: "zalo", label: { vi: "Zalo OA Công an xã", en: "Commune police Zalo OA" } }
      const report = yield* Effect.flatMap(engine({ platforms: [sms, zalo] }), (e) => e.query(byChannel))
      expect(rows(report)[0]).toEqual(["zalo", "Zalo OA Công an xã", "Commune police Zalo OA", 2])
    }).pipe(Effect.provide(Tips.layerMemory()))
  )

  it.effect("keeps only sms tips with the filter channels: [sms], and computes them as over the stored log", () =>
    Effect.gen(function* () {
      yield* seed
      const statistics = yield* engine({ platforms: [sms] })
      const query: Statistics.Query = { ...byChannel, channels: ["sms"] }
      const report = yield* statistics.query(query)
      expect(report.total.receivedInPeriod).toBe(3)
      expect(rows(report)).toEqual([["sms", "Tin nhắn SMS", "SMS", 3]])
      const events = Chunk.toReadonlyArray(yield* Stream.runCollect(yield* Effect.map(TipStore, (s) => s.stream())))
      const hierarchy = yield* Effect.flatMap(UnitDirectory, (d) => d.hierarchy)
      const now = yield* DateTime.now
      const computed = Statistics.compute(events, hierarchy, Calendar.vietnam, query, { platforms: [sms], now })
      expect(computed).toEqual(Either.right(report))
    }).pipe(Effect.provide(Tips.layerMemory()))
  )

  it.effect("refuses a platform id that breaks the rule, with a typed error that names the rule", () =>
    Effect.gen(function* () {
      yield* seed
      // Receiving a tip: a parse error of the input, nothing numbered or stored.
      const refused = yield* Effect.flip(receive("SMS Gateway", 7))
      expect(refused._tag).toBe("ParseError")
      expect(refused.message).toContain(Channel.platformIdRule)

      // A query's filter.
      const filter = Statistics.decodeQuery({ ...byChannel, channels: ["Tin nhắn"] })
      expect(Either.getLeft(filter).pipe((e) => e._tag === "Some" && e.value)).toMatchObject({
        _tag: "StatisticsError",
        reason: "invalid",
        message: expect.stringContaining(Channel.platformIdRule)
      })

      // A platform the engine's options declare: every query fails, in memory, in `compute` and in the plan.
      const badPlatform = { platforms: [{ id: "9sms", label: sms.label }] }
      const invalid = {
        _tag: "StatisticsError",
        reason: "invalid",
        message: expect.stringContaining(Channel.platformIdRule)
      }
      expect(yield* Effect.flip(Effect.flatMap(engine(badPlatform), (e) => e.query(byChannel)))).toMatchObject(invalid)
      const hierarchy = NinhBinh.hierarchy()
      const now = yield* DateTime.now
      const computed = Statistics.compute([], hierarchy, Calendar.vietnam, byChannel, { ...badPlatform, now })
      expect(Either.getLeft(computed).pipe((e) => e._tag === "Some" && e.value)).toMatchObject(invalid)
      const plan = StatisticsPlan.plan(hierarchy, byChannel, { ...badPlatform, calendar: Calendar.vietnam, now })
      expect(Either.getLeft(plan).pipe((e) => e._tag === "Some" && e.value)).toMatchObject(invalid)

      // One platform declared twice with different labels.
      const twice = { platforms: [sms, { id: "sms", label: { vi: "Tổng đài SMS", en: "SMS gateway" } }] }
      expect(yield* Effect.flip(Effect.flatMap(engine(twice), (e) => e.query(byChannel)))).toMatchObject({
        reason: "invalid",
        message: expect.stringContaining("Platform sms is declared twice")
      })
    }).pipe(Effect.provide(Tips.layerMemory()))
  )

  it("decodes the events stored before 0.2.0: every channel kind of the closed set matches the platform id rule", () => {
    const before = ["zalo", "facebook", "web", "in_person", "phone", "hotline_113", "post", "vneid", "media"]
    expect(Object.keys(Channel.builtinPlatforms)).toEqual(before)
    for (const channel of before) {
      const stored = {
        _tag: "TipReceived",
        tip: "tip-cu",
        at: "2024-05-06T02:00:00.000Z",
        by: "system:intake",
        unit: ids.ninhTien,
        code: "T-1",
        registerNumber: 1,
        registerYear: 2024,
        channel,
        reporterKind: "individual",
        alias: "AL-0123456789ABCDEF",
        legalType: "tin_bao",
        category: "crime",
        summary: ""
      }
      const decoded = Schema.decodeUnknownEither(TipEvent.TipEvent)(stored)
      expect(Either.map(decoded, (e) => (e as TipEvent.TipReceived).channel)).toEqual(Either.right(channel))
    }
    expect(Either.isLeft(Schema.decodeUnknownEither(Tip.ChannelKind)("Zalo"))).toBe(true)
  })
})
