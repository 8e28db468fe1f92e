/**
 * Messenger's events (`entry[].messaging[]`), made into messages: what a user sends (text, attachments, a quick
 * reply, a quote), button presses (postbacks), the echoes of what the page sent, and delivery and read receipts.
 * Times are milliseconds. A direct conversation's id is the user's page-scoped id (PSID), as the channel contract
 * says; in an echo the user is the recipient and the sender is the page.
 *
 * @internal
 */
import { ChannelCheck, InboundMessage } from "@tinbao/core"
import { type DateTime, Either, Option, Redacted, Schema } from "effect"
import { add, type Found, Id, type Problem, present, safe, text } from "./read.js"

const Party = Schema.Struct({ id: Schema.optional(Id) })

const Event = Schema.Struct({
  sender: Schema.optional(Party),
  recipient: Schema.optional(Party),
  timestamp: Schema.optional(InboundMessage.PlatformTime),
  message: Schema.optional(Schema.Unknown),
  postback: Schema.optional(Schema.Unknown),
  delivery: Schema.optional(Schema.Unknown),
  read: Schema.optional(Schema.Unknown)
})
const readEvent = ChannelCheck.decoder(Event)

// `app_id` and `metadata` of an echo are not read: one app_id exceeds 2^53, and neither says anything of the tip.
const Message = Schema.Struct({
  mid: Schema.optional(Id),
  text: Schema.optional(Schema.String),
  is_echo: Schema.optional(Schema.Boolean),
  quick_reply: Schema.optional(Schema.Struct({ payload: Schema.optional(Schema.String) })),
  reply_to: Schema.optional(Schema.Struct({ mid: Schema.optional(Id) })),
  attachments: Schema.optional(Schema.Array(Schema.Unknown))
})
const readMessage = ChannelCheck.decoder(Message)

const Postback = Schema.Struct({
  title: Schema.optional(Schema.String),
  payload: Schema.optional(Schema.String),
  mid: Schema.optional(Id)
})
const readPostback = ChannelCheck.decoder(Postback)

const Receipt = Schema.Struct({
  mids: Schema.optional(Schema.Array(Id)),
  watermark: Schema.optional(InboundMessage.PlatformTime)
})
const readReceipt = ChannelCheck.decoder(Receipt)

// A fallback (a shared link) has its payload null, a string or an object, and its link as `url` or `URL`, in the
// payload or beside it.
const Linked = Schema.Struct({
  url: Schema.optional(Schema.String),
  URL: Schema.optional(Schema.String),
  title: Schema.optional(Schema.String)
})
const Attachment = Schema.Struct({
  type: Schema.String,
  payload: Schema.optional(Schema.Unknown),
  ...Linked.fields
})
const readAttachment = ChannelCheck.decoder(Attachment)
const readLinked = ChannelCheck.decoder(Linked)
const readMedia = ChannelCheck.decoder(
  Schema.Struct({ url: Schema.optional(Schema.String), sticker_id: Schema.optional(Id) })
)
const readPlace = ChannelCheck.decoder(
  Schema.Struct({
    coordinates: Schema.Struct({ lat: ChannelCheck.JsonNumber, long: ChannelCheck.JsonNumber })
  })
)

// Attachment types whose payload is a media file, and its kind.
const mediaTypes: Readonly<Record<string, "image" | "video" | "audio" | "file">> = {
  image: "image",
  video: "video",
  audio: "audio",
  file: "file"
}

// Attachment types that share a reel or a post: a link to it.
const sharedTypes: ReadonlySet<string> = new Set(["reel", "ig_reel", "post", "ig_post"])

// An attachment, or why it cannot be one (a sentence without a value).
const attachment = (value: unknown): Either.Either<InboundMessage.Attachment, string> =>
  Either.flatMap(
    Either.mapLeft(readAttachment(value), (paths) => `malformed at ${paths}`),
    (a): Either.Either<InboundMessage.Attachment, string> => {
      const media = mediaTypes[a.type]
      if (media !== undefined) {
        return Either.flatMap(
          Either.mapLeft(readMedia(a.payload ?? {}), (paths) => `malformed at payload.${paths}`),
          (p) =>
            present(p.url)
              ? Either.right({
                  _tag: "Media",
                  // Messenger's stickers (the thumbs-up among them) are images with a sticker_id.
                  media: media === "image" && p.sticker_id !== undefined ? "sticker" : media,
                  url: p.url
                })
              : Either.left(`a media attachment (${a.type}) without a url`)
        )
      }
      if (a.type === "location") {
        return Either.flatMap(
          Either.mapLeft(readPlace(a.payload ?? {}), () => "a location without payload.coordinates.lat and long"),
          ({ coordinates: { lat, long } }) =>
            Math.abs(lat) <= 90 && Math.abs(long) <= 180
              ? Either.right({ _tag: "Location", latitude: lat, longitude: long })
              : Either.left("a location whose coordinates are out of range")
        )
      }
      if (a.type === "fallback" || sharedTypes.has(a.type)) {
        const inside = Option.getOrElse(Either.getRight(readLinked(a.payload ?? {})), () => ({}) as typeof Linked.Type)
        const url = [inside.url, inside.URL, a.url, a.URL].find(present)
        const title = inside.title ?? a.title
        return url === undefined
          ? Either.left(`a ${safe(a.type)} without a url`)
          : Either.right({ _tag: "Link", url, ...(title !== undefined ? { title: text(title) } : {}) })
      }
      return Either.left(`an attachment of a type tinbao does not know ("${safe(a.type)}")`)
    }
  )

/** Where an event is and whose it is: its path, the page's channel, the page's id and the entry's time. @internal */
export interface Place {
  readonly path: string
  readonly channel: string
  readonly pageId: string
  readonly entryTime: DateTime.Utc | undefined
}

type Event = typeof Event.Type

// A message or its echo: text, attachments, a quick reply's payload and the message it quotes.
const message = (into: Found, at: Place, event: Event, time: DateTime.Utc): Problem => {
  const path = `${at.path}.message`
  const read = readMessage(event.message)
  if (Either.isLeft(read)) return `${path}: malformed at ${read.left}`
  const m = read.right
  const echo = m.is_echo === true
  // An echo is the page's own message to the user: the user is its recipient.
  const user = echo ? event.recipient?.id : event.sender?.id
  if (user === undefined) return `${at.path}: no ${echo ? "recipient" : "sender"}.id`
  const attachments: Array<InboundMessage.Attachment> = []
  for (const [k, value] of (m.attachments ?? []).entries()) {
    Either.match(attachment(value), {
      onLeft: (why) => into.unsupported.push(`${path}.attachments.${k}: ${why}`),
      onRight: (a) => attachments.push(a)
    })
  }
  return add(into, path, {
    kind: echo ? "echo" : "message",
    channel: at.channel,
    ...(m.mid !== undefined ? { platformMessageId: m.mid } : {}),
    conversation: InboundMessage.direct(user),
    sender: Redacted.make({ platformUserId: echo ? (event.sender?.id ?? at.pageId) : user }),
    ...(m.text !== undefined ? { text: text(m.text) } : {}),
    attachments,
    ...(m.reply_to?.mid !== undefined ? { replyTo: m.reply_to.mid } : {}),
    ...(m.quick_reply?.payload !== undefined ? { payload: m.quick_reply.payload } : {}),
    sentAt: time
  })
}

// A button pressed: its title is what the user "said", its payload what the button means.
const postback = (into: Found, at: Place, event: Event, user: string, time: DateTime.Utc): Problem => {
  const path = `${at.path}.postback`
  const read = readPostback(event.postback)
  if (Either.isLeft(read)) return `${path}: malformed at ${read.left}`
  const p = read.right
  return add(into, path, {
    kind: "postback",
    channel: at.channel,
    ...(p.mid !== undefined ? { platformMessageId: p.mid } : {}),
    conversation: InboundMessage.direct(user),
    sender: Redacted.make({ platformUserId: user }),
    ...(p.title !== undefined ? { text: text(p.title) } : {}),
    ...(p.payload !== undefined ? { payload: p.payload } : {}),
    sentAt: time
  })
}

// A delivery receipt names the messages delivered (`mids`, optional); a read receipt only a watermark. Neither has
// a timestamp of its own in every body: the entry's time, else the watermark, stands for it.
const receipt = (into: Found, at: Place, event: Event, user: string, name: "delivery" | "read"): Problem => {
  const path = `${at.path}.${name}`
  const read = readReceipt(event[name])
  if (Either.isLeft(read)) return `${path}: malformed at ${read.left}`
  const time = event.timestamp ?? at.entryTime ?? read.right.watermark
  if (time === undefined) return `${at.path}: no timestamp, entry time or watermark`
  const mids = name === "delivery" ? [...new Set(read.right.mids ?? [])] : []
  for (const mid of mids.length === 0 ? [undefined] : mids) {
    const problem = add(into, path, {
      kind: name === "delivery" ? "delivery" : "seen",
      channel: at.channel,
      conversation: InboundMessage.direct(user),
      sender: Redacted.make({ platformUserId: user }),
      ...(mid !== undefined ? { replyTo: mid } : {}),
      sentAt: time
    })
    if (problem !== undefined) return problem
  }
  return undefined
}

const envelope = new Set(["sender", "recipient", "timestamp"])

/**
 * One messaging event's messages, added to `into`, and what is wrong with it when it cannot be taken. An
 * attachment that cannot be read is noted in `into` on its own, and the message taken without it.
 *
 * @internal
 */
export const messagingEvent = (into: Found, at: Place, value: unknown): Problem => {
  if (Option.isNone(ChannelCheck.jsonObject(value))) return `${at.path}: not an object`
  const read = readEvent(value)
  if (Either.isLeft(read)) return `${at.path}: malformed at ${read.left}`
  const event = read.right
  const time = event.timestamp ?? at.entryTime
  if (event.message !== undefined) {
    return time === undefined ? `${at.path}: no timestamp` : message(into, at, event, time)
  }
  const kind =
    event.delivery !== undefined
      ? "delivery"
      : event.read !== undefined
        ? "read"
        : event.postback !== undefined
          ? "postback"
          : undefined
  if (kind === undefined) {
    const keys = Object.keys(value as object).filter((k) => !envelope.has(k))
    const named = keys.length === 0 ? "none" : keys.slice(0, 5).map(safe).join(", ")
    return `${at.path}: an event tinbao does not know (${named})`
  }
  const user = event.sender?.id
  if (user === undefined) return `${at.path}: no sender.id`
  if (kind !== "postback") return receipt(into, at, event, user, kind)
  return time === undefined ? `${at.path}: no timestamp` : postback(into, at, event, user, time)
}
