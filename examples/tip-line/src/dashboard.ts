/**
 * The staff dashboard (examples/dashboard), served from its build: index.html for the page's own paths (`/`,
 * `/login`, `/tips`, `/tips/:id`, `/statistics`, `/units`, `/channels`: the page reads the route from the address),
 * and its content-hashed assets under `/assets/`, cached for a year since a new build gives them new names. Files are
 * read per request, so a build made while the server runs is served at once; before any build, the page's paths
 * answer 503 with how to build it. Everything the page shows it asks of the staff API under `/api`.
 */
import { readFile } from "node:fs/promises"
import { extname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { HttpRouter, HttpServerResponse } from "@effect/platform"
import { Effect } from "effect"

/** Where `npm run build` puts the dashboard. */
export const defaultDist = fileURLToPath(new URL("../../dashboard/dist", import.meta.url))

/** The page's own paths: each answers index.html. */
export const pages = ["/", "/login", "/tips", "/tips/:id", "/statistics", "/units", "/channels"] as const

const contentTypes: Readonly<Record<string, string>> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".woff2": "font/woff2"
}

// The page loads nothing from elsewhere and runs no inline script: a script injected into a tip's text cannot run.
const security = {
  "content-security-policy":
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer"
}

const notBuilt = `<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><title>tinbao</title></head><body>
<h1>Trang quản lý chưa được build / The dashboard is not built</h1>
<p>Chạy <code>npm run build</code> rồi tải lại trang. / Run <code>npm run build</code>, then reload this page.</p>
</body></html>
`

// A file of the build, or undefined when there is none (not built, or no such asset).
const read = (path: string) => Effect.promise(() => readFile(path).catch(() => undefined))

// An asset's name as the build writes it: no folder, no "..".
const assetName = /^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9]+)+$/

/** The dashboard's routes over the build in `dist`. */
export const router = (dist: string = defaultDist) => {
  const index = Effect.map(read(join(dist, "index.html")), (body) =>
    body === undefined
      ? HttpServerResponse.text(notBuilt, {
          status: 503,
          contentType: "text/html; charset=utf-8",
          headers: { "cache-control": "no-store" }
        })
      : HttpServerResponse.uint8Array(body, {
          contentType: "text/html; charset=utf-8",
          headers: { "cache-control": "no-cache", ...security }
        })
  )
  const asset = Effect.gen(function* () {
    const { file = "" } = yield* HttpRouter.params
    const type = contentTypes[extname(file)]
    const body = assetName.test(file) && type !== undefined ? yield* read(join(dist, "assets", file)) : undefined
    return body === undefined
      ? HttpServerResponse.empty({ status: 404 })
      : HttpServerResponse.uint8Array(body, {
          contentType: type,
          headers: { "cache-control": "public, max-age=31536000, immutable", ...security }
        })
  })
  return pages
    .reduce((routes, path) => HttpRouter.get(routes, path, index), HttpRouter.empty)
    .pipe(HttpRouter.get("/assets/:file", asset))
}
