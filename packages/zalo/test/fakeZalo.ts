/**
 * A fake Zalo OA API on 127.0.0.1 with state: it takes consultation and group messages with the current access
 * token only, answers -216 to any other, issues a new pair for the current refresh token once (a spent one is
 * refused, and counted), and, when told, fails a share of calls before doing anything (a dropped connection, an
 * HTTP 500, a -32) and expires the access token after some deliveries.
 */
import { createServer } from "node:http"
import { FakePlatform } from "@tinbao/testkit"
import { Effect, type Scope } from "effect"

export interface FakeZalo {
  readonly url: string
  /** How many times each text was delivered. */
  readonly delivered: Map<string, number>
  readonly stats: { refreshes: number; reused: number; expiries: number; failures: number; stale: number }
}

export interface Options {
  readonly failureRate?: number
  readonly seed?: number
  /** Expire the access token once this many messages have been delivered, for each number. */
  readonly expireAfter?: ReadonlyArray<number>
  readonly accessToken: string
  readonly refreshToken: string
  readonly appSecret: string
}

// A small deterministic generator, so that a failing run can be replayed.
const mulberry32 = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}

export const make = (options: Options): Effect.Effect<FakeZalo, never, Scope.Scope> =>
  Effect.gen(function* () {
    const random = mulberry32(options.seed ?? 7)
    const delivered = new Map<string, number>()
    const stats = { refreshes: 0, reused: 0, expiries: 0, failures: 0, stale: 0 }
    let access: string | undefined = options.accessToken
    let refresh = options.refreshToken
    const spent = new Set<string>()
    let total = 0
    let next = 1
    const expireAt = new Set(options.expireAfter ?? [])
    const server = createServer((request, response) => {
      const chunks: Array<Buffer> = []
      request.on("data", (c: Buffer) => chunks.push(c))
      request.on("end", () => {
        const body = Buffer.concat(chunks).toString("utf8")
        const json = (status: number, value: unknown) => {
          response.writeHead(status, { "content-type": "application/json" })
          response.end(JSON.stringify(value))
        }
        if (random() < (options.failureRate ?? 0)) {
          stats.failures++
          const how = random()
          if (how < 1 / 3) return void response.socket?.destroy()
          if (how < 2 / 3) return json(500, { error: "internal" })
          return json(200, { error: -32, message: "Rate limit" })
        }
        const path = request.url ?? ""
        if (path === "/v4/oa/access_token") {
          const form = new URLSearchParams(body)
          if (request.headers.secret_key !== options.appSecret)
            return json(200, { error: -14001, error_name: "bad app" })
          const given = form.get("refresh_token") ?? ""
          if (spent.has(given)) stats.reused++
          if (given !== refresh) return json(200, { error: -14014, error_name: "Invalid refresh token" })
          spent.add(given)
          stats.refreshes++
          next++
          access = `fake-access-${next}`
          refresh = `fake-refresh-${next}`
          return json(200, { access_token: access, refresh_token: refresh, expires_in: "90000" })
        }
        if (path === "/v3.0/oa/message/cs" || path === "/v3.0/oa/group/message") {
          if (access === undefined || request.headers.access_token !== access) {
            stats.stale++
            return json(200, { error: -216, message: "Access token is invalid" })
          }
          const text = (JSON.parse(body) as { message: { text: string } }).message.text
          delivered.set(text, (delivered.get(text) ?? 0) + 1)
          total++
          if (expireAt.has(total)) {
            stats.expiries++
            access = undefined
          }
          return json(200, { error: 0, message: "Success", data: { message_id: `fake-msg-${total}` } })
        }
        return json(404, { error: -1 })
      })
    })
    const url = yield* FakePlatform.listen(server)
    return { url, delivered, stats }
  })
