import * as DateTime from "effect/DateTime"
import type { Policy } from "../../Deadline.js"
import type { Query, Report } from "../../Statistics.js"
import type { StoredEvent } from "../../TipStore.js"
import { type Calendar, HolidayCalendarError } from "../calendar/calendar.js"
import type { Category } from "../lifecycle/category.js"
import type { TipId } from "../lifecycle/tip.js"
import type { TipEvent } from "../lifecycle/tipEvent.js"
import type { Label } from "../shared/label.js"
import type { UnitHierarchy } from "../units/hierarchy.js"
import type { UnitId } from "../units/unit.js"
import { StatisticsError } from "./engine.js"
import { describe, Groups } from "./groups.js"
import { Acc, durations, measures } from "./measures.js"
import { periodLabel, type Resolved, resolve } from "./period.js"
import { Projection } from "./projection.js"
import { makeTipCounter } from "./tip.js"
import { makeScope, type Scope } from "./units.js"

/** What a query is computed with, besides the events. */
export interface Input {
  readonly hierarchy: UnitHierarchy
  readonly calendar: Calendar
  readonly policy: Policy
  readonly taxonomy: ReadonlyMap<string, Category>
  /** The labels of channel values (`channelNames` of the options' platforms). */
  readonly channels: ReadonlyMap<string, Label>
  readonly query: Query
  /** The time of the query (epoch millis): a period still running is counted as it stands then. */
  readonly now: number
}

/** A tip being folded: its state when the figures are taken, and its last decision inside the period. */
interface Entry {
  readonly state: Projection
  decidedAt: number | undefined
  frozen: boolean
}

// A tip received after the period, or outside the root when counted by receiving unit, is never folded.
const SKIPPED = "skipped" as const

/** The one-pass statistics of a query: `push` every event of the log in order, then `finish` once. */
export interface Accumulator {
  readonly push: (event: StoredEvent | TipEvent) => void
  readonly finish: () => Report
}

const invalid = (message: string) => new StatisticsError({ reason: "invalid", message })

/** @internal */
export const makeAccumulator = (input: Input): Accumulator => {
  const { hierarchy, query } = input
  const period: Resolved = resolve(query, input.now)
  const { asOf, measuredAt, range, window } = period
  const scope = makeScope(hierarchy, query.root, asOf)
  if (scope === undefined) {
    throw invalid(
      `Unit ${query.root} does not exist on ${asOf}; choose a unit that holds on that date, or another date.`
    )
  }
  const byReceiving = (query.attribution ?? "receiving") === "receiving"
  const tips = new Map<TipId, Entry | typeof SKIPPED>()
  let events = 0
  let unplaced = 0

  const push = (item: StoredEvent | TipEvent): void => {
    const event = "_tag" in item ? item : item.event
    events++
    const at = DateTime.toEpochMillis(event.at)
    const entry = tips.get(event.tip)
    if (event._tag === "TipReceived") {
      if (entry !== undefined) throw corrupt(event.tip, "is received twice")
      const placement = byReceiving && at < measuredAt ? scope.place(event.unit) : undefined
      if (placement === "unplaced") unplaced++
      if (at >= measuredAt || typeof placement === "string") tips.set(event.tip, SKIPPED)
      else tips.set(event.tip, { state: new Projection(event), decidedAt: undefined, frozen: false })
      return
    }
    if (entry === undefined) throw corrupt(event.tip, `has ${event._tag} before it was received`)
    if (entry === SKIPPED || entry.frozen) return
    // Figures are taken at 24:00 of the last day (that instant belongs to the next day), or now while the period runs.
    if (at >= measuredAt) {
      entry.frozen = true
      return
    }
    try {
      entry.state.apply(event)
    } catch (cause) {
      throw corrupt(event.tip, `has ${event._tag} where its lifecycle does not allow it`, cause)
    }
    if ((event._tag === "Resolved" || event._tag === "Rejected") && at >= window.start) entry.decidedAt = at
  }

  const finish = (): Report => {
    const dimensions = query.groupBy ?? []
    const groups = new Groups(dimensions)
    groups.seed(scope, window)
    const total = new Acc()
    const counter = makeTipCounter({ ...input, scope, period, groups, total, byReceiving })
    let unplacedHeld = 0
    for (const entry of tips.values()) {
      if (entry === SKIPPED) continue
      try {
        if (counter.count(entry.state, entry.decidedAt) === "unplaced") unplacedHeld++
      } catch (cause) {
        if (cause instanceof HolidayCalendarError) {
          throw new StatisticsError({ reason: "calendar", message: cause.message, cause })
        }
        throw cause
      }
    }
    const reach = reachOf(query, scope)
    const unitOnly = dimensions.length === 1 && dimensions[0] === "unit"
    return {
      query,
      root: { id: scope.root.id, name: scope.root.name },
      asOf,
      measuredAt: DateTime.unsafeMake(measuredAt),
      period: { first: range.first, last: range.last, label: periodLabel(query.period, range) },
      total: measures(total, reach.total),
      groups: groups.finish(describe(scope, input.taxonomy, input.channels), (values) =>
        unitOnly ? (reach.byGroup.get(values[0]!) ?? (reach.total === null ? null : 0)) : null
      ),
      custody: counter.custody().map((row) => ({
        unit: row.unit,
        name: scope.name(row.unit),
        periods: row.held.length,
        handedOn: row.handedOn,
        heldAtEnd: row.heldAtEnd,
        held: durations(row.held)
      })),
      unplaced: unplaced + unplacedHeld,
      scanned: { events, tips: tips.size }
    }
  }

  return { push, finish }
}

const corrupt = (tip: TipId, what: string, cause?: unknown) =>
  new StatisticsError({
    reason: "corrupt",
    message: `The event log is not consistent: tip ${tip} ${what}.`,
    ...(cause === undefined ? {} : { cause })
  })

/** Channels bound per unit, mapped to the units that answer for them on the query's date. */
export const reachOf = (query: Query, scope: Scope) => {
  const byGroup = new Map<string, number>()
  if (query.reach === undefined) return { total: null, byGroup }
  let total = 0
  for (const [unit, count] of Object.entries(query.reach)) {
    const place = scope.place(unit as UnitId)
    if (typeof place === "string") continue
    total += count
    byGroup.set(place.group, (byGroup.get(place.group) ?? 0) + count)
  }
  return { total, byGroup }
}
