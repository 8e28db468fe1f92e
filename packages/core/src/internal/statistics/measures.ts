import type { Kind, Status } from "../../Deadline.js"
import type { Durations, Measures } from "../../Statistics.js"
import type { Tally } from "../../StatisticsPlan.js"

/** The deadline kinds, in the order reports show them. */
export const kinds: ReadonlyArray<Kind> = [
  "acknowledgement",
  "transfer",
  "verification",
  "suspension_notice",
  "restoration",
  "resolution"
]

const kindIndex: { readonly [K in Kind]: number } = {
  acknowledgement: 0,
  transfer: 1,
  verification: 2,
  suspension_notice: 3,
  restoration: 4,
  resolution: 5
}

const statusIndex: { readonly [S in Status]: number } = { met: 0, met_late: 1, missed: 2, pending: 3 }

/** The counters of one group; durations are kept whole until the end, for exact percentiles. */
export class Acc {
  received = 0
  resolved = 0
  resolvedOfReceived = 0
  open = 0
  overdue = 0
  transfers = 0
  readonly deadlines = new Int32Array(kinds.length * 4)
  readonly acknowledge: Array<number> = []
  readonly accept: Array<number> = []
  readonly resolve: Array<number> = []

  deadline(kind: Kind, status: Status): void {
    this.deadlines[kindIndex[kind] * 4 + statusIndex[status]]++
  }
}

/** The measures whose contributions are counted in a month: the month of the event that makes them. */
export type Contribution =
  | "received"
  | "resolved"
  | "resolvedOfReceived"
  | "open"
  | "overdue"
  | "transfer"
  | "acknowledge"
  | "accept"
  | "resolve"

/** Adds one contribution; `value` is the duration for the duration measures. */
export const add = (acc: Acc, what: Contribution, value: number): void => {
  switch (what) {
    case "received":
      acc.received++
      return
    case "resolved":
      acc.resolved++
      return
    case "resolvedOfReceived":
      acc.resolvedOfReceived++
      return
    case "open":
      acc.open++
      return
    case "overdue":
      acc.overdue++
      return
    case "transfer":
      acc.transfers++
      return
    case "acknowledge":
    case "accept":
    case "resolve":
      acc[what].push(value)
  }
}

/**
 * The nearest-rank percentile of ascending samples: the smallest sample such that at least `p` percent of the
 * samples are at or below it, i.e. the sample at rank ⌈p/100 · n⌉ (1-based). Always one of the samples.
 */
export const percentile = (sorted: ArrayLike<number>, p: number): number | null => {
  if (sorted.length === 0) return null
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length))
  return sorted[rank - 1]
}

/** The summary of durations in milliseconds. */
export const durations = (samples: ReadonlyArray<number>): Durations => {
  if (samples.length === 0) return { count: 0, meanMillis: null, p50Millis: null, p90Millis: null, p99Millis: null }
  const sorted = Float64Array.from(samples).sort()
  let sum = 0
  for (const x of sorted) sum += x
  return {
    count: sorted.length,
    meanMillis: sum / sorted.length,
    p50Millis: percentile(sorted, 50),
    p90Millis: percentile(sorted, 90),
    p99Millis: percentile(sorted, 99)
  }
}

/** The measures of a tally; `reach` is given, since it does not come from tips. */
export const measuresOf = (tally: Tally, reach: number | null): Measures => ({
  receivedInPeriod: tally.receivedInPeriod,
  resolvedInPeriod: tally.resolvedInPeriod,
  resolvedOfReceived: tally.resolvedOfReceived,
  openAtEnd: tally.openAtEnd,
  resolutionRate: tally.receivedInPeriod === 0 ? null : tally.resolvedOfReceived / tally.receivedInPeriod,
  overdueAtEnd: tally.overdueAtEnd,
  compliance: tally.compliance,
  timeToAcknowledge: tally.timeToAcknowledge,
  timeToAccept: tally.timeToAccept,
  timeToResolve: tally.timeToResolve,
  transfers: tally.transfers,
  reach
})

/** The measures of a group; `reach` is given, since it does not come from tips. */
export const measures = (acc: Acc, reach: number | null): Measures => {
  const counts = (kind: Kind) => {
    const i = kindIndex[kind] * 4
    const d = acc.deadlines
    return { met: d[i], metLate: d[i + 1], missed: d[i + 2], pending: d[i + 3] }
  }
  return measuresOf(
    {
      receivedInPeriod: acc.received,
      resolvedInPeriod: acc.resolved,
      resolvedOfReceived: acc.resolvedOfReceived,
      openAtEnd: acc.open,
      overdueAtEnd: acc.overdue,
      compliance: {
        acknowledgement: counts("acknowledgement"),
        transfer: counts("transfer"),
        verification: counts("verification"),
        suspension_notice: counts("suspension_notice"),
        restoration: counts("restoration"),
        resolution: counts("resolution")
      },
      timeToAcknowledge: durations(acc.acknowledge),
      timeToAccept: durations(acc.accept),
      timeToResolve: durations(acc.resolve),
      transfers: acc.transfers
    },
    reach
  )
}

export type { Tally }
