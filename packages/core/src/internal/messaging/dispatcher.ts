import { DateTime, Effect, Either, ParseResult, Schema } from "effect"
import type { Counts, Options, Requirements } from "../../Dispatcher.js"
import { Channels } from "../channel/channels.js"
import { forkRounds } from "../shared/rounds.js"
import { IdentityVault } from "../vault/identityVault.js"
import { ConversationActivity } from "./activity.js"
import { type Entry, Outbox, OutboxError } from "./outbox.js"
import { defaultPolicy, Policy } from "./retry.js"
import { deliver, type Outcome, type Services } from "./send.js"

/** @internal */
export interface Settings {
  readonly policy: Policy
  readonly batchSize: number
  readonly leaseMillis: number
  readonly concurrency: number
  readonly sendTimeoutMillis: number
  readonly pollMillis: number
  readonly onSent?: Options["onSent"]
}

const positive = Schema.Int.pipe(Schema.positive())

const settingsSchema = () =>
  Schema.Struct({
    policy: Policy,
    batchSize: positive,
    leaseMillis: positive,
    concurrency: positive,
    sendTimeoutMillis: positive,
    pollMillis: positive
  }).pipe(Schema.filter((s) => s.leaseMillis > s.sendTimeoutMillis || "leaseMillis must exceed sendTimeoutMillis"))

const invalid = (message: string) =>
  new OutboxError({ reason: "invalid", message: `The dispatcher's options are invalid: ${message}` })

/** @internal */
export const settings = (options: Options = {}): Either.Either<Settings, OutboxError> => {
  const candidate = {
    policy: { ...defaultPolicy, ...options.policy },
    batchSize: options.batchSize ?? 50,
    leaseMillis: options.leaseMillis ?? 120_000,
    concurrency: options.concurrency ?? 16,
    sendTimeoutMillis: options.sendTimeoutMillis ?? 30_000,
    pollMillis: options.pollMillis ?? 1_000
  }
  return Either.map(
    Either.mapLeft(Schema.validateEither(settingsSchema())(candidate), (error) =>
      invalid(ParseResult.TreeFormatter.formatErrorSync(error))
    ),
    (valid): Settings => ({ ...valid, onSent: options.onSent })
  )
}

// One conversation's entries go one after the other, oldest first: the order a reporter reads them in, and one
// reply at a time against a reply quota.
const byConversation = (entries: ReadonlyArray<Entry>): ReadonlyArray<ReadonlyArray<Entry>> => {
  const groups = new Map<string, Array<Entry>>()
  for (const entry of entries) {
    const key = `${entry.channel}\u0000${entry.conversation.kind}\u0000${entry.conversation.id}`
    const group = groups.get(key)
    if (group === undefined) groups.set(key, [entry])
    else group.push(entry)
  }
  return [...groups.values()]
}

const count = (outcomes: ReadonlyArray<Outcome>, claimed: number): Counts => ({
  claimed,
  sent: outcomes.filter((o) => o === "sent").length,
  retried: outcomes.filter((o) => o === "retried").length,
  failed: outcomes.filter((o) => o === "failed").length,
  unsettled: outcomes.filter((o) => o === "unsettled").length
})

const round = (s: Settings): Effect.Effect<Counts, OutboxError, Requirements> =>
  Effect.gen(function* () {
    const services: Services = {
      outbox: yield* Outbox,
      channels: yield* Channels,
      vault: yield* IdentityVault,
      activity: yield* ConversationActivity,
      policy: s.policy,
      sendTimeoutMillis: s.sendTimeoutMillis,
      onSent: s.onSent
    }
    const claimed = yield* services.outbox.claim(yield* DateTime.now, s.batchSize, s.leaseMillis)
    const outcomes = yield* Effect.forEach(
      byConversation(claimed),
      (group) => Effect.forEach(group, (entry) => deliver(services, entry)),
      { concurrency: s.concurrency }
    )
    return count(outcomes.flat(), claimed.length)
  })

/** @internal */
export const runOnce = (options?: Options): Effect.Effect<Counts, OutboxError, Requirements> =>
  Effect.flatMap(settings(options), round)

/** @internal */
export const run = (options?: Options) =>
  Effect.flatMap(settings(options), (s) =>
    forkRounds(
      Effect.map(round(s), (counts) => counts.claimed >= s.batchSize),
      s.pollMillis,
      "outbox: a dispatcher round failed"
    )
  )
