/**
 * What the outbound side of one page needs (built by `Facebook.make`).
 *
 * @internal
 */
import type { Channel } from "@tinbao/core"

/** @internal */
export interface SendConfig {
  /** The page's channel id. */
  readonly channel: string
  readonly pageId: string
  /** The key of the page's token in `Credentials`. */
  readonly account: string
  /** `https://graph.facebook.com`, without a trailing slash. */
  readonly graphUrl: string
  /** `v25.0`. */
  readonly graphVersion: string
  /** The standard reply window after the user's last message, in hours (24). */
  readonly windowHours: number
  /** Whether an officer's reply may go with the `HUMAN_AGENT` tag (Meta must approve it), and for how long (168). */
  readonly humanAgent: boolean
  readonly humanAgentHours: number
  /** Quote the reporter's message (`reply_to.mid`) in Messenger replies. */
  readonly quoteReplies: boolean
  readonly partLength: number
  readonly maxTextLength: number
  /** Reasons by `"<code>"` or `"<code>/<subcode>"` (the latter wins). */
  readonly codes: Readonly<Record<string, Channel.Reason>>
}
