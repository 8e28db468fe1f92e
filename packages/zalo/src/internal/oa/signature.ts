/**
 * Zalo OA's webhook signature: `X-ZEvent-Signature: mac=<hex>`, where hex is the plain SHA-256 (not an HMAC) of
 * the body's `app_id`, the exact body bytes, the body's `timestamp` and the OA secret key, one after the other.
 *
 * @internal
 */
import { type Channel, ChannelCheck } from "@tinbao/core"
import { Either, Option, Redacted } from "effect"
import type { DeliveryOptions } from "../../ZaloOa.js"
import { record } from "../shared/read.js"

/** @internal */
export const signatureHeader = "x-zevent-signature"

const encoder = new TextEncoder()

/** The signed fields as the body spells them: a string as it is, a number as JSON writes it. @internal */
export const signedFields = (json: unknown): Option.Option<{ readonly appId: string; readonly timestamp: string }> =>
  Option.flatMap(record(json), (body) => {
    const spelled = (value: unknown) =>
      typeof value === "string"
        ? value
        : typeof value === "number" && Number.isFinite(value)
          ? String(value)
          : undefined
    const appId = spelled(body.app_id)
    const timestamp = spelled(body.timestamp)
    return appId === undefined || timestamp === undefined ? Option.none() : Option.some({ appId, timestamp })
  })

/** @internal */
export const mac = (
  secretKey: Redacted.Redacted<string>,
  appId: string,
  body: Uint8Array | string,
  timestamp: string
): string => `mac=${ChannelCheck.sha256Hex(appId, body, timestamp, Redacted.value(secretKey))}`

/**
 * A POST delivery of a body signed as Zalo signs it (an object as JSON; a string or bytes exactly as given).
 * Throws when the body has no `app_id` and `timestamp` to sign with.
 *
 * @internal
 */
export const delivery = (
  secretKey: Redacted.Redacted<string>,
  body: object | string | Uint8Array,
  options: DeliveryOptions = {}
): Channel.RawDelivery => {
  const bytes =
    body instanceof Uint8Array ? body : encoder.encode(typeof body === "string" ? body : JSON.stringify(body))
  const fields = Either.try(() => JSON.parse(new TextDecoder().decode(bytes)) as unknown).pipe(
    Either.map(signedFields),
    Either.getOrElse(() => Option.none())
  )
  if (Option.isNone(fields)) throw new TypeError("ZaloOa.delivery: the body has no app_id and timestamp to sign")
  return {
    method: "POST",
    url: options.url ?? "/webhooks/zalo-oa",
    headers: {
      "content-type": "application/json",
      [signatureHeader]: mac(secretKey, fields.value.appId, bytes, fields.value.timestamp),
      ...options.headers
    },
    body: bytes
  }
}
