import {
  type Actor,
  StatisticalPeriod,
  type Statistics,
  Tip,
  type TipEvent,
  type TipStore,
  type Tips,
  type Unit
} from "@tinbao/core"
import { Effect } from "effect"
import type { Highlight } from "./simulate.js"

/** What intake did with the web-form deliveries. */
export interface IntakeCounts {
  deliveries: number
  created: number
  duplicates: number
  appended: number
  /** The raw deliveries the inbox's retention purged (7 days after they arrived). */
  purged: number
  /** Replies the platform took (the stand-in's count). */
  replied?: number | undefined
  /** Of them, private replies to commenters (Facebook). */
  privateReplies?: number | undefined
}

const pad = (s: string | number, n: number) => String(s).padStart(n)
const cell = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s.padEnd(n))
const percent = (x: number | null) => (x === null ? "–" : `${Math.round(x * 1000) / 10}%`)
const hours = (millis: number | null) => (millis === null ? "–" : `${Math.round(millis / 360_000) / 10} h`)
const days = (millis: number | null) => (millis === null ? "–" : `${Math.round(millis / 8_640_000) / 10} d`)

const table = (
  title: string,
  header: ReadonlyArray<readonly [string, number]>,
  rows: ReadonlyArray<ReadonlyArray<string>>
) => {
  const line = (cells: ReadonlyArray<string>) =>
    cells.map((c, i) => (i === 0 ? cell(c, header[0]![1]) : pad(c, header[i]![1]))).join("")
  const head = line(header.map(([h]) => h))
  return [title, head, "─".repeat(head.length), ...rows.map(line), ""]
}

const deadlines = (m: Statistics.Measures) =>
  Object.values(m.compliance).reduce(
    (sum, c) => ({ met: sum.met + c.met, late: sum.late + c.metLate, missed: sum.missed + c.missed }),
    { met: 0, late: 0, missed: 0 }
  )

/**
 * The year's report: the statistics engine over the whole event log, by unit, by category and by channel,
 * with durations; what intake did; and the lifecycle of the highlighted tips.
 */
export const report = (
  tips: Tips.Tips["Type"],
  engine: Statistics.StatisticsEngine["Type"],
  store: TipStore.TipStore["Type"],
  reader: Actor.Actor,
  options: {
    readonly year: number
    /** The police the wards and communes answered to at the end of the year: its units are the report's rows. */
    readonly root: Unit.UnitId
    readonly highlights: ReadonlyArray<Highlight>
    readonly ids: ReadonlyMap<number, Tip.TipId>
    readonly intake: IntakeCounts
    readonly zalo: IntakeCounts
    readonly facebook: IntakeCounts
  }
) =>
  Effect.gen(function* () {
    const range = StatisticalPeriod.policeYear(options.year)
    const { root } = options
    // Counted by the storage's own engine: in the database on SQLite and PostgreSQL, over the event log in memory.
    const query = (groupBy: ReadonlyArray<Statistics.Dimension>) =>
      engine.query({ root, asOf: range.last, period: { _tag: "PoliceYear", year: options.year }, groupBy })
    const byUnit = yield* query(["unit"])
    const byCategory = yield* query(["category"])
    const byChannel = yield* query(["channel"])
    const total = byUnit.total
    // The photos of the web tips, as their tips' events tell: kept by the evidence worker, or not retrieved.
    const evidence = { pending: 0, stored: 0, notRetrieved: 0 }
    // Read from the store, not through an officer's scope: no scope reaches the tips of a ward after it closed
    // (2025: merged in July), and the report counts every tip of the year.
    for (const id of options.ids.values()) {
      const counts = (yield* store.get(id))!.evidence
      evidence.pending += counts.pending
      evidence.stored += counts.stored
      evidence.notRetrieved += counts.notRetrieved
    }
    const lines: Array<string> = [
      `Báo cáo tin báo năm thống kê ${options.year} (${range.first} – ${range.last}) / Tip report, police statistical year ${options.year}`,
      `${byUnit.root.name.vi}; tình hình tại 24:00 ngày ${range.last} / as of the end of ${range.last}, Vietnam time`,
      "",
      ...table(
        "Theo đơn vị / by unit",
        [
          ["Đơn vị / unit", 30],
          ["Tiếp nhận", 10],
          ["Đã giải quyết", 14],
          ["Tỷ lệ", 8],
          ["Tồn", 6],
          ["Quá hạn", 9],
          ["Đúng hạn", 10],
          ["Muộn", 6],
          ["Trễ", 6]
        ],
        [...byUnit.groups, { label: { vi: "Tổng cộng / Total", en: "Total" }, measures: total }].map((g) => {
          const d = deadlines(g.measures)
          const m = g.measures
          return [
            g.label.vi,
            String(m.receivedInPeriod),
            String(m.resolvedOfReceived),
            percent(m.resolutionRate),
            String(m.openAtEnd),
            String(m.overdueAtEnd),
            String(d.met),
            String(d.late),
            String(d.missed)
          ]
        })
      ),
      "  received = tiếp nhận trong năm; resolved = của số đó, đã giải quyết đến cuối năm; rate = tỷ lệ giải quyết;",
      "  open = tồn cuối năm; overdue = tồn có thời hạn đã trễ; deadlines due in the year: met, met late, missed.",
      "",
      ...table(
        "Theo lĩnh vực / by category",
        [
          ["Lĩnh vực / category", 62],
          ["Tiếp nhận", 10],
          ["Đã giải quyết", 14],
          ["Tỷ lệ", 8]
        ],
        byCategory.groups.map((g) => [
          `${g.label.vi} / ${g.label.en}`,
          String(g.measures.receivedInPeriod),
          String(g.measures.resolvedOfReceived),
          percent(g.measures.resolutionRate)
        ])
      ),
      ...table(
        "Theo kênh / by channel",
        [
          ["Kênh / channel", 30],
          ["Tiếp nhận", 10],
          ["Thông báo tiếp nhận p50", 24]
        ],
        byChannel.groups.map((g) => [
          `${g.label.vi} / ${g.label.en}`,
          String(g.measures.receivedInPeriod),
          hours(g.measures.timeToAcknowledge.p50Millis)
        ])
      ),
      ...table(
        "Thời gian xử lý / durations (all units)",
        [
          ["Từ lúc tiếp nhận đến / from receipt to", 48],
          ["p50", 9],
          ["p90", 9],
          ["p99", 9],
          ["mean", 9]
        ],
        (
          [
            ["thông báo cho người báo tin / acknowledgement", total.timeToAcknowledge, hours],
            ["thụ lý / acceptance", total.timeToAccept, hours],
            ["giải quyết / decision", total.timeToResolve, days]
          ] as const
        ).map(([label, d, unit]) => [
          label,
          unit(d.p50Millis),
          unit(d.p90Millis),
          unit(d.p99Millis),
          unit(d.meanMillis)
        ])
      ),
      `Qua cổng thông tin (kênh tham chiếu) / through the web forms (the reference channel adapter): ${options.intake.deliveries} deliveries,`,
      `  ${options.intake.created} new tips, ${options.intake.duplicates} redeliveries absorbed, ${options.intake.appended} follow-up messages joined to their tip;`,
      `  every new tip acknowledged by the outbox in the reporter's conversation, with its code;`,
      `  Ảnh kèm theo / photos attached: ${evidence.stored} đã lưu / kept, each under its SHA-256 hash; ` +
        `${evidence.notRetrieved} không lấy được / not retrieved (the link had expired)` +
        `${evidence.pending > 0 ? `; ${evidence.pending} đang chờ / still being fetched` : ""}.`,
      `Qua Zalo OA của các phường / through the wards' Zalo OAs: ${options.zalo.deliveries} signed deliveries,`,
      `  ${options.zalo.created} new tips, ${options.zalo.duplicates} redeliveries absorbed (Zalo delivers at least once);`,
      `  ${options.zalo.replied ?? 0} acknowledgements taken by Zalo, each a reply naming the reporter's message, within the free-reply quota.`,
      `Qua fanpage của các phường / through the wards' fanpages: ${options.facebook.deliveries} signed deliveries,`,
      `  ${options.facebook.created} new tips, ${options.facebook.duplicates} redeliveries absorbed (Meta delivers at least once), ${options.facebook.appended} edited comments joined to their tip;`,
      `  ${options.facebook.replied ?? 0} acknowledgements taken by Facebook: ${(options.facebook.replied ?? 0) - (options.facebook.privateReplies ?? 0)} on Messenger within 24 hours, ${options.facebook.privateReplies ?? 0} private replies to commenters (never in public).`,
      `Hộp thư đến / the inbox: ${options.intake.purged} raw deliveries (web, Zalo and Facebook) purged 7 days after they arrived, sealed while kept.`,
      "",
      "Các trường hợp tiêu biểu / cases that show the lifecycle:"
    ]
    if (options.highlights.length === 0) {
      lines.push("  (không có / none: no ward or commune held the whole year, which those cases need)")
    }
    for (const h of options.highlights) {
      const id = options.ids.get(h.key)
      if (id === undefined) continue
      const tip = yield* tips.get(reader, id)
      const history: ReadonlyArray<TipEvent.TipEvent> = yield* tips.history(reader, id)
      lines.push(
        `  ${tip.code}  ${h.label}`,
        `      ${Tip.statusLabels[tip.status].vi} (${tip.status}); ${history.map((e) => e._tag).join(" → ")}`
      )
    }
    return { lines, byUnit, total }
  })
