import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http"
import { Effect, type ParseResult, Schema, type Scope } from "effect"

/**
 * A request as the fake received it: `path` includes the query string, header names are lower case, `body` is
 * the body read as UTF-8.
 *
 * @since 0.1.0
 * @category models
 */
export const Recorded = Schema.Struct({
  method: Schema.String,
  path: Schema.String,
  headers: Schema.Record({ key: Schema.String, value: Schema.String }),
  body: Schema.String
}).annotations({ identifier: "FakePlatform.Recorded" })

/**
 * @since 0.1.0
 * @category models
 */
export type Recorded = typeof Recorded.Type

/**
 * A scripted answer: a status with an optional JSON body (a string body is sent as it is), headers and a delay;
 * or `{ drop: true }`, which closes the connection without answering, as a network failure does.
 *
 * @since 0.1.0
 * @category models
 */
export const Response = Schema.Union(
  Schema.Struct({
    status: Schema.Int.pipe(Schema.between(200, 599)),
    body: Schema.optional(Schema.Unknown),
    headers: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.String })),
    delayMillis: Schema.optional(Schema.NonNegativeInt)
  }),
  Schema.Struct({ drop: Schema.Literal(true) })
).annotations({ identifier: "FakePlatform.Response" })

/**
 * @since 0.1.0
 * @category models
 */
export type Response = typeof Response.Type

/**
 * The answer to a request with nothing left in the script: a 599 no adapter can mistake for success.
 *
 * @since 0.1.0
 * @category constants
 */
export const unscripted: Response = { status: 599, body: { error: "fake_platform_unscripted" } }

/**
 * A running fake platform.
 *
 * @since 0.1.0
 * @category models
 */
export interface FakePlatform {
  /** `http://127.0.0.1:<port>`, without a trailing slash. */
  readonly url: string
  /** Every request received so far, in order. */
  readonly requests: Effect.Effect<ReadonlyArray<Recorded>>
  /** Appends answers to the script, each request taking the next one; fails on a malformed answer. */
  readonly respondWith: (...responses: ReadonlyArray<Response>) => Effect.Effect<void, ParseResult.ParseError>
}

const maxBodyBytes = 8 * 1024 * 1024

const validateScript = Schema.validate(Schema.Array(Response))

const record = (request: IncomingMessage, body: Buffer): Recorded => {
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value
  }
  return { method: request.method ?? "", path: request.url ?? "", headers, body: body.toString("utf-8") }
}

const answer = (response: ServerResponse, scripted: Response): void => {
  if ("drop" in scripted) {
    response.socket?.destroy()
    return
  }
  const reply = () => {
    const json = typeof scripted.body !== "string"
    const body = scripted.body === undefined ? "" : json ? JSON.stringify(scripted.body) : String(scripted.body)
    response.writeHead(scripted.status, {
      ...(json && body !== "" ? { "content-type": "application/json" } : {}),
      ...scripted.headers
    })
    response.end(body)
  }
  if (scripted.delayMillis === undefined) reply()
  else setTimeout(reply, scripted.delayMillis).unref()
}

/**
 * Serves a Node HTTP server on 127.0.0.1 at a random port for the scope: its base URL (`http://127.0.0.1:<port>`);
 * when the scope closes, its connections are closed and it stops.
 *
 * @since 0.2.0
 * @category constructors
 */
export const listen = (server: Server): Effect.Effect<string, never, Scope.Scope> =>
  Effect.map(
    Effect.acquireRelease(
      Effect.async<number>((resume) => {
        server.once("error", (cause) => resume(Effect.dieMessage(`the fake could not listen: ${cause.message}`)))
        server.listen(0, "127.0.0.1", () => {
          const address = server.address()
          resume(
            typeof address === "object" && address !== null
              ? Effect.succeed(address.port)
              : Effect.dieMessage("the fake is listening on no TCP port")
          )
        })
      }),
      () =>
        Effect.async<void>((resume) => {
          server.closeAllConnections()
          server.close(() => resume(Effect.void))
        })
    ),
    (port) => `http://127.0.0.1:${port}`
  )

/**
 * Starts a fake platform, stopped (connections closed) when the scope closes.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: Effect.Effect<FakePlatform, never, Scope.Scope> = Effect.gen(function* () {
  const recorded: Array<Recorded> = []
  const script: Array<Response> = []
  const server = createServer((request, response) => {
    const chunks: Array<Buffer> = []
    let size = 0
    request.on("data", (chunk: Buffer) => {
      size += chunk.length
      if (size <= maxBodyBytes) chunks.push(chunk)
    })
    request.on("end", () => {
      recorded.push(record(request, Buffer.concat(chunks)))
      answer(response, script.shift() ?? unscripted)
    })
  })
  const url = yield* listen(server)
  return {
    url,
    requests: Effect.sync(() => [...recorded]),
    respondWith: (...responses) =>
      Effect.map(validateScript(responses), (valid) => {
        script.push(...valid)
      })
  }
})
