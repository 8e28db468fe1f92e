/**
 * Meta's webhook signature: `X-Hub-Signature-256: sha256=<hex>`, the HMAC-SHA256 of the exact body bytes keyed with
 * the App Secret. Meta hashes the body as it sends it (non-ASCII escaped as `\u00e1`), so the bytes are never
 * re-serialised. The legacy `X-Hub-Signature: sha1=<hex>` is checked only when configured and the SHA-256 header is
 * absent.
 *
 * @internal
 */
import { createHmac } from "node:crypto"
import { type Channel, ChannelCheck } from "@tinbao/core"
import { Redacted } from "effect"
import type { DeliveryOptions } from "../../Facebook.js"

/** @internal */
export const signatureHeader = "x-hub-signature-256"

/** @internal */
export const legacyHeader = "x-hub-signature"

const encoder = new TextEncoder()

/** @internal */
export const sign = (appSecret: Redacted.Redacted<string>, body: Uint8Array | string): string =>
  `sha256=${ChannelCheck.hmacSha256Hex(appSecret, body)}`

/** The legacy SHA-1 signature of a body. @internal */
export const signSha1 = (appSecret: Redacted.Redacted<string>, body: Uint8Array | string): string =>
  `sha1=${createHmac("sha1", Redacted.value(appSecret)).update(body).digest("hex")}`

/**
 * Whether the delivery is signed with the App Secret: by its SHA-256 header when it has one, else by the SHA-1
 * header when `acceptSha1`. Hex is compared in lower case, in constant time.
 *
 * @internal
 */
export const signedBy = (
  appSecret: Redacted.Redacted<string>,
  acceptSha1: boolean,
  headers: Readonly<Record<string, string>>,
  body: Uint8Array
): boolean => {
  const sha256 = headers[signatureHeader]
  if (sha256 !== undefined) return ChannelCheck.sameSecret(sha256.trim().toLowerCase(), sign(appSecret, body))
  const sha1 = headers[legacyHeader]
  return (
    acceptSha1 && sha1 !== undefined && ChannelCheck.sameSecret(sha1.trim().toLowerCase(), signSha1(appSecret, body))
  )
}

/** @internal */
export const delivery = (
  appSecret: Redacted.Redacted<string>,
  body: object | string | Uint8Array,
  options: DeliveryOptions = {}
): Channel.RawDelivery => {
  const bytes =
    body instanceof Uint8Array ? body : encoder.encode(typeof body === "string" ? body : JSON.stringify(body))
  return {
    method: "POST",
    url: options.url ?? "/webhooks/facebook",
    headers: { "content-type": "application/json", [signatureHeader]: sign(appSecret, bytes), ...options.headers },
    body: bytes
  }
}
