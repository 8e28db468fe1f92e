import { Context, type DateTime, type Effect, Schema } from "effect"
import type { Enqueued } from "../../Outbox.js"
import * as Channel from "../channel/channel.js"
import { ConversationKey } from "../channel/inboundMessage.js"
import { TipId } from "../lifecycle/tip.js"
import { withoutNul } from "../shared/text.js"
import { AliasId } from "../vault/identityVault.js"

const Text = Schema.NonEmptyString.pipe(Schema.maxLength(20000))

/**
 * Where an entry stands: `pending` (waiting for its next attempt), `sending` (leased by a dispatcher),
 * `sent`, or `failed` (given up: the reason is in `lastError`).
 *
 * @since 0.1.0
 * @category models
 */
export const Status = Schema.Literal("pending", "sending", "sent", "failed")

/**
 * @since 0.1.0
 * @category models
 */
export type Status = typeof Status.Type

/**
 * Why the last attempt did not send: a channel's reason, `no_adapter` (no adapter is configured for the
 * channel) or `identity_unavailable` (the vault could not give the recipient, e.g. the identity was erased).
 *
 * @since 0.1.0
 * @category models
 */
export const ErrorReason = Schema.Literal(...Channel.Reason.literals, "no_adapter", "identity_unavailable")

/**
 * @since 0.1.0
 * @category models
 */
export type ErrorReason = typeof ErrorReason.Type

/**
 * The last failure of an entry. The message names channels, keys and aliases, never an identity.
 *
 * @since 0.1.0
 * @category models
 */
export const LastError = Schema.Struct({ reason: ErrorReason, message: Schema.String }).annotations({
  identifier: "LastError"
})

/**
 * @since 0.1.0
 * @category models
 */
export type LastError = typeof LastError.Type

/**
 * An idempotency key: the same key is enqueued once, whatever happens. Derive it from what caused the message,
 * e.g. `ack:<tip id>`.
 *
 * @since 0.1.0
 * @category models
 */
export const Key = Schema.NonEmptyTrimmedString.pipe(Schema.maxLength(200))

/**
 * A message to enqueue (its texts without NUL characters, which storage cannot hold). A `direct` conversation needs
 * `recipient`, the reporter's alias; the outbox keeps the alias as the conversation's key (whatever key was given),
 * and the dispatcher reveals the reporter's platform id from the vault when it sends. `public` (since 0.2.0,
 * default `false`) posts a reply in a comment thread for everyone to see (the platform answers the comment
 * `replyTo` names): only a `post` conversation takes one.
 *
 * @since 0.1.0
 * @category models
 */
export const Message = Schema.Struct({
  key: Key.pipe(withoutNul()),
  channel: Schema.NonEmptyTrimmedString.pipe(withoutNul()),
  conversation: ConversationKey,
  recipient: Schema.optional(AliasId),
  text: Text.pipe(withoutNul()),
  replyTo: Schema.optional(Schema.NonEmptyTrimmedString.pipe(withoutNul())),
  humanAgent: Schema.optional(Schema.Boolean),
  public: Schema.optional(Schema.Boolean),
  tip: Schema.optional(TipId)
}).annotations({ identifier: "OutboxMessage" })

/**
 * @since 0.1.0
 * @category models
 */
export type Message = typeof Message.Type

/**
 * An outbox entry. `attempts` counts the claims so far; a dispatcher that settles an entry names the attempt
 * it claimed, so a dispatcher whose lease expired cannot overwrite the work of the one that took over. `public`
 * (since 0.2.0): a reply posted in a comment thread, as the message asked; the dispatcher passes it to the adapter.
 *
 * @since 0.1.0
 * @category models
 */
export class Entry extends Schema.Class<Entry>("@tinbao/core/OutboxEntry")({
  key: Key,
  channel: Schema.NonEmptyTrimmedString,
  conversation: ConversationKey,
  recipient: Schema.optional(AliasId),
  text: Text,
  replyTo: Schema.optional(Schema.NonEmptyTrimmedString),
  humanAgent: Schema.Boolean,
  public: Schema.Boolean,
  tip: Schema.optional(TipId),
  createdAt: Schema.DateTimeUtc,
  attempts: Schema.NonNegativeInt,
  nextAttemptAt: Schema.DateTimeUtc,
  leaseUntil: Schema.optional(Schema.DateTimeUtc),
  status: Status,
  platformMessageId: Schema.optional(Schema.NonEmptyTrimmedString),
  lastError: Schema.optional(LastError)
}) {}

/**
 * The one error of the outbox. `invalid`: the request is malformed; `not_found`: no entry has the key;
 * `lease_lost`: the entry is no longer leased under the attempt named (its lease expired and another
 * dispatcher took it, or it was settled already); `unavailable`: the backend cannot be reached; `corrupt`:
 * a stored row is not a valid entry.
 *
 * @since 0.1.0
 * @category errors
 */
export class OutboxError extends Schema.TaggedError<OutboxError>("@tinbao/core/OutboxError")("OutboxError", {
  reason: Schema.Literal("invalid", "not_found", "lease_lost", "unavailable", "corrupt"),
  message: Schema.String,
  cause: Schema.optional(Schema.Defect)
}) {}

/**
 * The outbox as users see it. `claim` leases the entries that are due (pending and due, or sending with an
 * expired lease), increments their attempts and returns them; `complete`, `retryAt` and `fail` settle a claim.
 *
 * @since 0.1.0
 * @category tags
 */
export class Outbox extends Context.Tag("@tinbao/core/Outbox")<
  Outbox,
  {
    /** Adds a message, due now. The same key twice keeps the first entry and says so. */
    readonly enqueue: (message: Message) => Effect.Effect<Enqueued, OutboxError>
    /** Leases up to `limit` due entries for `leaseMillis`, earliest due first; two callers never get the same one. */
    readonly claim: (
      now: DateTime.Utc,
      limit: number,
      leaseMillis: number
    ) => Effect.Effect<ReadonlyArray<Entry>, OutboxError>
    /** Marks a claimed entry sent, with the platform's message id. */
    readonly complete: (key: string, attempt: number, platformMessageId: string) => Effect.Effect<Entry, OutboxError>
    /** Puts a claimed entry back to pending, due at `at`. */
    readonly retryAt: (
      key: string,
      attempt: number,
      at: DateTime.Utc,
      error: LastError
    ) => Effect.Effect<Entry, OutboxError>
    /** Gives up on a claimed entry. */
    readonly fail: (key: string, attempt: number, error: LastError) => Effect.Effect<Entry, OutboxError>
    /** The entry under a key, or `undefined`. */
    readonly get: (key: string) => Effect.Effect<Entry | undefined, OutboxError>
    /** The entries, all or those with one status, oldest first. */
    readonly list: (status?: Status) => Effect.Effect<ReadonlyArray<Entry>, OutboxError>
  }
>() {}
