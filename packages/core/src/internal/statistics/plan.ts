import { Either } from "effect"
import * as DateTime from "effect/DateTime"
import type * as Deadline from "../../Deadline.js"
import type { Compliance, Durations, Query, Report } from "../../Statistics.js"
import type { Aggregates, CustodyTally, Months, Place, Plan, Tally, TransferUnit } from "../../StatisticsPlan.js"
import { ActorId } from "../access/actor.js"
import { type Calendar, coveredYears } from "../calendar/calendar.js"
import * as LocalDate from "../calendar/localDate.js"
import * as StatisticalPeriod from "../calendar/statisticalPeriod.js"
import { type Category, CategoryId } from "../lifecycle/category.js"
import { deadlinesOf } from "../lifecycle/deadline.js"
import { evolve, TipId } from "../lifecycle/tip.js"
import { TipReceived } from "../lifecycle/tipEvent.js"
import type { Label } from "../shared/label.js"
import * as UnitHierarchy from "../units/hierarchy.js"
import { impl } from "../units/hierarchyImpl.js"
import type { Unit, UnitId } from "../units/unit.js"
import { AliasId } from "../vault/identityVault.js"
import { StatisticsError } from "./engine.js"
import { probes } from "./facts.js"
import { reachOf } from "./fold.js"
import { describe, groupKey, keyOf, type Values } from "./groups.js"
import { measuresOf } from "./measures.js"
import { type MonthDimension, monthKeys, periodLabel, resolve, stockInstant } from "./period.js"
import { makeScope } from "./units.js"

export type { Aggregates, CustodyTally, Months, Place, Plan, TransferUnit }

const count = { met: 0, metLate: 0, missed: 0, pending: 0 }
const none: Durations = { count: 0, meanMillis: null, p50Millis: null, p90Millis: null, p99Millis: null }
const noCompliance: Compliance = {
  acknowledgement: count,
  transfer: count,
  verification: count,
  suspension_notice: count,
  restoration: count,
  resolution: count
}

/** The tally of a group with nothing in it. */
export const emptyTally: Tally = {
  receivedInPeriod: 0,
  resolvedInPeriod: 0,
  resolvedOfReceived: 0,
  openAtEnd: 0,
  overdueAtEnd: 0,
  compliance: noCompliance,
  timeToAcknowledge: none,
  timeToAccept: none,
  timeToResolve: none,
  transfers: 0
}

const invalid = (message: string) => new StatisticsError({ reason: "invalid", message })

const monthStart = (dimension: MonthDimension, key: string): number => {
  const year = Number(key.slice(0, 4))
  const month = Number(key.slice(5, 7))
  const first =
    dimension === "calendar_month"
      ? LocalDate.fromParts(year, month, 1)
      : StatisticalPeriod.policeMonth(year, month).first
  return DateTime.toEpochMillis(LocalDate.startOf(first))
}

/**
 * Which way a unit version's transfer deadline runs, asked of `Deadline.of` itself on a criminal tip received on
 * the version's first day: none, as for a commune, or as for a remote commune. The facts keep both commune variants.
 */
const transferKind = (unit: Unit, calendar: Calendar, policy: Deadline.Policy): "local" | "remote" | undefined => {
  const at = DateTime.add(LocalDate.startOf(unit.validFrom), { hours: 12 })
  const probe = evolve(
    undefined,
    new TipReceived({
      tip: TipId.make("statistics-probe"),
      at,
      by: ActorId.make("statistics"),
      unit: unit.id,
      code: "probe",
      registerNumber: 1,
      registerYear: 2000,
      channel: "in_person",
      reporterKind: "individual",
      alias: AliasId.make("AL-AAAAAAAAAAAAAAAA"),
      legalType: "tin_bao",
      category: CategoryId.make("crime"),
      summary: ""
    })
  )
  const dueWith = (receivingUnit: Unit) => {
    const d = deadlinesOf(probe, { now: at, calendar, policy, receivingUnit }).find((x) => x.kind === "transfer")
    return d === undefined ? undefined : DateTime.toEpochMillis(d.dueAt)
  }
  const due = dueWith(unit)
  if (due === undefined) return undefined
  if (due === dueWith(probes.local)) return "local"
  if (due === dueWith(probes.remote)) return "remote"
  throw new Error(`The transfer deadline of unit ${unit.id} is neither a commune's nor a remote commune's`)
}

const unitIds = (hierarchy: UnitHierarchy.UnitHierarchy): ReadonlyArray<UnitId> =>
  Array.from(impl(hierarchy).state.entries, ([id]) => id)

// The hierarchy is immutable, and a query meets few calendars and policies: classify its units once for each.
const transferCache = new WeakMap<
  UnitHierarchy.UnitHierarchy,
  Array<{ calendar: Calendar; policy: Deadline.Policy; units: ReadonlyArray<TransferUnit> }>
>()

const transferUnitsOf = (
  hierarchy: UnitHierarchy.UnitHierarchy,
  ids: ReadonlyArray<UnitId>,
  calendar: Calendar,
  policy: Deadline.Policy
): ReadonlyArray<TransferUnit> => {
  const cached = transferCache.get(hierarchy) ?? []
  const hit = cached.find((c) => c.calendar === calendar && c.policy === policy)
  if (hit !== undefined) return hit.units
  const units: Array<TransferUnit> = []
  for (const unit of ids) {
    for (const version of UnitHierarchy.versions(hierarchy, unit)) {
      const kind = transferKind(version, calendar, policy)
      if (kind === undefined) continue
      units.push({
        unit,
        from: DateTime.toEpochMillis(LocalDate.startOf(version.validFrom)),
        to: version.validTo === undefined ? undefined : DateTime.toEpochMillis(LocalDate.startOf(version.validTo)),
        remote: kind === "remote"
      })
    }
  }
  transferCache.set(hierarchy, [...cached.slice(-3), { calendar, policy, units }])
  return units
}

/** @internal */
export const plan = (
  hierarchy: UnitHierarchy.UnitHierarchy,
  query: Query,
  options: {
    readonly calendar: Calendar
    readonly policy: Deadline.Policy
    readonly taxonomy: ReadonlyMap<string, Category>
    readonly channels: ReadonlyMap<string, Label>
    readonly now: number
  }
): Plan => {
  const period = resolve(query, options.now)
  const { asOf, measuredAt, range, window } = period
  const scope = makeScope(hierarchy, query.root, asOf)
  if (scope === undefined) {
    throw invalid(
      `Unit ${query.root} does not exist on ${asOf}; choose a unit that holds on that date, or another date.`
    )
  }
  const dimensions = query.groupBy ?? []
  const monthDimension = dimensions.find((d): d is MonthDimension => d === "calendar_month" || d === "police_month")
  const months =
    monthDimension === undefined
      ? undefined
      : (() => {
          const keys = monthKeys(monthDimension, window)
          return { dimension: monthDimension, keys, starts: keys.map((key) => monthStart(monthDimension, key)) }
        })()

  const ids = unitIds(hierarchy)
  const places: Array<Place> = []
  for (const unit of ids) {
    const place = scope.place(unit)
    if (place === "outside") places.push({ unit, outside: true })
    else if (place !== "unplaced") places.push({ unit, answering: place.unit, group: place.group })
  }
  const transferUnits = transferUnitsOf(hierarchy, ids, options.calendar, options.policy)

  const finish = (aggregates: Aggregates): Either.Either<Report, StatisticsError> => {
    if (aggregates.calendarGap) {
      return Either.left(
        new StatisticsError({
          reason: "calendar",
          message: `A tip counted in this report has a deadline in a year the holiday calendar (${coveredYears.from}–${coveredYears.to}) does not cover.`
        })
      )
    }
    const describer = describe(scope, options.taxonomy, options.channels)
    const byKey = new Map<string, { values: Values; tally: Tally }>()
    const lists: Array<ReadonlyArray<string>> = []
    for (const d of dimensions) {
      if (d === "unit") lists.push(scope.children.map((u) => u.id))
      else if (d === "calendar_month" || d === "police_month") lists.push(months!.keys)
      else break
    }
    // Every child unit and every month is listed, as the in-memory engine seeds them, when every dimension can be.
    if (lists.length === dimensions.length && lists.length > 0) {
      let rows: Array<Array<string>> = [[]]
      for (const list of lists) rows = rows.flatMap((row) => list.map((v) => [...row, v]))
      for (const values of rows) byKey.set(groupKey(values), { values, tally: emptyTally })
    }
    for (const group of aggregates.groups) byKey.set(groupKey(group.values), group)
    const rows = [...byKey.values()].sort((a, b) => {
      for (let i = 0; i < dimensions.length; i++) {
        const c = describer.compare(dimensions[i]!, a.values[i]!, b.values[i]!)
        if (c !== 0) return c
      }
      return 0
    })
    const reach = reachOf(query, scope)
    const unitOnly = dimensions.length === 1 && dimensions[0] === "unit"
    return Either.right({
      query,
      root: { id: scope.root.id, name: scope.root.name },
      asOf,
      measuredAt: DateTime.unsafeMake(measuredAt),
      period: { first: range.first, last: range.last, label: periodLabel(query.period, range) },
      total: measuresOf(aggregates.total, reach.total),
      groups: rows.map(({ tally, values }) => {
        const labels = values.map((v, i) => describer.label(dimensions[i]!, v))
        return {
          key: keyOf(dimensions, values),
          label: { vi: labels.map((l) => l.vi).join(" · "), en: labels.map((l) => l.en).join(" · ") },
          labels,
          measures: measuresOf(
            tally,
            unitOnly ? (reach.byGroup.get(values[0]!) ?? (reach.total === null ? null : 0)) : null
          )
        }
      }),
      custody: [...aggregates.custody]
        .sort((a, b) => scope.order(a.unit) - scope.order(b.unit))
        .map((row) => ({ ...row, name: scope.name(row.unit) }))
        .map(({ handedOn, heldAtEnd, held, name, periods, unit }) => ({
          unit,
          name,
          periods,
          handedOn,
          heldAtEnd,
          held
        })),
      unplaced: aggregates.unplaced,
      scanned: aggregates.scanned
    })
  }

  return {
    query,
    start: window.start,
    end: window.end,
    measuredAt,
    stockAt: stockInstant(period),
    attribution: query.attribution ?? "receiving",
    dimensions,
    months,
    filters: {
      ...(query.categories !== undefined ? { categories: query.categories } : {}),
      ...(query.legalTypes !== undefined ? { legalTypes: query.legalTypes } : {}),
      ...(query.channels !== undefined ? { channels: query.channels } : {}),
      ...(query.channelIds !== undefined ? { channelIds: query.channelIds } : {}),
      ...(query.statuses !== undefined ? { statuses: query.statuses } : {})
    },
    places,
    transferUnits,
    finish
  }
}
