/**
 * The sandbox platforms: what the replies of a platform in sandbox mode are sent to. A police website's reply
 * endpoint (`/sandbox/web/replies`, which checks the signature as a site would), the Zalo Open API's permission
 * page (granting at once), token and message endpoints, 1:1 and group (`/sandbox/zalo/...`), the Zalo Bot API's `sendMessage`
 * (`/sandbox/zalo-bot/bot<token>/sendMessage`) and the Graph API's Send API
 * (`/sandbox/facebook/<version>/<page>/messages`), each taking a call only with the token it issued; and the photos
 * reporters send in it, at `/sandbox/media/<name>`, for the evidence worker to fetch. It listens on 127.0.0.1 alone,
 * on a port of its own, whatever HOST says: it is never reachable from another machine. What it took is listed at
 * `GET /sandbox/sent`.
 */
import { randomBytes } from "node:crypto"
import { rmSync, writeFileSync } from "node:fs"
import { createServer } from "node:http"
import { join } from "node:path"
import { HttpRouter, type HttpServer, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { NodeHttpServer } from "@effect/platform-node"
import { WebFormChannel } from "@tinbao/web"
import { ZaloConnect } from "@tinbao/zalo"
import { Clock, Effect, Redacted, Schema, type Scope } from "effect"
import type { Platform } from "./channels.js"

/**
 * A reply the sandbox took: the platform, the account it went from (site, OA, bot or page), to whom (a person, or
 * an OA's group), and the text.
 */
export interface Sent {
  readonly platform: "web" | "zalo" | "zalo-bot" | "facebook"
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
  /** A bot's token, as Zalo Bot Creator would show it. */
  readonly connectBot: (bot: string) => string
}

/** The path under the sandbox's URL at which it serves a photo by its name. */
export const mediaPath = (name: string): string => `/media/${encodeURIComponent(name)}`

// A photo's bytes: a JPEG's markers around a comment that names it, so that each name is its own file (its own
// hash) and the evidence worker, which reads a file's kind from its first bytes, takes it as a JPEG.
const photo = (name: string): Uint8Array => {
  const comment = new TextEncoder().encode(`tinbao sandbox photo ${name}`.slice(0, 200))
  const app0 = [
    0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00
  ]
  const length = comment.length + 2
  return new Uint8Array([0xff, 0xd8, ...app0, 0xff, 0xfe, length >> 8, length & 0xff, ...comment, 0xff, 0xd9])
}

const json = (status: number, body: unknown) => HttpServerResponse.unsafeJson(body, { status })

interface Body {
  readonly recipient?: {
    readonly user_id?: string
    readonly group_id?: string
    readonly id?: string
    readonly comment_id?: string
  }
  readonly message?: { readonly text?: string }
  readonly chat_id?: string
  readonly text?: string
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
    // Each bot's token, and the bot it is.
    const bots = new Map<string, string>()
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

    // Zalo's permission page, where an OA's admin grants the app: the sandbox grants at once, for the OA the
    // `oa_id` query names (an admin's pick at Zalo; else the first OA), and sends the browser back with a code.
    const codes = new Map<string, { readonly oa: string; readonly challenge: string }>()
    const zaloPermission = Effect.gen(function* () {
      const query = new URL((yield* HttpServerRequest.HttpServerRequest).url, "http://sandbox").searchParams
      const redirect = query.get("redirect_uri") ?? ""
      const oa = query.get("oa_id") ?? [...oas.keys()][0] ?? ""
      if (!URL.canParse(redirect) || query.get("code_challenge") === null || oa === "") {
        return json(400, { error: "invalid_request" })
      }
      const code = `sandbox-code:${randomBytes(8).toString("hex")}`
      codes.set(code, { oa, challenge: query.get("code_challenge")! })
      const back = new URL(redirect)
      back.search = new URLSearchParams({ code, state: query.get("state") ?? "", oa_id: oa }).toString()
      return HttpServerResponse.empty({ status: 302, headers: { location: back.toString() } })
    })

    // A code for the OA's first pair (once, with the verifier of its challenge), or a refresh token for the next.
    const zaloGrant = (request: HttpServerRequest.HttpServerRequest, form: URLSearchParams) => {
      const code = codes.get(form.get("code") ?? "")
      codes.delete(form.get("code") ?? "")
      const verifier = Redacted.make(form.get("code_verifier") ?? "")
      if (
        request.headers.secret_key !== Redacted.value(secrets.zaloAppSecret) ||
        code === undefined ||
        ZaloConnect.challengeOf(verifier) !== code.challenge
      ) {
        return json(200, { error: -14003, error_name: "Invalid authorization code" })
      }
      const next = pair(code.oa, (oas.get(code.oa)?.generation ?? 0) + 1)
      oas.set(code.oa, next)
      return json(200, { access_token: next.access, refresh_token: next.refresh, expires_in: "90000" })
    }

    const zaloToken = Effect.gen(function* () {
      const { request, text } = yield* read
      const form = new URLSearchParams(text)
      if (form.get("grant_type") === "authorization_code") return zaloGrant(request, form)
      const given = form.get("refresh_token") ?? ""
      const oa = given.split(":")[1] ?? ""
      const current = oas.get(oa)
      if (request.headers.secret_key !== Redacted.value(secrets.zaloAppSecret) || current?.refresh !== given) {
        return json(200, { error: -14014, error_name: "Invalid refresh token" })
      }
      const next = pair(oa, current.generation + 1)
      oas.set(oa, next)
      return json(200, { access_token: next.access, refresh_token: next.refresh, expires_in: "90000" })
    })

    // A consultation message to a user (`message/cs`) or a message in one of the OA's groups (`group/message`).
    const zaloSend = (to: "user_id" | "group_id") =>
      Effect.gen(function* () {
        const { request, text } = yield* read
        const token = request.headers.access_token ?? ""
        const oa = token.split(":")[1] ?? ""
        if (oas.get(oa)?.access !== token) return json(200, { error: -216, message: "Access token is invalid" })
        const message = body(text)
        const recipient = message.recipient?.[to]
        if (recipient === undefined || message.message?.text === undefined) {
          return json(200, { error: -201, message: "Parameters are invalid" })
        }
        sent.push({ platform: "zalo", from: oa, to: recipient, text: message.message.text })
        return json(200, {
          error: 0,
          message: "Success",
          data: { message_id: `sandbox-zalo-${sent.length}`, [to]: recipient }
        })
      })

    // The Bot API answers as Telegram's does: `{ ok, result }`, or `{ ok: false, error_code }`.
    const botSend = Effect.gen(function* () {
      const { text } = yield* read
      const path = (yield* HttpRouter.params).bot ?? ""
      const bot = path.startsWith("bot") ? bots.get(path.slice("bot".length)) : undefined
      if (bot === undefined) return json(401, { ok: false, error_code: 401, description: "Unauthorized" })
      const message = body(text)
      if (message.chat_id === undefined || message.text === undefined) {
        return json(400, { ok: false, error_code: 400, description: "Bad Request: chat_id and text are required" })
      }
      sent.push({ platform: "zalo-bot", from: bot, to: message.chat_id, text: message.text })
      const date = yield* Clock.currentTimeMillis
      return json(200, { ok: true, result: { message_id: `sandbox-bot-${sent.length}`, date } })
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
      HttpRouter.get("/sandbox/zalo/v4/oa/permission", zaloPermission),
      HttpRouter.post("/sandbox/zalo/v3.0/oa/message/cs", zaloSend("user_id")),
      HttpRouter.post("/sandbox/zalo/v3.0/oa/group/message", zaloSend("group_id")),
      HttpRouter.post("/sandbox/zalo-bot/:bot/sendMessage", botSend),
      HttpRouter.get(
        "/sandbox/media/:name",
        Effect.map(HttpRouter.params, ({ name }) =>
          HttpServerResponse.uint8Array(photo(name ?? ""), { contentType: "image/jpeg" })
        )
      ),
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
      },
      connectBot: (bot) => {
        // Shaped as Bot Creator's tokens are (`<bot id>:<secret>`); the secret part is new at every start.
        const token = `${bots.size + 1}:${randomBytes(12).toString("base64url")}`
        bots.set(token, bot)
        return token
      }
    }
  })

/**
 * What a local tool needs to drive the sandbox (`npm run simulate`): its URL, and the sandbox channels with their
 * units. Nothing in it is secret; the secrets stay in the secrets file.
 */
export const Announced = Schema.Struct({
  url: Schema.String,
  channels: Schema.Array(Schema.Struct({ channel: Schema.String, unit: Schema.String }))
})

/** Where the running sandbox is announced: `<DATA_DIR>/sandbox.json`, there while the sandbox runs. */
export const announcedFile = (dataDir: string): string => join(dataDir, "sandbox.json")

/** Writes the sandbox's announcement for as long as the scope lives; a stop removes it. */
export const announce = (dataDir: string, sandbox: Sandbox, platforms: ReadonlyArray<Platform>) =>
  Effect.acquireRelease(
    Effect.sync(() => {
      const announced: typeof Announced.Type = {
        url: sandbox.url,
        channels: platforms.filter((p) => p.sandbox).flatMap((p) => p.bound)
      }
      writeFileSync(announcedFile(dataDir), `${JSON.stringify(announced, null, 2)}\n`, { mode: 0o600 })
    }),
    () => Effect.sync(() => rmSync(announcedFile(dataDir), { force: true }))
  )
