// Small real files for the evidence tests, made here by their formats' rules, and a local HTTP server on 127.0.0.1
// that serves them (and misbehaves on request), closed with the test's scope.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http"
import { deflateSync } from "node:zlib"
import { Effect, type Scope } from "effect"

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})

const crc32 = (bytes: Uint8Array) => {
  let c = 0xffffffff
  for (const byte of bytes) c = crcTable[(c ^ byte) & 0xff]! ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}

const chunk = (type: string, data: Uint8Array) => {
  const out = Buffer.alloc(12 + data.length)
  out.writeUInt32BE(data.length, 0)
  out.write(type, 4, "latin1")
  Buffer.from(data).copy(out, 8)
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length)
  return out
}

/** A 1×1 PNG of one red pixel: signature, IHDR (8-bit RGB), IDAT (one filtered scanline), IEND. */
export const png: Uint8Array = new Uint8Array(
  Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", Buffer.from([0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0])),
    chunk("IDAT", deflateSync(Buffer.from([0, 0xc0, 0x39, 0x2b]))),
    chunk("IEND", new Uint8Array(0))
  ])
)

/**
 * A 1×1 baseline JPEG (one grey 8×8 block): JFIF header, a flat quantisation table, one component, one-code
 * Huffman tables (DC category 0, AC end of block), and the two bits of its one block.
 */
export const jpeg: Uint8Array = new Uint8Array([
  ...[0xff, 0xd8],
  ...[0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00],
  ...[0xff, 0xdb, 0x00, 0x43, 0x00, ...new Array<number>(64).fill(1)],
  ...[0xff, 0xc0, 0x00, 0x0b, 0x08, 0x00, 0x01, 0x00, 0x01, 0x01, 0x01, 0x11, 0x00],
  ...[0xff, 0xc4, 0x00, 0x14, 0x00, 0x01, ...new Array<number>(15).fill(0), 0x00],
  ...[0xff, 0xc4, 0x00, 0x14, 0x10, 0x01, ...new Array<number>(15).fill(0), 0x00],
  ...[0xff, 0xda, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3f, 0x00],
  0x3f,
  ...[0xff, 0xd9]
])

/** What the server does with a request: `hit` counts the requests to the path, from 1. */
export type Handler = (request: IncomingMessage, response: ServerResponse, hit: number) => void

/** Answers with a status and a body. */
export const send =
  (status: number, body: Uint8Array | string, headers: Record<string, string> = {}): Handler =>
  (_, response) => {
    response.writeHead(status, headers)
    response.end(body)
  }

/**
 * Streams `total` bytes of a JPEG's start followed by filler, as fast as the client reads them, announcing the
 * length or not (then the body is chunked); `counter.sent` counts what was written.
 */
export const stream =
  (total: number, counter: { sent: number }, options: { readonly announce: boolean }): Handler =>
  (_, response) => {
    response.writeHead(200, {
      "content-type": "image/jpeg",
      ...(options.announce ? { "content-length": String(total) } : {})
    })
    response.on("error", () => undefined)
    const block = Buffer.alloc(64 * 1024, 0x55)
    Buffer.from(jpeg.subarray(0, 20)).copy(block)
    const pump = () => {
      while (counter.sent < total && !response.destroyed) {
        const piece = block.subarray(0, Math.min(block.length, total - counter.sent))
        counter.sent += piece.length
        if (!response.write(piece)) return void response.once("drain", pump)
      }
      response.end()
    }
    pump()
  }

/** Never answers: the request stays open until the server closes. */
export const silent: Handler = () => undefined

export interface Site {
  /** `http://127.0.0.1:<port><path>`. */
  readonly url: (path: string) => string
  /** How many requests reached a path. */
  readonly hits: (path: string) => number
  /** Waits until the server has closed its last response on a path (the client hung up or it was sent). */
  readonly closed: (path: string) => Effect.Effect<void>
}

const listen = (server: Server) =>
  Effect.async<number>((resume) => {
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      resume(typeof address === "object" && address !== null ? Effect.succeed(address.port) : Effect.die("no port"))
    })
  })

const close = (server: Server) =>
  Effect.async<void>((resume) => {
    server.closeAllConnections()
    server.close(() => resume(Effect.void))
  })

/** A server on 127.0.0.1 at a free port, serving the routes by path (the query string is ignored). */
export const serve = (routes: Readonly<Record<string, Handler>>): Effect.Effect<Site, never, Scope.Scope> =>
  Effect.gen(function* () {
    const hits = new Map<string, number>()
    const done = new Map<string, Promise<void>>()
    const server = createServer((request, response) => {
      const path = new URL(request.url ?? "/", "http://127.0.0.1").pathname
      const hit = (hits.get(path) ?? 0) + 1
      hits.set(path, hit)
      done.set(path, new Promise((resolve) => response.once("close", () => resolve())))
      const handler = routes[path]
      if (handler === undefined) send(404, "not here")(request, response, hit)
      else handler(request, response, hit)
    })
    const port = yield* Effect.acquireRelease(listen(server), () => close(server))
    return {
      url: (path) => `http://127.0.0.1:${port}${path}`,
      hits: (path) => hits.get(path) ?? 0,
      closed: (path) => Effect.promise(() => done.get(path) ?? Promise.resolve())
    }
  })

/** A loopback port nothing listens on: a server that is down. */
export const closedPort: Effect.Effect<number> = Effect.gen(function* () {
  const server = createServer()
  const port = yield* listen(server)
  yield* close(server)
  return port
})
