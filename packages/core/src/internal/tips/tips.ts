import { Context, type Effect, type Redacted, Schema } from "effect"
import type { Deadline } from "../../Deadline.js"
import type { Page } from "../../TipStore.js"
import type { ListQuery, PageQuery, TipsError } from "../../Tips.js"
import type { Actor } from "../access/actor.js"
import { CategoryId, LegalType } from "../lifecycle/category.js"
import type * as Command from "../lifecycle/command.js"
import type { EvidenceFile } from "../lifecycle/evidence.js"
import { ChannelKind, ReporterKind, type Tip, TipId } from "../lifecycle/tip.js"
import type { TipEvent } from "../lifecycle/tipEvent.js"
import { withoutNul } from "../shared/text.js"
import { UnitId } from "../units/unit.js"
import { Identity } from "../vault/identityVault.js"

/**
 * No tip with this id is visible: it does not exist, or it is outside the actor's scope (the two are
 * not told apart, so that probing ids reveals nothing).
 *
 * @since 0.1.0
 * @category errors
 */
export class TipNotFound extends Schema.TaggedError<TipNotFound>("@tinbao/core/TipNotFound")("TipNotFound", {
  tip: TipId,
  message: Schema.String
}) {}

/**
 * The command was given on a version of the tip that is no longer current: someone changed it first.
 * Nothing was changed; reload the tip and decide again.
 *
 * @since 0.1.0
 * @category errors
 */
export class VersionConflict extends Schema.TaggedError<VersionConflict>("@tinbao/core/VersionConflict")(
  "VersionConflict",
  { tip: TipId, expected: Schema.Number, actual: Schema.Number, message: Schema.String }
) {}

/**
 * A tip as it arrives: where, how, from whom (sealed into the vault at once) and what about. `receivedAt` (since
 * 0.4.0) is when a tip taken by phone or in person was received, when it is entered later: it sets the register
 * year and starts every deadline. Absent, the tip is received now.
 *
 * @since 0.1.0
 * @category models
 */
export const Receive = Schema.Struct({
  receivedAt: Schema.optional(Schema.DateTimeUtc),
  unit: UnitId,
  channel: ChannelKind,
  channelId: Schema.optional(Schema.String.pipe(withoutNul())),
  identity: Schema.Redacted(Identity),
  reporterKind: ReporterKind,
  legalType: LegalType,
  category: CategoryId,
  summary: Schema.String.pipe(Schema.maxLength(20000), withoutNul()),
  routedBy: Schema.optional(Schema.String.pipe(withoutNul()))
}).annotations({ identifier: "Receive" })

/**
 * @since 0.1.0
 * @category models
 */
export type Receive = typeof Receive.Type

/**
 * The tips service.
 *
 * @since 0.1.0
 * @category tags
 */
export class Tips extends Context.Tag("@tinbao/core/Tips")<
  Tips,
  {
    /**
     * Receives a tip: seals the reporter, numbers it in the unit's register and records it, all in one transaction.
     * A tip entered after it was received gives `receivedAt`: at most a minute ahead of the clock (a time ahead
     * within that minute, another device's clock, is taken as now), else the rule `received_in_future`; the unit
     * must have existed then (`UnitRuleError` `not_valid_at_date`). The category must be in the service's taxonomy
     * (rule `unknown_category`).
     */
    readonly receive: (actor: Actor, input: Receive) => Effect.Effect<Tip, TipsError>
    /** Gives a command at the version the actor saw; returns the tip's new state. */
    readonly execute: (actor: Actor, envelope: Command.Envelope) => Effect.Effect<Tip, TipsError>
    /** The tip's state. */
    readonly get: (actor: Actor, tip: TipId) => Effect.Effect<Tip, TipsError>
    /** The tip's events, oldest first. */
    readonly history: (actor: Actor, tip: TipId) => Effect.Effect<ReadonlyArray<TipEvent>, TipsError>
    /**
     * Every tip in a unit's subtree (as of now) that the actor may read and that matches the query, oldest receipt
     * first, all at once. To filter by status, channel or category, or to read in pages, use `page`, which
     * takes every filter of `list` too.
     */
    readonly list: (actor: Actor, query?: ListQuery) => Effect.Effect<ReadonlyArray<Tip>, TipsError>
    /**
     * One page of the tips `list` would give, filtered further and newest first by register year, number and id;
     * `next` asks for the page after. The filters and the order are the store's, so a page costs about the same
     * however many tips there are.
     *
     * @since 0.3.0
     */
    readonly page: (actor: Actor, query: PageQuery) => Effect.Effect<Page, TipsError>
    /**
     * The tip's evidence files, from its events: each media attachment pending, stored (with its item) or not
     * retrieved (with the reason). Visible exactly when the tip is.
     */
    readonly evidence: (actor: Actor, tip: TipId) => Effect.Effect<ReadonlyArray<EvidenceFile>, TipsError>
    /** The tip's deadlines now. */
    readonly deadlines: (actor: Actor, tip: TipId) => Effect.Effect<ReadonlyArray<Deadline>, TipsError>
    /**
     * Reveals the reporter's identity to an identity custodian, for a reason. The reveal is recorded on
     * the tip first; the identity comes back redacted and is never logged.
     */
    readonly revealIdentity: (
      actor: Actor,
      tip: TipId,
      expectedVersion: number,
      reason: string
    ) => Effect.Effect<Redacted.Redacted<Identity>, TipsError>
  }
>() {}
