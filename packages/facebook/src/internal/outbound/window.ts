/**
 * Meta's windows for a Messenger reply: a standard reply (`messaging_type: RESPONSE`) up to 24 hours after the
 * person's last message; an officer's reply with the `HUMAN_AGENT` tag up to 7 days when Meta approved the app for
 * it; nothing after. The dispatcher checks the same window before it calls the adapter; this check holds for a
 * caller that sends directly, and decides the messaging type.
 *
 * @internal
 */
import type { Channel } from "@tinbao/core"
import { DateTime, Either } from "effect"
import type { SendConfig } from "./config.js"

/** The fields of a Send API body that say under which rule a message goes. @internal */
export type Messaging =
  | { readonly messaging_type: "RESPONSE" }
  | { readonly messaging_type: "MESSAGE_TAG"; readonly tag: "HUMAN_AGENT" }

const HOUR = 3_600_000

const hours = (value: number) => (value < 10 ? value.toFixed(1) : Math.round(value).toString())

/**
 * The messaging type of a Messenger reply sent `now`, or why none is allowed (Vietnamese first). Without
 * `lastInboundAt` (the adapter called directly) the reply goes as a `RESPONSE` and Meta decides.
 *
 * @internal
 */
export const messagingOf = (
  config: Pick<SendConfig, "windowHours" | "humanAgent" | "humanAgentHours">,
  message: Pick<Channel.OutboundMessage, "lastInboundAt" | "humanAgent">,
  now: DateTime.Utc
): Either.Either<Messaging, string> => {
  if (message.lastInboundAt === undefined) return Either.right({ messaging_type: "RESPONSE" })
  const since = (DateTime.toEpochMillis(now) - DateTime.toEpochMillis(message.lastInboundAt)) / HOUR
  if (since <= config.windowHours) return Either.right({ messaging_type: "RESPONSE" })
  if (message.humanAgent && config.humanAgent && since <= config.humanAgentHours) {
    return Either.right({ messaging_type: "MESSAGE_TAG", tag: "HUMAN_AGENT" })
  }
  const [vi, en] = config.humanAgent
    ? [` (tin cán bộ trả lời: ${config.humanAgentHours} giờ)`, ` (an officer's reply: ${config.humanAgentHours} hours)`]
    : ["", ""]
  return Either.left(
    `Hết thời hạn trả lời trên Messenger: người dân nhắn lần cuối cách đây ${hours(since)} giờ, Facebook chỉ cho ` +
      `trả lời trong ${config.windowHours} giờ${vi}; tin chưa được gửi, người dân cần nhắn lại trang. / ` +
      `Messenger's reply window has closed: the person last wrote ${hours(since)} hours ago and Facebook allows ` +
      `replies within ${config.windowHours} hours${en}; not sent: the person must write to the page again.`
  )
}
