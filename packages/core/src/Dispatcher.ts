/**
 * The dispatcher: sends what is due in the {@link Outbox} through the channel adapters. It leases entries so
 * that two dispatchers never send the same one, reveals the recipient from the vault only at the moment it
 * sends, checks the platform's reply window before calling the platform, refreshes an expired token once for
 * all concurrent senders, and retries what can be retried with exponential backoff and jitter.
 *
 * At most once, with one window: a dispatcher that crashes (or loses its lease) after the platform accepted a
 * message but before the outbox recorded it will see that message sent again when its lease expires. The
 * window is kept to the time between the platform's answer and one write, which runs uninterruptibly.
 *
 * @since 0.1.0
 * @module
 */
import type { Effect, Scope } from "effect"
import type { Channels } from "./Channels.js"
import type { ConversationActivity } from "./ConversationActivity.js"
import type { IdentityVault } from "./IdentityVault.js"
import * as internal from "./internal/messaging/dispatcher.js"
import type { Entry, Outbox, OutboxError } from "./Outbox.js"
import type { Policy } from "./RetryPolicy.js"

/**
 * How a dispatcher runs. `leaseMillis` must exceed `sendTimeoutMillis`, which bounds one whole attempt (vault,
 * window, send, token refresh and second send).
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  readonly policy?: Partial<Policy>
  /** Entries claimed per round (default 50). */
  readonly batchSize?: number
  /** How long a claim holds an entry (default 120 s). */
  readonly leaseMillis?: number
  /** Conversations sent to at once; one conversation's messages go one after the other, in order (default 16). */
  readonly concurrency?: number
  /** Default 30 s. */
  readonly sendTimeoutMillis?: number
  /** The pause of `run` after a round that found less than a full batch (default 1 s). */
  readonly pollMillis?: number
  /**
   * Called with each entry once it is recorded sent, e.g. to tell intake that an acknowledgement went out. A
   * failure is logged; the entry stays sent.
   */
  readonly onSent?: (entry: Entry) => Effect.Effect<void, unknown>
}

/**
 * What a round did. `unsettled`: the outbox could not record the outcome (see the log); the lease expiry brings
 * those entries back.
 *
 * @since 0.1.0
 * @category models
 */
export interface Counts {
  readonly claimed: number
  readonly sent: number
  readonly retried: number
  readonly failed: number
  readonly unsettled: number
}

/**
 * The services a dispatcher needs.
 *
 * @since 0.1.0
 * @category models
 */
export type Requirements = Outbox | Channels | IdentityVault | ConversationActivity

/**
 * One round: claims the due entries and sends them. Fails only when the outbox cannot be claimed from or the
 * options are invalid (`OutboxError` with reason `invalid`).
 *
 * @since 0.1.0
 * @category combinators
 */
export const runOnce: (options?: Options) => Effect.Effect<Counts, OutboxError, Requirements> = internal.runOnce

/**
 * Runs rounds in a background fiber for as long as the scope lives, pausing `pollMillis` after a round that
 * found less than a full batch. A failed round is logged and the next one follows.
 *
 * @since 0.1.0
 * @category combinators
 */
export const run: (options?: Options) => Effect.Effect<void, OutboxError, Requirements | Scope.Scope> = internal.run
