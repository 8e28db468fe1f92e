/**
 * The dispatcher: sends what is due in the {@link Outbox} through the channel adapters. It leases entries so
 * that two dispatchers never send the same one, reveals the recipient from the vault only at the moment it
 * sends, checks the platform's reply window before calling the platform, refreshes an expired token once for
 * all concurrent senders, and retries what can be retried with exponential backoff and jitter.
 *
 * At most once, with one window: a dispatcher that crashes (or loses its lease) after the platform accepted a
 * message but before the outbox recorded it will see that message sent again when its lease expires. The
 * window is kept to the time between the platform's answer and one write, which runs uninterruptibly.
 *
 * @since 0.1.0
 */
import { Context, type DateTime, Effect, type Either, Layer, type Option, Redacted, Schema, type Scope } from "effect"
import type { ChannelAdapter, ChannelError, ReplyWindow } from "./Channel.js"
import { IdentityVault, type IdentityVaultError } from "./IdentityVault.js"
import type { Conversation, InboundMessage } from "./InboundMessage.js"
import * as internal from "./internal/dispatcher.js"
import * as backoff from "./internal/dispatcherBackoff.js"
import * as channels from "./internal/dispatcherChannels.js"
import * as window from "./internal/dispatcherWindow.js"
import type { Entry, Outbox, OutboxError } from "./Outbox.js"

/**
 * The channel adapters of a deployment, by channel id. `Channels.layer(adapters)` builds the registry; it
 * fails when two adapters share an id.
 *
 * @since 0.1.0
 * @category tags
 */
export class Channels extends Context.Tag("@tinbao/core/Channels")<
  Channels,
  {
    readonly get: (id: string) => Option.Option<ChannelAdapter>
    readonly all: ReadonlyArray<ChannelAdapter>
  }
>() {
  /**
   * A registry of adapters.
   *
   * @since 0.1.0
   * @category constructors
   */
  static readonly make = (
    adapters: ReadonlyArray<ChannelAdapter>
  ): Effect.Effect<Context.Tag.Service<Channels>, ChannelError> => channels.make(adapters)

  /**
   * The registry as a layer.
   *
   * @since 0.1.0
   * @category layers
   */
  static readonly layer = (adapters: ReadonlyArray<ChannelAdapter>): Layer.Layer<Channels, ChannelError> =>
    Layer.effect(Channels, Channels.make(adapters))
}

/**
 * What is known of a conversation's traffic: when the reporter last wrote and how many replies went out since.
 *
 * @since 0.1.0
 * @category models
 */
export const Activity = Schema.Struct({
  lastInboundAt: Schema.DateTimeUtc,
  repliesSince: Schema.NonNegativeInt
}).annotations({ identifier: "Activity" })

/**
 * @since 0.1.0
 * @category models
 */
export type Activity = typeof Activity.Type

/**
 * The one error of {@link ConversationActivity}.
 *
 * @since 0.1.0
 * @category errors
 */
export class ConversationActivityError extends Schema.TaggedError<ConversationActivityError>(
  "@tinbao/core/ConversationActivityError"
)("ConversationActivityError", {
  reason: Schema.Literal("unavailable", "corrupt"),
  message: Schema.String,
  cause: Schema.optional(Schema.Defect)
}) {}

/**
 * Each conversation's traffic, for the reply window. Intake records every message a reporter sends
 * (`recordInbound`, with the message's time); the dispatcher records every reply it sends. Conversations are
 * keyed as the platform names them (for a direct conversation: the reporter's platform id), per channel.
 *
 * @since 0.1.0
 * @category tags
 */
export class ConversationActivity extends Context.Tag("@tinbao/core/ConversationActivity")<
  ConversationActivity,
  {
    /** The reporter wrote at `at`: the window reopens and the reply count starts again (a later time only). */
    readonly recordInbound: (
      channel: string,
      conversation: Conversation,
      at: DateTime.Utc
    ) => Effect.Effect<void, ConversationActivityError>
    /** A reply went out at `at`. */
    readonly recordReply: (
      channel: string,
      conversation: Conversation,
      at: DateTime.Utc
    ) => Effect.Effect<void, ConversationActivityError>
    /** The conversation's activity, or `undefined` when the reporter never wrote in it. */
    readonly get: (
      channel: string,
      conversation: Conversation
    ) => Effect.Effect<Activity | undefined, ConversationActivityError>
  }
>() {
  /**
   * Conversation activity in memory.
   *
   * @since 0.1.0
   * @category layers
   */
  static readonly layerMemory: Layer.Layer<ConversationActivity> = Layer.sync(
    ConversationActivity,
    window.makeMemoryActivity
  )
}

/**
 * The key under which a direct conversation's activity is kept: the reporter's vault fingerprint, never
 * the platform user id (which is an identity). Intake records under it, and the dispatcher looks it up.
 *
 * @since 0.1.0
 * @category combinators
 */
export const directKey = (
  channel: string,
  platformUserId: string
): Effect.Effect<Conversation, IdentityVaultError, IdentityVault> =>
  Effect.flatMap(IdentityVault, (vault) =>
    Effect.map(vault.fingerprint(Redacted.make({ channel, platformUserId })), (id) => ({ kind: "direct" as const, id }))
  )

/**
 * Records the messages a reporter sent (messages, comments and postbacks; not receipts, echoes or follows)
 * in {@link ConversationActivity}, direct conversations under {@link directKey}. Intake calls it for every
 * message it takes in.
 *
 * @since 0.1.0
 * @category combinators
 */
export const recordInbound = (
  messages: ReadonlyArray<InboundMessage>
): Effect.Effect<void, ConversationActivityError | IdentityVaultError, ConversationActivity | IdentityVault> =>
  Effect.flatMap(ConversationActivity, (activity) =>
    Effect.forEach(
      messages.filter((m) => m.kind === "message" || m.kind === "comment" || m.kind === "postback"),
      (m) =>
        Effect.flatMap(
          m.conversation.kind === "direct"
            ? directKey(m.channel, Redacted.value(m.sender).platformUserId)
            : Effect.succeed(m.conversation),
          (key) => activity.recordInbound(m.channel, key, m.sentAt)
        ),
      { discard: true }
    )
  )

/**
 * Whether the platform allows a reply now: `Right` when it does, `Left` with the reason, in words an officer
 * understands, when it does not. Comment threads (`post` conversations) are public replies and have no window;
 * the dispatcher does not ask for them.
 *
 * @since 0.1.0
 * @category predicates
 */
export const checkWindow: (
  window: ReplyWindow,
  activity: Activity | undefined,
  now: DateTime.Utc,
  humanAgent: boolean
) => Either.Either<void, string> = window.checkWindow

/**
 * The retry policy: the delay before attempt `n + 1` is `baseMillis * factor^(n - 1)`, capped at
 * `maxDelayMillis`, then shortened by a random fraction of up to `jitter` so that a crowd of failures does not
 * retry in step. After `maxAttempts` attempts the entry fails.
 *
 * @since 0.1.0
 * @category models
 */
export const Policy = Schema.Struct({
  baseMillis: Schema.Int.pipe(Schema.positive()),
  factor: Schema.Number.pipe(Schema.greaterThanOrEqualTo(1)),
  maxDelayMillis: Schema.Int.pipe(Schema.positive()),
  maxAttempts: Schema.Int.pipe(Schema.positive()),
  jitter: Schema.Number.pipe(Schema.between(0, 1))
}).annotations({ identifier: "Policy" })

/**
 * @since 0.1.0
 * @category models
 */
export type Policy = typeof Policy.Type

/**
 * The default policy: 2 s, doubling, at most 15 minutes apart, 12 attempts (about 47 minutes in all), up to 20%
 * jitter.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultPolicy: Policy = {
  baseMillis: 2_000,
  factor: 2,
  maxDelayMillis: 900_000,
  maxAttempts: 12,
  jitter: 0.2
}

/**
 * The delay before the next attempt after `attempt` attempts, for a random number in `[0, 1)`.
 *
 * @since 0.1.0
 * @category getters
 */
export const delay: (policy: Policy, attempt: number, random: number) => number = backoff.delay

/**
 * How a dispatcher runs. `leaseMillis` must exceed `sendTimeoutMillis`, which bounds one whole attempt (vault,
 * window, send, token refresh and second send).
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  readonly policy?: Partial<Policy>
  /** Entries claimed per round (default 50). */
  readonly batchSize?: number
  /** How long a claim holds an entry (default 120 s). */
  readonly leaseMillis?: number
  /** Conversations sent to at once; one conversation's messages go one after the other, in order (default 16). */
  readonly concurrency?: number
  /** Default 30 s. */
  readonly sendTimeoutMillis?: number
  /** The pause of `run` after a round that found less than a full batch (default 1 s). */
  readonly pollMillis?: number
  /**
   * Called with each entry once it is recorded sent, e.g. to tell intake that an acknowledgement went out. A
   * failure is logged; the entry stays sent.
   */
  readonly onSent?: (entry: Entry) => Effect.Effect<void, unknown>
}

/**
 * What a round did. `unsettled`: the outbox could not record the outcome (see the log); the lease expiry brings
 * those entries back.
 *
 * @since 0.1.0
 * @category models
 */
export interface Counts {
  readonly claimed: number
  readonly sent: number
  readonly retried: number
  readonly failed: number
  readonly unsettled: number
}

/**
 * The services a dispatcher needs.
 *
 * @since 0.1.0
 * @category models
 */
export type Requirements = Outbox | Channels | IdentityVault | ConversationActivity

/**
 * One round: claims the due entries and sends them. Fails only when the outbox cannot be claimed from or the
 * options are invalid (`OutboxError` with reason `invalid`).
 *
 * @since 0.1.0
 * @category combinators
 */
export const runOnce: (options?: Options) => Effect.Effect<Counts, OutboxError, Requirements> = internal.runOnce

/**
 * Runs rounds in a background fiber for as long as the scope lives, pausing `pollMillis` after a round that
 * found less than a full batch. A failed round is logged and the next one follows.
 *
 * @since 0.1.0
 * @category combinators
 */
export const run: (options?: Options) => Effect.Effect<void, OutboxError, Requirements | Scope.Scope> = internal.run
