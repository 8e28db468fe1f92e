import { mkdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { HttpApp } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Dashboard from "../src/dashboard.js"
import * as Server from "../src/server.js"
import { call, dataDir, startFresh } from "./helpers.js"

// The dashboard's routes alone, over a build of the test's own, as fetch-style handlers.
const handler = (dist: string) => {
  const handle = HttpApp.toWebHandler(Dashboard.router(dist))
  return async (path: string) => {
    const response = await handle(new Request(`http://localhost${path}`))
    return { status: response.status, headers: response.headers, text: await response.text() }
  }
}

const fakeBuild = () => {
  const dist = dataDir()
  mkdirSync(join(dist, "assets"))
  writeFileSync(join(dist, "index.html"), "<!doctype html><title>tinbao</title>")
  writeFileSync(join(dist, "assets", "app-ABC123.js"), "console.log(1)")
  writeFileSync(join(dist, "assets", "app-ABC123.css"), "body{}")
  return dist
}

describe("the dashboard's routes", () => {
  it.live("answer index.html for the page's paths, uncached, with a strict content security policy", () =>
    Effect.promise(async () => {
      const get = handler(fakeBuild())
      for (const path of [
        "/",
        "/login",
        "/tips",
        "/tips/tip-123",
        "/statistics",
        "/units",
        "/channels",
        "/tips?status=received"
      ]) {
        const answer = await get(path)
        expect(answer.status, path).toBe(200)
        expect(answer.headers.get("content-type")).toBe("text/html; charset=utf-8")
        expect(answer.headers.get("cache-control")).toBe("no-cache")
        expect(answer.headers.get("content-security-policy")).toContain("default-src 'self'")
        expect(answer.text).toContain("<title>tinbao</title>")
      }
    })
  )

  it.live("serve the hashed assets with their types, cached for a year; nothing else", () =>
    Effect.promise(async () => {
      const get = handler(fakeBuild())
      const script = await get("/assets/app-ABC123.js")
      expect(script.status).toBe(200)
      expect(script.headers.get("content-type")).toBe("text/javascript; charset=utf-8")
      expect(script.headers.get("cache-control")).toBe("public, max-age=31536000, immutable")
      expect(script.text).toBe("console.log(1)")
      expect((await get("/assets/app-ABC123.css")).headers.get("content-type")).toBe("text/css; charset=utf-8")
      for (const path of ["/assets/app-NOPE.js", "/assets/..%2Findex.html", "/assets/index", "/tips/a/b", "/secrets"]) {
        expect((await get(path)).status, path).toBe(404)
      }
    })
  )

  it.live("answer 503 saying how to build it when there is no build", () =>
    Effect.promise(async () => {
      const get = handler(join(dataDir(), "no-dist"))
      const answer = await get("/tips")
      expect(answer.status).toBe(503)
      expect(answer.headers.get("content-type")).toBe("text/html; charset=utf-8")
      expect(answer.text).toContain("npm run build")
      expect((await get("/assets/app-ABC123.js")).status).toBe(404)
    })
  )
})

describe("the tip-line server with the dashboard", () => {
  it.scopedLive(
    "serves the dashboard at / and still answers the API, the webhooks and the probes as before",
    () =>
      Effect.gen(function* () {
        const { running } = yield* startFresh()
        expect(Server.lines(running).join("\n")).toContain(`Dashboard: ${running.url}/`)
        const page = yield* call(running, "GET", "/tips/some-tip")
        expect([200, 503]).toContain(page.status)
        expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8")
        expect((yield* call(running, "GET", "/api/me")).status).toBe(401)
        expect((yield* call(running, "GET", "/api/openapi.json")).status).toBe(200)
        expect((yield* call(running, "GET", "/health")).json).toEqual({ status: "ok" })
        expect((yield* call(running, "GET", "/ready")).json).toEqual({ status: "ready" })
        expect((yield* call(running, "GET", "/webhooks/no-such-channel")).status).toBe(404)
        expect((yield* call(running, "GET", "/no-such-page")).status).toBe(404)
      }),
    30_000
  )
})
