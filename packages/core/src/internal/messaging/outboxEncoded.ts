import { DateTime, Effect, Either, ParseResult, Schema } from "effect"
import type { Encoded, Row, Settlement } from "../../Outbox.js"
import { ConversationKey } from "../channel/inboundMessage.js"
import { TipId } from "../lifecycle/tip.js"
import { AliasId } from "../vault/identityVault.js"
import { Entry, ErrorReason, type LastError, Message, type Outbox, OutboxError, Status } from "./outbox.js"

const Millis = Schema.DateTimeUtcFromNumber
const NullOr = Schema.NullOr

// A row decoded column by column, so that a bad row names its bad column.
const RowSchema = Schema.Struct({
  key: Entry.fields.key,
  channel: Schema.NonEmptyTrimmedString,
  conversationKind: ConversationKey.fields.kind,
  conversationId: ConversationKey.fields.id,
  recipient: NullOr(AliasId),
  text: Entry.fields.text,
  replyTo: NullOr(Schema.NonEmptyTrimmedString),
  humanAgent: Schema.Boolean,
  public: Schema.Boolean,
  tip: NullOr(TipId),
  createdAt: Millis,
  attempts: Schema.NonNegativeInt,
  nextAttemptAt: Millis,
  leaseUntil: NullOr(Millis),
  status: Status,
  platformMessageId: NullOr(Schema.NonEmptyTrimmedString),
  errorReason: NullOr(ErrorReason),
  errorMessage: NullOr(Schema.String)
})

const codec = {
  decodeRow: Schema.decodeUnknownEither(RowSchema, { errors: "all" }),
  validateMessage: Schema.validateEither(Message)
}

// Only the paths: the values of a bad row or message may be anything, an identity included.
const problem = (error: ParseResult.ParseError) => {
  const paths = ParseResult.ArrayFormatter.formatErrorSync(error).map((i) => i.path.join(".") || "the whole value")
  return `check ${[...new Set(paths)].join(", ")}`
}

type Decoded = typeof RowSchema.Type

// A decoded row, or a row this module made from a checked message, as an entry.
const entryOf = (r: Decoded): Entry =>
  new Entry(
    {
      key: r.key,
      channel: r.channel,
      conversation: { kind: r.conversationKind, id: r.conversationId },
      ...(r.recipient !== null ? { recipient: r.recipient } : {}),
      text: r.text,
      ...(r.replyTo !== null ? { replyTo: r.replyTo } : {}),
      humanAgent: r.humanAgent,
      public: r.public,
      ...(r.tip !== null ? { tip: r.tip } : {}),
      createdAt: r.createdAt,
      attempts: r.attempts,
      nextAttemptAt: r.nextAttemptAt,
      ...(r.leaseUntil !== null ? { leaseUntil: r.leaseUntil } : {}),
      status: r.status,
      ...(r.platformMessageId !== null ? { platformMessageId: r.platformMessageId } : {}),
      ...(r.errorReason !== null ? { lastError: { reason: r.errorReason, message: r.errorMessage ?? "" } } : {})
    },
    { disableValidation: true }
  )

/** @internal */
export const fromRow = (row: Row): Effect.Effect<Entry, OutboxError> =>
  Either.match(codec.decodeRow(row), {
    onLeft: (error) =>
      Effect.fail(
        new OutboxError({
          reason: "corrupt",
          message: `The stored outbox row ${String(row.key)} is not a valid entry: ${problem(error)}`
        })
      ),
    onRight: (r) => Effect.succeed(entryOf(r))
  })

// The entry of a row just inserted from a checked message: nothing to decode.
const inserted = (row: Row): Entry =>
  entryOf({
    ...(row as Omit<Decoded, "createdAt" | "nextAttemptAt" | "leaseUntil">),
    createdAt: DateTime.unsafeMake(row.createdAt),
    nextAttemptAt: DateTime.unsafeMake(row.nextAttemptAt),
    leaseUntil: null
  })

const invalid = (message: string) => Effect.fail(new OutboxError({ reason: "invalid", message }))

// The conversation with a reporter is the reporter: in the outbox it is keyed by their alias, whatever key the
// caller gave, and the dispatcher reveals the platform's id for it from the vault at send time. Only a comment
// thread has an audience: a public message anywhere else is refused before it could reach one.
const checkMessage = (input: Message): Effect.Effect<Message, OutboxError> =>
  Either.match(codec.validateMessage(input), {
    onLeft: (error) => invalid(`This outbox message is malformed: ${problem(error)}`),
    onRight: (message) =>
      message.public === true && message.conversation.kind !== "post"
        ? invalid(
            `A public message goes to a comment thread (a post conversation), not a ${message.conversation.kind}.`
          )
        : message.conversation.kind !== "direct"
          ? Effect.succeed(message)
          : message.recipient === undefined
            ? invalid("A message to a direct conversation needs the reporter's alias as its recipient.")
            : Effect.succeed({ ...message, conversation: { kind: "direct" as const, id: message.recipient } })
  })

const isPositiveInt = (n: number) => Number.isSafeInteger(n) && n > 0
const millis = DateTime.toEpochMillis

/** @internal */
export const makeEncoded = (store: Encoded): Outbox["Type"] => {
  const lookup = (key: string) =>
    Effect.flatMap(store.get(key), (row) => (row === undefined ? Effect.succeed(undefined) : fromRow(row)))

  const settle = (key: string, attempt: number, settlement: Settlement) =>
    Effect.flatMap(store.settle(key, attempt, settlement), (row) =>
      row !== undefined
        ? fromRow(row)
        : Effect.flatMap(store.get(key), (current) =>
            Effect.fail(
              current === undefined
                ? new OutboxError({ reason: "not_found", message: `No outbox entry has the key ${key}.` })
                : new OutboxError({
                    reason: "lease_lost",
                    message: `Outbox entry ${key} is no longer leased under attempt ${attempt} (it is ${current.status} at attempt ${current.attempts}).`
                  })
            )
          )
    )

  const failed = (error: LastError) => ({ errorReason: error.reason, errorMessage: error.message })

  return {
    enqueue: (input) =>
      Effect.gen(function* () {
        const message = yield* checkMessage(input)
        const now = millis(yield* DateTime.now)
        const row: Row = {
          key: message.key,
          channel: message.channel,
          conversationKind: message.conversation.kind,
          conversationId: message.conversation.id,
          recipient: message.recipient ?? null,
          text: message.text,
          replyTo: message.replyTo ?? null,
          humanAgent: message.humanAgent ?? false,
          public: message.public ?? false,
          tip: message.tip ?? null,
          createdAt: now,
          attempts: 0,
          nextAttemptAt: now,
          leaseUntil: null,
          status: "pending",
          platformMessageId: null,
          errorReason: null,
          errorMessage: null
        }
        const stored = yield* store.insert(row)
        return { entry: stored.inserted ? inserted(row) : yield* fromRow(stored.row), created: stored.inserted }
      }),
    claim: (now, limit, leaseMillis) =>
      !isPositiveInt(limit) || !isPositiveInt(leaseMillis)
        ? invalid(`A claim needs a positive whole limit and lease, not ${limit} and ${leaseMillis} ms.`)
        : Effect.flatMap(store.claim(millis(now), limit, millis(now) + leaseMillis), (rows) =>
            Effect.forEach(rows, fromRow)
          ),
    complete: (key, attempt, platformMessageId) =>
      platformMessageId.trim().length === 0
        ? invalid(`Outbox entry ${key} cannot be completed without the platform's message id.`)
        : settle(key, attempt, { status: "sent", platformMessageId, errorReason: null, errorMessage: null }),
    retryAt: (key, attempt, at, error) =>
      settle(key, attempt, { status: "pending", nextAttemptAt: millis(at), platformMessageId: null, ...failed(error) }),
    fail: (key, attempt, error) =>
      settle(key, attempt, { status: "failed", platformMessageId: null, ...failed(error) }),
    get: lookup,
    list: (status) => Effect.flatMap(store.list(status), (rows) => Effect.forEach(rows, fromRow))
  }
}
