import { Context, DateTime, Effect, Either, Layer, Redacted, Schema } from "effect"
import type { ReplyWindow } from "../../Channel.js"
import type { ConversationKey, InboundMessage } from "../channel/inboundMessage.js"
import type { IdentityVaultError } from "../vault/identityVault.js"
import { IdentityVault } from "../vault/identityVault.js"

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
 * keyed per channel by their `InboundMessage.ConversationKey`: a group or post by its platform id, a direct conversation
 * by {@link directKey}, never by the reporter's platform id.
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
      conversation: ConversationKey,
      at: DateTime.Utc
    ) => Effect.Effect<void, ConversationActivityError>
    /** A reply went out at `at`. */
    readonly recordReply: (
      channel: string,
      conversation: ConversationKey,
      at: DateTime.Utc
    ) => Effect.Effect<void, ConversationActivityError>
    /** The conversation's activity, or `undefined` when the reporter never wrote in it. */
    readonly get: (
      channel: string,
      conversation: ConversationKey
    ) => Effect.Effect<Activity | undefined, ConversationActivityError>
  }
>() {}

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
): Effect.Effect<ConversationKey, IdentityVaultError, IdentityVault> =>
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

const HOUR = 3_600_000

const hoursAgo = (activity: Activity, now: DateTime.Utc) =>
  (DateTime.toEpochMillis(now) - DateTime.toEpochMillis(activity.lastInboundAt)) / HOUR

const round = (hours: number) => (hours < 10 ? hours.toFixed(1) : Math.round(hours).toString())

const neverWrote =
  "The reporter has not written in this conversation yet: the platform allows a reply only after they write."

/**
 * Whether the platform allows a reply now: `Right` when it does, `Left` with the reason, in words an officer
 * understands, when it does not. `messages` is how many platform messages the reply goes as (a long reply cut
 * into parts, since 0.2.0): each counts against a quota. Comment threads (`post` conversations) are public
 * replies and have no window; the dispatcher does not ask for them.
 *
 * @since 0.1.0
 * @category predicates
 */
export const checkWindow = (
  window: ReplyWindow,
  activity: Activity | undefined,
  now: DateTime.Utc,
  humanAgent: boolean,
  messages = 1
): Either.Either<void, string> => {
  if (window._tag === "None") return Either.void
  if (activity === undefined) return Either.left(neverWrote)
  const since = hoursAgo(activity, now)
  if (window._tag === "Hours") {
    const limit = humanAgent ? (window.humanAgentHours ?? window.hours) : window.hours
    return since <= limit
      ? Either.void
      : Either.left(
          `The reply window is closed: the reporter last wrote ${round(since)} hours ago and the platform allows ` +
            `${humanAgent ? "an officer's" : "a"} reply only within ${limit} hours of that.`
        )
  }
  if (since > window.withinHours) {
    return Either.left(
      `The reply window is closed: the reporter last wrote ${round(since)} hours ago and the platform allows ` +
        `replies only within ${window.withinHours} hours of that.`
    )
  }
  if (activity.repliesSince + messages <= window.replies) return Either.void
  const left = Math.max(0, window.replies - activity.repliesSince)
  return Either.left(
    left === 0
      ? `The ${window.replies} replies the platform allows after the reporter's last message are used up: ` +
          "the next reply is possible when they write again."
      : `This reply goes as ${messages} messages, and only ${left} of the ${window.replies} replies the platform ` +
          "allows after the reporter's last message are left: shorten it, or wait until they write again."
  )
}

const keyOf = (channel: string, conversation: ConversationKey) =>
  `${channel}\u0000${conversation.kind}\u0000${conversation.id}`

/** @internal */
export const makeMemoryActivity = (): ConversationActivity["Type"] => {
  const cells = new Map<string, { lastInbound: number; replies: number }>()
  return {
    recordInbound: (channel, conversation, at) =>
      Effect.sync(() => {
        const key = keyOf(channel, conversation)
        const cell = cells.get(key)
        const time = DateTime.toEpochMillis(at)
        // Deliveries can arrive out of order: an older message neither moves the window back nor resets the count.
        if (cell === undefined || time > cell.lastInbound) cells.set(key, { lastInbound: time, replies: 0 })
      }),
    recordReply: (channel, conversation, at) =>
      Effect.sync(() => {
        const cell = cells.get(keyOf(channel, conversation))
        if (cell !== undefined && DateTime.toEpochMillis(at) >= cell.lastInbound) cell.replies += 1
      }),
    get: (channel, conversation) =>
      Effect.sync(() => {
        const cell = cells.get(keyOf(channel, conversation))
        return cell === undefined
          ? undefined
          : { lastInboundAt: DateTime.unsafeMake(cell.lastInbound), repliesSince: cell.replies }
      })
  }
}

/**
 * Conversation activity in memory.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerMemory: Layer.Layer<ConversationActivity> = Layer.sync(ConversationActivity, makeMemoryActivity)
