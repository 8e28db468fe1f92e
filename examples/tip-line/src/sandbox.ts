/**
 * The sandbox platforms: what the replies of a platform in sandbox mode are sent to. A police website's reply
 * endpoint (`/sandbox/web/replies`, which checks the signature as a site would), the Zalo Open API's token and
 * message endpoints (`/sandbox/zalo/...`) and the Graph API's Send API (`/sandbox/facebook/<version>/<page>/messages`),
 * each taking a call only with the token it issued. It listens on 127.0.0.1 alone, on a port of its own, whatever
 * HOST says: it is never reachable from another machine. What it took is listed at `GET /sandbox/sent`.
 */
import { createServer } from "node:http"
import { HttpRouter, type HttpServer, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { NodeHttpServer } from "@effect/platform-node"
import { WebFormChannel } from "@tinbao/web"
import { Clock, Effect, Redacted, type Scope } from "effect"

/** A reply the sandbox took: the platform, the account it went from (site, OA or page), to whom, and the text. */
export interface Sent {
  readonly platform: "web" | "zalo" | "facebook"
  readonly from: string
  readonly to: string
  readonly text: string
}

/** The running sandbox: its base URL (`http://127.0.0.1:<port>/sandbox`), what it took, and the tokens it issues. */
export interface Sandbox {
  readonly url: string
  readonly sent: ReadonlyArray<Sent>
  /** An OA's first pair of tokens, as connecting the OA would give it. */
  readonly connectOa: (oaId: string) => { readonly accessToken: string; readonly refreshToken: string }
  /** A page's token, as connecting the page would give it. */
  readonly connectPage: (pageId: string) => string
}

const json = (status: number, body: unknown) => HttpServerResponse.unsafeJson(body, { status })

interface Body {
  readonly recipient?: { readonly user_id?: string; readonly id?: string; readonly comment_id?: string }
  readonly message?: { readonly text?: string }
}

/** Starts the sandbox platforms for the local secrets, on 127.0.0.1, until the scope closes. */
export const start = (secrets: {
  readonly webSecret: Redacted.Redacted<string>
  readonly zaloAppSecret: Redacted.Redacted<string>
}): Effect.Effect<Sandbox, never, Scope.Scope> =>
  Effect.gen(function* () {
    const sent: Array<Sent> = []
    // The current tokens of each OA (a refresh replaces the pair) and of each page.
    const oas = new Map<string, { access: string; refresh: string; generation: number }>()
    const pages = new Map<string, string>()
    const pair = (oa: string, generation: number) => ({
      access: `sandbox-at:${oa}:${generation}`,
      refresh: `sandbox-rt:${oa}:${generation}`,
      generation
    })
    const read = Effect.gen(function* () {
      const request = yield* HttpServerRequest.HttpServerRequest
      const text = yield* Effect.orElseSucceed(request.text, () => "")
      return { request, text }
    })
    const body = (text: string): Body => {
      try {
        return JSON.parse(text) as Body
      } catch {
        return {}
      }
    }

    const web = Effect.gen(function* () {
      const { request, text } = yield* read
      const refusal = WebFormChannel.verify(
        secrets.webSecret,
        request.headers,
        new TextEncoder().encode(text),
        yield* Clock.currentTimeMillis
      )
      if (refusal !== undefined) return json(401, { error: `signature_${refusal}` })
      const reply = body(text) as { key?: string; conversation?: string; text?: string }
      if (reply.conversation === undefined || reply.text === undefined) return json(422, { error: "invalid_reply" })
      sent.push({ platform: "web", from: "site", to: reply.conversation, text: reply.text })
      return json(201, { id: `sandbox-web-${sent.length}` })
    })

    const zaloToken = Effect.gen(function* () {
      const { request, text } = yield* read
      const given = new URLSearchParams(text).get("refresh_token") ?? ""
      const oa = given.split(":")[1] ?? ""
      const current = oas.get(oa)
      if (request.headers.secret_key !== Redacted.value(secrets.zaloAppSecret) || current?.refresh !== given) {
        return json(200, { error: -14014, error_name: "Invalid refresh token" })
      }
      const next = pair(oa, current.generation + 1)
      oas.set(oa, next)
      return json(200, { access_token: next.access, refresh_token: next.refresh, expires_in: "90000" })
    })

    const zaloSend = Effect.gen(function* () {
      const { request, text } = yield* read
      const token = request.headers.access_token ?? ""
      const oa = token.split(":")[1] ?? ""
      if (oas.get(oa)?.access !== token) return json(200, { error: -216, message: "Access token is invalid" })
      const message = body(text)
      const user = message.recipient?.user_id
      if (user === undefined || message.message?.text === undefined) {
        return json(200, { error: -201, message: "Parameters are invalid" })
      }
      sent.push({ platform: "zalo", from: oa, to: user, text: message.message.text })
      return json(200, {
        error: 0,
        message: "Success",
        data: { message_id: `sandbox-zalo-${sent.length}`, user_id: user }
      })
    })

    const facebookSend = Effect.gen(function* () {
      const { request, text } = yield* read
      const page = (yield* HttpRouter.params).page ?? ""
      if (pages.get(page) === undefined || request.headers.authorization !== `Bearer ${pages.get(page)}`) {
        return json(400, { error: { message: "Invalid OAuth access token.", type: "OAuthException", code: 190 } })
      }
      const message = body(text)
      const to = message.recipient?.comment_id ?? message.recipient?.id
      if (to === undefined || message.message?.text === undefined) {
        return json(400, { error: { message: "(#100) Invalid parameter", type: "OAuthException", code: 100 } })
      }
      sent.push({ platform: "facebook", from: page, to, text: message.message.text })
      return json(200, { recipient_id: to, message_id: `m_sandbox_${sent.length}` })
    })

    const router = HttpRouter.empty.pipe(
      HttpRouter.post("/sandbox/web/replies", web),
      HttpRouter.post("/sandbox/zalo/v4/oa/access_token", zaloToken),
      HttpRouter.post("/sandbox/zalo/v3.0/oa/message/cs", zaloSend),
      HttpRouter.post("/sandbox/facebook/:version/:page/messages", facebookSend),
      HttpRouter.get(
        "/sandbox/sent",
        Effect.sync(() => json(200, sent))
      )
    )
    const server = yield* NodeHttpServer.make(() => createServer(), { port: 0, host: "127.0.0.1" }).pipe(Effect.orDie)
    yield* server.serve(Effect.catchTag(router, "RouteNotFound", () => Effect.succeed(json(404, {}))))
    const { port } = server.address as HttpServer.TcpAddress
    return {
      url: `http://127.0.0.1:${port}/sandbox`,
      sent,
      connectOa: (oaId) => {
        const first = pair(oaId, 1)
        oas.set(oaId, first)
        return { accessToken: first.access, refreshToken: first.refresh }
      },
      connectPage: (pageId) => {
        const token = `sandbox-page-token:${pageId}`
        pages.set(pageId, token)
        return token
      }
    }
  })
