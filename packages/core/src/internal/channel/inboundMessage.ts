import { DateTime, type Either, Option, ParseResult, Redacted, Schema } from "effect"
import { IdentityId, identityText, withoutNul } from "../shared/text.js"

// Every text of a message may end in storage (ids in the intake ledger, texts in tip events): none holds a NUL.
const Id = Schema.NonEmptyTrimmedString.pipe(withoutNul())
const Text = Schema.String.pipe(withoutNul())

/**
 * What happened: a message or a comment (which can become a tip), a postback (a button press), a follow or
 * unfollow, a delivery or seen receipt, the echo of a message we sent, `contact` (since 0.2.0): the user shared
 * their contact details (Zalo's `user_submit_info`), which travel in the redacted sender, never as text, or
 * `removed` (since 0.2.0): the message or comment `replyTo` names was taken down (`payload`: `remove` when its
 * author or the page deleted it, `hide` when the page hid it, `unhide` when it shows again). Only messages,
 * comments and postbacks can create tips; contact details and removals are recorded on the tip they concern.
 *
 * @since 0.1.0
 * @category models
 */
export const Kind = Schema.Literal(
  "message",
  "comment",
  "postback",
  "follow",
  "unfollow",
  "delivery",
  "seen",
  "echo",
  "contact",
  "removed"
)

/**
 * @since 0.1.0
 * @category models
 */
export type Kind = typeof Kind.Type

/**
 * Where the message was said: a 1:1 conversation with a user, an OA group, or the comment thread of a page post.
 * **Contract:** a direct conversation is the one with the reporter, and its id is the reporter's platform user id
 * (as on Zalo and Facebook; the phone number on SMS). That id is an identity, so it is `Redacted`: it prints as
 * `<redacted>` and never reaches a log. tinbao never stores it: where it keeps a conversation it uses a
 * {@link ConversationKey}. A group's or a post's id is the platform's, in the clear.
 *
 * @since 0.1.0
 * @category models
 */
export const Conversation = Schema.Union(
  Schema.Struct({ kind: Schema.Literal("direct"), id: Schema.Redacted(IdentityId) }),
  Schema.Struct({ kind: Schema.Literal("group", "post"), id: Id })
).annotations({ identifier: "Conversation" })

/**
 * @since 0.1.0
 * @category models
 */
export type Conversation = typeof Conversation.Type

/**
 * The direct conversation with the user whose platform id is given.
 *
 * @since 0.2.0
 * @category constructors
 */
export const direct = (platformUserId: string): Conversation => ({
  kind: "direct",
  id: Redacted.make(platformUserId)
})

/**
 * A conversation as tinbao keeps it (outbox entries, conversation activity, the intake ledger): a group or a
 * post by its platform id, a direct conversation by a key that is not an identity — the reporter's vault
 * fingerprint (`ConversationActivity.directKey`), or, in the outbox, the alias of the tip's reporter.
 *
 * @since 0.2.0
 * @category models
 */
export const ConversationKey = Schema.Struct({
  kind: Schema.Literal("direct", "group", "post"),
  id: Id
}).annotations({ identifier: "ConversationKey" })

/**
 * @since 0.2.0
 * @category models
 */
export type ConversationKey = typeof ConversationKey.Type

/**
 * Who sent it, as the platform knows them, with what they shared of themselves (a phone, an address). An
 * identity: always redacted.
 *
 * @since 0.1.0
 * @category models
 */
export const Sender = Schema.Struct({
  platformUserId: IdentityId,
  displayName: Schema.optionalWith(identityText("a display name"), { exact: true }),
  /** A phone number the user shared (since 0.2.0). */
  phone: Schema.optionalWith(identityText("a phone number"), { exact: true }),
  /** An address the user shared (since 0.2.0). */
  address: Schema.optionalWith(identityText("an address"), { exact: true })
}).annotations({ identifier: "Sender" })

/**
 * @since 0.1.0
 * @category models
 */
export type Sender = typeof Sender.Type

/**
 * A file or place that came with the message. Media are referenced by URL (platform CDN links expire: fetch
 * them promptly); a location carries its coordinates.
 *
 * @since 0.1.0
 * @category models
 */
export const Attachment = Schema.Union(
  Schema.TaggedStruct("Media", {
    media: Schema.Literal("image", "video", "audio", "file", "sticker"),
    url: Text,
    name: Schema.optional(Text),
    size: Schema.optional(Schema.Number)
  }),
  Schema.TaggedStruct("Link", { url: Text, title: Schema.optional(Text) }),
  Schema.TaggedStruct("Location", {
    latitude: Schema.Number.pipe(Schema.between(-90, 90)),
    longitude: Schema.Number.pipe(Schema.between(-180, 180))
  })
).annotations({ identifier: "Attachment" })

/**
 * @since 0.1.0
 * @category models
 */
export type Attachment = typeof Attachment.Type

/**
 * A normalised inbound message.
 *
 * @since 0.1.0
 * @category models
 */
export class InboundMessage extends Schema.Class<InboundMessage>("@tinbao/core/InboundMessage")({
  kind: Kind,
  channel: Id,
  platformMessageId: Schema.optional(Id),
  conversation: Conversation,
  sender: Schema.Redacted(Sender),
  text: Schema.optional(Text.pipe(Schema.maxLength(20000))),
  attachments: Schema.optionalWith(Schema.Array(Attachment), { default: () => [] }),
  replyTo: Schema.optional(Id),
  /** A button's or quick reply's payload (postbacks). */
  payload: Schema.optional(Text),
  sentAt: Schema.DateTimeUtc
}) {}

/**
 * A message's fields, to check a message against: a class's own schema checks only that a value is an instance, and
 * an adapter may have built one without validation.
 *
 * @internal
 */
export const MessageFields = Schema.Struct(InboundMessage.fields)

/**
 * Whether a message may become a tip or part of one: messages, comments and postbacks with something in them.
 *
 * @since 0.1.0
 * @category predicates
 */
export const isTipMaterial = (message: InboundMessage): boolean =>
  (message.kind === "message" || message.kind === "comment" || message.kind === "postback") &&
  ((message.text?.trim().length ?? 0) > 0 || message.attachments.length > 0)

// Platforms mix seconds and milliseconds, strings and numbers. Anything below 10^11 is seconds: in
// milliseconds that would be March 1973, before any of these platforms existed.
const toMillis = (value: number): number => (Math.abs(value) < 1e11 ? value * 1000 : value)

/**
 * A platform timestamp: epoch seconds or milliseconds, as a number or a numeric string, or an ISO 8601 string.
 *
 * @since 0.1.0
 * @category schemas
 */
export const PlatformTime: Schema.Schema<DateTime.Utc, string | number> = Schema.transformOrFail(
  Schema.Union(Schema.String, Schema.Number),
  Schema.DateTimeUtcFromSelf,
  {
    strict: true,
    decode: (input, _, ast) => {
      const numeric =
        typeof input === "number" ? input : /^\s*-?\d+(\.\d+)?\s*$/.test(input) ? Number(input) : undefined
      const parsed =
        numeric !== undefined && Number.isFinite(numeric)
          ? DateTime.make(toMillis(numeric))
          : typeof input === "string"
            ? DateTime.make(input)
            : Option.none()
      return Option.match(parsed, {
        onNone: () =>
          ParseResult.fail(new ParseResult.Type(ast, input, "a time in epoch seconds, milliseconds or ISO 8601")),
        onSome: (t) => ParseResult.succeed(t)
      })
    },
    encode: (t) => ParseResult.succeed(DateTime.toEpochMillis(t))
  }
).annotations({ identifier: "PlatformTime" })

/**
 * Reads a platform timestamp (see {@link PlatformTime}).
 *
 * @since 0.1.0
 * @category conversions
 */
export const parseTime = (input: string | number): Either.Either<DateTime.Utc, ParseResult.ParseError> =>
  Schema.decodeEither(PlatformTime)(input)
