import { Cause, Effect, Exit, Option } from "effect"
import type { ChannelAdapter } from "../../Channel.js"
import { ChannelError, type OutboundMessage } from "../channel/channel.js"

interface State {
  readonly lock: Effect.Semaphore
  generation: number
  failure?: { readonly of: number; readonly error: ChannelError }
}

// Keyed by the adapter object, so every dispatcher in the process that sends through one adapter shares one
// refresh: Zalo's refresh tokens are single-use, and a second concurrent refresh would burn the new one.
const states = new WeakMap<ChannelAdapter, State>()

const stateOf = (adapter: ChannelAdapter): State => {
  let state = states.get(adapter)
  if (state === undefined) {
    state = { lock: Effect.unsafeMakeSemaphore(1), generation: 0 }
    states.set(adapter, state)
  }
  return state
}

const guarded = (adapter: ChannelAdapter, refresh: Effect.Effect<void, ChannelError>) =>
  refresh.pipe(
    Effect.catchAllDefect(
      (cause) =>
        new ChannelError({
          channel: adapter.id,
          reason: "transient",
          message: `The token refresh of channel ${adapter.id} failed unexpectedly.`,
          cause
        })
    )
  )

/**
 * Refreshes the adapter's token once for the token generation the caller saw: callers that saw the same
 * generation wait for that one refresh and share its outcome.
 *
 * @internal
 */
export const refreshOnce = (
  adapter: ChannelAdapter,
  observed: number,
  refresh: Effect.Effect<void, ChannelError>
): Effect.Effect<void, ChannelError> => {
  const state = stateOf(adapter)
  return state.lock.withPermits(1)(
    Effect.suspend(() => {
      if (state.generation !== observed) {
        return state.failure?.of === observed ? Effect.fail(state.failure.error) : Effect.void
      }
      return Effect.onExit(guarded(adapter, refresh), (exit) =>
        Effect.sync(() => {
          state.generation = observed + 1
          const error = Exit.isFailure(exit) ? Cause.failureOption(exit.cause) : Option.none()
          if (Option.isSome(error)) state.failure = { of: observed, error: error.value }
        })
      )
    })
  )
}

/**
 * Sends, and on `token_expired` refreshes the token (once per generation, shared) and sends again.
 *
 * @internal
 */
export const sendWithRefresh = (
  adapter: ChannelAdapter,
  message: OutboundMessage
): Effect.Effect<string, ChannelError> =>
  Effect.suspend(() => {
    const observed = stateOf(adapter).generation
    const refresh = adapter.refreshToken
    return refresh === undefined
      ? adapter.send(message)
      : Effect.catchIf(
          adapter.send(message),
          (error) => error.reason === "token_expired",
          () => Effect.zipRight(refreshOnce(adapter, observed, refresh), adapter.send(message))
        )
  })
