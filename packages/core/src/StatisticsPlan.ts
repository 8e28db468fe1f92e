/**
 * The storage-facing side of statistics: what a storage adapter needs to count in its own database exactly as
 * {@link Statistics.compute} counts in memory. {@link tipFacts} folds a tip's log into hierarchy-independent facts
 * for the adapter to keep; {@link plan} resolves a query against the unit hierarchy (the period's instants, the place
 * of every unit, the months); the adapter counts what the plan asks and hands the {@link Aggregates} to the plan's
 * `finish`, which makes the report. `Statistics.fromQuery` then gives the engine the actor checks.
 *
 * @since 0.2.0
 * @module
 */
import { Either, Schema } from "effect"
import * as DateTime from "effect/DateTime"
import type { Calendar } from "./Calendar.js"
import type { CategoryId, LegalType } from "./Category.js"
import * as Category from "./Category.js"
import * as Deadline from "./Deadline.js"
import { StatisticsError } from "./internal/statistics/engine.js"
import * as facts from "./internal/statistics/facts.js"
import { channelNames } from "./internal/statistics/labels.js"
import * as plan_ from "./internal/statistics/plan.js"
import * as schema from "./internal/statistics/schema.js"
import * as service from "./internal/statistics/service.js"
import type { Dimension, Durations, Measures, Options, OutcomeKey, Query, Report } from "./Statistics.js"
import type { ChannelKind, Status, TipId } from "./Tip.js"
import type { TipEvent } from "./TipEvent.js"
import type { UnitId } from "./Unit.js"
import type { UnitHierarchy } from "./UnitHierarchy.js"

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
 * due and met instants) from which a database can count any query exactly as {@link Statistics.compute} does.
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
  /**
   * When the figures are taken: `min(end, now)`. States are those in force then (`since < measuredAt <= until`), and
   * an unmet deadline is missed when due before it, pending when due at or after it.
   *
   * @since 0.2.0
   */
  readonly measuredAt: number
  /**
   * The instant whose month the stocks (`openAtEnd`, `overdueAtEnd`) count in with a month dimension: the one just
   * before `measuredAt`, or the period's start.
   *
   * @since 0.2.0
   */
  readonly stockAt: number
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
 * Plans a query for a storage adapter at `now`, the time of the query (the engine's `Clock`); `invalid` for a bad
 * query or a root that does not hold on its date, `future` for a period that begins after `now`. The calendar and
 * policy must be those the adapter's {@link tipFacts} were computed with.
 *
 * @since 0.1.0
 * @category adapters
 */
export const plan = (
  hierarchy: UnitHierarchy,
  query: Query,
  options: Options & { readonly calendar: Calendar; readonly now: DateTime.Utc }
): Either.Either<Plan, StatisticsError> =>
  Either.flatMap(Either.mapLeft(Schema.validateEither(schema.Query)(query), service.invalidQuery), (valid) => {
    try {
      return Either.right(
        plan_.plan(hierarchy, valid, {
          calendar: options.calendar,
          policy: options.policy ?? Deadline.defaultPolicy,
          taxonomy: options.taxonomy ?? Category.taxonomy(),
          channels: channelNames(options.platforms),
          now: DateTime.toEpochMillis(options.now)
        })
      )
    } catch (error) {
      if (error instanceof StatisticsError) return Either.left(error)
      throw error
    }
  })
