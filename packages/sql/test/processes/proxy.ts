// A tiny TCP proxy between storage and PostgreSQL, to take the database away mid-run: `cut` destroys every
// connection and stops accepting new ones (a client then meets a refused connection, as when the server is
// down), `restore` accepts again on the same port.
import { createServer, type Server, Socket } from "node:net"
import { Effect, type Scope } from "effect"

export interface Proxy {
  readonly port: number
  readonly cut: Effect.Effect<void>
  readonly restore: Effect.Effect<void>
}

const listen = (server: Server, port: number) =>
  Effect.async<number>((resume) => {
    server.listen(port, "127.0.0.1", () => {
      const address = server.address()
      resume(Effect.succeed(typeof address === "object" && address !== null ? address.port : port))
    })
  })

export const proxy = (target: {
  readonly host: string
  readonly port: number
}): Effect.Effect<Proxy, never, Scope.Scope> =>
  Effect.gen(function* () {
    const sockets = new Set<Socket>()
    const track = (socket: Socket) => {
      sockets.add(socket)
      socket.once("close", () => sockets.delete(socket))
      // A destroyed peer is expected here; the other side sees its connection end.
      socket.on("error", () => socket.destroy())
    }
    const open = () =>
      createServer((client) => {
        const upstream = new Socket()
        track(client)
        track(upstream)
        upstream.connect(target.port, target.host)
        client.pipe(upstream)
        upstream.pipe(client)
        client.once("close", () => upstream.destroy())
        upstream.once("close", () => client.destroy())
      })
    let server = open()
    const port = yield* listen(server, 0)
    const cut = Effect.sync(() => {
      server.close()
      for (const socket of sockets) socket.destroy()
    })
    const restore = Effect.suspend(() => {
      server = open()
      return Effect.asVoid(listen(server, port))
    })
    yield* Effect.addFinalizer(() => cut)
    return { port, cut, restore }
  })
