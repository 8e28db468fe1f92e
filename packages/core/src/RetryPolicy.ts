/**
 * How failed work is retried: exponential backoff, capped, with jitter, up to a number of attempts. The
 * dispatcher retries the replies it could not send with it, and the webhook worker the deliveries it could not
 * process.
 *
 * @since 0.2.0
 * @module
 */
export { defaultPolicy, delay, Policy } from "./internal/messaging/retry.js"
