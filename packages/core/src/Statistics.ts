/**
 * Statistics of tips (thống kê tin báo): counts, rates, deadline compliance and durations, for a unit's subtree,
 * a period and filters, grouped by child unit, category, channel, status, outcome, month or legal type.
 *
 * Every figure is derived from the event log as it stood when the figures are taken, at `min(end of the period, now)`
 * (`Report.measuredAt`): each tip is folded from its events up to that instant, and the rest of the log is ignored.
 * A period still running is counted as it stands now: a tip received a minute ago is not overdue, and its deadlines
 * are pending. A period that has not begun fails with reason `future`. Cohort measures follow the tips received in the period
 * (`receivedInPeriod`, `resolvedOfReceived`, `resolutionRate`); activity measures follow what happened in it,
 * whenever the tip was received (`resolvedInPeriod`, durations, transfers, deadlines due). See `docs/statistics.md`
 * for every rule, with examples.
 *
 * The in-memory engine reads the log once, whatever the grouping; {@link compute} is the same computation as a pure
 * function over any iterable of events.
 *
 * @since 0.1.0
 * @module
 */

import { type Effect, Either, type Layer, Schema } from "effect"
import * as DateTime from "effect/DateTime"
import type { Calendar, HolidayCalendar } from "./Calendar.js"
import * as Category from "./Category.js"
import * as Deadline from "./Deadline.js"
import { type StatisticsEngine, StatisticsError } from "./internal/statistics/engine.js"
import * as fold from "./internal/statistics/fold.js"
import { channelNames } from "./internal/statistics/labels.js"
import * as period from "./internal/statistics/period.js"
import * as schema from "./internal/statistics/schema.js"
import * as service from "./internal/statistics/service.js"
import type { Label } from "./Label.js"
import type { DateRange } from "./StatisticalPeriod.js"
import type { TipEvent } from "./TipEvent.js"
import type { StoredEvent, TipStore } from "./TipStore.js"
import type { UnitDirectory } from "./UnitDirectory.js"
import type { UnitHierarchy } from "./UnitHierarchy.js"

export { StatisticsEngine, StatisticsError } from "./internal/statistics/engine.js"

export { channelLabels, dimensionLabels, outcomeLabels } from "./internal/statistics/labels.js"

/**
 * The period of a query, bucketed in Asia/Ho_Chi_Minh: a calendar day, month or year; a police statistical month
 * (the 15th of the month before to the 14th) or year (15 December to 14 December); or any range of dates.
 *
 * @since 0.1.0
 * @category models
 */
export const PeriodSpec = schema.PeriodSpec

/**
 * @since 0.1.0
 * @category models
 */
export type PeriodSpec = typeof PeriodSpec.Type

/**
 * The dates a period covers, first and last included (Vietnam dates), as the engine counts them: for filtering
 * other views (a list of tips) by the same period as a report.
 *
 * @since 0.2.0
 * @category getters
 */
export const rangeOf: (spec: PeriodSpec) => DateRange = period.rangeOf

/**
 * What groups can be formed by: `unit` (the root's children as of the query's date), `category`, `channel` (its
 * kind), `channel_id`, `status` and `outcome` (at the period's end), `calendar_month`, `police_month`, `legal_type`.
 *
 * @since 0.1.0
 * @category models
 */
export const Dimension = schema.Dimension

/**
 * @since 0.1.0
 * @category models
 */
export type Dimension = typeof Dimension.Type

/**
 * Which unit a tip counts for: the unit that received it (`receiving`, the register's view, the default) or the unit
 * holding it at the period's end (`holding`). Either way mapped through lineage to the unit answering on `asOf`.
 *
 * @since 0.1.0
 * @category models
 */
export const Attribution = schema.Attribution

/**
 * @since 0.1.0
 * @category models
 */
export type Attribution = typeof Attribution.Type

/**
 * A statistics query. `root` is a unit holding on `asOf` (by default the period's last day); tips count for the unit
 * that answers on `asOf` for their unit, so old units' tips count under their successors. Filters (each a non-empty
 * list) keep tips whose value, at the period's end, is listed. `reach` is the number of channels bound to each unit.
 *
 * @since 0.1.0
 * @category models
 */
export const Query = schema.Query

/**
 * @since 0.1.0
 * @category models
 */
export type Query = typeof Query.Type

/**
 * The outcome of a tip at the period's end: an outcome of `Resolved`, a rejection of `Rejected`, or `none` while open.
 *
 * @since 0.1.0
 * @category models
 */
export const OutcomeKey = schema.OutcomeKey

/**
 * @since 0.1.0
 * @category models
 */
export type OutcomeKey = typeof OutcomeKey.Type

/**
 * Durations in milliseconds: how many, the mean, and the nearest-rank percentiles 50, 90 and 99 (each one of the
 * samples); `null` when there are none.
 *
 * @since 0.1.0
 * @category models
 */
export const Durations = schema.Durations

/**
 * @since 0.1.0
 * @category models
 */
export type Durations = typeof Durations.Type

/**
 * How the deadlines of one kind that fell due in the period stand at its end.
 *
 * @since 0.1.0
 * @category models
 */
export const DeadlineCounts = schema.DeadlineCounts

/**
 * @since 0.1.0
 * @category models
 */
export type DeadlineCounts = typeof DeadlineCounts.Type

/**
 * Deadline compliance per kind of deadline.
 *
 * @since 0.1.0
 * @category models
 */
export const Compliance = schema.Compliance

/**
 * @since 0.1.0
 * @category models
 */
export type Compliance = typeof Compliance.Type

/**
 * The measures of a group or of the total; see the module documentation and `docs/statistics.md`.
 *
 * @since 0.1.0
 * @category models
 */
export const Measures = schema.Measures

/**
 * @since 0.1.0
 * @category models
 */
export type Measures = typeof Measures.Type

/**
 * The values that define a group, one per grouped dimension (`channelId: null` is "no channel id").
 *
 * @since 0.1.0
 * @category models
 */
export const GroupKey = schema.GroupKey

/**
 * @since 0.1.0
 * @category models
 */
export type GroupKey = typeof GroupKey.Type

/**
 * One group of a report: its key, its label (one label per dimension in `labels`, joined with " · " in `label`) and
 * its measures.
 *
 * @since 0.1.0
 * @category models
 */
export const Group = schema.Group

/**
 * @since 0.1.0
 * @category models
 */
export type Group = typeof Group.Type

/**
 * Time at one unit: custody periods that ended in the period (`handedOn` of them by a transfer, the others by a
 * decision), how long they lasted, and how many tips the unit still held at the end.
 *
 * @since 0.1.0
 * @category models
 */
export const CustodyRow = schema.CustodyRow

/**
 * @since 0.1.0
 * @category models
 */
export type CustodyRow = typeof CustodyRow.Type

/**
 * A report: the query, the root and period, the total, the groups, time at each unit, and the tips that could not be
 * placed on `asOf` (their unit did not exist yet). `measuredAt` is the instant the figures were taken ("tính đến",
 * as of): the period's end (24:00 on its last day), or the time of the query while the period runs.
 *
 * @since 0.1.0
 * @category models
 */
export const Report = schema.Report

/**
 * @since 0.1.0
 * @category models
 */
export type Report = typeof Report.Type

/**
 * Options of the engine: the deadline policy (the law's values by default), the taxonomy that labels categories
 * (the standard one by default), and the platforms the deployment adds to the built-in ones
 * (`Channel.builtinPlatforms`), which label their channel rows. Reports list channels in the built-ins' order, then
 * the others by id; a channel nobody declared is labelled by its id. A declared id must follow `Channel.PlatformId`,
 * else every query fails with `invalid`.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  readonly policy?: Deadline.Policy
  readonly taxonomy?: ReadonlyMap<Category.CategoryId, Category.Category>
  /** @since 0.2.0 */
  readonly platforms?: ReadonlyArray<{ readonly id: string; readonly label: Label }>
}

/**
 * Options of {@link compute}: the engine's, and `now`, the time of the query. A period still running is counted as it
 * stands at `now`; one that has not begun by then fails with reason `future`.
 *
 * @since 0.2.0
 * @category models
 */
export interface ComputeOptions extends Options {
  readonly now: DateTime.Utc
}

/**
 * Reads a query from untrusted input (an HTTP request's JSON).
 *
 * @since 0.1.0
 * @category constructors
 */
export const decodeQuery = (input: unknown): Either.Either<Query, StatisticsError> =>
  Either.mapLeft(Schema.decodeUnknownEither(Query)(input), service.invalidQuery)

/**
 * The report of a query over events in log order (`TipStore.stream`'s `StoredEvent`s or bare `TipEvent`s, every tip's
 * from its receipt), in one pass, with its figures taken at `min(end of the period, options.now)`. Pure: the same
 * events, query and `now` always give the same report. Fails with a `StatisticsError`: `invalid` for a bad query,
 * `future` for a period that begins after `now`, `corrupt` for a log that does not fold, `calendar` for a deadline in
 * a year the calendar does not cover.
 *
 * @since 0.1.0
 * @category computations
 */
export const compute = (
  events: Iterable<StoredEvent | TipEvent>,
  hierarchy: UnitHierarchy,
  calendar: Calendar,
  query: Query,
  options: ComputeOptions
): Either.Either<Report, StatisticsError> =>
  Either.flatMap(Either.mapLeft(Schema.validateEither(Query)(query), service.invalidQuery), (valid) => {
    try {
      const accumulator = fold.makeAccumulator({
        hierarchy,
        calendar,
        policy: options.policy ?? Deadline.defaultPolicy,
        taxonomy: options.taxonomy ?? Category.taxonomy(),
        channels: channelNames(options.platforms),
        query: valid,
        now: DateTime.toEpochMillis(options.now)
      })
      for (const event of events) accumulator.push(event)
      return Either.right(accumulator.finish())
    } catch (error) {
      if (error instanceof StatisticsError) return Either.left(error)
      throw error
    }
  })

/**
 * The engine over a `query` of one's own (a storage adapter that computes in its database), with the actor checks
 * of `queryAs` added.
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromQuery: (
  query: StatisticsEngine["Type"]["query"]
) => Effect.Effect<StatisticsEngine["Type"], never, UnitDirectory> = service.fromQuery

/**
 * The in-memory engine: each query reads the whole log from the store once, and takes its figures at
 * `min(end of the period, now)`, `now` from the `Clock`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: (
  options?: Options
) => Effect.Effect<StatisticsEngine["Type"], never, TipStore | UnitDirectory | HolidayCalendar> = service.make

/**
 * The in-memory engine as a layer over the store, the directory and the calendar.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerMemory: (
  options?: Options
) => Layer.Layer<StatisticsEngine, never, TipStore | UnitDirectory | HolidayCalendar> = service.layerMemory
