import { DateTime, Duration, Effect, Option } from "effect"
import type { Purged, RetentionOptions } from "../../Inbox.js"
import { forkRounds } from "../shared/rounds.js"
import { Inbox, InboxError } from "./inbox.js"

/** @internal */
export const defaults = { keepDone: "7 days", keepDeadLetters: "90 days", pollMillis: 3_600_000 } as const

interface Settings {
  readonly keepDone: number
  readonly keepDeadLetters: number
  readonly pollMillis: number
}

const invalid = (message: string) => Effect.fail(new InboxError({ reason: "invalid", message }))

const positiveMillis = (input: Duration.DurationInput) =>
  Option.getOrElse(
    Option.map(Duration.decodeUnknown(input), (d) => (Duration.isFinite(d) ? Duration.toMillis(d) : Number.NaN)),
    () => Number.NaN
  )

const settings = (options: RetentionOptions | undefined): Effect.Effect<Settings, InboxError> => {
  const keepDone = positiveMillis(options?.keepDone ?? defaults.keepDone)
  const keepDeadLetters = positiveMillis(options?.keepDeadLetters ?? defaults.keepDeadLetters)
  const pollMillis = options?.pollMillis ?? defaults.pollMillis
  if (!(keepDone > 0)) return invalid("The inbox's keepDone must be a positive, finite duration.")
  if (!(keepDeadLetters > 0)) return invalid("The inbox's keepDeadLetters must be a positive, finite duration.")
  if (!(Number.isSafeInteger(pollMillis) && pollMillis > 0)) {
    return invalid(`The inbox's retention pollMillis must be a positive whole number, not ${pollMillis}.`)
  }
  return Effect.succeed({ keepDone, keepDeadLetters, pollMillis })
}

const round = (s: Settings): Effect.Effect<Purged, InboxError, Inbox> =>
  Effect.gen(function* () {
    const inbox = yield* Inbox
    const now = yield* DateTime.now
    const done = yield* inbox.purge(DateTime.subtract(now, { millis: s.keepDone }))
    const dead = yield* inbox.purgeDeadLetters(DateTime.subtract(now, { millis: s.keepDeadLetters }))
    return { done, dead }
  })

/** @internal */
export const purgeExpired = (options?: RetentionOptions): Effect.Effect<Purged, InboxError, Inbox> =>
  Effect.flatMap(settings(options), round)

/** @internal */
export const runRetention = (options?: RetentionOptions) =>
  Effect.flatMap(settings(options), (s) =>
    forkRounds(Effect.as(round(s), false), s.pollMillis, "inbox: a retention round failed")
  )
