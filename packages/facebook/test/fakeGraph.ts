/**
 * A fake Graph API on 127.0.0.1 with state: it takes Send API messages (`POST /<version>/<page>/messages`) and
 * public replies (`POST /<version>/<comment>/comments`) with the page's current token only, answers 190 to any
 * other (or to every call once the token is revoked), records every request, and, when told, fails a share of
 * calls before doing anything: a dropped connection, an HTTP 500 with code 2, or the rate limits 4 and 613.
 */
import { createServer } from "node:http"
import { FakePlatform } from "@tinbao/testkit"
import { Effect, type Scope } from "effect"

export interface Request {
  readonly method: string
  readonly path: string
  readonly headers: Readonly<Record<string, string | Array<string> | undefined>>
  readonly body: string
}

export interface Delivery {
  readonly text: string
  readonly messagingType?: string
  readonly tag?: string
  readonly recipient: Readonly<Record<string, unknown>>
}

export interface FakeGraph {
  readonly url: string
  /** Every request received, failed ones included. */
  readonly requests: Array<Request>
  /** What was accepted, in order. */
  readonly deliveries: Array<Delivery>
  readonly stats: { failures: number; rateLimited: number; refused: number }
  /** Meta stops accepting the page's token (a password changed, a permission revoked). */
  readonly revoke: () => void
  /** The page is connected again with a new token. */
  readonly accept: (token: string) => void
}

export interface Options {
  readonly pageId: string
  readonly token: string
  readonly failureRate?: number
  readonly seed?: number
}

// A small deterministic generator, so that a failing run can be replayed.
const mulberry32 = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}

const graphError = (code: number, message: string) => ({
  error: { message, type: "OAuthException", code, fbtrace_id: "FakeGraphTrace1" }
})

export const make = (options: Options): Effect.Effect<FakeGraph, never, Scope.Scope> =>
  Effect.gen(function* () {
    const random = mulberry32(options.seed ?? 17)
    const requests: Array<Request> = []
    const deliveries: Array<Delivery> = []
    const stats = { failures: 0, rateLimited: 0, refused: 0 }
    let token: string | undefined = options.token
    let next = 0
    const server = createServer((request, response) => {
      const chunks: Array<Buffer> = []
      request.on("data", (c: Buffer) => chunks.push(c))
      request.on("end", () => {
        const body = Buffer.concat(chunks).toString("utf8")
        const path = request.url ?? ""
        requests.push({ method: request.method ?? "", path, headers: { ...request.headers }, body })
        const json = (status: number, value: unknown) => {
          response.writeHead(status, { "content-type": "application/json" })
          response.end(JSON.stringify(value))
        }
        if (random() < (options.failureRate ?? 0)) {
          stats.failures++
          const how = random()
          if (how < 1 / 4) return void response.socket?.destroy()
          if (how < 2 / 4) return json(500, graphError(2, "Service temporarily unavailable"))
          stats.rateLimited++
          if (how < 3 / 4) return json(400, graphError(4, "Application request limit reached"))
          return json(400, graphError(613, "Calls to this api have exceeded the rate limit."))
        }
        if (token === undefined || request.headers.authorization !== `Bearer ${token}`) {
          stats.refused++
          return json(400, graphError(190, "Error validating access token"))
        }
        const sent = JSON.parse(body) as {
          recipient?: Record<string, unknown>
          messaging_type?: string
          tag?: string
          message?: { text: string } | string
        }
        next++
        if (request.method === "POST" && path === `/v25.0/${options.pageId}/messages`) {
          const text = typeof sent.message === "object" ? sent.message.text : ""
          deliveries.push({
            text,
            recipient: sent.recipient ?? {},
            ...(sent.messaging_type !== undefined ? { messagingType: sent.messaging_type } : {}),
            ...(sent.tag !== undefined ? { tag: sent.tag } : {})
          })
          return json(200, { recipient_id: "fake-recipient", message_id: `m_fake-${next}` })
        }
        const comment = /^\/v25\.0\/([\w]+)\/comments$/.exec(path)
        if (request.method === "POST" && comment !== null && typeof sent.message === "string") {
          deliveries.push({ text: sent.message, recipient: { comment: comment[1] } })
          return json(200, { id: `${comment[1]}_reply-${next}` })
        }
        return json(400, graphError(100, "Unsupported post request."))
      })
    })
    const url = yield* FakePlatform.listen(server)
    return {
      url,
      requests,
      deliveries,
      stats,
      revoke: () => {
        token = undefined
      },
      accept: (given) => {
        token = given
      }
    }
  })
