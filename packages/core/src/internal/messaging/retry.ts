import { Schema } from "effect"

/**
 * The retry policy: the delay before attempt `n + 1` is `baseMillis * factor^(n - 1)`, capped at
 * `maxDelayMillis`, then shortened by a random fraction of up to `jitter` so that a crowd of failures does not
 * retry in step. After `maxAttempts` attempts the entry fails.
 *
 * @since 0.1.0
 * @category models
 */
export const Policy = Schema.Struct({
  baseMillis: Schema.Int.pipe(Schema.positive()),
  factor: Schema.Number.pipe(Schema.greaterThanOrEqualTo(1)),
  maxDelayMillis: Schema.Int.pipe(Schema.positive()),
  maxAttempts: Schema.Int.pipe(Schema.positive()),
  jitter: Schema.Number.pipe(Schema.between(0, 1))
}).annotations({ identifier: "Policy" })

/**
 * @since 0.1.0
 * @category models
 */
export type Policy = typeof Policy.Type

/**
 * The default policy: 2 s, doubling, at most 15 minutes apart, 12 attempts (about 47 minutes in all), up to 20%
 * jitter.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultPolicy: Policy = {
  baseMillis: 2_000,
  factor: 2,
  maxDelayMillis: 900_000,
  maxAttempts: 12,
  jitter: 0.2
}

/**
 * The delay before the next attempt after `attempt` attempts, for a random number in `[0, 1)`. The jitter is
 * taken off the delay, so that it never exceeds the cap.
 *
 * @since 0.1.0
 * @category getters
 */
export const delay = (policy: Policy, attempt: number, random: number): number => {
  const exponent = Math.max(0, Math.floor(attempt) - 1)
  const raw = Math.min(policy.maxDelayMillis, policy.baseMillis * policy.factor ** exponent)
  return Math.round(raw * (1 - policy.jitter * Math.min(Math.max(random, 0), 1)))
}
