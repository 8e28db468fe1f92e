/**
 * Reading a service the fiber may have, on the paths intake takes for every tip. `Effect.serviceOption` followed by
 * `Effect.flatMap` costs four fiber steps; reading the fiber's context directly costs one. A tip asks about its
 * transaction a dozen times (every prepared statement, every write), so this is worth its few lines.
 *
 * @internal
 */
import { Context, Effect, type Option } from "effect"

/**
 * `f` of the service `tag` stands for in the fiber's context, if it is there.
 *
 * @internal
 */
export const withServiceOption = <I, S, A, E, R>(
  tag: Context.Tag<I, S>,
  f: (service: Option.Option<S>) => Effect.Effect<A, E, R>
): Effect.Effect<A, E, R> =>
  Effect.withFiberRuntime<A, E, R>((fiber) => f(Context.getOption(fiber.currentContext, tag)))
