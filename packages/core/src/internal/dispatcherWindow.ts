import { DateTime, Effect, Either } from "effect"
import type { ReplyWindow } from "../Channel.js"
import type { Activity, ConversationActivity } from "../Dispatcher.js"
import type { Conversation } from "../InboundMessage.js"

const HOUR = 3_600_000

const hoursAgo = (activity: Activity, now: DateTime.Utc) =>
  (DateTime.toEpochMillis(now) - DateTime.toEpochMillis(activity.lastInboundAt)) / HOUR

const round = (hours: number) => (hours < 10 ? hours.toFixed(1) : Math.round(hours).toString())

const neverWrote =
  "The reporter has not written in this conversation yet: the platform allows a reply only after they write."

/** @internal */
export const checkWindow = (
  window: ReplyWindow,
  activity: Activity | undefined,
  now: DateTime.Utc,
  humanAgent: boolean
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
  return activity.repliesSince < window.replies
    ? Either.void
    : Either.left(
        `The ${window.replies} replies the platform allows after the reporter's last message are used up: ` +
          "the next reply is possible when they write again."
      )
}

const keyOf = (channel: string, conversation: Conversation) =>
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
