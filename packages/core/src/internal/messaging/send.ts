import { DateTime, Duration, Effect, Either, Option, Random, Redacted, Schedule } from "effect"
import type { ChannelAdapter } from "../../Channel.js"
import { OutboundMessage } from "../channel/channel.js"
import type { Channels } from "../channel/channels.js"
import type { Conversation, ConversationKey } from "../channel/inboundMessage.js"
import { messagesFor, replyWindowOf } from "../channel/split.js"
import type { IdentityVault, IdentityVaultError } from "../vault/identityVault.js"
import type { ConversationActivity } from "./activity.js"
import { checkWindow } from "./activity.js"
import type { Entry, ErrorReason, Outbox, OutboxError } from "./outbox.js"
import { sendWithRefresh } from "./refresh.js"
import type { Policy } from "./retry.js"
import { delay } from "./retry.js"

/** @internal */
export interface Services {
  readonly outbox: Outbox["Type"]
  readonly channels: Channels["Type"]
  readonly vault: IdentityVault["Type"]
  readonly activity: ConversationActivity["Type"]
  readonly policy: Policy
  readonly sendTimeoutMillis: number
  readonly onSent?: ((entry: Entry) => Effect.Effect<void, unknown>) | undefined
}

/** @internal */
export type Outcome = "sent" | "retried" | "failed" | "unsettled"

interface Problem {
  readonly reason: ErrorReason
  readonly message: string
  readonly retry: boolean
}

const problem = (reason: ErrorReason, message: string, retry: boolean): Problem => ({ reason, message, retry })

interface Ready {
  readonly adapter: ChannelAdapter
  readonly message: OutboundMessage
  /** The conversation as activity keeps it: by fingerprint for direct ones. */
  readonly target: ConversationKey
  /** How many platform messages the reply goes as. */
  readonly parts: number
}

const unavailable = (e: IdentityVaultError) => problem("identity_unavailable", e.message, e.reason === "unavailable")

// Where to send, and the key the conversation's activity is kept under. A direct conversation's id is the
// reporter's platform id: revealed from the vault here, into a Redacted value that lives only in the outbound
// message; its activity is kept under the reporter's fingerprint, as intake records it.
const addressOf = (
  services: Services,
  entry: Entry
): Effect.Effect<{ readonly conversation: Conversation; readonly key: ConversationKey }, Problem> => {
  const { kind, id } = entry.conversation
  if (kind !== "direct") return Effect.succeed({ conversation: { kind, id }, key: entry.conversation })
  const alias = entry.recipient
  if (alias === undefined) {
    const message = `Outbox entry ${entry.key} is to a direct conversation but names no reporter.`
    return Effect.fail(problem("identity_unavailable", message, false))
  }
  return Effect.gen(function* () {
    const identity = yield* Effect.mapError(services.vault.reveal(alias), unavailable)
    const fingerprint = yield* Effect.mapError(services.vault.fingerprint(identity), unavailable)
    return {
      conversation: { kind: "direct", id: Redacted.make(Redacted.value(identity).platformUserId) },
      key: { kind: "direct", id: fingerprint }
    }
  })
}

// Everything up to the platform call.
const prepare = (services: Services, entry: Entry): Effect.Effect<Ready, Problem> =>
  Effect.gen(function* () {
    const adapter = Option.getOrUndefined(services.channels.get(entry.channel))
    if (adapter === undefined) {
      return yield* Effect.fail(problem("no_adapter", `No adapter is configured for channel ${entry.channel}.`, false))
    }
    const limit = adapter.capabilities.maxTextLength
    if (entry.text.length > limit) {
      const message = `The message has ${entry.text.length} characters; channel ${entry.channel} takes at most ${limit}.`
      return yield* Effect.fail(problem("bad_request", message, false))
    }
    const { conversation, key: activityKey } = yield* addressOf(services, entry)
    // A reply the adapter cuts into parts costs one reply of a quota per part.
    const parts = messagesFor(adapter.capabilities, entry.text)
    let lastInboundAt: DateTime.Utc | undefined
    if (conversation.kind !== "post") {
      const activity = yield* Effect.mapError(services.activity.get(entry.channel, activityKey), (e) =>
        problem("transient", e.message, true)
      )
      const window = replyWindowOf(adapter.capabilities, conversation.kind)
      const verdict = checkWindow(window, activity, yield* DateTime.now, entry.humanAgent, parts)
      if (Either.isLeft(verdict)) return yield* Effect.fail(problem("outside_window", verdict.left, false))
      lastInboundAt = activity?.lastInboundAt
    }
    const message = yield* Effect.try({
      try: () =>
        new OutboundMessage({
          key: entry.key,
          channel: entry.channel,
          conversation,
          text: entry.text,
          ...(entry.replyTo !== undefined ? { replyTo: entry.replyTo } : {}),
          humanAgent: entry.humanAgent,
          public: entry.public,
          ...(lastInboundAt !== undefined ? { lastInboundAt } : {})
        }),
      catch: () => problem("bad_request", `Outbox entry ${entry.key} does not make a valid outbound message.`, false)
    })
    return { adapter, message, target: activityKey, parts }
  })

const attempt = (services: Services, entry: Entry) =>
  Effect.flatMap(prepare(services, entry), (ready) =>
    Effect.map(
      Effect.mapError(sendWithRefresh(ready.adapter, ready.message), (e) => problem(e.reason, e.message, e.retryable)),
      (id) => ({ id, target: ready.target, parts: ready.parts })
    )
  ).pipe(
    Effect.timeoutFail({
      duration: Duration.millis(services.sendTimeoutMillis),
      onTimeout: () =>
        problem("transient", `Channel ${entry.channel} gave no answer within ${services.sendTimeoutMillis} ms.`, true)
    }),
    Effect.catchAllDefect(() =>
      Effect.fail(problem("transient", `Sending outbox entry ${entry.key} failed unexpectedly.`, true))
    )
  )

const annotate = (entry: Entry, reason?: string) =>
  Effect.annotateLogs({
    outbox: entry.key,
    channel: entry.channel,
    attempt: entry.attempts,
    ...(reason !== undefined ? { reason } : {})
  })

const unsettled = (entry: Entry) => (error: OutboxError) =>
  Effect.logWarning(`outbox: could not record the outcome: ${error.message}`).pipe(
    annotate(entry, error.reason),
    Effect.as("unsettled" as const)
  )

const settle = (
  services: Services,
  entry: Entry,
  result: Either.Either<{ id: string; target: ConversationKey; parts: number }, Problem>
) =>
  Effect.gen(function* () {
    const { outbox, policy } = services
    if (Either.isRight(result)) {
      const sent = yield* outbox.complete(entry.key, entry.attempts, result.right.id).pipe(
        Effect.retry({
          schedule: Schedule.exponential("50 millis"),
          times: 3,
          while: (e) => e.reason === "unavailable"
        })
      )
      if (result.right.target.kind !== "post") {
        const at = yield* DateTime.now
        yield* Effect.forEach(
          Array.from({ length: result.right.parts }),
          () => services.activity.recordReply(entry.channel, result.right.target, at),
          { discard: true }
        ).pipe(
          Effect.catchAll((e) =>
            Effect.logWarning(`outbox: the reply was not counted: ${e.message}`).pipe(annotate(entry))
          )
        )
      }
      if (services.onSent !== undefined) {
        yield* services
          .onSent(sent)
          .pipe(
            Effect.catchAllCause(() =>
              Effect.logWarning("outbox: the onSent hook failed; the message stays sent").pipe(annotate(entry))
            )
          )
      }
      return "sent" as const
    }
    const { reason, message, retry } = result.left
    yield* Effect.annotateCurrentSpan("tinbao.outbox.reason", reason)
    if (!retry || entry.attempts >= policy.maxAttempts) {
      const final = retry ? `${message} Gave up after ${entry.attempts} attempts.` : message
      yield* outbox.fail(entry.key, entry.attempts, { reason, message: final })
      yield* Effect.logWarning(`outbox: not sent: ${final}`).pipe(annotate(entry, reason))
      return "failed" as const
    }
    const wait = delay(policy, entry.attempts, yield* Random.next)
    const at = DateTime.add(yield* DateTime.now, { millis: wait })
    yield* outbox.retryAt(entry.key, entry.attempts, at, { reason, message })
    yield* Effect.logInfo(`outbox: will retry in ${wait} ms: ${message}`).pipe(annotate(entry, reason))
    return "retried" as const
  }).pipe(Effect.catchAll(unsettled(entry)))

// The span's attributes say where and which attempt, never to whom: the entry's conversation and recipient stay out.
const attributes = (services: Services, entry: Entry) => {
  const platform = Option.getOrUndefined(services.channels.get(entry.channel))?.platform.id
  return {
    "tinbao.channel.id": entry.channel,
    ...(platform !== undefined ? { "tinbao.platform": platform } : {}),
    "tinbao.outbox.attempt": entry.attempts,
    ...(entry.tip !== undefined ? { "tinbao.tip.id": entry.tip } : {})
  }
}

/**
 * One claimed entry: attempt, then record the outcome. The outcome is recorded uninterruptibly, so that a
 * message the platform accepted is marked sent even when the dispatcher is being stopped. Traced as
 * `tinbao.outbox.send` (docs/tracing.md).
 *
 * @internal
 */
export const deliver = (services: Services, entry: Entry): Effect.Effect<Outcome> =>
  Effect.uninterruptibleMask((restore) =>
    Effect.flatMap(Effect.either(restore(attempt(services, entry))), (result) => settle(services, entry, result))
  ).pipe(
    Effect.tap((outcome) => Effect.annotateCurrentSpan("tinbao.outbox.outcome", outcome)),
    Effect.withSpan("tinbao.outbox.send", { attributes: attributes(services, entry) })
  )
