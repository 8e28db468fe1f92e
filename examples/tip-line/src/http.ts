/**
 * What the server answers over HTTP: the platforms' webhooks (`GET` and `POST`, signed, through the core's
 * `Webhook`: verified, stored and answered, processed after) at a path per platform (`/webhooks/web/<unit>`,
 * `/webhooks/zalo/<oa id>`, `/webhooks/zalo-bot/<bot>`, `/webhooks/facebook`) and at the core's
 * `/webhooks/<channel id>`, which URLs already entered at a platform name; `GET /health` (the process is up) and
 * `GET /ready` (the database answers and its schema is this server's), and the staff API under `/api`
 * (`staff.ts`: nothing there answers without a session but the login). Everything else is 404.
 */
import { createServer } from "node:http"
import { type HttpApp, HttpRouter, type HttpServer, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { NodeHttpServer } from "@effect/platform-node"
import type { Webhook } from "@tinbao/core"
import { Data, Effect, Layer, type Scope } from "effect"
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

// A platform path is the core's route under another name: the request goes on to the core's router as
// `/webhooks/<channel id>`, so that body limits, verification and answers stay the core's alone. The adapters see
// the URL the platform called (`originalUrl`), query included, as a GET handshake needs.
const platformRoute = (webhook: Webhook.Service, prefix: string) =>
  Effect.gen(function* () {
    const request = yield* HttpServerRequest.HttpServerRequest
    const account = (yield* HttpRouter.params).account ?? ""
    const query = request.url.indexOf("?")
    const url = `/webhooks/${prefix}:${encodeURIComponent(account)}${query === -1 ? "" : request.url.slice(query)}`
    return yield* Effect.provideService(webhook.app, HttpServerRequest.HttpServerRequest, request.modify({ url }))
  })

const platformRoutes = (webhook: Webhook.Service) =>
  platformPaths.reduce(
    (router, { segment, prefix }) =>
      router.pipe(
        HttpRouter.post(`/webhooks/${segment}/:account`, platformRoute(webhook, prefix)),
        HttpRouter.get(`/webhooks/${segment}/:account`, platformRoute(webhook, prefix))
      ),
    HttpRouter.empty
  )

/** The server cannot listen where it was told; the message names the address and why. */
export class ListenError extends Data.TaggedError("ListenError")<{ readonly message: string }> {}

/**
 * The routes: `wake` runs after each POST (a stored delivery for the worker, a reply for the dispatcher);
 * `notReady` says why the server is not ready; `api` is the staff API, under `/api`; `pages` are the routes a
 * browser is sent to (the end of connecting a Zalo OA).
 */
export const app = (
  webhook: Webhook.Service,
  wake: Effect.Effect<void>,
  notReady: Effect.Effect<string | undefined>,
  api: HttpApp.Default<never, HttpRouter.HttpRouter.DefaultServices>,
  pages: HttpRouter.HttpRouter
) =>
  HttpRouter.empty.pipe(
    HttpRouter.concat(pages),
    // The core's `/webhooks/:channel` stays: URLs entered at the platforms before the platform paths still work.
    HttpRouter.concat(webhook.router),
    HttpRouter.concat(platformRoutes(webhook)),
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
  routes: ReturnType<typeof app>
): Effect.Effect<HttpServer.TcpAddress, ListenError, Scope.Scope> =>
  Effect.gen(function* () {
    const server = yield* NodeHttpServer.make(() => createServer(), { host, port }).pipe(
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
    // The staff API's reference page and responses need the platform's services (files, paths, ETags).
    const platform = yield* Layer.build(NodeHttpServer.layerContext)
    yield* server.serve(routes).pipe(Effect.provide(platform))
    return server.address as HttpServer.TcpAddress
  })
