import { Schema } from "effect"
import { LocalDate } from "../calendar/localDate.js"
import { CategoryId, LegalType } from "../lifecycle/category.js"
import { ChannelKind, Status } from "../lifecycle/tip.js"
import { Label } from "../shared/label.js"
import { UnitId } from "../units/unit.js"

// The query's years are the years the holiday calendar covers: deadlines cannot be counted outside them.
const Year = Schema.Int.pipe(Schema.between(2000, 2199))
const Month = Schema.Int.pipe(Schema.between(1, 12))

export const PeriodSpec = Schema.Union(
  Schema.TaggedStruct("Day", { date: LocalDate }),
  Schema.TaggedStruct("CalendarMonth", { year: Year, month: Month }),
  Schema.TaggedStruct("CalendarYear", { year: Year }),
  Schema.TaggedStruct("PoliceMonth", { year: Year, month: Month }),
  Schema.TaggedStruct("PoliceYear", { year: Year }),
  Schema.TaggedStruct("Range", { first: LocalDate, last: LocalDate }).pipe(
    Schema.filter((r) => r.first <= r.last || `the range ends (${r.last}) before it begins (${r.first})`)
  )
).annotations({ identifier: "StatisticsPeriod" })

export const Dimension = Schema.Literal(
  "unit",
  "category",
  "channel",
  "channel_id",
  "status",
  "outcome",
  "calendar_month",
  "police_month",
  "legal_type"
).annotations({ identifier: "StatisticsDimension" })

export const Attribution = Schema.Literal("receiving", "holding")

const filterList = <A, I>(item: Schema.Schema<A, I>) =>
  Schema.Array(item).pipe(
    Schema.minItems(1, { message: () => "a filter lists at least one value (leave it out to keep every tip)" })
  )

export const Query = Schema.Struct({
  root: UnitId,
  asOf: Schema.optional(LocalDate),
  period: PeriodSpec,
  attribution: Schema.optional(Attribution),
  categories: Schema.optional(filterList(CategoryId)),
  legalTypes: Schema.optional(filterList(LegalType)),
  channels: Schema.optional(filterList(ChannelKind)),
  channelIds: Schema.optional(filterList(Schema.String)),
  statuses: Schema.optional(filterList(Status)),
  groupBy: Schema.optional(
    Schema.Array(Dimension).pipe(
      Schema.maxItems(3, { message: () => "group by at most 3 dimensions" }),
      Schema.filter((dims) => new Set(dims).size === dims.length || "each dimension is grouped by once")
    )
  ),
  reach: Schema.optional(Schema.Record({ key: UnitId, value: Schema.NonNegativeInt }))
}).annotations({ identifier: "StatisticsQuery" })

export const OutcomeKey = Schema.Literal(
  "none",
  "Prosecuted",
  "NotProsecuted",
  "Handled",
  "NotConfirmed",
  "Referred",
  "Founded",
  "PartlyFounded",
  "Unfounded",
  "Duplicate",
  "FalseReport",
  "OutOfScope"
).annotations({ identifier: "StatisticsOutcome" })

const Count = Schema.NonNegativeInt
const Millis = Schema.NullOr(Schema.Number)

export const Durations = Schema.Struct({
  count: Count,
  meanMillis: Millis,
  p50Millis: Millis,
  p90Millis: Millis,
  p99Millis: Millis
}).annotations({ identifier: "StatisticsDurations" })

export const DeadlineCounts = Schema.Struct({ met: Count, metLate: Count, missed: Count, pending: Count })

export const Compliance = Schema.Struct({
  acknowledgement: DeadlineCounts,
  transfer: DeadlineCounts,
  verification: DeadlineCounts,
  suspension_notice: DeadlineCounts,
  restoration: DeadlineCounts,
  resolution: DeadlineCounts
}).annotations({ identifier: "StatisticsCompliance" })

export const Measures = Schema.Struct({
  receivedInPeriod: Count,
  resolvedInPeriod: Count,
  resolvedOfReceived: Count,
  openAtEnd: Count,
  resolutionRate: Schema.NullOr(Schema.Number.pipe(Schema.between(0, 1))),
  overdueAtEnd: Count,
  compliance: Compliance,
  timeToAcknowledge: Durations,
  timeToAccept: Durations,
  timeToResolve: Durations,
  transfers: Count,
  reach: Schema.NullOr(Count)
}).annotations({ identifier: "StatisticsMeasures" })

export const GroupKey = Schema.Struct({
  unit: Schema.optional(UnitId),
  category: Schema.optional(Schema.String),
  channel: Schema.optional(ChannelKind),
  channelId: Schema.optional(Schema.NullOr(Schema.String)),
  status: Schema.optional(Status),
  outcome: Schema.optional(OutcomeKey),
  calendarMonth: Schema.optional(Schema.String),
  policeMonth: Schema.optional(Schema.String),
  legalType: Schema.optional(LegalType)
}).annotations({ identifier: "StatisticsGroupKey" })

export const Group = Schema.Struct({
  key: GroupKey,
  label: Label,
  labels: Schema.Array(Label),
  measures: Measures
}).annotations({
  identifier: "StatisticsGroup"
})

export const CustodyRow = Schema.Struct({
  unit: UnitId,
  name: Label,
  periods: Count,
  handedOn: Count,
  heldAtEnd: Count,
  held: Durations
}).annotations({ identifier: "StatisticsCustodyRow" })

export const Report = Schema.Struct({
  query: Query,
  root: Schema.Struct({ id: UnitId, name: Label }),
  asOf: LocalDate,
  measuredAt: Schema.DateTimeUtc,
  period: Schema.Struct({ first: LocalDate, last: LocalDate, label: Label }),
  total: Measures,
  groups: Schema.Array(Group),
  custody: Schema.Array(CustodyRow),
  unplaced: Count,
  scanned: Schema.Struct({ events: Count, tips: Count })
}).annotations({ identifier: "StatisticsReport" })
