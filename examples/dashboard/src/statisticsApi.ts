/**
 * The statistics the page asks of the staff API: a unit, one period of the kinds the API takes (a range of days, a
 * calendar or police month or year) and one dimension to group by; the report's JSON as
 * examples/tip-line/src/api.ts declares it (`Statistics.Report` of @tinbao/core), and the CSV for the same query.
 */
import type { Label } from "tinbao:core"
import * as Api from "./api.js"

/** The period parameters, named as the API names them; one kind is given (`from` and `to` together). */
export const periodParams = ["from", "to", "month", "year", "policeMonth", "policeYear"] as const
export type Period = Partial<Record<(typeof periodParams)[number], string>>

/** The dimensions the page groups by (of the core's `Statistics.Dimension`). */
export type GroupBy = "unit" | "channel" | "calendar_month" | "police_month"

/** A deadline kind's count of deadlines met, met late, missed and still pending. */
export interface DeadlineCounts {
  readonly met: number
  readonly metLate: number
  readonly missed: number
  readonly pending: number
}

/** Durations in milliseconds: how many, and the nearest-rank percentiles (null when none was measured). */
export interface Durations {
  readonly count: number
  readonly p50Millis: number | null
  readonly p90Millis: number | null
}

/** The kinds of deadline the report counts (the core's `Deadline` kinds). */
export type DeadlineKind =
  | "acknowledgement"
  | "transfer"
  | "verification"
  | "suspension_notice"
  | "restoration"
  | "resolution"

export interface Measures extends Api.Measures {
  readonly compliance: Readonly<Record<DeadlineKind, DeadlineCounts>>
  readonly timeToAcknowledge: Durations
  readonly timeToAccept: Durations
  readonly timeToResolve: Durations
}

export interface Group {
  readonly key: {
    readonly unit?: string
    readonly channel?: string
    readonly calendarMonth?: string
    readonly policeMonth?: string
  }
  readonly label: Label
  readonly measures: Measures
}

/** The report as `Api.Report` describes it, with the figures and the group keys this page reads besides. */
export interface Report extends Omit<Api.Report, "total" | "groups"> {
  readonly total: Measures
  readonly groups: ReadonlyArray<Group>
}

/** The query's parameters in the API's order: the unit, the period, the dimension (none for the page's address). */
export const statisticsQuery = (unit: string, period: Period, groupBy?: GroupBy) => {
  const search = new URLSearchParams({ unit })
  for (const name of periodParams) {
    const value = period[name]
    if (value !== undefined && value !== "") search.set(name, value)
  }
  if (groupBy !== undefined) search.set("groupBy", groupBy)
  return search.toString()
}

export const statisticsCsvUrl = (unit: string, period: Period, groupBy: GroupBy) =>
  `/api/statistics.csv?${statisticsQuery(unit, period, groupBy)}`

/** `GET /api/statistics`; a refusal is the API's `ApiError`, shown as the other pages show it. */
export const statistics = async (unit: string, period: Period, groupBy: GroupBy): Promise<Report> => {
  const response = await fetch(`/api/statistics?${statisticsQuery(unit, period, groupBy)}`, {
    credentials: "same-origin"
  })
  const json = (await response.json().catch(() => undefined)) as unknown
  if (response.ok) return json as Report
  const error = (json ?? {}) as { _tag?: string; message?: string }
  throw new Api.ApiError(response.status, error._tag ?? "Error", error.message ?? response.statusText)
}
