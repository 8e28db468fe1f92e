import { Effect, Option } from "effect"
import { type ChannelAdapter, ChannelError } from "../Channel.js"
import type { Channels } from "../Dispatcher.js"

/** @internal */
export const make = (adapters: ReadonlyArray<ChannelAdapter>): Effect.Effect<Channels["Type"], ChannelError> =>
  Effect.suspend(() => {
    const byId = new Map<string, ChannelAdapter>()
    for (const adapter of adapters) {
      if (byId.has(adapter.id)) {
        return Effect.fail(
          new ChannelError({
            channel: adapter.id,
            reason: "permanent",
            message: `Two channel adapters have the id ${adapter.id}: every channel needs its own id.`
          })
        )
      }
      byId.set(adapter.id, adapter)
    }
    return Effect.succeed({ get: (id: string) => Option.fromNullable(byId.get(id)), all: [...adapters] })
  })
