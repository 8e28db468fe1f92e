/**
 * The Zalo Open API, standing in on 127.0.0.1 for the demo's OAs: it takes consultation messages with the current
 * access token of the OA (any other is answered -216, as Zalo answers an expired one), refreshes a pair once for
 * its current refresh token (a spent one is refused, as Zalo refuses it), and records what it took.
 */
import { createServer } from "node:http"
import { Effect, type Scope } from "effect"
import { listen } from "./listen.js"

/** A message the stand-in took: to whom (the user's id) and what. */
export interface Sent {
  readonly id: string
  readonly user: string
  readonly text: string
}

/** The running stand-in: its base URL (both `apiUrl` and `oauthUrl`), the messages it took, and its refreshes. */
export interface ZaloStandIn {
  readonly url: string
  readonly sent: ReadonlyArray<Sent>
  readonly refreshes: () => number
  /** The first pair of an OA's tokens, as an OA admin's connection would give it. */
  readonly connect: (oa: string) => { readonly accessToken: string; readonly refreshToken: string }
}

/** Starts the stand-in, stopped when the scope closes. */
export const make = (appSecret: string): Effect.Effect<ZaloStandIn, never, Scope.Scope> =>
  Effect.gen(function* () {
    const sent: Array<Sent> = []
    // Per OA: the current pair; tokens name their OA so that a call finds its pair.
    const pairs = new Map<string, { access: string; refresh: string; generation: number }>()
    let refreshes = 0
    const server = createServer((request, response) => {
      const chunks: Array<Buffer> = []
      request.on("data", (c: Buffer) => chunks.push(c))
      request.on("end", () => {
        const body = Buffer.concat(chunks).toString("utf8")
        const json = (value: unknown) => {
          response.writeHead(200, { "content-type": "application/json" })
          response.end(JSON.stringify(value))
        }
        if (request.method === "POST" && request.url === "/v4/oa/access_token") {
          const form = new URLSearchParams(body)
          const given = form.get("refresh_token") ?? ""
          const oa = given.split(":")[1] ?? ""
          const pair = pairs.get(oa)
          if (request.headers.secret_key !== appSecret || pair === undefined || pair.refresh !== given) {
            return json({ error: -14014, error_name: "Invalid refresh token" })
          }
          refreshes++
          const generation = pair.generation + 1
          const next = { access: `at:${oa}:${generation}`, refresh: `rt:${oa}:${generation}`, generation }
          pairs.set(oa, next)
          return json({ access_token: next.access, refresh_token: next.refresh, expires_in: "90000" })
        }
        if (request.method === "POST" && request.url === "/v3.0/oa/message/cs") {
          const token = String(request.headers.access_token ?? "")
          const pair = pairs.get(token.split(":")[1] ?? "")
          if (pair === undefined || pair.access !== token)
            return json({ error: -216, message: "Access token is invalid" })
          const message = JSON.parse(body) as { recipient: { user_id: string }; message: { text: string } }
          const id = `zalo-out-${sent.length + 1}`
          sent.push({ id, user: message.recipient.user_id, text: message.message.text })
          return json({ error: 0, message: "Success", data: { message_id: id, user_id: message.recipient.user_id } })
        }
        response.writeHead(404).end()
      })
    })
    const url = yield* listen(server)
    return {
      url,
      sent,
      refreshes: () => refreshes,
      connect: (oa) => {
        const pair = { access: `at:${oa}:1`, refresh: `rt:${oa}:1`, generation: 1 }
        pairs.set(oa, pair)
        return { accessToken: pair.access, refreshToken: pair.refresh }
      }
    }
  })
