/**
 * Zalo's calls go through the core's `ChannelHttp`; the OA's token headers are named for redaction in spans.
 *
 * @internal
 */
import { ChannelHttp } from "@tinbao/core"

/** @internal */
export type Http = ChannelHttp.Http

/** @internal */
export type Answer = ChannelHttp.Answer

/** The headers that carry the OA's tokens: a span records headers, less the names redacted. @internal */
export const secretHeaders: ReadonlyArray<string> = ["access_token", "secret_key"]

/** @internal */
export const execute: typeof ChannelHttp.execute = ChannelHttp.execute

/** @internal */
export const failure: typeof ChannelHttp.failure = ChannelHttp.failure

/** @internal */
export const codeOf: typeof ChannelHttp.codeOf = ChannelHttp.codeOf

/** @internal */
export const idOf: typeof ChannelHttp.idOf = ChannelHttp.idOf

/** @internal */
export const reasonOfStatus: typeof ChannelHttp.reasonOfStatus = ChannelHttp.reasonOfStatus
