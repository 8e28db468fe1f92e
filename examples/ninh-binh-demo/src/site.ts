/**
 * The police website's reply endpoint, standing in on 127.0.0.1: it takes the replies tinbao posts to the web
 * forms, checks each one's signature with `@tinbao/web`'s own verification, records it and answers with the id
 * it gave it, the same id again for a key it has already taken. It also serves the photos reporters attached to
 * their forms (`GET /media/<name>`), which the evidence worker fetches; a photo it no longer has is a 404.
 */
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { WebFormChannel } from "@tinbao/web"
import { Effect, Either, type Redacted, Schema, type Scope } from "effect"
import * as Photos from "./photos.js"

/** A reply as the site recorded it: `conversation` is the reporter's id on the site for a direct reply, else the group's. */
export interface Reply {
  readonly id: string
  readonly key: string
  readonly conversation: string
  readonly text: string
}

/** The running site: its base URL (replies go to `${url}/replies`), the replies it took, and its photos' links. */
export interface Site {
  readonly url: string
  readonly replies: ReadonlyArray<Reply>
  /** The link to a photo of a form, by its name (see `photos.ts`). */
  readonly photo: (name: string) => string
}

const decodeReply = Schema.decodeUnknownEither(
  Schema.parseJson(Schema.Struct({ key: Schema.String, conversation: Schema.String, text: Schema.String }))
)

/** Starts the site, stopped when the scope closes. Signatures are checked against the clock in effect here. */
export const make = (secret: Redacted.Redacted<string>): Effect.Effect<Site, never, Scope.Scope> =>
  Effect.gen(function* () {
    // The simulation's clock: the adapter signs at simulated time, so the site checks freshness against it.
    const clock = yield* Effect.clock
    const byKey = new Map<string, Reply>()
    const server = createServer((request, response) => {
      const chunks: Array<Buffer> = []
      request.on("data", (chunk: Buffer) => chunks.push(chunk))
      request.on("end", () => {
        const answer = (status: number, body: object) => {
          response.writeHead(status, { "content-type": "application/json" })
          response.end(JSON.stringify(body))
        }
        const body = Buffer.concat(chunks)
        const headers = Object.fromEntries(
          Object.entries(request.headers).map(([name, value]) => [name, String(value)])
        )
        if (request.method === "GET" && request.url?.startsWith("/media/")) {
          // Served as a JPEG whatever it is: the worker reads the type from the bytes.
          const photo = Photos.served[new URL(request.url, "http://127.0.0.1").pathname.slice("/media/".length)]
          if (photo === undefined) return answer(404, { error: "expired" })
          response.writeHead(200, { "content-type": "image/jpeg", "content-length": String(photo.length) })
          return void response.end(photo)
        }
        if (request.method !== "POST" || request.url !== "/replies") return answer(404, { error: "not_found" })
        const refusal = WebFormChannel.verify(secret, headers, body, clock.unsafeCurrentTimeMillis())
        if (refusal !== undefined) return answer(401, { error: `signature_${refusal}` })
        const reply = decodeReply(body.toString("utf8"))
        if (Either.isLeft(reply)) return answer(422, { error: "invalid_reply" })
        const taken = byKey.get(reply.right.key)
        if (taken !== undefined) return answer(200, { id: taken.id })
        const recorded = { id: `site-${byKey.size + 1}`, ...reply.right }
        byKey.set(recorded.key, recorded)
        answer(201, { id: recorded.id })
      })
    })
    const port = yield* Effect.acquireRelease(
      Effect.async<number>((resume) => {
        server.once("error", (cause) => resume(Effect.dieMessage(`the site could not listen: ${cause.message}`)))
        server.listen(0, "127.0.0.1", () => resume(Effect.succeed((server.address() as AddressInfo).port)))
      }),
      () =>
        Effect.async<void>((resume) => {
          server.closeAllConnections()
          server.close(() => resume(Effect.void))
        })
    )
    const url = `http://127.0.0.1:${port}`
    return {
      url,
      get replies() {
        return [...byKey.values()]
      },
      // A signed link, as a platform's CDN gives: the signature is in the query string.
      photo: (name) => `${url}/media/${name}?sig=demo`
    }
  })
