/**
 * The evidence worker: claims the due records, retrieves each file, keeps it in the media store and settles the
 * record; then runs the follow-up (`onSettled`) of every settled record until it succeeds.
 *
 * @internal
 */
import { Cause, DateTime, Effect, Either, ParseResult, Random, Schedule, Schema } from "effect"
import type { Counts, Options, Requirements } from "../../Evidence.js"
import { delay, Policy } from "../messaging/retry.js"
import { forkRounds } from "../shared/rounds.js"
import { type ErrorReason, Item } from "./item.js"
import { MediaStore } from "./media.js"
import { type Entry, EvidenceError, EvidenceRecords } from "./model.js"
import { type Settings as Retrieval, settings as retrievalSettings, retrieveWith } from "./retrieve.js"
import { describe } from "./url.js"

/**
 * The default retry policy of the evidence worker: 30 s, doubling, at most 2 hours apart, 20 attempts (about a
 * day in all, as a platform's links last days), up to 20 % jitter.
 *
 * @since 0.2.0
 * @category constants
 */
export const defaultPolicy: Policy = {
  baseMillis: 30_000,
  factor: 2,
  maxDelayMillis: 7_200_000,
  maxAttempts: 20,
  jitter: 0.2
}

interface Settings {
  readonly policy: Policy
  readonly batchSize: number
  readonly leaseMillis: number
  readonly concurrency: number
  readonly pollMillis: number
  readonly retrieval: Retrieval
  readonly onSettled: ((entry: Entry) => Effect.Effect<void, unknown>) | undefined
}

const positive = Schema.Int.pipe(Schema.positive())

const Numbers = Schema.Struct({
  policy: Policy,
  batchSize: positive,
  leaseMillis: positive,
  concurrency: positive,
  pollMillis: positive
})

const invalid = (message: string) =>
  new EvidenceError({ reason: "invalid", message: `The evidence worker's options are invalid: ${message}` })

const settings = (options: Options<never> = {}): Either.Either<Settings, EvidenceError> =>
  Either.gen(function* () {
    const retrieval = yield* Either.mapLeft(retrievalSettings(options.retrieval), invalid)
    const numbers = yield* Either.mapLeft(
      Schema.validateEither(Numbers)({
        policy: { ...defaultPolicy, ...options.policy },
        batchSize: options.batchSize ?? 16,
        leaseMillis: options.leaseMillis ?? 120_000,
        concurrency: options.concurrency ?? 4,
        pollMillis: options.pollMillis ?? 5_000
      }),
      (error) => invalid(ParseResult.TreeFormatter.formatErrorSync(error))
    )
    // A lease shorter than a download would hand the record to a second worker while the first still fetches it.
    if (numbers.leaseMillis <= retrieval.timeoutMillis) {
      return yield* Either.left(invalid("leaseMillis must exceed the retrieval's timeoutMillis"))
    }
    return { ...numbers, retrieval, onSettled: options.onSettled }
  })

type Fact = "stored" | "retried" | "notRetrieved" | "recorded" | "unrecorded" | "unsettled"

interface Problem {
  readonly reason: ErrorReason
  readonly message: string
  readonly retry: boolean
}

interface Services {
  readonly records: EvidenceRecords["Type"]
  readonly media: MediaStore["Type"]
  readonly s: Settings
}

const annotate = (entry: Entry, reason?: string) =>
  Effect.annotateLogs({
    evidence: entry.id,
    tip: entry.tip,
    attempt: entry.attempts,
    ...(reason !== undefined ? { reason } : {})
  })

// The fetch itself: retrieve, then keep the bytes. Fails with what went wrong, in a record's terms.
const attempt = ({ media, s }: Services, entry: Entry): Effect.Effect<Item, Problem> =>
  Effect.gen(function* () {
    const file = yield* Effect.mapError(retrieveWith(entry.originalUrl, s.retrieval), (e) => ({
      reason: e.reason,
      message: e.message,
      retry: e.retryable
    }))
    const kept = yield* Effect.mapError(media.put(file.bytes), (e) => ({
      reason: "media_unavailable" as const,
      message: `The file from ${describe(entry.originalUrl)} was fetched but not kept: ${e.message}`,
      retry: true
    }))
    return new Item({
      hash: kept.hash,
      size: kept.size,
      mediaType: file.mediaType,
      originalUrl: entry.originalUrl,
      storedAt: yield* DateTime.now
    })
  })

// A settlement is worth a few quick tries when the store is briefly unreachable: the file is fetched already.
const persist = <A>(effect: Effect.Effect<A, EvidenceError>) =>
  Effect.retry(effect, {
    schedule: Schedule.exponential("50 millis"),
    times: 3,
    while: (e) => e.reason === "unavailable"
  })

/** Runs the follow-up of a settled record, then marks it recorded; a failure leaves it for a later round. */
const follow = ({ records, s }: Services, entry: Entry): Effect.Effect<Fact> =>
  Effect.gen(function* () {
    if (s.onSettled !== undefined) yield* s.onSettled(entry)
    yield* persist(records.markRecorded(entry.id))
    return "recorded" as const
  }).pipe(
    Effect.catchAllCause((cause) =>
      Cause.isInterruptedOnly(cause)
        ? Effect.interrupt
        : Effect.logWarning(
            "evidence: the follow-up of a settled record failed; it runs again when the record's lease ends",
            Cause.squash(cause)
          ).pipe(annotate(entry), Effect.as("unrecorded" as const))
    )
  )

const settle = (services: Services, entry: Entry, result: Either.Either<Item, Problem>) =>
  Effect.gen(function* () {
    const { records, s } = services
    const recorded = s.onSettled === undefined
    if (Either.isRight(result)) {
      const stored = yield* persist(records.stored(entry.id, entry.attempts, result.right, { recorded }))
      yield* Effect.logInfo(`evidence: kept ${stored.item?.mediaType} of ${stored.item?.size} bytes`).pipe(
        annotate(entry)
      )
      return recorded ? ["stored" as const] : ["stored" as const, yield* follow(services, stored)]
    }
    const { reason, message, retry } = result.left
    if (!retry || entry.attempts >= s.policy.maxAttempts) {
      const final = retry ? `${message} Gave up after ${entry.attempts} attempts.` : message
      const given = yield* persist(
        records.notRetrieved(entry.id, entry.attempts, { reason, message: final }, { recorded })
      )
      yield* Effect.logWarning(`evidence: not retrieved: ${final}`).pipe(annotate(entry, reason))
      return recorded ? ["notRetrieved" as const] : ["notRetrieved" as const, yield* follow(services, given)]
    }
    const wait = delay(s.policy, entry.attempts, yield* Random.next)
    const at = DateTime.add(yield* DateTime.now, { millis: wait })
    yield* persist(records.retryAt(entry.id, entry.attempts, at, { reason, message }))
    yield* Effect.logInfo(`evidence: will retry in ${wait} ms: ${message}`).pipe(annotate(entry, reason))
    return ["retried" as const]
  }).pipe(
    Effect.catchAll((error) =>
      Effect.logWarning(`evidence: could not record the outcome: ${error.message}`).pipe(
        annotate(entry, error.reason),
        Effect.as(["unsettled" as const])
      )
    )
  )

// Attempts that never finished (a worker stopped or lost its lease each time) still count: past the limit the
// record is given up without another try.
const exhausted = (entry: Entry): Either.Either<Item, Problem> =>
  Either.left({
    reason: "interrupted",
    message: `The last attempts to fetch ${describe(entry.originalUrl)} never finished (${entry.attempts - 1} attempts).`,
    retry: false
  })

/**
 * One claimed record. The outcome is recorded uninterruptibly, so that a file kept is marked stored even when the
 * worker is being stopped. A defect leaves the record leased: it comes back when the lease ends.
 */
const handle = (services: Services, entry: Entry): Effect.Effect<ReadonlyArray<Fact>> =>
  (entry.status !== "fetching"
    ? Effect.map(follow(services, entry), (fact) => [fact])
    : entry.attempts > services.s.policy.maxAttempts
      ? settle(services, entry, exhausted(entry))
      : Effect.uninterruptibleMask((restore) =>
          Effect.flatMap(Effect.either(restore(attempt(services, entry))), (result) => settle(services, entry, result))
        )
  ).pipe(
    Effect.catchAllDefect((defect) =>
      Effect.logError("evidence: handling a record failed unexpectedly", defect).pipe(
        annotate(entry),
        Effect.as(["unsettled" as const])
      )
    )
  )

const count = (facts: ReadonlyArray<Fact>, claimed: number): Counts => {
  const n = (fact: Fact) => facts.filter((f) => f === fact).length
  return {
    claimed,
    stored: n("stored"),
    retried: n("retried"),
    notRetrieved: n("notRetrieved"),
    recorded: n("recorded"),
    unrecorded: n("unrecorded"),
    unsettled: n("unsettled")
  }
}

const round = (s: Settings): Effect.Effect<Counts, EvidenceError, Requirements> =>
  Effect.gen(function* () {
    const services: Services = { records: yield* EvidenceRecords, media: yield* MediaStore, s }
    const claimed = yield* services.records.claim(yield* DateTime.now, s.batchSize, s.leaseMillis)
    const facts = yield* Effect.forEach(claimed, (entry) => handle(services, entry), { concurrency: s.concurrency })
    return count(facts.flat(), claimed.length)
  })

// The hook's requirements, taken from where the worker starts, so that the rounds need none of their own.
const withServices = <R>(options: Options<R> | undefined) =>
  Effect.map(Effect.context<R>(), (context): Options<never> => {
    const hook = options?.onSettled
    return {
      ...options,
      onSettled: hook === undefined ? undefined : (entry) => Effect.provide(hook(entry), context)
    }
  })

/** @internal */
export const runOnce = <R = never>(options?: Options<R>): Effect.Effect<Counts, EvidenceError, Requirements | R> =>
  Effect.flatMap(withServices(options), (o) => Effect.flatMap(settings(o), round))

/** @internal */
export const run = <R = never>(options?: Options<R>) =>
  Effect.flatMap(withServices(options), (o) =>
    Effect.flatMap(settings(o), (s) =>
      forkRounds(
        Effect.map(round(s), (counts) => counts.claimed >= s.batchSize),
        s.pollMillis,
        "evidence: a worker round failed"
      )
    )
  )
