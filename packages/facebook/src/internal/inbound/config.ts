/**
 * What the inbound side needs (built by `Facebook.make`).
 *
 * @internal
 */
import type { Redacted } from "effect"

/** @internal */
export interface InboundConfig {
  /** The id of the adapter verifying (for its errors). */
  readonly channel: string
  readonly appSecret: Redacted.Redacted<string>
  readonly verifyToken: Redacted.Redacted<string>
  /** Accept the legacy `X-Hub-Signature: sha1=…` when a delivery has no `X-Hub-Signature-256`. */
  readonly acceptSha1: boolean
  readonly maxBodyBytes: number
  /** Each page served: its id → the channel id its messages carry. */
  readonly pages: ReadonlyMap<string, string>
}
