// PLACEHOLDER on the fb-base branch: the outbound helper replaces makeSender and defaultCodes.
import { type Channel, ChannelHttp, type Credentials } from "@tinbao/core"
import { Effect } from "effect"
import type { SendConfig } from "./config.js"

/** @internal */
export const defaultCodes: Readonly<Record<string, Channel.Reason>> = {}

/** @internal */
export const makeSender = (
  config: SendConfig,
  _http: ChannelHttp.Http,
  _credentials: Credentials.Credentials["Type"]
) => ({
  send: (_: Channel.OutboundMessage): Effect.Effect<string, Channel.ChannelError> =>
    Effect.fail(ChannelHttp.failure(config.channel, "permanent", "not built yet"))
})
