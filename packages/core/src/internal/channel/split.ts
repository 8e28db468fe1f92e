/**
 * Cutting a long reply into the messages a platform takes: at a line break if one falls in the last half of a
 * part, else at a space, else at the limit itself (never inside a surrogate pair).
 *
 * @internal
 */

import { Effect } from "effect"
import type { Capabilities, ReplyWindow } from "../../Channel.js"

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff

const cutAt = (text: string, limit: number): number => {
  const window = text.slice(0, limit + 1)
  const line = window.lastIndexOf("\n")
  if (line >= limit / 2) return line
  const space = window.lastIndexOf(" ")
  if (space >= limit / 2) return space
  return isHighSurrogate(text.charCodeAt(limit - 1)) ? limit - 1 : limit
}

/** @internal */
export const splitText = (text: string, partLength: number): ReadonlyArray<string> => {
  if (!Number.isInteger(partLength) || partLength < 2)
    throw new RangeError("partLength must be an integer of at least 2")
  const parts: Array<string> = []
  let rest = text
  while (rest.length > partLength) {
    const at = cutAt(rest, partLength)
    const part = rest.slice(0, at).trimEnd()
    if (part.length > 0) parts.push(part)
    rest = rest.slice(at).replace(/^[ \n]+/, "")
  }
  if (rest.trim().length > 0 || parts.length === 0) parts.push(rest)
  return parts
}

/** @internal */
export const replyWindowOf = (capabilities: Capabilities, kind: "direct" | "group" | "post"): ReplyWindow =>
  kind === "group" ? (capabilities.groupReplyWindow ?? capabilities.replyWindow) : capabilities.replyWindow

/** @internal */
export const messagesFor = (capabilities: Capabilities, text: string): number =>
  capabilities.partLength === undefined || text.length <= capabilities.partLength
    ? 1
    : splitText(text, capabilities.partLength).length

/** @internal */
export const partsSender = (limit = 10_000) => {
  // The ids of the parts sent so far, by outbox key; bounded, the oldest forgotten first.
  const progress = new Map<string, ReadonlyArray<string>>()
  const remember = (key: string, ids: ReadonlyArray<string>) => {
    if (!progress.has(key) && progress.size >= limit) {
      const oldest = progress.keys().next()
      if (oldest.done !== true) progress.delete(oldest.value)
    }
    progress.set(key, ids)
  }
  return <E, R>(
    key: string,
    parts: ReadonlyArray<string>,
    sendPart: (part: string, index: number) => Effect.Effect<string, E, R>
  ): Effect.Effect<string, E, R> =>
    Effect.gen(function* () {
      const sent = [...(progress.get(key) ?? [])]
      for (let i = sent.length; i < parts.length; i++) {
        sent.push(yield* sendPart(parts[i]!, i))
        if (i + 1 < parts.length) remember(key, [...sent])
      }
      progress.delete(key)
      return sent[0]!
    })
}
