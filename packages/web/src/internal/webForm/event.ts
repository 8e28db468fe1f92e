/**
 * One event of a web form delivery: its Schema and the normalised message it becomes.
 *
 * @internal
 */
import { ChannelCheck, InboundMessage } from "@tinbao/core"
import { Either, ParseResult, Redacted, Schema } from "effect"

/** The event types the web form sends; any other type is reported as unsupported, not refused. @internal */
export const types = ["message", "postback", "follow", "unfollow", "delivery", "seen", "echo"] as const

const Id = Schema.NonEmptyTrimmedString.pipe(Schema.maxLength(200))

const Url = Schema.String.pipe(Schema.maxLength(4096), Schema.pattern(/^https?:\/\/\S+$/))

const Media = Schema.Struct({
  type: Schema.Literal("image", "video", "audio", "file", "sticker"),
  url: Url,
  name: Schema.optional(Schema.String.pipe(Schema.maxLength(500))),
  size: Schema.optional(Schema.NonNegativeInt)
})

const Link = Schema.Struct({
  type: Schema.Literal("link"),
  url: Url,
  title: Schema.optional(Schema.String.pipe(Schema.maxLength(500)))
})

/**
 * An event as the form posts it. Ids are strings: numeric ids beyond 2^53 would lose digits as JSON numbers. A
 * direct conversation is the one with the reporter, so its id is the reporter's: `conversation` names a group
 * (with `"group": true`) or, in an echo, whose sender is an officer, the reporter it was sent to; in any other
 * direct event it is the sender, and may be left out.
 *
 * @internal
 */
export const Event = Schema.Struct({
  type: Schema.Literal(...types),
  id: Id,
  conversation: Schema.optional(Id),
  group: Schema.optional(Schema.Boolean),
  sender: Schema.Struct({ id: Id, name: Schema.optional(Schema.String.pipe(Schema.maxLength(200))) }),
  text: Schema.optional(Schema.String.pipe(Schema.maxLength(20000))),
  attachments: Schema.optional(Schema.Array(Schema.Union(Media, Link)).pipe(Schema.maxItems(20))),
  location: Schema.optional(
    Schema.Struct({
      latitude: Schema.Number.pipe(Schema.between(-90, 90)),
      longitude: Schema.Number.pipe(Schema.between(-180, 180))
    })
  ),
  replyTo: Schema.optional(Id),
  time: InboundMessage.PlatformTime
})

/** @internal */
export type Event = typeof Event.Type

const decodeEvent = Schema.decodeUnknownEither(Event, { errors: "all" })

/**
 * Where a value is malformed, never what it holds: the values may be a reporter's id or name, or a secret.
 *
 * @internal
 */
export const where = (error: ParseResult.ParseError): string => {
  const paths = ParseResult.ArrayFormatter.formatErrorSync(error).map((issue) => issue.path.join(".") || "(root)")
  return [...new Set(paths)].join(", ")
}

const attachment = (a: Event["attachments"] & {}): Array<InboundMessage.Attachment> =>
  a.map((x) =>
    x.type === "link"
      ? { _tag: "Link", url: x.url, ...(x.title === undefined ? {} : { title: x.title }) }
      : {
          _tag: "Media",
          media: x.type,
          url: x.url,
          ...(x.name === undefined ? {} : { name: x.name }),
          ...(x.size === undefined ? {} : { size: x.size })
        }
  )

/**
 * The conversation of an event, or what is wrong with its `conversation`.
 *
 * @internal
 */
export const conversationOf = (event: Event): Either.Either<InboundMessage.Conversation, string> => {
  const named = event.conversation
  if (event.group === true) {
    return named === undefined
      ? Either.left("a group event needs the group's id")
      : Either.right({ kind: "group", id: named })
  }
  if (event.type === "echo") {
    return named === undefined
      ? Either.left("an echo needs the reporter it was sent to")
      : Either.right(InboundMessage.direct(named))
  }
  return named === undefined || named === event.sender.id
    ? Either.right(InboundMessage.direct(event.sender.id))
    : Either.left("a direct conversation is the sender's own")
}

/**
 * The message an event becomes. Text is normalised to NFC: some keyboards send Vietnamese decomposed, and
 * de-duplication by content and search must see one spelling.
 *
 * @internal
 */
export const toMessage = (
  channel: string,
  event: Event,
  conversation: InboundMessage.Conversation
): Either.Either<InboundMessage.InboundMessage, string> =>
  Either.mapLeft(
    ChannelCheck.message(channel, {
      kind: event.type,
      channel,
      platformMessageId: event.id,
      conversation,
      sender: Redacted.make({
        platformUserId: event.sender.id,
        ...(event.sender.name === undefined ? {} : { displayName: event.sender.name })
      }),
      ...(event.text === undefined ? {} : { text: event.text.normalize("NFC") }),
      attachments: [
        ...attachment(event.attachments ?? []),
        ...(event.location === undefined ? [] : [{ _tag: "Location" as const, ...event.location }])
      ],
      ...(event.replyTo === undefined ? {} : { replyTo: event.replyTo }),
      sentAt: event.time
    }),
    (refused) => refused.message
  )

/**
 * Reads the event at `index`: a message, a description of an unknown type, or why it is malformed.
 *
 * @internal
 */
export const readEvent = (
  channel: string,
  raw: unknown,
  index: number
): Either.Either<
  | { readonly _tag: "Message"; readonly message: InboundMessage.InboundMessage }
  | { readonly _tag: "Unsupported"; readonly description: string },
  string
> => {
  const type = typeof raw === "object" && raw !== null && "type" in raw ? raw.type : undefined
  if (typeof type !== "string") return Either.left(`event ${index} is not an object with a string "type"`)
  if (!(types as ReadonlyArray<string>).includes(type)) {
    return Either.right({
      _tag: "Unsupported",
      description: `events[${index}]: type ${JSON.stringify(type.slice(0, 40))}`
    })
  }
  return Either.match(decodeEvent(raw), {
    onLeft: (error) => Either.left(`event ${index} (${type}) is malformed at ${where(error)}`),
    onRight: (event) =>
      Either.match(conversationOf(event), {
        onLeft: (why) => Either.left(`event ${index} (${type}) is malformed at conversation: ${why}`),
        onRight: (conversation) =>
          Either.map(
            Either.mapLeft(toMessage(channel, event, conversation), (why) => `event ${index} (${type}): ${why}`),
            (message) => ({ _tag: "Message" as const, message })
          )
      })
  })
}
