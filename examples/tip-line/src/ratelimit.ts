/**
 * Login attempts, limited: 5 failures per user name or per client address within 15 minutes, and further attempts
 * are refused until the oldest failure is 15 minutes old. Kept in this process's memory: a restart forgets them.
 */

/** Failures allowed within the window. */
export const maxFailures = 5
const windowMs = 15 * 60_000

/** The limiter: `wait` is the seconds until the keys may try again (0: now); `fail` records a failure. */
export const make = (now: () => number = Date.now) => {
  const failures = new Map<string, Array<number>>()
  const recent = (key: string) => {
    const kept = (failures.get(key) ?? []).filter((at) => at > now() - windowMs)
    if (kept.length === 0) failures.delete(key)
    else failures.set(key, kept)
    return kept
  }
  return {
    wait: (keys: ReadonlyArray<string>): number =>
      Math.max(
        0,
        ...keys.map((key) => {
          const kept = recent(key)
          return kept.length < maxFailures ? 0 : Math.ceil((kept[kept.length - maxFailures]! + windowMs - now()) / 1000)
        })
      ),
    fail: (keys: ReadonlyArray<string>): void => {
      for (const key of keys) failures.set(key, [...recent(key), now()])
    }
  }
}
