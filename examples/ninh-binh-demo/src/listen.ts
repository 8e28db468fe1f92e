/**
 * Serves a stand-in's Node HTTP server on 127.0.0.1 at a random port for the scope: its base URL; when the scope
 * closes, its connections are closed and it stops.
 */
import type { Server } from "node:http"
import type { AddressInfo } from "node:net"
import { Effect, type Scope } from "effect"

export const listen = (server: Server): Effect.Effect<string, never, Scope.Scope> =>
  Effect.map(
    Effect.acquireRelease(
      Effect.async<number>((resume) => {
        server.listen(0, "127.0.0.1", () => resume(Effect.succeed((server.address() as AddressInfo).port)))
      }),
      () =>
        Effect.async<void>((resume) => {
          server.closeAllConnections()
          server.close(() => resume(Effect.void))
        })
    ),
    (port) => `http://127.0.0.1:${port}`
  )
