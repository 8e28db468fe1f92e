import { Context, type Effect, Schema } from "effect"
import type { Query, Report } from "../../Statistics.js"
import type { AccessDenied } from "../access/access.js"
import type { Actor } from "../access/actor.js"

/**
 * The one error of the statistics engine: `invalid` (the query breaks its schema, its root does not hold on its
 * date, or a platform of the options breaks the platform id rule), `future` (the period begins after the time of
 * the query: nothing can be counted in it yet), `unavailable` (the store or directory cannot be read), `corrupt`
 * (the log does not fold), `calendar` (a deadline falls in a year the holiday calendar does not cover).
 *
 * @since 0.1.0
 * @category errors
 */
export class StatisticsError extends Schema.TaggedError<StatisticsError>("@tinbao/core/StatisticsError")(
  "StatisticsError",
  {
    reason: Schema.Literal("invalid", "future", "unavailable", "corrupt", "calendar"),
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
