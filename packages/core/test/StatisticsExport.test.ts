import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, Layer, Redacted, TestClock } from "effect"
import * as Actor from "../src/Actor.js"
import { CategoryId } from "../src/Category.js"
import * as IdentityVault from "../src/IdentityVault.js"
import * as LocalDate from "../src/LocalDate.js"
import * as Statistics from "../src/Statistics.js"
import * as StatisticsExport from "../src/StatisticsExport.js"
import * as Tips from "../src/Tips.js"
import { UnitId } from "../src/Unit.js"
import * as UnitChange from "../src/UnitChange.js"
import { UnitDirectory } from "../src/UnitDirectory.js"

const live = Statistics.layerMemory().pipe(Layer.provideMerge(Tips.layerMemory()))
const province = UnitId.make("ca-tinh")
const quoted = UnitId.make("ca-xa-ninh-tien")
const semicolon = UnitId.make("ca-phuong-van-giang")
const formula = UnitId.make("to-an-ninh")
const names = {
  [quoted]: 'Công an xã "Ninh Tiến", Hoa Lư',
  [semicolon]: "Công an phường Vân Giang; tổ 3",
  [formula]: "=Tổ an ninh số 1"
}
const secret = { name: "Nguyễn Văn Bí Mật", phone: "0912345678", user: "zalo-user-8842113" }
const summary = "Nhà số 12 ngõ 4, có người buôn bán ma túy"

const setup = Effect.gen(function* () {
  yield* TestClock.setTime(Date.parse("2023-03-06T09:00:00+07:00"))
  const unit = (id: UnitId, vi: string, kind: "province" | "commune" | "ward", parent?: UnitId) =>
    UnitChange.Established.make({
      effectiveDate: LocalDate.unsafeMake("2020-01-01"),
      legalBasis: "Quyết định thành lập (ví dụ)",
      id,
      kind,
      name: { vi, en: vi },
      ...(parent === undefined ? {} : { parent })
    })
  yield* Effect.flatMap(UnitDirectory, (d) =>
    d.record([
      unit(province, "Công an tỉnh", "province"),
      unit(quoted, names[quoted], "commune", province),
      unit(semicolon, names[semicolon], "ward", province),
      unit(formula, names[formula], "ward", province)
    ])
  )
  const tips = yield* Tips.Tips
  const leader = Actor.make("lanh-dao-tinh", province, ["officer", "leader"])
  const aliases: Array<string> = []
  for (const [unit, resolve] of [
    [quoted, true],
    [quoted, true],
    [quoted, false],
    [semicolon, false],
    [formula, true]
  ] as const) {
    let tip = yield* tips.receive(leader, {
      unit,
      channel: "zalo",
      channelId: unit === formula ? '=HYPERLINK("http://example.invalid")' : "nhom-zalo-thon-1",
      identity: Redacted.make({
        channel: "oa",
        platformUserId: secret.user,
        displayName: secret.name,
        phone: secret.phone
      }),
      reporterKind: "individual",
      legalType: "phan_anh",
      category: CategoryId.make("drugs"),
      summary
    })
    aliases.push(tip.alias, IdentityVault.aliasName(tip.alias))
    if (!resolve) continue
    tip = yield* tips.execute(leader, { tip: tip.id, expectedVersion: tip.version, command: { _tag: "Accept" } })
    yield* TestClock.adjust("30 hours")
    yield* tips.execute(leader, {
      tip: tip.id,
      expectedVersion: tip.version,
      command: { _tag: "Resolve", outcome: { _tag: "Handled", summary: "Đã xử lý" } }
    })
  }
  // The year is under way: its report holds what had happened an hour after the last decision.
  yield* TestClock.adjust("1 hour")
  const engine = yield* Statistics.StatisticsEngine
  const query = (groupBy: ReadonlyArray<Statistics.Dimension>) =>
    engine.query({ root: province, period: { _tag: "CalendarYear", year: 2023 }, groupBy })
  return { aliases, query }
})

describe("StatisticsExport", () => {
  it.effect(
    "writes CSV for Excel: byte order mark, CRLF, RFC 4180 quoting, bilingual headers; reads back the same",
    () =>
      Effect.gen(function* () {
        const { query } = yield* setup
        const report = yield* query(["unit"])
        const csv = StatisticsExport.toCsv(report)
        expect(csv.startsWith("\uFEFF")).toBe(true)
        expect(csv.endsWith("\r\n")).toBe(true)
        expect(csv.replaceAll("\r\n", "")).not.toMatch(/[\r\n]/)
        expect(csv).toContain('"Công an xã ""Ninh Tiến"", Hoa Lư",ca-xa-ninh-tien,3,')
        const rows = StatisticsExport.parseCsv(csv)
        expect(rows).toEqual(StatisticsExport.toRows(report))
        const [header, ...records] = rows
        expect(header.slice(0, 4)).toEqual([
          "Tính đến (as of)",
          "Đơn vị (unit)",
          "Mã đơn vị (unit code)",
          "Tiếp nhận (received)"
        ])
        // Every record says when its figures were taken, in Vietnam time: 90 hours of work and an hour after.
        expect(new Set(records.map((r) => r[0]))).toEqual(new Set(["2023-03-10T04:00:00+07:00"]))
        expect(header).toContain(
          "Thông báo tiếp nhận cho người báo tin: đúng hạn (Acknowledgement to the reporter: met)"
        )
        expect(records.map((r) => r[1])).toEqual([
          ...Object.values(names).map((n) => n.replace(/^=/, "'=")),
          "Tổng cộng (total)"
        ])
        const rate = header.indexOf("Tỷ lệ giải quyết, % (resolution rate, %)")
        expect(records.map((r) => r[rate])).toEqual(["66.7", "0", "100", "60"])
        const hours = header.indexOf("Thời gian giải quyết: p50, giờ (time to resolve: p50, hours)")
        expect(records[0][hours]).toBe("30")
      }).pipe(Effect.provide(live))
  )

  it.effect("writes CSV for Excel with Vietnamese regional settings: semicolons and decimal commas", () =>
    Effect.gen(function* () {
      const { query } = yield* setup
      const report = yield* query(["unit"])
      const csv = StatisticsExport.toCsv(report, { delimiter: ";", decimalSeparator: "," })
      expect(csv).toContain('"Công an phường Vân Giang; tổ 3";ca-phuong-van-giang;1;')
      const rows = StatisticsExport.parseCsv(csv, { delimiter: ";" })
      expect(new Set(rows.map((r) => r.length)).size).toBe(1)
      expect(rows[1][rows[0].indexOf("Tỷ lệ giải quyết, % (resolution rate, %)")]).toBe("66,7")
    }).pipe(Effect.provide(live))
  )

  it.effect("keeps cells that look like formulas as text", () =>
    Effect.gen(function* () {
      const { query } = yield* setup
      const rows = StatisticsExport.parseCsv(StatisticsExport.toCsv(yield* query(["channel_id"])))
      expect(rows.map((r) => r[1])).toContain(`'=HYPERLINK("http://example.invalid")`)
      expect(rows.flat().some((cell) => /^[=+@]/.test(cell))).toBe(false)
    }).pipe(Effect.provide(live))
  )

  it.effect("round-trips a report through JSON", () =>
    Effect.gen(function* () {
      const { query } = yield* setup
      const report = yield* query(["unit", "calendar_month"])
      const json = StatisticsExport.toJson(report)
      expect(JSON.parse(json).period).toEqual({
        first: "2023-01-01",
        last: "2023-12-31",
        label: { vi: "Năm 2023", en: "Year 2023" }
      })
      expect(Either.getOrThrow(StatisticsExport.fromJson(json))).toEqual(report)
      expect(Either.isLeft(StatisticsExport.fromJson('{"query":{}}'))).toBe(true)
    }).pipe(Effect.provide(live))
  )

  it.effect("never exports the reporter's identity, alias or words", () =>
    Effect.gen(function* () {
      const { aliases, query } = yield* setup
      for (const groupBy of [[], ["unit"], ["channel_id", "status"], ["outcome", "police_month"]] as const) {
        const report = yield* query(groupBy)
        for (const text of [StatisticsExport.toCsv(report), StatisticsExport.toJson(report)]) {
          for (const needle of [secret.name, secret.phone, secret.user, summary, ...aliases]) {
            expect(text).not.toContain(needle)
          }
        }
      }
    }).pipe(Effect.provide(live))
  )
})

describe("Statistics.rangeOf", () => {
  it("gives the dates of each kind of period, as reports count them", () => {
    const d = LocalDate.unsafeMake
    expect(Statistics.rangeOf({ _tag: "PoliceMonth", year: 2026, month: 11 })).toEqual({
      first: d("2026-10-15"),
      last: d("2026-11-14")
    })
    expect(Statistics.rangeOf({ _tag: "PoliceYear", year: 2026 })).toEqual({
      first: d("2025-12-15"),
      last: d("2026-12-14")
    })
    expect(Statistics.rangeOf({ _tag: "CalendarMonth", year: 2028, month: 2 })).toEqual({
      first: d("2028-02-01"),
      last: d("2028-02-29")
    })
    expect(Statistics.rangeOf({ _tag: "CalendarYear", year: 2026 })).toEqual({
      first: d("2026-01-01"),
      last: d("2026-12-31")
    })
    expect(Statistics.rangeOf({ _tag: "Day", date: d("2026-03-08") })).toEqual({
      first: d("2026-03-08"),
      last: d("2026-03-08")
    })
  })
})
