/**
 * An Express app over a tip line, with nothing but `@tinbao/node`'s public API: the platforms' webhooks
 * (`/webhooks/...`, handed to the tip line's fetch-style handler), a few JSON routes for staff, and the error
 * middleware that turns the tip line's error classes into HTTP statuses.
 *
 * The staff routes take the actor from three headers (`x-actor-id`, `x-actor-unit`, `x-actor-roles`) so that the
 * example stays small. That is no authentication: a real app gets the actor from its own login (a session, a token)
 * and never from what a client says about itself.
 */
import { Readable } from "node:stream"
import {
  AccessDenied,
  type ActorInput,
  type ListQuery,
  RuleViolation,
  StatisticsError,
  StorageError,
  TinbaoError,
  type TipLine,
  TipLineClosed,
  TipNotFound,
  UnitRuleError,
  ValidationError,
  VersionConflict
} from "@tinbao/node"
import express, {
  type ErrorRequestHandler,
  type Request as ExpressRequest,
  type Response as ExpressResponse
} from "express"

/** The request as a fetch `Request`: the same method, URL, headers, and the body as it streams in, unread. */
export const toFetchRequest = (req: ExpressRequest): globalThis.Request => {
  const headers = new Headers()
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) for (const v of value) headers.append(name, v)
    else if (value !== undefined) headers.set(name, value)
  }
  const url = new URL(req.originalUrl, `http://${req.headers.host ?? "127.0.0.1"}`)
  const hasBody = req.method !== "GET" && req.method !== "HEAD"
  return new Request(url, {
    method: req.method,
    headers,
    ...(hasBody ? { body: Readable.toWeb(req) as ReadableStream, duplex: "half" } : {})
  } as RequestInit)
}

/** Sends a fetch `Response` back through Express. */
export const sendFetchResponse = async (response: globalThis.Response, res: ExpressResponse): Promise<void> => {
  res.status(response.status)
  response.headers.forEach((value, name) => {
    res.setHeader(name, value)
  })
  res.end(Buffer.from(await response.arrayBuffer()))
}

/** Not signed in: the example's stand-in for the app's own authentication. */
class Unauthenticated extends Error {}

// The example's actor: from headers, for the example only (see above).
const actorOf = (req: ExpressRequest): ActorInput => {
  const id = req.header("x-actor-id")
  const unit = req.header("x-actor-unit")
  if (id === undefined || unit === undefined) throw new Unauthenticated("Sign in first.")
  const roles = (req.header("x-actor-roles") ?? "").split(",").map((role) => role.trim())
  return { id, unit, roles: roles.filter((role) => role.length > 0) as ActorInput["roles"] }
}

const statusOf = (error: TinbaoError): number => {
  if (error instanceof TipNotFound) return 404
  if (error instanceof AccessDenied) return 403
  if (error instanceof VersionConflict) return 409
  if (error instanceof RuleViolation || error instanceof UnitRuleError || error instanceof ValidationError) return 422
  if (error instanceof StatisticsError) return error.reason === "invalid" || error.reason === "future" ? 422 : 503
  if (error instanceof StorageError || error instanceof TipLineClosed) return 503
  return 500
}

/** The tip line's refusals as JSON with their status; anything else is a 500 that says nothing of its cause. */
export const errors: ErrorRequestHandler = (error, _req, res, _next) => {
  if (error instanceof Unauthenticated) {
    res.status(401).json({ error: "Unauthenticated", message: error.message })
  } else if (error instanceof TinbaoError) {
    res.status(statusOf(error)).json({
      error: error.name,
      reason: error.reason,
      message: error.message,
      ...(error instanceof ValidationError
        ? { issues: error.issues.map((i) => ({ ...i, path: i.path.map(String) })) }
        : {})
    })
  } else if (error instanceof SyntaxError && "status" in error && error.status === 400) {
    res.status(400).json({ error: "BadRequest", message: "The body is not JSON." })
  } else {
    console.error(error)
    res.status(500).json({ error: "Internal", message: "Something went wrong on our side." })
  }
}

const text = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined)

/** The app over a tip line. */
export const createApp = (tipLine: TipLine) => {
  const app = express()
  // Before any body parser: the webhook verifies the signature over the exact bytes the platform sent.
  app.use("/webhooks", async (req, res) => sendFetchResponse(await tipLine.handler(toFetchRequest(req)), res))

  app.use(express.json())
  app.get("/api/tips", async (req, res) => {
    const limit = text(req.query.limit)
    const status = text(req.query.status)
    const channel = text(req.query.channel)
    const cursor = text(req.query.cursor)
    res.json(
      await tipLine.list(actorOf(req), {
        ...(limit === undefined ? {} : { limit: Number(limit) }),
        ...(status === undefined ? {} : { status: status.split(",") as ListQuery["status"] & {} }),
        ...(channel === undefined ? {} : { channel }),
        ...(cursor === undefined ? {} : { cursor })
      })
    )
  })
  app.post("/api/tips", async (req, res) => {
    res.status(201).json(await tipLine.receive(actorOf(req), req.body))
  })
  app.get("/api/tips/:id", async (req, res) => {
    res.json(await tipLine.get(actorOf(req), req.params.id))
  })
  app.get("/api/tips/:id/deadlines", async (req, res) => {
    res.json(await tipLine.deadlines(actorOf(req), req.params.id))
  })
  app.post("/api/tips/:id/commands", async (req, res) => {
    const { expectedVersion, command } = req.body ?? {}
    res.json(await tipLine.execute(actorOf(req), { tip: req.params.id, expectedVersion, command }))
  })
  app.post("/api/tips/:id/replies", async (req, res) => {
    const { expectedVersion, text } = req.body ?? {}
    res.json(await tipLine.reply(actorOf(req), req.params.id, expectedVersion, text))
  })
  app.use(errors)
  return app
}
