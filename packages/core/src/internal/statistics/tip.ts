import { Option } from "effect"
import * as DateTime from "effect/DateTime"
import type * as Deadline from "../../Deadline.js"
import type { Dimension, OutcomeKey } from "../../Statistics.js"
import * as LocalDate from "../calendar/localDate.js"
import type * as Period from "../calendar/period.js"
import { deadlinesOf } from "../lifecycle/deadline.js"
import { isOpen, isOpenStatus, type Tip } from "../lifecycle/tip.js"
import * as UnitHierarchy from "../units/hierarchy.js"
import type { UnitId } from "../units/unit.js"
import type { Input } from "./fold.js"
import type { Groups } from "./groups.js"
import { type Acc, add, type Contribution } from "./measures.js"
import { dateOfMillis, type MonthDimension, monthKeyOfMillis, type Resolved, stockInstant } from "./period.js"
import type { Projection } from "./projection.js"
import type { Place, Scope } from "./units.js"

/**
 * What became of a tip: counted, left out by a filter, outside the root, with no unit answering for it, or idle (closed
 * before the period with every deadline due before it: nothing to count).
 */
export type Counted = "counted" | "filtered" | "outside" | "unplaced" | "idle"

/** Time held by one unit: custody periods that ended in the period, and tips it still held at the end. */
export interface CustodyTally {
  readonly unit: UnitId
  handedOn: number
  heldAtEnd: number
  readonly held: Array<number>
}

interface CounterInput extends Input {
  readonly scope: Scope
  readonly period: Resolved
  readonly groups: Groups
  readonly total: Acc
  readonly byReceiving: boolean
}

const DAY = 24 * 60 * 60 * 1000
const millis = DateTime.toEpochMillis

// Generous upper bounds of each period's length, so that a tip whose deadlines all fell due before the period can
// be passed over without computing them.
const longest = (p: Period.Period): number => {
  switch (p._tag) {
    case "Hours":
      return p.hours * 60 * 60 * 1000
    case "Days":
      return (p.days + 1) * DAY
    case "WorkingDays":
      return (2 * p.days + 30) * DAY
    case "Months":
      return (31 * p.months + 32) * DAY
  }
}

const horizonOf = (policy: Deadline.Policy): number =>
  Object.values(policy).reduce<number>((sum, v) => (typeof v === "object" ? sum + longest(v) : sum), 0)

/**
 * A bound after which a closed tip has nothing left to count: every deadline of its state falls due by then (the
 * last event, plus every period of the policy, plus the extensions it had). Used to pass over such tips, and by
 * storage adapters to do the same.
 *
 * @internal
 */
export const lastDueOf = (policy: Deadline.Policy) => {
  const horizon = horizonOf(policy)
  const extension = longest(policy.denunciationExtension)
  return (tip: {
    readonly lastEventAt: DateTime.Utc
    readonly complexExtensions: number
    readonly procuracyExtendedUntil?: string | undefined
  }): number => {
    const bound = millis(tip.lastEventAt) + horizon + tip.complexExtensions * extension
    if (tip.procuracyExtendedUntil === undefined) return bound
    return Math.max(bound, millis(LocalDate.endOf(LocalDate.unsafeMake(tip.procuracyExtendedUntil))))
  }
}

/** @internal */
export const outcomeOf = (tip: {
  readonly status: Tip["status"]
  readonly outcome?: Tip["outcome"] | undefined
  readonly rejection?: Tip["rejection"] | undefined
}): OutcomeKey =>
  tip.status === "resolved" && tip.outcome !== undefined
    ? tip.outcome._tag
    : tip.status === "rejected" && tip.rejection !== undefined
      ? tip.rejection._tag
      : "none"

const valueOf = (dimension: Dimension, tip: Tip, place: Place): string | null => {
  switch (dimension) {
    case "unit":
      return place.group
    case "category":
      return tip.category
    case "channel":
      return tip.channel
    case "channel_id":
      return tip.channelId ?? null
    case "status":
      return tip.status
    case "outcome":
      return outcomeOf(tip)
    case "legal_type":
      return tip.legalType
    case "calendar_month":
    case "police_month":
      return null
  }
}

const setOf = <A>(list: ReadonlyArray<A> | undefined): ReadonlySet<A> | undefined =>
  list === undefined ? undefined : new Set(list)

/** Counts tips, each from its state when the figures are taken, into the total and its groups. */
export const makeTipCounter = (input: CounterInput) => {
  const { calendar, groups, hierarchy, period, policy, query, scope, total } = input
  const { end, start } = period.window
  const dimensions = query.groupBy ?? []
  const monthAt = dimensions.findIndex((d) => d === "calendar_month" || d === "police_month")
  const monthDimension = monthAt < 0 ? undefined : (dimensions[monthAt] as MonthDimension)
  const filters = {
    category: setOf<string>(query.categories),
    legalType: setOf<string>(query.legalTypes),
    channel: setOf<string>(query.channels),
    channelId: setOf<string>(query.channelIds),
    status: setOf<string>(query.statuses)
  }
  // Deadlines are read when the figures are taken: one due later in a running period is pending, not missed.
  const now = DateTime.unsafeMake(period.measuredAt)
  const stockAt = stockInstant(period)
  const lastDue = lastDueOf(policy)
  const custody = new Map<UnitId, CustodyTally>()

  const tallyOf = (unit: UnitId): CustodyTally => {
    let tally = custody.get(unit)
    if (tally === undefined) {
      tally = { unit, handedOn: 0, heldAtEnd: 0, held: [] }
      custody.set(unit, tally)
    }
    return tally
  }

  const passes = (tip: Tip): boolean =>
    (filters.category === undefined || filters.category.has(tip.category)) &&
    (filters.legalType === undefined || filters.legalType.has(tip.legalType)) &&
    (filters.channel === undefined || filters.channel.has(tip.channel)) &&
    (filters.channelId === undefined || (tip.channelId !== undefined && filters.channelId.has(tip.channelId))) &&
    (filters.status === undefined || filters.status.has(tip.status))

  // The tip being counted: its group values (the month slot filled per contribution) and, without a month, its group.
  let values: Array<string | null> = []
  let fixed: Acc | undefined

  const accOf = (at: number): Acc | undefined => {
    if (monthDimension === undefined) return fixed
    values[monthAt] = monthKeyOfMillis(monthDimension, at)
    return groups.acc([...values])
  }

  const put = (what: Contribution, at: number, value = 0): void => {
    add(total, what, value)
    const acc = accOf(at)
    if (acc !== undefined) add(acc, what, value)
  }

  const count = (projection: Projection, decidedAt: number | undefined): Counted => {
    const place = scope.place(input.byReceiving ? projection.received.unit : projection.unit)
    if (typeof place === "string") return place
    if (!isOpenStatus(projection.status) && lastDue(projection) <= start) return "idle"
    const tip = projection.toTip()
    if (!passes(tip)) return "filtered"
    values = dimensions.map((d) => valueOf(d, tip, place))
    fixed = dimensions.length > 0 && monthDimension === undefined ? groups.acc(values) : undefined

    const open = isOpen(tip)
    const receivedAt = millis(tip.receivedAt)
    if (receivedAt >= start) {
      put("received", receivedAt)
      if (!open) put("resolvedOfReceived", receivedAt)
    }
    if (decidedAt !== undefined) {
      put("resolved", decidedAt)
      put("resolve", decidedAt, decidedAt - receivedAt)
    }
    if (open) put("open", stockAt)
    const acknowledgedAt = tip.acknowledgedAt === undefined ? undefined : millis(tip.acknowledgedAt)
    if (acknowledgedAt !== undefined && acknowledgedAt >= start) {
      put("acknowledge", acknowledgedAt, acknowledgedAt - receivedAt)
    }
    const acceptedAt = tip.acceptedAt === undefined ? undefined : millis(tip.acceptedAt)
    if (acceptedAt !== undefined && acceptedAt >= start) put("accept", acceptedAt, acceptedAt - receivedAt)

    const closedAt = open || tip.decidedAt === undefined ? undefined : millis(tip.decidedAt)
    for (let i = 0; i < tip.custody.length; i++) {
      const c = tip.custody[i]
      const from = millis(c.from)
      if (i > 0 && from >= start) put("transfer", from)
      const held = scope.place(c.unit)
      if (typeof held === "string") continue
      const until = c.until === undefined ? closedAt : millis(c.until)
      if (until === undefined) tallyOf(held.unit).heldAtEnd++
      else if (until >= start) {
        const tally = tallyOf(held.unit)
        tally.held.push(until - from)
        if (c.until !== undefined) tally.handedOn++
      }
    }

    if (open || lastDue(projection) > start) {
      const date = dateOfMillis(receivedAt)
      const receivingUnit = Option.getOrUndefined(UnitHierarchy.get(hierarchy, tip.receivingUnit, date))
      let missed = false
      for (const d of deadlinesOf(tip, { now, calendar, policy, ...(receivingUnit ? { receivingUnit } : {}) })) {
        if (d.status === "missed") missed = true
        const due = millis(d.dueAt)
        // Due times are 24:00 instants: one due at the period's start closed the period before.
        if (due <= start || due > end) continue
        total.deadline(d.kind, d.status)
        accOf(due - 1)?.deadline(d.kind, d.status)
      }
      if (open && missed) put("overdue", stockAt)
    }
    return "counted"
  }

  const custodyRows = (): ReadonlyArray<CustodyTally> =>
    [...custody.values()].sort((a, b) => scope.order(a.unit) - scope.order(b.unit))

  return { count, custody: custodyRows }
}
