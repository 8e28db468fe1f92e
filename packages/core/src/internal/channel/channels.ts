import { Context, Effect, Either, Option, ParseResult, Schema } from "effect"
import type { ChannelAdapter } from "../../Channel.js"
import { ChannelError, Platform } from "./channel.js"

/**
 * The channel adapters of a deployment, by channel id, and the platforms they declare (one each, in the order
 * their first adapter came; give them to `Statistics` so that reports label every platform). `Channels.layer(adapters)`
 * builds the registry; it fails when two adapters share an id, or declare one platform id with two labels.
 *
 * @since 0.1.0
 * @category tags
 */
export class Channels extends Context.Tag("@tinbao/core/Channels")<
  Channels,
  {
    readonly get: (id: string) => Option.Option<ChannelAdapter>
    readonly all: ReadonlyArray<ChannelAdapter>
    readonly platforms: ReadonlyArray<Platform>
  }
>() {}

const validPlatform = Schema.validateEither(Platform)

const refuse = (channel: string, message: string) =>
  Effect.fail(new ChannelError({ channel, reason: "permanent", message }))

/** @internal */
export const make = (adapters: ReadonlyArray<ChannelAdapter>): Effect.Effect<Channels["Type"], ChannelError> =>
  Effect.suspend(() => {
    const byId = new Map<string, ChannelAdapter>()
    const platforms = new Map<string, Platform>()
    for (const adapter of adapters) {
      if (byId.has(adapter.id)) {
        return refuse(adapter.id, `Two channel adapters have the id ${adapter.id}: every channel needs its own id.`)
      }
      byId.set(adapter.id, adapter)
      const checked = validPlatform(adapter.platform)
      if (Either.isLeft(checked)) {
        const why = ParseResult.TreeFormatter.formatErrorSync(checked.left)
        return refuse(adapter.id, `Channel ${adapter.id} declares a malformed platform: ${why}`)
      }
      const { id, label } = adapter.platform
      const known = platforms.get(id)
      if (known === undefined) platforms.set(id, adapter.platform)
      else if (known.label.vi !== label.vi || known.label.en !== label.en) {
        return refuse(
          adapter.id,
          `Channel ${adapter.id} labels platform ${id} otherwise than another channel does: a platform has one label.`
        )
      }
    }
    return Effect.succeed({
      get: (id: string) => Option.fromNullable(byId.get(id)),
      all: [...adapters],
      platforms: [...platforms.values()]
    })
  })
