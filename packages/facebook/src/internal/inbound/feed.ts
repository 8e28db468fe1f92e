/**
 * A page's feed changes (`entry[].changes[]` with `field: "feed"`), made into messages: comments under the page's
 * posts, added, edited, removed, hidden and shown again. A comment lands in its post's conversation; a reply to a
 * comment names it (`replyTo`). The page's own comments are echoes, never tip material. Times are seconds.
 *
 * @internal
 */
import { ChannelCheck, InboundMessage } from "@tinbao/core"
import { type DateTime, Either, Option, Redacted, Schema } from "effect"
import { editId } from "../shared/ids.js"
import type { Place } from "./messaging.js"
import { add, type Found, Id, type Problem, present, safe, text } from "./read.js"

const Change = Schema.Struct({
  field: Schema.optional(Schema.String),
  value: Schema.optional(Schema.Struct({ item: Schema.optional(Schema.String), verb: Schema.optional(Schema.String) }))
})
const readChange = ChannelCheck.decoder(Change)

// The author is `from{id,name}` today, `sender_id` (a number) and `sender_name` in older bodies.
const Comment = Schema.Struct({
  post_id: Schema.optional(Id),
  comment_id: Schema.optional(Id),
  parent_id: Schema.optional(Id),
  from: Schema.optional(Schema.Struct({ id: Schema.optional(Id), name: Schema.optional(Schema.String) })),
  sender_id: Schema.optional(Id),
  sender_name: Schema.optional(Schema.String),
  message: Schema.optional(Schema.String),
  created_time: Schema.optional(InboundMessage.PlatformTime),
  photo: Schema.optional(Schema.String),
  video: Schema.optional(Schema.String)
})
const readComment = ChannelCheck.decoder(Comment)

// Feed items tinbao knows and takes nothing from: posts and what happens to them (a status, a photo, a share, a
// reaction, a like), the page's or a visitor's. A comment is where a citizen writes under the police's posts.
const ignoredItems: ReadonlySet<string> = new Set([
  "album",
  "event",
  "like",
  "link",
  "photo",
  "post",
  "reaction",
  "share",
  "status",
  "story",
  "video"
])

// What becomes of a comment. Other verbs (Meta lists more for other items) keep the delivery as a dead letter.
const verbs = ["add", "edited", "remove", "hide", "unhide"] as const
type Verb = (typeof verbs)[number]
const isVerb = (verb: string | undefined): verb is Verb => verbs.includes(verb as Verb)

const comment = (into: Found, at: Place, verb: Verb, value: unknown): Problem => {
  const path = `${at.path}.value`
  const read = readComment(value)
  if (Either.isLeft(read)) return `${path}: malformed at ${read.left}`
  const c = read.right
  if (c.post_id === undefined || c.comment_id === undefined) {
    return `${path}: no ${c.post_id === undefined ? "post_id" : "comment_id"}`
  }
  // A removal may carry no author (the page removed it): it is then the page's doing.
  const author = c.from?.id ?? c.sender_id
  const name = c.from?.name ?? c.sender_name
  if (author === undefined && (verb === "add" || verb === "edited")) {
    return `${path}: no from.id`
  }
  // `remove` has no created_time: the entry's time stands for it.
  const time: DateTime.Utc | undefined = c.created_time ?? at.entryTime
  if (time === undefined) return `${path}: no created_time or entry time`
  const base = {
    channel: at.channel,
    conversation: { kind: "post", id: c.post_id } as const,
    sender: Redacted.make({
      platformUserId: author ?? at.pageId,
      ...(present(name) ? { displayName: text(name) } : {})
    }),
    sentAt: time
  }
  if (verb === "remove" || verb === "hide" || verb === "unhide") {
    return add(into, path, { ...base, kind: "removed", replyTo: c.comment_id, payload: verb })
  }
  const attachments: Array<InboundMessage.Attachment> = [
    ...(present(c.photo) ? [{ _tag: "Media", media: "image", url: c.photo } as const] : []),
    ...(present(c.video) ? [{ _tag: "Media", media: "video", url: c.video } as const] : [])
  ]
  const said = c.message === undefined ? undefined : text(c.message)
  // An edit is a message of its own, which names the comment it changes; a new comment names the comment it
  // answers, unless it answers the post itself.
  const ids =
    verb === "edited"
      ? { platformMessageId: editId(c.comment_id, said ?? ""), replyTo: c.comment_id }
      : {
          platformMessageId: c.comment_id,
          ...(c.parent_id !== undefined && c.parent_id !== c.post_id ? { replyTo: c.parent_id } : {})
        }
  return add(into, path, {
    ...base,
    ...ids,
    kind: author === at.pageId ? "echo" : "comment",
    ...(said !== undefined ? { text: said } : {}),
    attachments
  })
}

/**
 * One change's messages, added to `into`, and what is wrong with it when it cannot be taken. Feed items other than
 * comments that tinbao knows are taken without a message; other fields and items are
 * described, so the delivery is kept.
 *
 * @internal
 */
export const change = (into: Found, at: Place, value: unknown): Problem => {
  if (Option.isNone(ChannelCheck.jsonObject(value))) return `${at.path}: not an object`
  const read = readChange(value)
  if (Either.isLeft(read)) return `${at.path}: malformed at ${read.left}`
  const { field, value: item = {} } = read.right
  if (field !== "feed") {
    return `${at.path}: ${field === undefined ? "no field" : `the field "${safe(field)}" tinbao does not take`}`
  }
  if (item.item !== undefined && ignoredItems.has(item.item)) return undefined
  if (item.item !== "comment") {
    const what = item.item === undefined ? "no item" : `the item "${safe(item.item)}" tinbao does not know`
    return `${at.path}.value: ${what}`
  }
  if (!isVerb(item.verb)) {
    const what = item.verb === undefined ? "no verb" : `the verb "${safe(item.verb)}" tinbao does not know`
    return `${at.path}.value: a comment with ${what}`
  }
  return comment(into, at, item.verb, (value as { readonly value: unknown }).value)
}
