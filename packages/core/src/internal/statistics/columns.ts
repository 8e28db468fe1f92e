import type { DeadlineCounts, Dimension, Durations, GroupKey, Measures } from "../../Statistics.js"
import { kindLabels } from "../lifecycle/policy.js"
import type { Label } from "../shared/label.js"
import { dimensionLabels } from "./labels.js"
import { kinds } from "./measures.js"

/** A column of the CSV: its bilingual header, and its cell for a row's measures. */
export interface Column {
  readonly header: string
  readonly cell: (m: Measures, number: (x: number, digits: number) => string) => string
}

const header = (label: Label) => `${label.vi} (${label.en})`

const count = (label: Label, get: (m: Measures) => number | null): Column => ({
  header: header(label),
  cell: (m) => String(get(m) ?? "")
})

const HOUR = 60 * 60 * 1000

const durations = (vi: string, en: string, get: (m: Measures) => Durations): ReadonlyArray<Column> => [
  { header: header({ vi: `${vi}: số tin`, en: `${en}: count` }), cell: (m) => String(get(m).count) },
  ...(
    [
      ["trung bình", "mean", "meanMillis"],
      ["p50", "p50", "p50Millis"],
      ["p90", "p90", "p90Millis"],
      ["p99", "p99", "p99Millis"]
    ] as const
  ).map(
    ([v, e, key]): Column => ({
      header: header({ vi: `${vi}: ${v}, giờ`, en: `${en}: ${e}, hours` }),
      cell: (m, number) => {
        const x = get(m)[key]
        return x === null ? "" : number(x / HOUR, 2)
      }
    })
  )
]

const statuses: ReadonlyArray<readonly [keyof DeadlineCounts, Label]> = [
  ["met", { vi: "đúng hạn", en: "met" }],
  ["metLate", { vi: "quá hạn nhưng đã thực hiện", en: "met late" }],
  ["missed", { vi: "quá hạn chưa thực hiện", en: "missed" }],
  ["pending", { vi: "chưa đến hạn", en: "pending" }]
]

/** The measure columns, in order: counts, the rate, durations in hours, then deadlines per kind. */
export const measureColumns: ReadonlyArray<Column> = [
  count({ vi: "Tiếp nhận", en: "received" }, (m) => m.receivedInPeriod),
  count({ vi: "Giải quyết trong kỳ", en: "resolved in period" }, (m) => m.resolvedInPeriod),
  count({ vi: "Đã giải quyết trong số tiếp nhận", en: "resolved of received" }, (m) => m.resolvedOfReceived),
  {
    header: header({ vi: "Tỷ lệ giải quyết, %", en: "resolution rate, %" }),
    cell: (m, number) => (m.resolutionRate === null ? "" : number(m.resolutionRate * 100, 1))
  },
  count({ vi: "Tồn cuối kỳ", en: "open at end" }, (m) => m.openAtEnd),
  count({ vi: "Quá hạn cuối kỳ", en: "overdue at end" }, (m) => m.overdueAtEnd),
  count({ vi: "Lượt chuyển đơn vị", en: "transfers" }, (m) => m.transfers),
  count({ vi: "Kênh kết nối", en: "channels bound" }, (m) => m.reach),
  ...durations("Thời gian thông báo tiếp nhận", "time to acknowledge", (m) => m.timeToAcknowledge),
  ...durations("Thời gian thụ lý", "time to accept", (m) => m.timeToAccept),
  ...durations("Thời gian giải quyết", "time to resolve", (m) => m.timeToResolve),
  ...kinds.flatMap((kind) =>
    statuses.map(
      ([status, label]): Column => ({
        header: header({ vi: `${kindLabels[kind].vi}: ${label.vi}`, en: `${kindLabels[kind].en}: ${label.en}` }),
        cell: (m) => String(m.compliance[kind][status])
      })
    )
  )
]

/** The first column: the instant the figures were taken. */
export const asOfHeader = header({ vi: "Tính đến", en: "as of" })

/** The two columns of a dimension: the value's label, and its code (a unit id, a category id, a month `YYYY-MM`). */
export const dimensionHeaders = (dimension: Dimension): readonly [string, string] => {
  const label = dimensionLabels[dimension]
  return [header(label), header({ vi: `Mã ${label.vi.toLowerCase()}`, en: `${label.en} code` })]
}

const keyField: { readonly [D in Dimension]: keyof GroupKey } = {
  unit: "unit",
  category: "category",
  channel: "channel",
  channel_id: "channelId",
  status: "status",
  outcome: "outcome",
  calendar_month: "calendarMonth",
  police_month: "policeMonth",
  legal_type: "legalType"
}

/** The code of a group's value in a dimension. */
export const codeOf = (key: GroupKey, dimension: Dimension): string => String(key[keyField[dimension]] ?? "")
