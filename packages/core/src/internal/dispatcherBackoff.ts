import type { Policy } from "../Dispatcher.js"

/**
 * Exponential backoff, capped, with the jitter taken off the delay so that it never exceeds the cap.
 *
 * @internal
 */
export const delay = (policy: Policy, attempt: number, random: number): number => {
  const exponent = Math.max(0, Math.floor(attempt) - 1)
  const raw = Math.min(policy.maxDelayMillis, policy.baseMillis * policy.factor ** exponent)
  return Math.round(raw * (1 - policy.jitter * Math.min(Math.max(random, 0), 1)))
}
