/**
 * The tips service: receive tips, give commands, read tips and their deadlines, reveal a reporter's
 * identity. It ties the lifecycle to the ports and checks every actor's roles and scope.
 *
 * @since 0.1.0
 */
import { Context, type DateTime, type Effect, type Layer, type ParseResult, type Redacted, Schema } from "effect"
import type { AccessDenied } from "./Access.js"
import type { Actor } from "./Actor.js"
import type { HolidayCalendar } from "./Calendar.js"
import { CategoryId, LegalType } from "./Category.js"
import type * as Command from "./Command.js"
import type { Deadline, Policy } from "./Deadline.js"
import { Identity, type IdentityVault, type IdentityVaultError } from "./IdentityVault.js"
import * as internal from "./internal/tips.js"
import type { RuleViolation } from "./Lifecycle.js"
import type { Register, RegisterError } from "./Register.js"
import { ChannelKind, ReporterKind, type Tip, TipId } from "./Tip.js"
import type { TipEvent } from "./TipEvent.js"
import type { TipStore, TipStoreError } from "./TipStore.js"
import type { Transaction, TransactionError } from "./Transaction.js"
import { UnitId } from "./Unit.js"
import type { UnitDirectory, UnitDirectoryError } from "./UnitDirectory.js"
import type { UnitRuleError } from "./UnitHierarchy.js"

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
 * A tip as it arrives: where, how, from whom (sealed into the vault at once) and what about.
 *
 * @since 0.1.0
 * @category models
 */
export const Receive = Schema.Struct({
  unit: UnitId,
  channel: ChannelKind,
  channelId: Schema.optional(Schema.String),
  identity: Schema.Redacted(Identity),
  reporterKind: ReporterKind,
  legalType: LegalType,
  category: CategoryId,
  summary: Schema.String.pipe(Schema.maxLength(20000)),
  routedBy: Schema.optional(Schema.String)
}).annotations({ identifier: "Receive" })

/**
 * @since 0.1.0
 * @category models
 */
export type Receive = typeof Receive.Type

/**
 * Which tips to list: those of a unit's subtree (the actor's own unit when absent), received in a
 * time range, open or closed.
 *
 * @since 0.1.0
 * @category models
 */
export interface ListQuery {
  readonly unit?: UnitId
  readonly receivedFrom?: DateTime.Utc
  readonly receivedBefore?: DateTime.Utc
  readonly open?: boolean
}

/**
 * Every error the service can give. A `ParseError` means the input does not match its schema (a summary too
 * long, an empty reason); nothing was recorded.
 *
 * @since 0.1.0
 * @category errors
 */
export type TipsError =
  | ParseResult.ParseError
  | AccessDenied
  | RuleViolation
  | TipNotFound
  | VersionConflict
  | UnitRuleError
  | TipStoreError
  | RegisterError
  | IdentityVaultError
  | UnitDirectoryError
  | TransactionError

/**
 * The tips service.
 *
 * @since 0.1.0
 * @category tags
 */
export class Tips extends Context.Tag("@tinbao/core/Tips")<
  Tips,
  {
    /** Receives a tip: seals the reporter, numbers it in the unit's register and records it, all in one transaction. */
    readonly receive: (actor: Actor, input: Receive) => Effect.Effect<Tip, TipsError>
    /** Gives a command at the version the actor saw; returns the tip's new state. */
    readonly execute: (actor: Actor, envelope: Command.Envelope) => Effect.Effect<Tip, TipsError>
    /** The tip's state. */
    readonly get: (actor: Actor, tip: TipId) => Effect.Effect<Tip, TipsError>
    /** The tip's events, oldest first. */
    readonly history: (actor: Actor, tip: TipId) => Effect.Effect<ReadonlyArray<TipEvent>, TipsError>
    /** The tips in a unit's subtree (as of now) that the actor may read. */
    readonly list: (actor: Actor, query?: ListQuery) => Effect.Effect<ReadonlyArray<Tip>, TipsError>
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

/**
 * Options of the service: the deadline policy (the law's values by default).
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  readonly policy?: Policy
}

/**
 * Builds the service from the ports.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: (
  options?: Options
) => Effect.Effect<
  Tips["Type"],
  never,
  TipStore | UnitDirectory | IdentityVault | Register | HolidayCalendar | Transaction
> = internal.make

/**
 * The service as a layer over the ports.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: (
  options?: Options
) => Layer.Layer<Tips, never, TipStore | UnitDirectory | IdentityVault | Register | HolidayCalendar | Transaction> =
  internal.layer

/**
 * Everything in memory: the service with the memory store, directory, vault and register, and the Vietnam
 * calendar. Good for tests, demos and small deployments; swap the ports' layers for durable ones.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerMemory: (
  options?: Options
) => Layer.Layer<Tips | TipStore | UnitDirectory | IdentityVault | Register | HolidayCalendar | Transaction> =
  internal.layerMemory
