import {
  type Actor,
  Deadline,
  LocalDate,
  StatisticalPeriod,
  Tip,
  type Tips,
  type Unit,
  UnitHierarchy
} from "@tinbao/core"
import { DateTime, Effect, Option } from "effect"
import type { Highlight } from "./simulate.js"

export interface Row {
  readonly unit: string
  readonly received: number
  readonly resolved: number
  readonly rejected: number
  readonly open: number
  readonly overdue: number
  readonly met: number
  readonly late: number
  readonly missed: number
}

const pad = (s: string | number, n: number) => String(s).padStart(n)
const padEnd = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s.padEnd(n))

/** The year's report per receiving unit: tips, decisions, and deadlines met and missed, as of the year's end. */
export const report = (
  tips: Tips.Tips["Type"],
  hierarchy: UnitHierarchy.UnitHierarchy,
  reader: Actor.Actor,
  year: number,
  highlights: ReadonlyArray<Highlight>,
  codes: ReadonlyMap<number, Tip.TipId>
) =>
  Effect.gen(function* () {
    const range = StatisticalPeriod.policeYear(year)
    const from = LocalDate.startOf(range.first)
    const until = LocalDate.endOf(range.last)
    const all = yield* tips.list(reader, { receivedFrom: from, receivedBefore: until })
    const name = (id: Unit.UnitId) =>
      Option.match(UnitHierarchy.get(hierarchy, id, range.last), { onNone: () => id, onSome: (u) => u.name.vi })
    const rows = new Map<Unit.UnitId, { -readonly [K in keyof Row]: Row[K] }>()
    const lines: Array<string> = []
    for (const tip of all) {
      const row = rows.get(tip.receivingUnit) ?? {
        unit: name(tip.receivingUnit),
        received: 0,
        resolved: 0,
        rejected: 0,
        open: 0,
        overdue: 0,
        met: 0,
        late: 0,
        missed: 0
      }
      rows.set(tip.receivingUnit, row)
      row.received++
      if (tip.status === "resolved") row.resolved++
      else if (tip.status === "rejected") row.rejected++
      else row.open++
      const deadlines = yield* tips.deadlines(reader, tip.id)
      if (Tip.isOpen(tip) && deadlines.some((d) => d.status === "missed")) row.overdue++
      for (const d of deadlines) {
        if (d.status === "met") row.met++
        else if (d.status === "met_late") row.late++
        else if (d.status === "missed") row.missed++
      }
    }
    const ordered = [...rows.values()].sort((a, b) => a.unit.localeCompare(b.unit, "vi"))
    const total = ordered.reduce(
      (t, r) => ({
        unit: "Tổng cộng / Total",
        received: t.received + r.received,
        resolved: t.resolved + r.resolved,
        rejected: t.rejected + r.rejected,
        open: t.open + r.open,
        overdue: t.overdue + r.overdue,
        met: t.met + r.met,
        late: t.late + r.late,
        missed: t.missed + r.missed
      }),
      { unit: "", received: 0, resolved: 0, rejected: 0, open: 0, overdue: 0, met: 0, late: 0, missed: 0 }
    )
    const header = `${padEnd("Đơn vị / Unit", 34)}${pad("Tiếp nhận", 10)}${pad("Giải quyết", 11)}${pad("Không thụ lý", 13)}${pad("Đang xử lý", 11)}${pad("Quá hạn", 9)}${pad("Đúng hạn", 10)}${pad("Muộn", 7)}${pad("Trễ", 7)}`
    const sub = `${padEnd("", 34)}${pad("received", 10)}${pad("resolved", 11)}${pad("rejected", 13)}${pad("open", 11)}${pad("overdue", 9)}${pad("met", 10)}${pad("late", 7)}${pad("missed", 7)}`
    const line = (r: Row) =>
      `${padEnd(r.unit, 34)}${pad(r.received, 10)}${pad(r.resolved, 11)}${pad(r.rejected, 13)}${pad(r.open, 11)}${pad(r.overdue, 9)}${pad(r.met, 10)}${pad(r.late, 7)}${pad(r.missed, 7)}`
    lines.push(
      `Báo cáo tin báo năm thống kê ${year} (${range.first} – ${range.last}) / Tip report, police statistical year ${year}`,
      `Tình hình tại / as of ${DateTime.formatIso(until)} (24:00 ${range.last}, giờ Việt Nam)`,
      "",
      header,
      sub,
      "─".repeat(header.length),
      ...ordered.map(line),
      "─".repeat(header.length),
      line(total),
      "",
      "Thời hạn / deadlines: đúng hạn = met in time; muộn = met late; trễ = due and still not done (missed).",
      "Quá hạn / overdue = open tips with a missed deadline.",
      "",
      "Các trường hợp tiêu biểu / cases that show the lifecycle:"
    )
    for (const h of highlights) {
      const id = codes.get(h.key)
      if (id === undefined) continue
      const tip = yield* tips.get(reader, id)
      const history = yield* tips.history(reader, id)
      const path = history.map((e) => e._tag).join(" → ")
      lines.push(`  ${tip.code}  ${h.label}`, `      ${Tip.statusLabels[tip.status].vi} (${tip.status}); ${path}`)
    }
    const deadlineKinds = Object.entries(Deadline.kindLabels)
      .map(([k, l]) => `${k} = ${l.vi}`)
      .join("; ")
    lines.push("", `Loại thời hạn / deadline kinds: ${deadlineKinds}`)
    return { lines, total, rows: new Map([...rows].map(([id, row]) => [id, row as Row])) }
  })
