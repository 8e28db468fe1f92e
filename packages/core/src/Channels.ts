/**
 * The channel registry: the channel adapters of a deployment, by channel id, and the platforms they declare. The
 * webhook finds here the adapter that verifies a delivery, intake the platform a message came on, the dispatcher
 * the adapter that sends a reply, and statistics the labels of the platforms (`channels.platforms`).
 *
 * @since 0.2.0
 * @module
 */
import { type Effect, Layer } from "effect"
import type { ChannelAdapter, ChannelError } from "./Channel.js"
import * as internal from "./internal/channel/channels.js"
import { Channels } from "./internal/channel/channels.js"

export { Channels } from "./internal/channel/channels.js"

/**
 * A registry of adapters; fails when two adapters share an id, or label one platform id in two ways.
 *
 * @since 0.2.0
 * @category constructors
 */
export const make: (adapters: ReadonlyArray<ChannelAdapter>) => Effect.Effect<Channels["Type"], ChannelError> =
  internal.make

/**
 * The registry as a layer; fails when two adapters share an id, or label one platform id in two ways.
 *
 * @since 0.2.0
 * @category layers
 */
export const layer = (adapters: ReadonlyArray<ChannelAdapter>): Layer.Layer<Channels, ChannelError> =>
  Layer.effect(Channels, make(adapters))
