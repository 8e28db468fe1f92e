/**
 * What the server answers over HTTP: the platforms' webhooks (`GET` and `POST /webhooks/:channel`, signed, through
 * the core's `Webhook`: verified, stored and answered, processed after), `GET /health` (the process is up) and
 * `GET /ready` (the database answers and its schema is this server's). Everything else is 404: the staff API comes
 * in a later release, and until then no tip can be read over HTTP.
 */
import { createServer } from "node:http"
import { HttpRouter, type HttpServer, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { NodeHttpServer } from "@effect/platform-node"
import type { Webhook } from "@tinbao/core"
import { Data, Effect, type Scope } from "effect"

/** The server cannot listen where it was told; the message names the address and why. */
export class ListenError extends Data.TaggedError("ListenError")<{ readonly message: string }> {}

/** The routes: `wake` runs after each webhook POST (a stored delivery for the worker); `notReady` says why not. */
export const app = (webhook: Webhook.Service, wake: Effect.Effect<void>, notReady: Effect.Effect<string | undefined>) =>
  HttpRouter.empty.pipe(
    HttpRouter.concat(webhook.router),
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
    yield* server.serve(routes)
    return server.address as HttpServer.TcpAddress
  })
