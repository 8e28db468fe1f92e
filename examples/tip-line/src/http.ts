/**
 * What the server answers over HTTP: the platforms' webhooks (`GET` and `POST`, signed, through the core's
 * `Webhook.accept`: verified, stored and answered, processed after; served before the router) at a path per platform
 * (`/webhooks/web/<unit>`, `/webhooks/zalo/<oa id>`, `/webhooks/zalo-bot/<bot>`, `/webhooks/facebook`) and at the
 * core's `/webhooks/<channel id>`, which URLs already entered at a platform name; `GET /health` (the process is up) and
 * `GET /ready` (the database answers and its schema is this server's), and the staff API under `/api`
 * (`staff.ts`: nothing there answers without a session but the login). Everything else is 404.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import {
  FileSystem,
  type HttpApp,
  HttpIncomingMessage,
  HttpRouter,
  type HttpServer,
  HttpServerRequest,
  HttpServerResponse
} from "@effect/platform"
import { NodeHttpServer } from "@effect/platform-node"
import { type Channel, Webhook } from "@tinbao/core"
import { Data, Effect, Layer, Option, Runtime, type Scope } from "effect"
import * as Dashboard from "./dashboard.js"

/**
 * The platforms' own webhook paths: `/webhooks/<segment>/<account>` is the channel `<prefix>:<account>`. The
 * account is the last segment, so that an operator enters at the platform a URL that says which platform it is for.
 */
const platformPaths = [
  { segment: "web", prefix: "web" },
  { segment: "zalo", prefix: "zalo-oa" },
  { segment: "zalo-bot", prefix: "zalo-bot" }
] as const

/** The path of a channel's webhook: its platform's own, or the core's `/webhooks/<channel id>` for the others. */
export const webhookPath = (channel: string): string => {
  const found = platformPaths.find(({ prefix }) => channel.startsWith(`${prefix}:`))
  return found === undefined
    ? `/webhooks/${encodeURIComponent(channel)}`
    : `/webhooks/${found.segment}/${encodeURIComponent(channel.slice(found.prefix.length + 1))}`
}

/**
 * The channel a webhook's path names (`/webhooks/<segment>/<account>` or `/webhooks/<channel id>`), or `undefined`
 * when the path is not a webhook's or cannot be decoded.
 */
export const channelOfPath = (path: string): string | undefined => {
  const query = path.indexOf("?")
  const parts = (query === -1 ? path : path.slice(0, query)).split("/")
  if (parts[1] !== "webhooks" || parts.some((part, i) => i > 0 && part === "")) return undefined
  try {
    if (parts.length === 3) return decodeURIComponent(parts[2]!)
    const platform = platformPaths.find(({ segment }) => segment === parts[2])
    return parts.length === 4 && platform !== undefined
      ? `${platform.prefix}:${decodeURIComponent(parts[3]!)}`
      : undefined
  } catch {
    return undefined
  }
}

const headersOf = (request: IncomingMessage): Record<string, string> => {
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value
  }
  return headers
}

const unavailable: Channel.Answer = { status: 503, body: "The delivery could not be taken: send it again." }

/**
 * The webhooks straight from node's request, without the router: the platforms call them far more often than
 * anything else, and the router's request and response objects cost more than the check and the store
 * (docs/performance.md, "The tip-line server"). The answer is the core's `Webhook.accept`, which refuses and
 * answers exactly as the core's router does (`HEAD` too, which a router would route as `GET`: 405); a body past the
 * limit is read no further and answered 413. Returns false for any other request, which the router answers.
 */

const webhookFastPath = (webhook: Webhook.Service, wake: Effect.Effect<void>, runtime: Runtime.Runtime<never>) => {
  const run = Runtime.runPromise(runtime)
  const limit = Webhook.defaultMaxBodyBytes
  return (request: IncomingMessage, response: ServerResponse): boolean => {
    const method = request.method ?? ""
    const channel =
      method === "POST" || method === "GET" || method === "HEAD" ? channelOfPath(request.url ?? "") : undefined
    if (channel === undefined) return false
    const chunks: Array<Buffer> = []
    let size = 0
    const answer = () => {
      request.removeAllListeners("data")
      const body = new Uint8Array(Buffer.concat(chunks))
      const delivery = { method, url: request.url ?? "/", headers: headersOf(request), body }
      const accepted = Effect.tap(webhook.accept(channel, delivery), () => (method === "POST" ? wake : Effect.void))
      // `accept` never fails; should it die, or the server close under it, the platform is told to send again.
      void run(
        Effect.catchAllDefect(accepted, (defect) =>
          Effect.as(Effect.logError("webhook: accept died", defect), unavailable)
        )
      )
        .catch(() => unavailable)
        .then((answer) => {
          const headers: Record<string, string> = { ...answer.headers }
          if (answer.body !== undefined && headers["content-type"] === undefined) headers["content-type"] = "text/plain"
          // A body cut off at the limit leaves the rest unread on the connection: it cannot serve another request.
          if (size > limit) headers.connection = "close"
          response.writeHead(answer.status, headers)
          response.end(answer.body)
        })
    }
    request.on("data", (chunk: Buffer) => {
      chunks.push(chunk)
      size += chunk.length
      if (size > limit) answer()
    })
    request.on("end", () => {
      if (size <= limit) answer()
    })
    // A platform that hangs up mid-body gets no answer: nothing was stored, and it sends the delivery again.
    request.on("error", () => response.destroy())
    return true
  }
}

/** The server cannot listen where it was told; the message names the address and why. */
export class ListenError extends Data.TaggedError("ListenError")<{ readonly message: string }> {}

/**
 * The routes: `wake` runs after each POST (a stored delivery for the worker, a reply for the dispatcher);
 * `notReady` says why the server is not ready; `api` is the staff API, under `/api`; `pages` are the routes a
 * browser is sent to (the end of connecting a Zalo OA).
 */
export const app = (
  wake: Effect.Effect<void>,
  notReady: Effect.Effect<string | undefined>,
  api: HttpApp.Default<never, HttpRouter.HttpRouter.DefaultServices>,
  pages: HttpRouter.HttpRouter
) =>
  HttpRouter.empty.pipe(
    HttpRouter.concat(pages),
    HttpRouter.concat(Dashboard.router()),
    HttpRouter.mountApp("/api", api, { includePrefix: true }),
    HttpRouter.get("/health", Effect.succeed(HttpServerResponse.unsafeJson({ status: "ok" }))),
    HttpRouter.get(
      "/ready",
      Effect.map(notReady, (reason) =>
        reason === undefined
          ? HttpServerResponse.unsafeJson({ status: "ready" })
          : HttpServerResponse.unsafeJson({ status: "not_ready", reason }, { status: 503 })
      )
    ),
    Effect.tap(() =>
      Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) => (request.method === "POST" ? wake : Effect.void))
    ),
    Effect.catchTag("RouteNotFound", () => Effect.succeed(HttpServerResponse.empty({ status: 404 })))
  )

/**
 * Listens on HOST:PORT and serves the app until the scope closes. Closing stops accepting at once, lets the
 * requests in progress finish, then closes the connections.
 */
export const serve = (
  host: string,
  port: number,
  routes: ReturnType<typeof app>,
  webhooks: { readonly webhook: Webhook.Service; readonly wake: Effect.Effect<void> }
): Effect.Effect<HttpServer.TcpAddress, ListenError, Scope.Scope> =>
  Effect.gen(function* () {
    // The platform's handler is made before it listens, so that the webhooks' fast path is tried first; the staff
    // API's reference page and responses need the platform's services (files, paths, ETags).
    const platform = yield* Layer.build(NodeHttpServer.layerContext)
    const handler = yield* NodeHttpServer.makeHandler(routes).pipe(
      Effect.provide(platform),
      HttpIncomingMessage.withMaxBodySize(Option.some(FileSystem.Size(10 * 1024 * 1024)))
    )
    const fast = webhookFastPath(webhooks.webhook, webhooks.wake, yield* Effect.runtime<never>())
    const server = yield* NodeHttpServer.make(
      () => createServer((request, response) => fast(request, response) || handler(request, response)),
      { host, port }
    ).pipe(
      Effect.mapError((error) => {
        const code = (error.cause as NodeJS.ErrnoException | undefined)?.code
        const why =
          code === "EADDRINUSE"
            ? "the port is in use: set PORT to another"
            : code === "EACCES"
              ? "this user may not listen on that port: use one above 1023"
              : code === "EADDRNOTAVAIL"
                ? "this machine has no such address: check HOST"
                : (code ?? "unknown cause")
        return new ListenError({ message: `Cannot listen on ${host}:${port}: ${why}.` })
      })
    )
    return server.address as HttpServer.TcpAddress
  })
