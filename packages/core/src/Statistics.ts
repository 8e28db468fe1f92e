/**
 * Statistics of tips (thống kê tin báo): counts, rates, deadline compliance and durations, for a unit's subtree,
 * a period and filters, grouped by child unit, category, channel, status, outcome, month or legal type.
 *
 * Every figure is derived from the event log as it stood at the end of the period: each tip is folded from its events
 * up to that instant, and the rest of the log is ignored. Cohort measures follow the tips received in the period
 * (`receivedInPeriod`, `resolvedOfReceived`, `resolutionRate`); activity measures follow what happened in it,
 * whenever the tip was received (`resolvedInPeriod`, durations, transfers, deadlines due). See `docs/statistics.md`
 * for every rule, with examples.
 *
 * The in-memory engine reads the log once, whatever the grouping; {@link compute} is the same computation as a pure
 * function over any iterable of events.
 *
 * @since 0.1.0
 */

import { Context, type Effect, Either, type Layer, Schema } from "effect"
import type { AccessDenied } from "./Access.js"
import type { Actor } from "./Actor.js"
import type { Calendar, HolidayCalendar } from "./Calendar.js"
import type { CategoryId, LegalType } from "./Category.js"
import * as Category from "./Category.js"
import * as Deadline from "./Deadline.js"
import * as facts from "./internal/statisticsFacts.js"
import * as fold from "./internal/statisticsFold.js"
import * as plan_ from "./internal/statisticsPlan.js"
import * as schema from "./internal/statisticsSchema.js"
import * as service from "./internal/statisticsService.js"
import type { Label } from "./Label.js"
import type { ChannelKind, Status, TipId } from "./Tip.js"
import type { TipEvent } from "./TipEvent.js"
import type { StoredEvent, TipStore } from "./TipStore.js"
import type { UnitId } from "./Unit.js"
import type { UnitDirectory } from "./UnitDirectory.js"
import type { UnitHierarchy } from "./UnitHierarchy.js"

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
 * placed on `asOf` (their unit did not exist yet).
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
 * Labels of the channel kinds.
 *
 * @since 0.1.0
 * @category constants
 */
export const channelLabels: { readonly [K in ChannelKind]: Label } = {
  zalo: { vi: "Zalo", en: "Zalo" },
  facebook: { vi: "Facebook", en: "Facebook" },
  web: { vi: "Trang thông tin điện tử", en: "Web" },
  in_person: { vi: "Trực tiếp", en: "In person" },
  phone: { vi: "Điện thoại", en: "Phone" },
  hotline_113: { vi: "Tổng đài 113", en: "113 hotline" },
  post: { vi: "Bưu chính", en: "Post" },
  vneid: { vi: "VNeID", en: "VNeID" },
  media: { vi: "Báo chí", en: "Media" }
}

/**
 * Labels of the outcomes.
 *
 * @since 0.1.0
 * @category constants
 */
export const outcomeLabels: { readonly [K in OutcomeKey]: Label } = {
  none: { vi: "Chưa có kết quả", en: "No outcome yet" },
  Prosecuted: { vi: "Khởi tố", en: "Prosecuted" },
  NotProsecuted: { vi: "Không khởi tố", en: "Not prosecuted" },
  Handled: { vi: "Đã xử lý", en: "Handled" },
  NotConfirmed: { vi: "Không xác minh được", en: "Not confirmed" },
  Referred: { vi: "Chuyển cơ quan khác", en: "Referred to another agency" },
  Founded: { vi: "Tố cáo đúng", en: "Founded" },
  PartlyFounded: { vi: "Tố cáo đúng một phần", en: "Partly founded" },
  Unfounded: { vi: "Tố cáo sai", en: "Unfounded" },
  Duplicate: { vi: "Tin trùng", en: "Duplicate" },
  FalseReport: { vi: "Tin báo sai sự thật", en: "False report" },
  OutOfScope: { vi: "Không thuộc phạm vi", en: "Out of scope" }
}

/**
 * Labels of the dimensions.
 *
 * @since 0.1.0
 * @category constants
 */
export const dimensionLabels: { readonly [K in Dimension]: Label } = {
  unit: { vi: "Đơn vị", en: "unit" },
  category: { vi: "Lĩnh vực", en: "category" },
  channel: { vi: "Kênh", en: "channel" },
  channel_id: { vi: "Mã kênh", en: "channel id" },
  status: { vi: "Trạng thái", en: "status" },
  outcome: { vi: "Kết quả", en: "outcome" },
  calendar_month: { vi: "Tháng", en: "month" },
  police_month: { vi: "Tháng thống kê", en: "police month" },
  legal_type: { vi: "Loại nguồn tin", en: "legal type" }
}

/**
 * The one error of the statistics engine: `invalid` (the query breaks its schema, or its root does not hold on its
 * date), `unavailable` (the store or directory cannot be read), `corrupt` (the log does not fold), `calendar` (a
 * deadline falls in a year the holiday calendar does not cover).
 *
 * @since 0.1.0
 * @category errors
 */
export class StatisticsError extends Schema.TaggedError<StatisticsError>("@tinbao/core/StatisticsError")(
  "StatisticsError",
  {
    reason: Schema.Literal("invalid", "unavailable", "corrupt", "calendar"),
    message: Schema.String,
    cause: Schema.optional(Schema.Defect)
  }
) {}

/**
 * The statistics engine. `queryAs` checks the actor first: any of the roles officer, leader, viewer or administrator,
 * and a root whose unit answering today lies within the actor's scope.
 *
 * @since 0.1.0
 * @category tags
 */
export class StatisticsEngine extends Context.Tag("@tinbao/core/StatisticsEngine")<
  StatisticsEngine,
  {
    /** The report of a query, with no access check (for trusted callers: jobs, exports). */
    readonly query: (query: Query) => Effect.Effect<Report, StatisticsError>
    /** The report of a query for an actor; a root outside the actor's scope is `AccessDenied` with reason `scope`. */
    readonly queryAs: (actor: Actor, query: Query) => Effect.Effect<Report, StatisticsError | AccessDenied>
  }
>() {}

/**
 * Options of the engine: the deadline policy (the law's values by default) and the taxonomy that labels categories
 * (the standard one by default).
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  readonly policy?: Deadline.Policy
  readonly taxonomy?: ReadonlyMap<Category.CategoryId, Category.Category>
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
 * from its receipt), in one pass. Pure: the same events and query always give the same report. Fails with a
 * `StatisticsError`: `invalid` for a bad query, `corrupt` for a log that does not fold, `calendar` for a deadline in a
 * year the calendar does not cover.
 *
 * @since 0.1.0
 * @category computations
 */
export const compute = (
  events: Iterable<StoredEvent | TipEvent>,
  hierarchy: UnitHierarchy,
  calendar: Calendar,
  query: Query,
  options: Options = {}
): Either.Either<Report, StatisticsError> =>
  Either.flatMap(Either.mapLeft(Schema.validateEither(Query)(query), service.invalidQuery), (valid) => {
    try {
      const accumulator = fold.makeAccumulator({
        hierarchy,
        calendar,
        policy: options.policy ?? Deadline.defaultPolicy,
        taxonomy: options.taxonomy ?? Category.taxonomy(),
        query: valid
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
 * The in-memory engine: each query reads the whole log from the store once.
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

/**
 * The counted part of a group's measures, before the rate and the reach: what a storage adapter that counts in its
 * database hands to {@link Plan}'s `finish`.
 *
 * @since 0.1.0
 * @category adapters
 */
export type Tally = Omit<Measures, "resolutionRate" | "reach">

/**
 * A deadline of one version of a tip, in epoch millis: when it falls due, when it was met (`undefined` while not),
 * and whether it was met late. Whether an unmet deadline is pending or missed is read at a period's end.
 *
 * @since 0.1.0
 * @category adapters
 */
export interface DeadlineFact {
  readonly dueAt: number
  /** When it was met; `undefined` while it is not, so that its status (pending or missed) is read at a period's end. */
  readonly closedAt: number | undefined
  /** Met late (only when met): decided by `Deadline.of`, which also knows the suspension's grace. */
  readonly late: boolean
}

/**
 * Where a deadline of a version is kept: one per kind, and the transfer deadline a second time as it runs for a
 * remote commune (which one applies depends on the receiving unit, read from the hierarchy at query time).
 *
 * @since 0.1.0
 * @category adapters
 */
export type DeadlineSlot = Deadline.Kind | "transfer_remote"

/**
 * What statistics count of one version of a tip (its state after that many events): the state counts for a period
 * ending in `(since, until]`. See {@link tipFacts}.
 *
 * @since 0.1.0
 * @category adapters
 */
export interface VersionFacts {
  readonly version: number
  /** The latest event instant up to this version: the state is the tip's as of a period's end after it. */
  readonly since: number
  /** `since` of the next version, or `undefined` for the current one: the state counts for ends in `(since, until]`. */
  readonly until: number | undefined
  readonly status: Status
  readonly open: boolean
  readonly unit: UnitId
  readonly category: CategoryId
  readonly legalType: LegalType
  readonly outcome: OutcomeKey
  readonly acknowledgedAt: number | undefined
  readonly acceptedAt: number | undefined
  readonly decidedAt: number | undefined
  /**
   * The decisions that can be a period's last: the last one, then each earlier one later than all after it, in
   * ascending order. The last decision of a period starting at `s` is the first of them at or after `s`. With event
   * times in order (the rule) there is one.
   */
  readonly decisions: ReadonlyArray<number>
  /** Since when the current holder (`unit`) has held the tip. */
  readonly heldSince: number
  /** After this instant a closed tip has nothing left to count (every deadline fell due before). */
  readonly lastDue: number
  /** The deadlines by slot, or `"calendar"` when one falls in a year the calendar does not cover. */
  readonly deadlines: { readonly [S in DeadlineSlot]?: DeadlineFact } | "calendar"
}

/**
 * A custody period that ended by a handover, final for any period ending after `since`.
 *
 * @since 0.1.0
 * @category adapters
 */
export interface Handover {
  readonly version: number
  readonly seq: number
  readonly unit: UnitId
  readonly from: number
  readonly until: number
  readonly since: number
}

/**
 * What statistics count of one tip, version by version: hierarchy-independent facts (unit ids, instants, statuses,
 * due and met instants) from which a database can count any query exactly as {@link compute} does.
 *
 * @since 0.1.0
 * @category adapters
 */
export interface TipFacts {
  readonly tip: TipId
  readonly receivedAt: number
  readonly receivingUnit: UnitId
  readonly channel: ChannelKind
  readonly channelId: string | undefined
  readonly versions: ReadonlyArray<VersionFacts>
  readonly handovers: ReadonlyArray<Handover>
}

/**
 * The facts of a tip from its whole log (from version `from` on, 1 by default), folded with the engine's own rules
 * and `Deadline.of` under a calendar and a policy. Throws where the log does not fold (a store never holds such a
 * log); a deadline in a year the calendar does not cover leaves that version's deadlines as `"calendar"`.
 *
 * @since 0.1.0
 * @category adapters
 */
export const tipFacts: (
  log: ReadonlyArray<TipEvent>,
  options: { readonly calendar: Calendar; readonly policy: Deadline.Policy; readonly from?: number }
) => TipFacts = facts.factsOf

/**
 * Where a unit's tips count on a query's date: for the `answering` unit, in the root's child `group`; or outside
 * the root. A unit with no place is unplaced (it did not exist yet, or the hierarchy does not know it).
 *
 * @since 0.1.0
 * @category adapters
 */
export type Place =
  | { readonly unit: UnitId; readonly answering: UnitId; readonly group: UnitId }
  | { readonly unit: UnitId; readonly outside: true }

/**
 * A unit version whose tips have a transfer deadline (a commune, remote or not), in force for receipts in
 * `[from, to)` (epoch millis).
 *
 * @since 0.1.0
 * @category adapters
 */
export interface TransferUnit {
  readonly unit: UnitId
  readonly from: number
  readonly to: number | undefined
  readonly remote: boolean
}

/**
 * The months of a query's month dimension, with the instant each starts.
 *
 * @since 0.1.0
 * @category adapters
 */
export interface Months {
  readonly dimension: Extract<Dimension, "calendar_month" | "police_month">
  readonly keys: ReadonlyArray<string>
  readonly starts: ReadonlyArray<number>
}

/**
 * Time at one unit, as a database counts it.
 *
 * @since 0.1.0
 * @category adapters
 */
export interface CustodyTally {
  readonly unit: UnitId
  readonly periods: number
  readonly handedOn: number
  readonly heldAtEnd: number
  readonly held: Durations
}

/**
 * What a storage adapter counted for a {@link Plan}.
 *
 * @since 0.1.0
 * @category adapters
 */
export interface Aggregates {
  readonly total: Tally
  /** One per group met, its values in the order of the dimensions (the unit's group, the month's key). */
  readonly groups: ReadonlyArray<{ readonly values: ReadonlyArray<string | null>; readonly tally: Tally }>
  readonly custody: ReadonlyArray<CustodyTally>
  readonly unplaced: number
  /** Whether a counted tip has a deadline in a year the calendar does not cover. */
  readonly calendarGap: boolean
  readonly scanned: { readonly events: number; readonly tips: number }
}

/**
 * A query resolved against the unit hierarchy, for a storage adapter that counts in its database: the period's
 * instants, the place of every unit the hierarchy knows, the units whose tips have a transfer deadline, the months,
 * and `finish`, which turns what the adapter counted into the report (labels, order, listed empty groups, reach).
 *
 * @since 0.1.0
 * @category adapters
 */
export interface Plan {
  readonly query: Query
  readonly start: number
  readonly end: number
  readonly attribution: "receiving" | "holding"
  readonly dimensions: ReadonlyArray<Dimension>
  readonly months: Months | undefined
  readonly filters: {
    readonly categories?: ReadonlyArray<string>
    readonly legalTypes?: ReadonlyArray<string>
    readonly channels?: ReadonlyArray<string>
    readonly channelIds?: ReadonlyArray<string>
    readonly statuses?: ReadonlyArray<string>
  }
  readonly places: ReadonlyArray<Place>
  readonly transferUnits: ReadonlyArray<TransferUnit>
  /** The report of what was counted; a `calendar` error when a counted tip has a deadline the calendar cannot place. */
  readonly finish: (aggregates: Aggregates) => Either.Either<Report, StatisticsError>
}

/**
 * The tally of a group with nothing in it.
 *
 * @since 0.1.0
 * @category adapters
 */
export const emptyTally: Tally = plan_.emptyTally

/**
 * Plans a query for a storage adapter; `invalid` for a bad query or a root that does not hold on its date. The
 * calendar and policy must be those the adapter's {@link tipFacts} were computed with.
 *
 * @since 0.1.0
 * @category adapters
 */
export const plan = (
  hierarchy: UnitHierarchy,
  query: Query,
  options: Options & { readonly calendar: Calendar }
): Either.Either<Plan, StatisticsError> =>
  Either.flatMap(Either.mapLeft(Schema.validateEither(Query)(query), service.invalidQuery), (valid) => {
    try {
      return Either.right(
        plan_.plan(hierarchy, valid, {
          calendar: options.calendar,
          policy: options.policy ?? Deadline.defaultPolicy,
          taxonomy: options.taxonomy ?? Category.taxonomy()
        })
      )
    } catch (error) {
      if (error instanceof StatisticsError) return Either.left(error)
      throw error
    }
  })
