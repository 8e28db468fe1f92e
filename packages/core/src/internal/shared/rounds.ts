/**
 * The loop of a background worker: rounds one after the other for as long as the scope lives.
 *
 * @internal
 */
import { Cause, Duration, Effect, type Scope } from "effect"

/**
 * Forks `round` forever: again at once after a round that says it found a full batch (more may be due), else after
 * `pollMillis`. A failed round is logged with `failure` and the next one follows.
 *
 * @internal
 */
export const forkRounds = <E, R>(
  round: Effect.Effect<boolean, E, R>,
  pollMillis: number,
  failure: string
): Effect.Effect<void, never, R | Scope.Scope> => {
  const tick = round.pipe(
    Effect.catchAllCause((cause) =>
      Cause.isInterruptedOnly(cause)
        ? Effect.interrupt
        : Effect.as(Effect.logError(failure, Cause.squash(cause)), false)
    ),
    Effect.flatMap((full) => (full ? Effect.void : Effect.sleep(Duration.millis(pollMillis))))
  )
  return Effect.asVoid(Effect.forkScoped(Effect.forever(tick)))
}
