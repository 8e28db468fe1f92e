/**
 * A delivery's body: `{"object":"page","entry":[…]}`, each entry one page's events (`messaging[]` from Messenger,
 * `changes[]` from the feed), up to 1,000 entries in one batch, possibly of several pages. Every entry is decoded
 * whatever its number (the body's size limit bounds them). What tinbao does not know or cannot read is described in
 * `unsupported` (the delivery is kept as a dead letter) while the rest of the batch decodes; nothing is dropped
 * silently, but for the dashboard's Test button (`entry.id` "0"), which is acknowledged and ignored.
 *
 * @internal
 */
import { type Channel, ChannelCheck, InboundMessage } from "@tinbao/core"
import { Either, Option, Schema } from "effect"
import type { InboundConfig } from "./config.js"
import { change } from "./feed.js"
import { messagingEvent } from "./messaging.js"
import { found, Id, type Problem, safe } from "./read.js"

const Entry = Schema.Struct({
  id: Id,
  time: Schema.optional(InboundMessage.PlatformTime),
  messaging: Schema.optional(Schema.Array(Schema.Unknown)),
  changes: Schema.optional(Schema.Array(Schema.Unknown))
})
const readEntry = ChannelCheck.decoder(Entry)

/** The id the dashboard's "Test" button sends as the page's. @internal */
export const testPageId = "0"

const known = new Set(["id", "time", "messaging", "changes"])

/**
 * The messages of a delivery's body, and a description (by path, never a value) of each event that could not be
 * made into one.
 *
 * @internal
 */
export const decodeBody = (config: InboundConfig, json: unknown): Channel.Decoded => {
  const into = found()
  const note = (problem: Problem) => {
    if (problem !== undefined) into.unsupported.push(problem)
  }
  const body = Option.getOrUndefined(ChannelCheck.jsonObject(json))
  if (body === undefined) return { messages: [], unsupported: ["the body is not a JSON object"] }
  if (body.object !== "page") {
    const what = typeof body.object === "string" ? `"${safe(body.object)}"` : "missing"
    return { messages: [], unsupported: [`object: ${what}, not "page"`] }
  }
  if (!Array.isArray(body.entry)) return { messages: [], unsupported: ["entry: not an array"] }
  for (const [i, value] of body.entry.entries()) {
    const path = `entry.${i}`
    const read = readEntry(value)
    if (Either.isLeft(read)) {
      into.unsupported.push(`${path}: malformed at ${read.left}`)
      continue
    }
    const entry = read.right
    if (entry.id === testPageId) continue
    const channel = config.pages.get(entry.id)
    if (channel === undefined) {
      into.unsupported.push(`${path}: for a page this app does not serve`)
      continue
    }
    const at = (where: string) => ({ path: where, channel, pageId: entry.id, entryTime: entry.time })
    for (const [j, event] of (entry.messaging ?? []).entries()) {
      note(messagingEvent(into, at(`${path}.messaging.${j}`), event))
    }
    for (const [j, event] of (entry.changes ?? []).entries()) note(change(into, at(`${path}.changes.${j}`), event))
    // Arrays of events tinbao does not take (`standby` from the handover protocol, say) keep the delivery.
    for (const [key, events] of Object.entries(value as object)) {
      if (!known.has(key) && Array.isArray(events) && events.length > 0) {
        into.unsupported.push(`${path}.${safe(key)}: events tinbao does not take`)
      }
    }
  }
  return into
}
