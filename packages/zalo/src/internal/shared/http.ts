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
export const { codeOf, execute, failure, idOf, reasonOfStatus } = ChannelHttp
