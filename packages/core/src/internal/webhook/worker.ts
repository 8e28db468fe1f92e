import { Cause, DateTime, Duration, Effect, Either, Option, Queue, Random, Redacted } from "effect"
import type { Counts } from "../../Webhook.js"
import { type InboundMessage, MessageFields } from "../channel/inboundMessage.js"
import type { Entry, InboxError } from "../messaging/inbox.js"
import type { Policy } from "../messaging/retry.js"
import { delay } from "../messaging/retry.js"
import { check } from "../shared/withheld.js"
import { decode, type Env, failedUnexpectedly, log, storable, WebhookError } from "./accept.js"

/** @internal */
export interface Worker {
  readonly env: Env
  readonly process: (
    messages: ReadonlyArray<InboundMessage>
  ) => Effect.Effect<void | { readonly deadLetter: string }, unknown>
  readonly batchSize: number
  readonly leaseMillis: number
  readonly pollMillis: number
  readonly retry: Policy
}

// "processed": its messages were taken in; the round marks it done with the others (see `drain`).
type Outcome = "processed" | "retried" | "dead"

// A processor's error may say anything, an identity included: only its tag and reason are repeated.
const describe = (cause: Cause.Cause<unknown>) => {
  const failure = Option.getOrUndefined(Cause.failureOption(cause))
  if (failure === undefined) return "an unexpected defect"
  const tag = typeof failure === "object" && failure !== null && "_tag" in failure ? String(failure._tag) : undefined
  const reason =
    typeof failure === "object" && failure !== null && "reason" in failure ? String(failure.reason) : undefined
  return tag === undefined ? "an error" : reason === undefined ? tag : `${tag} (${reason})`
}

const kill = (worker: Worker, entry: Entry, reason: string, lastError?: string) =>
  Effect.zipRight(
    worker.env.inbox.deadLetter(entry.id, storable(reason), lastError),
    Effect.as(
      log(new WebhookError({ reason: "dead_letter", channel: entry.channel, message: storable(reason) })),
      "dead" as const
    )
  )

const checkMessage = check(MessageFields)

// An adapter may have built its messages without validation: a message that breaks its schema (a NUL character,
// which storage cannot hold) would fail the processor on every retry. It is bad input, a dead letter at once.
const invalidMessage = (messages: ReadonlyArray<InboundMessage>): string | undefined => {
  for (const [index, message] of messages.entries()) {
    const checked = checkMessage(message)
    if (Either.isLeft(checked)) return `bad_request: message ${index + 1} of the delivery is not valid: ${checked.left}`
  }
  return undefined
}

interface Decoded {
  readonly messages: ReadonlyArray<InboundMessage>
  readonly unsupported: ReadonlyArray<string>
}

/** A claimed delivery's messages, or why it is a dead letter at once. Deterministic: it can run before processing. */
const examine = (worker: Worker, entry: Entry): Either.Either<Decoded, string> => {
  // Claimed once more than it may be tried: its earlier attempts never settled, so a worker stopped (or lost its
  // lease) each time; a delivery that crashes its worker must not do so forever.
  if (entry.attempts > worker.retry.maxAttempts)
    return Either.left(
      `processing did not finish in ${entry.attempts - 1} attempts: the worker stopped or lost its lease each time`
    )
  const adapter = Option.getOrUndefined(worker.env.channels.get(entry.channel))
  if (adapter === undefined) return Either.left(`no adapter is configured for channel ${entry.channel}`)
  // Decoded, never verified again: the delivery was verified on arrival, and a signature window that closed
  // while it waited here must not lose it. Decoding is deterministic, so a failure is a dead letter at once.
  const decoded = decode(adapter, entry.delivery)
  if (Either.isLeft(decoded)) {
    const error = decoded.left
    return Either.left(error === "defect" ? failedUnexpectedly(entry.channel) : `${error.reason}: ${error.message}`)
  }
  const invalid = invalidMessage(decoded.right.messages)
  return invalid === undefined ? Either.right(decoded.right) : Either.left(invalid)
}

const handle = (
  worker: Worker,
  entry: Entry,
  examined: Either.Either<Decoded, string>
): Effect.Effect<Outcome, InboxError> =>
  Effect.gen(function* () {
    if (Either.isLeft(examined)) return yield* kill(worker, entry, examined.left)
    const { messages, unsupported } = examined.right
    const exit = messages.length === 0 ? undefined : yield* Effect.exit(worker.process(messages))
    if (exit !== undefined && exit._tag === "Failure") {
      if (Cause.isInterruptedOnly(exit.cause)) return yield* Effect.interrupt
      const what = storable(describe(exit.cause))
      // A delivery that fails every time (a poison message) stops here, kept to look at and replay.
      if (entry.attempts >= worker.retry.maxAttempts) {
        return yield* kill(worker, entry, `processing failed ${entry.attempts} times, the last with ${what}`, what)
      }
      const wait = delay(worker.retry, entry.attempts, yield* Random.next)
      yield* worker.env.inbox.retryAt(entry.id, DateTime.add(yield* DateTime.now, { millis: wait }), what)
      yield* log(
        new WebhookError({
          reason: "processing_failed",
          channel: entry.channel,
          message: `Processing delivery ${entry.id} failed with ${what}; it stays in the inbox and is retried in ${wait} ms.`
        })
      )
      return "retried" as const
    }
    const verdict = exit?._tag === "Success" ? exit.value : undefined
    if (verdict !== undefined && verdict !== null && typeof verdict === "object" && "deadLetter" in verdict) {
      return yield* kill(worker, entry, verdict.deadLetter)
    }
    // Events the adapter does not know keep the delivery, its messages processed, as a dead letter: replayed
    // once the adapter knows them, it is done (intake does not take its messages in twice).
    if (unsupported.length > 0) {
      return yield* kill(worker, entry, `unsupported events: ${unsupported.join(", ")}`)
    }
    return "processed" as const
  }).pipe(
    Effect.tap((outcome) => Effect.annotateCurrentSpan("tinbao.webhook.outcome", outcome)),
    Effect.withSpan("tinbao.webhook.process", {
      attributes: {
        "tinbao.channel.id": entry.channel,
        "tinbao.inbox.id": entry.id,
        "tinbao.webhook.attempt": entry.attempts,
        "tinbao.webhook.messages": Either.isRight(examined) ? examined.right.messages.length : 0
      }
    })
  )

// What orders a delivery's messages against other deliveries': each message's sender and conversation, on its
// channel. Kept in memory for the round only; the ids are identities, and never leave it.
const orderKeys = (entry: Entry, decoded: Decoded): ReadonlyArray<string> =>
  decoded.messages.flatMap((m) => [
    `${entry.channel}\u0000sender\u0000${Redacted.value(m.sender).platformUserId}`,
    `${entry.channel}\u0000${m.conversation.kind}\u0000${
      m.conversation.kind === "direct" ? Redacted.value(m.conversation.id) : m.conversation.id
    }`
  ])

/** The claimed deliveries' indices in waves: each after the last wave holding a delivery it shares a key with. */
const waves = (
  claimed: ReadonlyArray<Entry>,
  examined: ReadonlyArray<Either.Either<Decoded, string>>
): ReadonlyArray<ReadonlyArray<number>> => {
  const last = new Map<string, number>()
  const out: Array<Array<number>> = []
  for (const [i, entry] of claimed.entries()) {
    const decoded = examined[i]!
    const keys = Either.isRight(decoded) ? orderKeys(entry, decoded.right) : []
    let wave = 0
    for (const key of keys) wave = Math.max(wave, (last.get(key) ?? -1) + 1)
    for (const key of keys) last.set(key, wave)
    const group = out[wave]
    if (group === undefined) out[wave] = [i]
    else group.push(i)
  }
  return out
}

/** @internal */
export const drain = (worker: Worker): Effect.Effect<Counts, InboxError> =>
  Effect.gen(function* () {
    const claimed = yield* worker.env.inbox.claim(yield* DateTime.now, worker.batchSize, worker.leaseMillis)
    const examined = claimed.map((entry) => examine(worker, entry))
    // A wave's deliveries are processed at once, so that storage commits their messages together; a delivery
    // sharing a sender or a conversation with an earlier one goes in a later wave than it, so that a reporter's
    // messages reach intake in the order the platform sent them.
    const outcomes: Array<Outcome> = []
    for (const wave of waves(claimed, examined)) {
      const done = yield* Effect.forEach(wave, (i) => handle(worker, claimed[i]!, examined[i]!), {
        concurrency: "unbounded"
      })
      for (const [k, i] of wave.entries()) outcomes[i] = done[k]!
    }
    // Marked done together, once the round's messages are taken in, so that storage can settle them with one commit
    // rather than one each. A stop or crash before then leaves them to be claimed again when their lease ends, as
    // it would between intake's commit and a mark made one at a time: intake does not take a message in twice.
    const processed = claimed.filter((_, i) => outcomes[i] === "processed")
    yield* Effect.forEach(processed, (entry) => worker.env.inbox.done(entry.id), {
      concurrency: "unbounded",
      discard: true
    })
    return {
      claimed: claimed.length,
      done: processed.length,
      retried: outcomes.filter((o) => o === "retried").length,
      dead: outcomes.filter((o) => o === "dead").length
    }
  })

/** @internal */
export const loop = (worker: Worker, wakeups: Queue.Dequeue<void>): Effect.Effect<never> =>
  drain(worker).pipe(
    Effect.map((counts) => counts.claimed >= worker.batchSize),
    Effect.catchAllCause((cause) =>
      Cause.isInterruptedOnly(cause)
        ? Effect.interrupt
        : Effect.as(
            log(new WebhookError({ reason: "unavailable", message: `A worker round failed: ${describe(cause)}.` })),
            false
          )
    ),
    Effect.flatMap((full) =>
      full ? Effect.void : Effect.ignore(Effect.timeout(Queue.take(wakeups), Duration.millis(worker.pollMillis)))
    ),
    Effect.forever
  )
