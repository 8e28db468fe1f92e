import * as DateTime from "effect/DateTime"
import type * as Deadline from "../../Deadline.js"
import type { DeadlineFact, DeadlineSlot, Handover, TipFacts, VersionFacts } from "../../StatisticsPlan.js"
import { type Calendar, HolidayCalendarError } from "../calendar/calendar.js"
import * as LocalDate from "../calendar/localDate.js"
import { deadlinesOf as deadlinesOfTip } from "../lifecycle/deadline.js"
import { isOpenStatus } from "../lifecycle/tip.js"
import type { TipEvent, TipReceived } from "../lifecycle/tipEvent.js"
import { Unit, type UnitId } from "../units/unit.js"
import { Projection } from "./projection.js"
import { lastDueOf, outcomeOf } from "./tip.js"

export type { DeadlineFact, DeadlineSlot, Handover, TipFacts, VersionFacts }

/** The basis of the facts: the calendar and the policy their deadlines are computed with. */
export interface FactsOptions {
  readonly calendar: Calendar
  readonly policy: Deadline.Policy
  /** The first version wanted (1 by default); earlier ones are folded, not reported. */
  readonly from?: number
}

const millis = DateTime.toEpochMillis
const optional = (x: DateTime.Utc | undefined) => (x === undefined ? undefined : millis(x))

/**
 * The transfer deadline depends on the receiving unit as the hierarchy has it on the day of receipt, which can be
 * corrected after the tip is stored. So it is computed for a commune as `Deadline.of` sees one (its kind and whether
 * it is remote are all it reads), both ways; a query picks per unit.
 */
const probeUnit = (remote: boolean) =>
  new Unit({
    id: "statistics-probe" as UnitId,
    kind: "commune",
    name: { vi: "Xã", en: "Commune" },
    remote,
    validFrom: LocalDate.unsafeMake("2000-01-01")
  })

/** @internal */
export const probes = { local: probeUnit(false), remote: probeUnit(true) }

const deadlineFact = (d: Deadline.Deadline): DeadlineFact => ({
  dueAt: millis(d.dueAt),
  closedAt: optional(d.closedAt),
  late: d.status === "met_late"
})

const deadlinesOf = (
  projection: Projection,
  calendar: Calendar,
  policy: Deadline.Policy
): VersionFacts["deadlines"] => {
  const tip = projection.toTip()
  // Statuses of deadlines not met depend on the instant they are read at: only due and met instants are kept.
  const now = projection.lastEventAt
  try {
    const out: { [S in DeadlineSlot]?: DeadlineFact } = {}
    let transfer = false
    for (const d of deadlinesOfTip(tip, { now, calendar, policy, receivingUnit: probes.local })) {
      out[d.kind] = deadlineFact(d)
      if (d.kind === "transfer") transfer = true
    }
    if (transfer) {
      for (const d of deadlinesOfTip(tip, { now, calendar, policy, receivingUnit: probes.remote })) {
        if (d.kind === "transfer") out.transfer_remote = deadlineFact(d)
      }
    }
    return out
  } catch (error) {
    if (error instanceof HolidayCalendarError) return "calendar"
    throw error
  }
}

/**
 * The facts of a tip from its log, folded with the statistics engine's own rules (`Projection`, `Deadline.of`,
 * the engine's `outcomeOf` and last-due bound): what a storage adapter keeps so that it can count in its database
 * exactly what the in-memory engine counts. Throws where the log does not fold.
 *
 * @internal
 */
export const factsOf = (log: ReadonlyArray<TipEvent>, options: FactsOptions): TipFacts => {
  const received = log[0]
  if (received === undefined || received._tag !== "TipReceived") {
    throw new Error("A tip's log starts with TipReceived")
  }
  const from = options.from ?? 1
  const lastDue = lastDueOf(options.policy)
  const projection = new Projection(received as TipReceived)
  const versions: Array<Omit<VersionFacts, "until">> = []
  const handovers: Array<Handover> = []
  let since = millis(received.at)
  let decisions: Array<number> = []
  for (let i = 0; i < log.length; i++) {
    const event = log[i]!
    const at = millis(event.at)
    if (i > 0) {
      const held = projection.custody.length
      projection.apply(event as Exclude<TipEvent, TipReceived>)
      since = Math.max(since, at)
      // A handover closes the period before it: that period is final from here on.
      if (projection.custody.length > held) {
        const closed = projection.custody[held - 1]!
        if (projection.version >= from) {
          handovers.push({
            version: projection.version,
            seq: held - 1,
            unit: closed.unit,
            from: millis(closed.from),
            until: millis(closed.until!),
            since
          })
        }
      }
      if (event._tag === "Resolved" || event._tag === "Rejected") decisions = [at, ...decisions.filter((d) => d > at)]
    }
    if (projection.version < from) continue
    const current = projection.custody[projection.custody.length - 1]!
    versions.push({
      version: projection.version,
      since,
      status: projection.status,
      open: isOpenStatus(projection.status),
      unit: projection.unit,
      category: projection.category,
      legalType: projection.legalType,
      outcome: outcomeOf(projection),
      acknowledgedAt: optional(projection.acknowledgedAt),
      acceptedAt: optional(projection.acceptedAt),
      decidedAt: optional(projection.decidedAt),
      decisions,
      heldSince: millis(current.from),
      lastDue: lastDue(projection),
      deadlines: deadlinesOf(projection, options.calendar, options.policy)
    })
  }
  return {
    tip: received.tip,
    receivedAt: millis(received.at),
    receivingUnit: received.unit,
    channel: received.channel,
    channelId: received.channelId,
    versions: versions.map((v, i) => ({ ...v, until: versions[i + 1]?.since })),
    handovers
  }
}
