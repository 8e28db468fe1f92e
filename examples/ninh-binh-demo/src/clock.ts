import { Clock, Effect } from "effect"

/**
 * A clock the simulation moves by hand: every tip and command happens at the simulated time,
 * so a whole statistical year runs in a second.
 */
export const make = () => {
  let now = 0
  const clock: Clock.Clock = {
    [Clock.ClockTypeId]: Clock.ClockTypeId,
    unsafeCurrentTimeMillis: () => now,
    currentTimeMillis: Effect.sync(() => now),
    unsafeCurrentTimeNanos: () => BigInt(now) * 1_000_000n,
    currentTimeNanos: Effect.sync(() => BigInt(now) * 1_000_000n),
    // Timeouts (an HTTP call to the site) wait in real time; only "now" is simulated.
    sleep: (duration) => Effect.sleep(duration).pipe(Effect.withClock(Clock.make()))
  }
  return {
    clock,
    set: (millis: number) => {
      now = millis
    }
  }
}

/** The hand-moved clock and the function that moves it. */
export type SimClock = ReturnType<typeof make>
