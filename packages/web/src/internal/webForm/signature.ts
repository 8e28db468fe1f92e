/**
 * The web form's signature scheme: `x-tinbao-signature: sha256=<hex>` where hex is the HMAC-SHA256, keyed with
 * the channel secret, of the timestamp, a dot and the exact body bytes; `x-tinbao-timestamp` is that timestamp in
 * epoch seconds. The timestamp is signed so that a replayed delivery cannot be freshened by editing the header.
 *
 * @internal
 */
import { type Channel, ChannelCheck } from "@tinbao/core"
import { Either, type Redacted } from "effect"
import type { Body, DeliveryOptions, SignatureRefusal } from "../../WebFormChannel.js"

/** @internal */
export const signatureHeader = "x-tinbao-signature"

/** @internal */
export const timestampHeader = "x-tinbao-timestamp"

/** How far a delivery's timestamp may be from our clock, either way, before it counts as a replay. @internal */
export const toleranceSeconds = 5 * 60

const encoder = new TextEncoder()

// The timestamp is signed as the header carries it, so that a sender never has to agree with us on how to print it.
const hmac = (secret: Redacted.Redacted<string>, body: Uint8Array | string, timestamp: string): string =>
  ChannelCheck.hmacSha256Hex(secret, `${timestamp}.`, body)

/** @internal */
export const sign = (secret: Redacted.Redacted<string>, body: Uint8Array | string, timestamp: number): string =>
  `sha256=${hmac(secret, body, String(timestamp))}`

/** What each refusal tells the sender; the messages never quote the values themselves. @internal */
export const refusalMessage: { readonly [R in SignatureRefusal]: string } = {
  missing: "the delivery has no x-tinbao-signature or x-tinbao-timestamp header",
  malformed: "the delivery's signature or timestamp header is malformed",
  stale: "the delivery's timestamp is more than 5 minutes away from now (a replay or a wrong clock)",
  mismatch: "the delivery's signature does not match its body"
}

/**
 * Verifies a request's headers (names in any case) against its exact body bytes, in constant time; `undefined`
 * when it is genuine.
 *
 * @internal
 */
export const verify = (
  secret: Redacted.Redacted<string>,
  headers: Readonly<Record<string, string>>,
  body: Uint8Array | string,
  nowMillis: number
): SignatureRefusal | undefined => {
  const lower = ChannelCheck.lowerCaseHeaders(headers)
  const signature = lower[signatureHeader]
  const timestamp = lower[timestampHeader]
  if (signature === undefined || timestamp === undefined) return "missing"
  if (!/^sha256=[0-9a-f]{64}$/.test(signature) || !/^\d{1,12}$/.test(timestamp)) return "malformed"
  const time = ChannelCheck.checkTimestamp(timestamp, nowMillis, { unit: "seconds", toleranceSeconds })
  if (Either.isLeft(time)) return time.left === "stale" ? "stale" : "malformed"
  return ChannelCheck.sameSecret(signature, `sha256=${hmac(secret, body, timestamp)}`) ? undefined : "mismatch"
}

/**
 * A signed POST of a body: an object is serialised as JSON; a string or bytes are sent exactly as given.
 *
 * @internal
 */
export const delivery = (
  secret: Redacted.Redacted<string>,
  body: Body | string | Uint8Array,
  options: DeliveryOptions = {}
): Channel.RawDelivery => {
  const bytes =
    body instanceof Uint8Array ? body : encoder.encode(typeof body === "string" ? body : JSON.stringify(body))
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000)
  return {
    method: "POST",
    url: options.url ?? "/webhooks/web",
    headers: {
      "content-type": "application/json",
      [signatureHeader]: sign(secret, bytes, timestamp),
      [timestampHeader]: String(timestamp),
      ...options.headers
    },
    body: bytes
  }
}
