import { Context, Effect, Option } from "effect"
import type { ChannelAdapter } from "../../Channel.js"
import { ChannelError } from "./channel.js"

/**
 * The channel adapters of a deployment, by channel id. `Channels.layer(adapters)` builds the registry; it
 * fails when two adapters share an id.
 *
 * @since 0.1.0
 * @category tags
 */
export class Channels extends Context.Tag("@tinbao/core/Channels")<
  Channels,
  {
    readonly get: (id: string) => Option.Option<ChannelAdapter>
    readonly all: ReadonlyArray<ChannelAdapter>
  }
>() {}

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
