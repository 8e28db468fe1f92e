/**
 * Zalo Bot Platform updates, made into normalised messages. The body is the documented `{ ok, result }` or the
 * flat update seen in live traffic (or a list of updates); an image is `photo`, `photo_url` or `photos[]`; the
 * sender's name is `display_name`, `name` or `first_name`; `date` is in milliseconds or seconds.
 *
 * @internal
 */
import { type Channel, InboundMessage } from "@tinbao/core"
import { Either, Option, Redacted, Schema } from "effect"
import { decoder, Id, message, record, Time, text } from "../shared/read.js"

/** @internal */
export interface BotEventOptions {
  readonly channel: string
  readonly groups: boolean
}

const Sticker = Schema.Union(
  Schema.String,
  Schema.Struct({
    id: Schema.optional(Id),
    url: Schema.optional(Schema.String),
    category: Schema.optional(Schema.Unknown)
  })
)

const Message = Schema.Struct({
  message_id: Schema.optional(Id),
  date: Schema.optional(Time),
  text: Schema.optional(Schema.String),
  caption: Schema.optional(Schema.String),
  photo: Schema.optional(Schema.String),
  photo_url: Schema.optional(Schema.String),
  photos: Schema.optional(Schema.Array(Schema.Struct({ url: Schema.String }))),
  sticker: Schema.optional(Sticker),
  url: Schema.optional(Schema.String),
  from: Schema.optional(
    Schema.Struct({
      id: Id,
      display_name: Schema.optional(Schema.String),
      name: Schema.optional(Schema.String),
      first_name: Schema.optional(Schema.String),
      is_bot: Schema.optional(Schema.Boolean)
    })
  ),
  chat: Schema.optional(Schema.Struct({ id: Id, chat_type: Schema.optional(Schema.String) }))
})

const Update = Schema.Struct({
  event_name: Schema.String,
  message: Schema.optional(Message),
  timestamp: Schema.optional(Time),
  user: Schema.optional(Schema.Struct({ id: Id }))
})
type Update = typeof Update.Type

const readUpdate = decoder(Update)

interface Decoded {
  readonly messages: Array<InboundMessage.InboundMessage>
  readonly unsupported: Array<string>
}

const safeName = (name: string) => name.slice(0, 60).replace(/[^\w.-]/g, "?")

/** Events known and without a message: the console's test button. @internal */
export const testEvent = "webhook.test"

const content = (options: BotEventOptions, update: Update, name: string): Decoded => {
  const m = update.message
  if (m === undefined) return { messages: [], unsupported: [`${name}: no message`] }
  const from = m.from
  if (from === undefined) return { messages: [], unsupported: [`${name}: no message.from`] }
  const chatType = (m.chat?.chat_type ?? "PRIVATE").toUpperCase()
  const isGroup = chatType === "GROUP"
  if (isGroup && !options.groups)
    return { messages: [], unsupported: [`${name}: a group chat, which this bot does not take`] }
  if (isGroup && m.chat === undefined) return { messages: [], unsupported: [`${name}: no message.chat`] }
  const at = m.date ?? update.timestamp
  if (at === undefined) return { messages: [], unsupported: [`${name}: no message.date`] }
  const photos = [m.photo, m.photo_url, ...(m.photos ?? []).map((p) => p.url)].filter(
    (u): u is string => u !== undefined && u.trim() !== ""
  )
  const sticker = typeof m.sticker === "string" ? undefined : m.sticker?.url
  const attachments: Array<InboundMessage.Attachment> = [
    ...[...new Set(photos)].map((url) => ({ _tag: "Media" as const, media: "image" as const, url })),
    ...(sticker !== undefined ? [{ _tag: "Media" as const, media: "sticker" as const, url: sticker }] : []),
    ...(m.url !== undefined && m.url.trim() !== "" ? [{ _tag: "Link" as const, url: m.url }] : [])
  ]
  const words = m.text ?? m.caption
  const displayName = from.display_name ?? from.name ?? from.first_name
  const protectedSender = name === "message.unsupported.received"
  return Either.match(
    message({
      kind: "message",
      channel: options.channel,
      // Zalo Bot has no update id; a message id is unique within its kind of event.
      ...(m.message_id !== undefined ? { platformMessageId: `${name}:${m.message_id}` } : {}),
      conversation: isGroup ? { kind: "group", id: m.chat!.id } : InboundMessage.direct(from.id),
      sender: Redacted.make({
        platformUserId: from.id,
        ...(displayName !== undefined && displayName.trim() !== "" ? { displayName: text(displayName) } : {})
      }),
      ...(words !== undefined && !protectedSender ? { text: text(words) } : {}),
      attachments: protectedSender ? [] : attachments,
      sentAt: at
    }),
    {
      onLeft: (why) => ({ messages: [], unsupported: [`${name}: ${why}`] }),
      // Zalo withholds what a protected sender (a child, a person with a disability) wrote: the message is kept,
      // and the delivery too, as a dead letter an officer sees.
      onRight: (made) => ({
        messages: [made],
        unsupported: protectedSender ? [`${name}: Zalo withheld the content of a protected sender's message`] : []
      })
    }
  )
}

const follow = (options: BotEventOptions, update: Update, kind: "follow" | "unfollow", name: string): Decoded => {
  const user = update.user?.id ?? update.message?.from?.id
  const at = update.timestamp ?? update.message?.date
  if (user === undefined || at === undefined) return { messages: [], unsupported: [`${name}: no user or time`] }
  return Either.match(
    message({
      kind,
      channel: options.channel,
      conversation: InboundMessage.direct(user),
      sender: Redacted.make({ platformUserId: user }),
      sentAt: at
    }),
    {
      onLeft: (why) => ({ messages: [], unsupported: [`${name}: ${why}`] }),
      onRight: (made) => ({ messages: [made], unsupported: [] })
    }
  )
}

const decodeUpdate = (options: BotEventOptions, json: unknown): Decoded => {
  const read = readUpdate(json)
  if (Either.isLeft(read)) {
    const name = Option.getOrUndefined(Option.flatMap(record(json), (r) => Option.fromNullable(r.event_name)))
    return {
      messages: [],
      unsupported: [`${typeof name === "string" ? safeName(name) : "an update"}: malformed at ${read.left}`]
    }
  }
  const update = read.right
  const name = safeName(update.event_name)
  if (update.event_name === testEvent) return { messages: [], unsupported: [] }
  if (update.event_name === "user.follow") return follow(options, update, "follow", name)
  if (update.event_name === "user.unfollow") return follow(options, update, "unfollow", name)
  if (/^message\.[a-z_]+\.received$/.test(update.event_name)) return content(options, update, name)
  return { messages: [], unsupported: [`${name}: an event tinbao does not know`] }
}

/** The updates of a body: `{ ok, result }` with an update or a list, a flat update, or a list. @internal */
export const updatesOf = (json: unknown): ReadonlyArray<unknown> => {
  const body = Option.getOrUndefined(record(json))
  const inner = body !== undefined && "result" in body && !("event_name" in body) ? body.result : json
  return Array.isArray(inner) ? inner : [inner]
}

/** @internal */
export const decodeBody = (options: BotEventOptions, json: unknown): Channel.Decoded => {
  const out: Decoded = { messages: [], unsupported: [] }
  for (const update of updatesOf(json).slice(0, 100)) {
    const one = decodeUpdate(options, update)
    out.messages.push(...one.messages)
    out.unsupported.push(...one.unsupported)
  }
  return out
}

/** Whether a body is the console's test alone, which is answered and not kept. @internal */
export const isTestOnly = (json: unknown): boolean =>
  updatesOf(json).every((u) => Option.getOrUndefined(record(u))?.event_name === testEvent)
