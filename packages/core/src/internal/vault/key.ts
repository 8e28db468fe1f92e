/**
 * The key behind reporter fingerprints, and the keyed hash itself.
 *
 * @internal
 */
import { createHmac, createSecretKey, type KeyObject, randomBytes } from "node:crypto"
import { Redacted } from "effect"
import { keyBytes, type Weakness, weakness } from "./strength.js"

/** @internal */
export type KeyInput = Redacted.Redacted<Uint8Array> | Redacted.Redacted<string> | string

/**
 * The fingerprint key as a `KeyObject`, which keeps the bytes out of `inspect` and JSON, or why it is refused.
 * A string is used as its UTF-8 bytes, as it always was, so that fingerprints made with it stay the same. The bytes
 * are copied, so a caller that later reuses its buffer cannot change the key.
 *
 * @internal
 */
export const importKey = (input: KeyInput): { readonly key: KeyObject } | { readonly refused: Weakness } => {
  const raw: Uint8Array | string = Redacted.isRedacted(input) ? Redacted.value<Uint8Array | string>(input) : input
  const bytes = typeof raw === "string" ? Buffer.from(raw, "utf8") : Buffer.from(raw)
  const weak = weakness(bytes, { atLeast: keyBytes })
  if (weak !== undefined) {
    bytes.fill(0)
    return { refused: weak }
  }
  const key = createSecretKey(bytes)
  bytes.fill(0)
  return { key }
}

/** @internal */
export const randomKey = (): KeyObject => createSecretKey(randomBytes(keyBytes))

/**
 * HMAC-SHA256 of the channel and the platform user id, hex. A reporter is the same person on the same channel
 * whatever name or phone they show, so only those two go in. The JSON array keeps the two fields apart
 * ("a" + "bc" and "ab" + "c" differ) and the leading label keeps these hashes apart from any other use of the key.
 *
 * @internal
 */
export const fingerprintOf = (key: KeyObject, channel: string, platformUserId: string): string =>
  createHmac("sha256", key)
    .update(JSON.stringify(["tinbao/reporter-fingerprint/v1", channel, platformUserId]))
    .digest("hex")
