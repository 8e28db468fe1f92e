import { type HttpApp, HttpRouter, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { Effect, Either, Stream } from "effect"
import type { Answer } from "../../Channel.js"
import { type Env, precheck, receive, refuse, tooLarge } from "./accept.js"

const empty = new Uint8Array(0)

type Body =
  | { readonly _tag: "Read"; readonly bytes: Uint8Array }
  | { readonly _tag: "TooLarge" }
  | { readonly _tag: "Unreadable" }

const concat = (parts: ReadonlyArray<Uint8Array>, size: number) => {
  const bytes = new Uint8Array(size)
  let offset = 0
  for (const part of parts) {
    bytes.set(part, offset)
    offset += part.length
  }
  return bytes
}

// Reads at most limit + 1 bytes: a body that goes past the limit is cut off there, not read to its end.
const readBody = (request: HttpServerRequest.HttpServerRequest, limit: number): Effect.Effect<Body> =>
  Stream.runFoldWhile(
    request.stream,
    { parts: [] as Array<Uint8Array>, size: 0 },
    (state) => state.size <= limit,
    (state, chunk) => {
      state.parts.push(chunk)
      state.size += chunk.length
      return state
    }
  ).pipe(
    Effect.map(
      (state): Body =>
        state.size > limit ? { _tag: "TooLarge" } : { _tag: "Read", bytes: concat(state.parts, state.size) }
    ),
    // A request without a body at all has no stream; one that breaks off mid-way is unreadable.
    Effect.catchAll(() =>
      Effect.succeed<Body>(
        Number(request.headers["content-length"] ?? "0") === 0 ? { _tag: "Read", bytes: empty } : { _tag: "Unreadable" }
      )
    )
  )

const toResponse = (answer: Answer): HttpServerResponse.HttpServerResponse => {
  const { "content-type": contentType, ...headers } = answer.headers ?? {}
  return answer.body === undefined
    ? HttpServerResponse.empty({ status: answer.status, headers })
    : HttpServerResponse.text(answer.body, {
        status: answer.status,
        headers,
        ...(contentType !== undefined ? { contentType } : {})
      })
}

/** @internal */
export const router = (env: Env, path: `/${string}`): HttpRouter.HttpRouter => {
  const handle = Effect.gen(function* () {
    const request = yield* HttpServerRequest.HttpServerRequest
    const channel = (yield* HttpRouter.params).channel ?? ""
    const headers: Record<string, string> = { ...request.headers }
    const checked = precheck(env, channel, request.method, headers)
    if (Either.isLeft(checked)) return toResponse(yield* checked.left)
    const adapter = checked.right
    const body: Body =
      request.method === "GET" ? { _tag: "Read", bytes: empty } : yield* readBody(request, env.maxBodyBytes)
    if (body._tag === "TooLarge") return toResponse(yield* tooLarge(env, adapter.id))
    if (body._tag === "Unreadable") {
      return toResponse(yield* refuse("unreadable", 400, adapter.id, "The body could not be read to its end."))
    }
    return toResponse(
      yield* receive(env, adapter, { method: request.method, url: request.originalUrl, headers, body: body.bytes })
    )
  })
  return HttpRouter.empty.pipe(HttpRouter.post(path, handle), HttpRouter.get(path, handle))
}

/** @internal */
export const app = (routes: HttpRouter.HttpRouter): HttpApp.Default =>
  Effect.catchTag(routes, "RouteNotFound", () => Effect.succeed(HttpServerResponse.empty({ status: 404 })))
