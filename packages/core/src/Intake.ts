/**
 * Intake: from normalised inbound messages to tips.
 *
 * - **Exactly one tip per platform message**, under redelivery and concurrency: a message is keyed on its
 *   platform id, or, when the platform gives none, on a hash of its content within a window (Courier's way).
 *   Echoes of our own sends and receipts never create tips.
 * - **One tip from several messages**: text, then a photo, then a location from the same reporter in the same
 *   conversation within a quiet period join the same open tip; a message that quotes the tip's code, or
 *   answers our acknowledgement, is a follow-up on that tip.
 * - **Routing** by bindings and ordered rules ({@link Routing}); the rule that decided is recorded on the tip.
 * - The reporter becomes an alias through the vault; the tip is numbered in the register; an acknowledgement
 *   in Vietnamese with the tip's code is queued to the outbox, and the tip is marked acknowledged once the
 *   platform has taken it.
 * - **Two-way anonymous dialogue**: an officer's reply goes through the outbox to the real reporter on the
 *   original channel; the officer never sees who that is. A tip that came from a comment may be answered in the
 *   comment's thread for everyone to see (`reply`'s `public`, since 0.2.0); nothing else is ever public.
 * - **Comments taken down** (since 0.2.0): a `removed` message is recorded on the tip the removed message fed
 *   (`ReporterMessageRemoved`), which keeps what that message said.
 * - **Evidence**: a photo, video or voice message comes as a link; intake attaches it to the tip as evidence and
 *   requests its record ({@link EvidenceRecords}) in the tip's own transaction. The evidence worker fetches and
 *   keeps the file, and `evidenceSettled`, its `onSettled`, records the outcome on the tip.
 *
 * @since 0.1.0
 * @module
 */
import { type Duration, Effect, type Layer, Option } from "effect"
import type { BindingError, Bindings } from "./Binding.js"
import type { HolidayCalendar } from "./Calendar.js"
import type { Category } from "./Category.js"
import { Channels } from "./Channels.js"
import type { ConversationActivity, ConversationActivityError } from "./ConversationActivity.js"
import type { EvidenceError, EvidenceRecords } from "./Evidence.js"
import type { IdentityVault, IdentityVaultError } from "./IdentityVault.js"
import type { InboundMessage } from "./InboundMessage.js"
import type { IntakeLedger, IntakeLedgerError } from "./IntakeLedger.js"
import { Intake } from "./internal/intake/intake.js"
import * as internal from "./internal/intake/service.js"
import type { Label } from "./Label.js"
import type { Outbox, OutboxError } from "./Outbox.js"
import type { Register, RegisterError } from "./Register.js"
import type { Rule } from "./Routing.js"
import type { Tip, TipId } from "./Tip.js"
import type { TipStore } from "./TipStore.js"
import type { Tips, TipsError, MemoryOptions as TipsOptions } from "./Tips.js"
import type { Transaction } from "./Transaction.js"
import type { UnitDirectory } from "./UnitDirectory.js"

export { acknowledgementText, actorId, evidenceActorId, Intake } from "./internal/intake/intake.js"

/**
 * What intake did with a message. `ContactShared` (since 0.2.0): the reporter's shared phone or address was added
 * to the sealed identity of the conversation's tip. A `contact` message is `Ignored` with the reason
 * `contact_without_tip` when the conversation has fed no tip yet (its details are not kept), `contact_erased` when
 * that tip's reporter identity was erased, and `contact_empty` or `contact_not_direct` when it has nothing to add.
 *
 * `MessageRemoved` (since 0.2.0): a `removed` message said that a message or comment of a tip (its `replyTo`) was
 * taken down, hidden or shown again; the tip records `ReporterMessageRemoved` and keeps what the message said. The
 * same removal again (the last one recorded for that message) is a `Duplicate`; a removal of a message no tip was
 * made of is `Ignored` with the reason `removed_unknown`, and one without `replyTo` or with a `payload` other than
 * `remove`, `hide` or `unhide` with `removed_malformed`.
 *
 * `Appended` by `reply` is an answer to a message tinbao sent, or (since 0.2.0) a message that names the same
 * reporter's own earlier message: an edited comment, a quoted message of their own.
 *
 * @since 0.1.0
 * @category models
 */
export type Outcome =
  | { readonly _tag: "Created"; readonly tip: Tip }
  | { readonly _tag: "Appended"; readonly tip: Tip; readonly by: "quiet_period" | "code" | "reply" }
  | { readonly _tag: "Duplicate"; readonly tip: TipId }
  | { readonly _tag: "ContactShared"; readonly tip: Tip }
  | { readonly _tag: "MessageRemoved"; readonly tip: Tip }
  | { readonly _tag: "Ignored"; readonly reason: string }
  | { readonly _tag: "Unrouted"; readonly channel: string }

/**
 * Every error intake can give.
 *
 * @since 0.1.0
 * @category errors
 */
export type IntakeError =
  | TipsError
  | IdentityVaultError
  | IntakeLedgerError
  | BindingError
  | RegisterError
  | OutboxError
  | ConversationActivityError
  | EvidenceError

/**
 * A message the outbox has delivered, as intake needs to know it.
 *
 * @since 0.1.0
 * @category models
 */
export interface Delivered {
  readonly key: string
  readonly channel: string
  readonly tip?: TipId
  readonly platformMessageId: string
}

/**
 * How an officer's reply goes out. `public`: post it in the comment thread, under the reporter's comment, for
 * everyone to see; allowed only on a tip that came from a comment (a `post` conversation), else the reply fails
 * with the rule `public_reply_not_comment`. Default: to the reporter alone.
 *
 * @since 0.2.0
 * @category models
 */
export interface ReplyOptions {
  readonly public?: boolean
}

/**
 * Options of intake, with their defaults.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** Routing rules, in order. Default: the binding alone. */
  readonly rules?: ReadonlyArray<Rule>
  /**
   * The category taxonomy. Default: `Category.standard`. The tips service refuses categories outside its own
   * (`Tips.Options.taxonomy`): give it this one too ({@link layerMemory} does when its tips' options have none).
   */
  readonly taxonomy?: Iterable<Category>
  /** Messages from the same reporter in the same conversation within this time join the open tip. Default 10 minutes. */
  readonly quietPeriod?: Duration.DurationInput
  /** How long a content hash stands for a message that has no platform id. Default 1 hour. */
  readonly hashWindow?: Duration.DurationInput
  /** The legal type of a tip from a channel until an officer classifies it. Default `tin_bao`. */
  readonly legalType?: "to_giac" | "tin_bao" | "phan_anh" | "to_cao"
  /** The acknowledgement text; the default says the unit, the code, how to follow up, and that the identity is kept secret. */
  readonly acknowledgement?: (code: string, unit: Label) => string
}

/**
 * The service as a layer over its ports.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: (
  options?: Options
) => Layer.Layer<
  Intake,
  never,
  | Tips
  | IdentityVault
  | IntakeLedger
  | Bindings
  | Register
  | Outbox
  | UnitDirectory
  | ConversationActivity
  | EvidenceRecords
  | Transaction
> = internal.layer

/**
 * Intake with everything it needs in memory: the ledger, bindings, the outbox, conversation activity, the evidence
 * records, and `Tips.layerMemory` (the store, directory, vault, register and calendar) with `tipsOptions` (the
 * calendar among them), whose taxonomy is intake's when they give none. Good for tests, demos and small
 * deployments; swap the ports' layers for durable ones.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerMemory: (
  options?: Options,
  tipsOptions?: TipsOptions
) => Layer.Layer<
  | Intake
  | IntakeLedger
  | Bindings
  | Outbox
  | ConversationActivity
  | EvidenceRecords
  | Tips
  | TipStore
  | UnitDirectory
  | IdentityVault
  | Register
  | HolidayCalendar
  | Transaction
> = internal.layerMemory

/**
 * The processor to give the {@link Webhook}: takes in every message of a delivery on the platform its channel's
 * adapter declares. A delivery is kept as a dead letter, to inspect and replay, when a message's channel has no
 * adapter in {@link Channels} (none of its messages is taken in: a platform is never guessed), or when a message
 * no rule can route (an unbound channel; replay it once the channel is bound): the messages that were taken in
 * stay taken in, and a replay does not take them in twice.
 *
 * @since 0.1.0
 * @category combinators
 */
export const process = (
  messages: ReadonlyArray<InboundMessage>
): Effect.Effect<void | { readonly deadLetter: string }, IntakeError, Intake | Channels> =>
  Effect.gen(function* () {
    const intake = yield* Intake
    const channels = yield* Channels
    const platforms = new Map<string, string>()
    for (const message of messages) {
      Option.map(channels.get(message.channel), (adapter) => platforms.set(message.channel, adapter.platform.id))
    }
    const missing = [...new Set(messages.map((m) => m.channel))].filter((channel) => !platforms.has(channel))
    if (missing.length > 0) return { deadLetter: `no adapter is configured for channel ${missing.join(", ")}` }
    const unrouted = new Set<string>()
    for (const message of messages) {
      const outcome = yield* intake.handle(message, platforms.get(message.channel)!)
      if (outcome._tag === "Unrouted") unrouted.add(outcome.channel)
    }
    if (unrouted.size > 0) return { deadLetter: `no unit is bound to channel ${[...unrouted].join(", ")}` }
  })
