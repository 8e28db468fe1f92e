/**
 * Zalo OA's webhook events, made into normalised messages: what users send (1:1, anonymous, and in OA group
 * chats), follows, receipts, shared contact details, and the echoes of what the OA sent. What tinbao does not
 * know, or cannot read, is described in `unsupported` (the delivery is kept as a dead letter), never dropped.
 *
 * @internal
 */
import { type Channel, InboundMessage } from "@tinbao/core"
import { type DateTime, Either, Option, Redacted, Schema } from "effect"
import { decoder, Id, message as make, Numeric, record, Time, text } from "../shared/read.js"

/** Where a group message names its group. @internal */
export type GroupIdFrom = "auto" | "recipient.id" | "recipient.group_id"

/** @internal */
export interface EventOptions {
  readonly channel: string
  readonly oaId: string
  readonly groupIdFrom: GroupIdFrom
  readonly groupLifecycle: "ignore" | "keep"
}

const Party = Schema.Struct({ id: Schema.optional(Id) })

const Attachment = Schema.Struct({ type: Schema.String, payload: Schema.optional(Schema.Unknown) })

const Message = Schema.Struct({
  msg_id: Schema.optional(Id),
  text: Schema.optional(Schema.String),
  attachments: Schema.optional(Schema.Array(Attachment)),
  quote_msg_id: Schema.optional(Id),
  msg_ids: Schema.optional(Schema.Array(Id)),
  group_id: Schema.optional(Id)
})

const Envelope = Schema.Struct({
  event_name: Schema.optional(Schema.String),
  event: Schema.optional(Schema.String),
  timestamp: Schema.optional(Time),
  sender: Schema.optional(Party),
  recipient: Schema.optional(Schema.Struct({ id: Schema.optional(Id), group_id: Schema.optional(Id) })),
  follower: Schema.optional(Party),
  message: Schema.optional(Message),
  info: Schema.optional(Schema.Unknown),
  group_id: Schema.optional(Id)
})

type Envelope = typeof Envelope.Type

const readEnvelope = decoder(Envelope)

const MediaPayload = Schema.Struct({
  url: Schema.optional(Schema.String),
  thumbnail: Schema.optional(Schema.String),
  name: Schema.optional(Schema.String),
  size: Schema.optional(Numeric),
  title: Schema.optional(Schema.String),
  description: Schema.optional(Schema.String)
})
const readMedia = decoder(MediaPayload)

const Coordinates = Schema.Struct({
  latitude: Schema.optional(Numeric),
  longitude: Schema.optional(Numeric),
  lat: Schema.optional(Numeric),
  long: Schema.optional(Numeric),
  lng: Schema.optional(Numeric)
})
const readLocation = decoder(Schema.Struct({ coordinates: Schema.optional(Coordinates), ...Coordinates.fields }))

const SubmitInfo = Schema.Struct({
  name: Schema.optional(Schema.String),
  phone: Schema.optional(Schema.Union(Schema.String, Schema.Number)),
  address: Schema.optional(Schema.String),
  city: Schema.optional(Schema.String),
  district: Schema.optional(Schema.String),
  ward: Schema.optional(Schema.String),
  full_address: Schema.optional(
    Schema.Struct({
      user_address: Schema.optional(Schema.String),
      user_ward: Schema.optional(Schema.String),
      user_district: Schema.optional(Schema.String),
      user_city: Schema.optional(Schema.String)
    })
  )
})
const readInfo = decoder(SubmitInfo)

/**
 * Group events that carry no message: recorded as dead letters with `groupLifecycle: "keep"`, else ignored.
 * Sources disagree on some names (`user_out_group` or `user_leave_group`, `delete_group` or `disperse_group`).
 *
 * @internal
 */
export const groupLifecycleEvents = new Set([
  "create_group",
  "delete_group",
  "disperse_group",
  "update_group_info",
  "user_join_group",
  "user_out_group",
  "user_leave_group",
  "user_request_join_group",
  "oa_join_group",
  "oa_out_group",
  "add_group_admin",
  "remove_group_admin"
])

/** Events known and deliberately without a message: a chat-now click, a reaction to the OA's message. @internal */
export const ignoredEvents = new Set(["user_click_chatnow", "user_reacted_message"])

interface Decoded {
  readonly messages: Array<InboundMessage.InboundMessage>
  readonly unsupported: Array<string>
}

const none = (): Decoded => ({ messages: [], unsupported: [] })
const unsupported = (what: string): Decoded => ({ messages: [], unsupported: [what] })

// A Media attachment from a payload with a link, or a description of why it cannot be one.
const media = (
  kind: "image" | "video" | "audio" | "file" | "sticker",
  payload: unknown
): Either.Either<InboundMessage.Attachment | undefined, string> =>
  Either.flatMap(readMedia(payload ?? {}), (p) => {
    const url = p.url ?? (kind === "image" || kind === "video" ? p.thumbnail : undefined)
    if (url === undefined || url.trim() === "") {
      return kind === "sticker" ? Either.right(undefined) : Either.left(`a ${kind} without a url`)
    }
    return Either.right({
      _tag: "Media" as const,
      media: kind,
      url,
      ...(p.name !== undefined ? { name: text(p.name) } : {}),
      ...(p.size !== undefined ? { size: p.size } : {})
    })
  })

const attachment = (type: string, payload: unknown): Either.Either<InboundMessage.Attachment | undefined, string> => {
  switch (type) {
    case "image":
    case "gif":
      return media("image", payload)
    case "sticker":
      return media("sticker", payload)
    case "audio":
    case "voice":
      return media("audio", payload)
    case "video":
      return media("video", payload)
    case "file":
      return media("file", payload)
    case "link":
      return Either.flatMap(readMedia(payload ?? {}), (p) =>
        p.url === undefined || p.url.trim() === ""
          ? Either.left("a link without a url")
          : Either.right({
              _tag: "Link" as const,
              url: p.url,
              ...(p.title !== undefined ? { title: text(p.title) } : {})
            })
      )
    case "location":
      return Either.flatMap(readLocation(payload ?? {}), (p) => {
        const c = p.coordinates ?? {}
        const latitude = c.latitude ?? c.lat ?? p.latitude ?? p.lat
        const longitude = c.longitude ?? c.long ?? c.lng ?? p.longitude ?? p.long ?? p.lng
        return latitude === undefined || longitude === undefined
          ? Either.left("a location without coordinates")
          : Either.right({ _tag: "Location" as const, latitude, longitude })
      })
    case "business_card":
      // The card's picture: what the user shared about someone, kept as an image; the card's details stay in
      // the raw delivery.
      return Either.map(readMedia(payload ?? {}), (p) => {
        const url = p.thumbnail ?? p.url
        return url === undefined || url.trim() === "" ? undefined : { _tag: "Media" as const, media: "image", url }
      })
    default:
      return Either.left(`an attachment of the unknown type "${type.slice(0, 40).replace(/[^\w.-]/g, "?")}"`)
  }
}

const groupIdOf = (envelope: Envelope, from: GroupIdFrom): string | undefined => {
  if (from === "recipient.id") return envelope.recipient?.id
  if (from === "recipient.group_id") return envelope.recipient?.group_id
  return envelope.recipient?.group_id ?? envelope.message?.group_id ?? envelope.group_id ?? envelope.recipient?.id
}

type Role = "user" | "anonymous" | "group" | "echo" | "group_echo"

// A message a user sent (or the OA, in an echo): its text, attachments and quote.
const content = (options: EventOptions, name: string, role: Role, envelope: Envelope, at: DateTime.Utc): Decoded => {
  const echo = role === "echo" || role === "group_echo"
  const group = role === "group" || role === "group_echo"
  const from = envelope.sender?.id
  const to = envelope.recipient?.id
  const conversationId = group ? groupIdOf(envelope, options.groupIdFrom) : echo ? to : from
  // One Zalo app may serve several OAs, all through the app's one webhook URL: a 1:1 event names its OA, and one for
  // another OA must not be taken in as this OA's (its tip would go to this OA's unit).
  const oa = group ? undefined : echo ? from : to
  if (oa !== undefined && oa !== options.oaId) return unsupported(`${name}: for OA ${oa}, not this channel's`)
  if (from === undefined || conversationId === undefined) {
    return unsupported(`${name}: no ${from === undefined ? "sender.id" : group ? "group id" : "recipient.id"}`)
  }
  const message = envelope.message ?? {}
  const notes: Array<string> = []
  const attachments: Array<InboundMessage.Attachment> = []
  for (const [i, a] of (message.attachments ?? []).entries()) {
    Either.match(attachment(a.type, a.payload), {
      onLeft: (why) => notes.push(`${name}: message.attachments.${i} is ${why}`),
      onRight: (found) => {
        if (found !== undefined) attachments.push(found)
      }
    })
  }
  const made = make({
    kind: echo ? "echo" : "message",
    channel: options.channel,
    ...(message.msg_id !== undefined ? { platformMessageId: message.msg_id } : {}),
    conversation: group ? { kind: "group", id: conversationId } : InboundMessage.direct(conversationId),
    sender: Redacted.make({ platformUserId: from }),
    ...(message.text !== undefined ? { text: text(message.text) } : {}),
    attachments,
    ...(message.quote_msg_id !== undefined ? { replyTo: message.quote_msg_id } : {}),
    sentAt: at
  })
  return Either.match(made, {
    onLeft: (why) => unsupported(`${name}: ${why}`),
    onRight: (m) => ({ messages: [m], unsupported: notes })
  })
}

// The user is the recipient of a receipt; the receipt is theirs, so it is their direct conversation.
const receipt = (options: EventOptions, name: string, envelope: Envelope, at: DateTime.Utc): Decoded => {
  const user = envelope.recipient?.id
  if (user === undefined) return unsupported(`${name}: no recipient.id`)
  const message = envelope.message ?? {}
  const ids =
    name === "user_seen_message"
      ? [...new Set([...(message.msg_ids ?? []), ...(message.msg_id ? [message.msg_id] : [])])]
      : [message.msg_id]
  const kind = name === "user_seen_message" ? "seen" : "delivery"
  const out = none()
  for (const id of ids.length === 0 ? [undefined] : ids) {
    Either.match(
      make({
        kind,
        channel: options.channel,
        conversation: InboundMessage.direct(user),
        sender: Redacted.make({ platformUserId: user }),
        ...(id !== undefined ? { replyTo: id } : {}),
        sentAt: at
      }),
      { onLeft: (why) => out.unsupported.push(`${name}: ${why}`), onRight: (m) => out.messages.push(m) }
    )
  }
  return out
}

const follow = (options: EventOptions, name: "follow" | "unfollow", envelope: Envelope, at: DateTime.Utc): Decoded => {
  const user = envelope.follower?.id ?? envelope.sender?.id
  if (user === undefined) return unsupported(`${name}: no follower.id`)
  return Either.match(
    make({
      kind: name,
      channel: options.channel,
      conversation: InboundMessage.direct(user),
      sender: Redacted.make({ platformUserId: user }),
      sentAt: at
    }),
    { onLeft: (why) => unsupported(`${name}: ${why}`), onRight: (m) => ({ messages: [m], unsupported: [] }) }
  )
}

const joined = (parts: ReadonlyArray<string | undefined>) => {
  const present = parts.map((p) => p?.trim()).filter((p): p is string => p !== undefined && p.length > 0)
  return present.length === 0 ? undefined : present.join(", ")
}

// Contact details the user shared: an identity, carried in the redacted sender alone.
const submitInfo = (options: EventOptions, envelope: Envelope, at: DateTime.Utc): Decoded => {
  const name = "user_submit_info"
  const user = envelope.sender?.id
  if (user === undefined) return unsupported(`${name}: no sender.id`)
  return Either.match(readInfo(envelope.info ?? {}), {
    onLeft: (paths) => unsupported(`${name}: info is malformed at ${paths}`),
    onRight: (info) => {
      const full = info.full_address
      const address = joined(
        full !== undefined
          ? [full.user_address, full.user_ward, full.user_district, full.user_city]
          : [info.address, info.ward, info.district, info.city]
      )
      const phone = info.phone === undefined ? undefined : String(info.phone).trim()
      return Either.match(
        make({
          kind: "contact",
          channel: options.channel,
          conversation: InboundMessage.direct(user),
          sender: Redacted.make({
            platformUserId: user,
            ...(info.name !== undefined && info.name.trim() !== "" ? { displayName: text(info.name) } : {}),
            ...(phone !== undefined && phone !== "" ? { phone } : {}),
            ...(address !== undefined ? { address: text(address) } : {})
          }),
          sentAt: at
        }),
        { onLeft: (why) => unsupported(`${name}: ${why}`), onRight: (m) => ({ messages: [m], unsupported: [] }) }
      )
    }
  })
}

const roleOf = (name: string): { readonly role: Role; readonly kind: string } | undefined => {
  const prefixes: ReadonlyArray<readonly [string, Role]> = [
    ["user_send_group_", "group"],
    ["oa_send_group_", "group_echo"],
    ["user_send_", "user"],
    ["anonymous_send_", "anonymous"],
    ["oa_send_", "echo"]
  ]
  for (const [prefix, role] of prefixes) {
    if (name.startsWith(prefix) && name.length > prefix.length) return { role, kind: name.slice(prefix.length) }
  }
  return undefined
}

// Event names go into dead-letter descriptions: only their safe characters, and not too many of them.
const safeName = (name: string) => name.slice(0, 60).replace(/[^\w.-]/g, "?")

/**
 * One event's messages and what of it is unsupported.
 *
 * @internal
 */
export const decodeEvent = (options: EventOptions, json: unknown): Decoded => {
  if (Option.isNone(record(json))) return unsupported("an event that is not a JSON object")
  const read = readEnvelope(json)
  const body = Option.getOrThrow(record(json))
  const rawName = body.event_name ?? body.event
  const label = typeof rawName === "string" ? safeName(rawName) : "an event"
  if (Either.isLeft(read)) return unsupported(`${label}: malformed at ${read.left}`)
  const envelope = read.right
  const name = envelope.event_name ?? envelope.event
  if (name === undefined) return unsupported("an event without event_name")
  if (ignoredEvents.has(name)) return none()
  if (groupLifecycleEvents.has(name)) {
    return options.groupLifecycle === "keep" ? unsupported(`${name}: a group's lifecycle, recorded`) : none()
  }
  const at = envelope.timestamp
  if (at === undefined) return unsupported(`${safeName(name)}: no timestamp`)
  if (name === "follow" || name === "unfollow") return follow(options, name, envelope, at)
  if (name === "user_received_message" || name === "user_seen_message") return receipt(options, name, envelope, at)
  if (name === "user_submit_info") return submitInfo(options, envelope, at)
  const role = roleOf(name)
  if (role !== undefined) return content(options, safeName(name), role.role, envelope, at)
  return unsupported(`${safeName(name)}: an event tinbao does not know`)
}

/** The decoded form of a whole delivery. @internal */
export const decodeBody = (options: EventOptions, json: unknown): Channel.Decoded => decodeEvent(options, json)
