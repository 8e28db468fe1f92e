/**
 * The Graph API, standing in on 127.0.0.1 for the demo's fanpages: it takes Messenger replies and private replies
 * to comments (`POST /<version>/<page id>/messages`) with the page's token (any other is answered code 190, as Meta
 * answers an invalidated one), and records what it took.
 */
import { createServer } from "node:http"
import { Effect, type Scope } from "effect"
import { listen } from "./listen.js"

/** A reply the stand-in took: to a person on Messenger (by PSID) or to a comment (in private), and its text. */
export interface Sent {
  readonly id: string
  readonly page: string
  readonly to: { readonly psid: string } | { readonly comment: string }
  readonly messagingType: string | undefined
  readonly text: string
}

/** The running stand-in: its base URL (the `graphUrl`), the replies it took, and a page's token. */
export interface FacebookStandIn {
  readonly url: string
  readonly sent: ReadonlyArray<Sent>
  /** The page's token, as a page admin's connection would give it. */
  readonly connect: (page: string) => string
}

interface Body {
  readonly recipient?: { readonly id?: string; readonly comment_id?: string }
  readonly messaging_type?: string
  readonly message?: { readonly text?: string }
}

/** Starts the stand-in for a Graph version, stopped when the scope closes. */
export const make = (version: string): Effect.Effect<FacebookStandIn, never, Scope.Scope> =>
  Effect.gen(function* () {
    const sent: Array<Sent> = []
    const tokens = new Map<string, string>()
    const server = createServer((request, response) => {
      const chunks: Array<Buffer> = []
      request.on("data", (c: Buffer) => chunks.push(c))
      request.on("end", () => {
        const answer = (status: number, value: unknown) => {
          response.writeHead(status, { "content-type": "application/json" })
          response.end(JSON.stringify(value))
        }
        const path = /^\/([^/]+)\/([^/]+)\/messages$/.exec(request.url ?? "")
        if (request.method !== "POST" || path === null || path[1] !== version) return answer(404, {})
        const page = decodeURIComponent(path[2]!)
        if (request.headers.authorization !== `Bearer ${tokens.get(page)}`) {
          return answer(400, { error: { message: "Invalid OAuth access token.", type: "OAuthException", code: 190 } })
        }
        const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Body
        const text = body.message?.text
        const to =
          body.recipient?.comment_id !== undefined
            ? { comment: body.recipient.comment_id }
            : body.recipient?.id !== undefined
              ? { psid: body.recipient.id }
              : undefined
        if (to === undefined || text === undefined) {
          return answer(400, { error: { message: "(#100) Invalid parameter", type: "OAuthException", code: 100 } })
        }
        const id = `m_demo_out_${sent.length + 1}`
        sent.push({ id, page, to, messagingType: body.messaging_type, text })
        return answer(200, { recipient_id: "psid" in to ? to.psid : `psid-of-${to.comment}`, message_id: id })
      })
    })
    const url = yield* listen(server)
    return {
      url,
      sent,
      connect: (page) => {
        const token = `page-token-${page}`
        tokens.set(page, token)
        return token
      }
    }
  })
