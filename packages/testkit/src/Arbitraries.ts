/**
 * fast-check arbitraries for tinbao's data: unit hierarchies, reporter identities, tip receipts, commands and
 * command sequences. They use the fast-check that `effect` re-exports (`import { FastCheck } from "effect"`), and
 * draw every value from fast-check's seed, so that a failing property can be replayed and shrunk.
 *
 * @since 0.1.0
 * @module
 */
import type { Command as CommandModule, IdentityVault, Tip, TipEvent, Unit, UnitChange } from "@tinbao/core"
import { LocalDate } from "@tinbao/core"
import { type Array as Arr, DateTime, type FastCheck } from "effect"
import * as command_ from "./internal/arbitraryCommand.js"
import { reason as reason_ } from "./internal/arbitraryText.js"
import * as tip_ from "./internal/arbitraryTip.js"
import * as units_ from "./internal/arbitraryUnits.js"

/**
 * How {@link unitTree} draws a hierarchy: at most `maxDepth` levels (1 to 5, default 5: ministry, province,
 * commune or ward, residential group or post, security team; shallower trees stand under a province), at most
 * `maxUnits` units (default 30), all established on `effectiveDate` (default 2020-01-01), with ids
 * `${idPrefix}-0`, `${idPrefix}-1`, … (default prefix "u"; partner agencies are `${idPrefix}-p0`, …).
 *
 * @since 0.1.0
 * @category models
 */
export interface UnitTreeOptions {
  readonly maxDepth?: number
  readonly maxUnits?: number
  readonly effectiveDate?: LocalDate.LocalDate
  readonly idPrefix?: string
  readonly legalBasis?: string
}

/**
 * A random unit hierarchy as the `Established` changes that build it, parents first: one root, units under it
 * down to `maxDepth` levels, and up to two partner agencies beside the tree. Throws a `RangeError` on options out
 * of range. Give each run its own `idPrefix` when the units go into a shared directory.
 *
 * @since 0.1.0
 * @category arbitraries
 */
export const unitTree: (options?: UnitTreeOptions) => FastCheck.Arbitrary<ReadonlyArray<UnitChange.Established>> =
  units_.unitTree

/**
 * A reporter's identity as a channel shows it: a Zalo OA, Zalo bot or Facebook page id, a platform user id, and
 * sometimes a Vietnamese display name and a mobile number.
 *
 * @since 0.1.0
 * @category arbitraries
 */
export const identity: FastCheck.Arbitrary<IdentityVault.Identity> = tip_.identity

/**
 * A random tip id, drawn from the seed (unlike `Tip.makeId`).
 *
 * @since 0.1.0
 * @category arbitraries
 */
export const tipId: FastCheck.Arbitrary<Tip.TipId> = tip_.arbitraryTipId

/**
 * A random reporter alias.
 *
 * @since 0.1.0
 * @category arbitraries
 */
export const alias: FastCheck.Arbitrary<IdentityVault.AliasId> = tip_.arbitraryAlias

/**
 * A non-empty trimmed reason: mostly what officers write, sometimes any string.
 *
 * @since 0.1.0
 * @category arbitraries
 */
export const reason: FastCheck.Arbitrary<string> = reason_

/**
 * A channel kind (a platform id): mostly a built-in one (`Channel.builtinPlatforms`), often one a deployment adds
 * (`sms`, `hotline_1900`, `walk_in`, `zalo_group`), sometimes any id the pattern allows.
 *
 * @since 0.2.0
 * @category arbitraries
 */
export const channelKind: FastCheck.Arbitrary<Tip.ChannelKind> = tip_.channelKind

/**
 * How {@link tipReceived} draws a receipt: the units it may be received by, when (default 2025-07-01 09:00 in
 * Vietnam) and, when given, the tip's id.
 *
 * @since 0.1.0
 * @category models
 */
export interface TipReceivedOptions {
  readonly units: Arr.NonEmptyReadonlyArray<Unit.UnitId>
  readonly at?: DateTime.Utc
  readonly tip?: Tip.TipId
}

/**
 * The first event of a random tip: every channel kind ({@link channelKind}: built-in and added), reporter kind,
 * legal type and standard category, with a register code that matches the unit and police year.
 *
 * @since 0.1.0
 * @category arbitraries
 */
export const tipReceived: (options: TipReceivedOptions) => FastCheck.Arbitrary<TipEvent.TipReceived> = tip_.tipReceived

/**
 * What {@link command} may name: units (to assign and transfer to) and tips (to merge into; random ids besides).
 *
 * @since 0.1.0
 * @category models
 */
export interface CommandOptions {
  readonly units: Arr.NonEmptyReadonlyArray<Unit.UnitId>
  readonly tips?: ReadonlyArray<Tip.TipId>
}

/**
 * A random command, valid in shape (it decodes with `Command.Command`), whether or not the lifecycle would accept
 * it: every command, with reasons, outcomes of all tracks and units from the given list. The dates of a procuracy
 * extension lie around `date` (default 2025-07-01).
 *
 * @since 0.1.0
 * @category arbitraries
 */
export const command = (
  options: CommandOptions & { readonly date?: LocalDate.LocalDate }
): FastCheck.Arbitrary<CommandModule.Command> =>
  command_.template(options).map((make) => make(options.date ?? defaultDate))

/**
 * A command with the instant it is given.
 *
 * @since 0.1.0
 * @category models
 */
export interface TimedCommand {
  readonly at: DateTime.Utc
  readonly command: CommandModule.Command
}

/**
 * How {@link commandSequence} draws: what {@link command} may name, the instant the sequence starts after
 * (default 2025-07-01 09:00 in Vietnam) and its length (default 0 to 30 commands).
 *
 * @since 0.1.0
 * @category models
 */
export interface CommandSequenceOptions extends CommandOptions {
  readonly start?: DateTime.Utc
  readonly minLength?: number
  readonly maxLength?: number
}

/**
 * Random commands with times strictly moving forward, minutes to months apart, so that legal periods start,
 * run and expire within one sequence.
 *
 * @since 0.1.0
 * @category arbitraries
 */
export const commandSequence = (options: CommandSequenceOptions): FastCheck.Arbitrary<ReadonlyArray<TimedCommand>> =>
  command_.sequence({
    ...options,
    start: options.start ?? defaultStart,
    minLength: options.minLength ?? 0,
    maxLength: options.maxLength ?? 30
  })

const defaultStart = DateTime.unsafeMake("2025-07-01T02:00:00Z")
const defaultDate = LocalDate.unsafeMake("2025-07-01")
