// Retrieval against a local HTTP server on 127.0.0.1: real small files kept with their hash and the type their
// bytes show (whatever the URL or the server claims), 50 MB refused whether announced or not, and every failure
// classified: not found, refused, worth a retry (503, 429, a server that never answers, a port nobody listens on).
import { createHash } from "node:crypto"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Evidence from "../src/Evidence.js"
import { closedPort, jpeg, png, send, serve, silent, stream } from "./evidenceFiles.js"

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex")

const MB = 1_000_000
const MiB = 1024 * 1024
const signature = "oh=00_AYBSIGNATURE&oe=67A1B2C3"

const html = "<!DOCTYPE html><html><head><title>Đăng nhập</title></head><body>Please log in</body></html>"

describe("Evidence.retrieve", () => {
  it.scopedLive("keeps a real PNG and JPEG with their SHA-256 hash, size and type", () =>
    Effect.gen(function* () {
      const site = yield* serve({
        "/photo.png": send(200, png, { "content-type": "image/png" }),
        "/photo.jpg": send(200, jpeg, { "content-type": "image/jpeg" })
      })
      const a = yield* Evidence.retrieve(site.url(`/photo.png?${signature}`))
      expect(a).toMatchObject({ hash: sha256(png), size: png.length, mediaType: "image/png" })
      expect(Buffer.from(a.bytes).equals(Buffer.from(png))).toBe(true)
      const b = yield* Evidence.retrieve(site.url("/photo.jpg"))
      expect(b).toMatchObject({ hash: sha256(jpeg), size: jpeg.length, mediaType: "image/jpeg" })
    })
  )

  it.scopedLive("reads the type from the bytes, not from the content-type or the URL", () =>
    Effect.gen(function* () {
      const site = yield* serve({
        "/download": send(200, png, { "content-type": "text/plain" }),
        "/photo.jpg": send(200, html, { "content-type": "image/jpeg" }),
        "/clip.mp4": send(200, new TextEncoder().encode("%PDF-1.7\n%âãÏÓ\n1 0 obj"), { "content-type": "video/mp4" })
      })
      expect((yield* Evidence.retrieve(site.url("/download"))).mediaType).toBe("image/png")
      expect((yield* Evidence.retrieve(site.url("/clip.mp4"))).mediaType).toBe("application/pdf")
      const error = yield* Effect.flip(Evidence.retrieve(site.url(`/photo.jpg?${signature}`)))
      expect([error.reason, error.retryable]).toEqual(["unsupported_type", false])
      expect(error.message).toContain("web page (HTML)")
      expect(error.message).toContain("/photo.jpg")
      expect(error.message).not.toContain("SIGNATURE")
    })
  )

  it.scopedLive("refuses a type outside the allow-list", () =>
    Effect.gen(function* () {
      const site = yield* serve({ "/doc": send(200, "%PDF-1.4\n...") })
      const error = yield* Effect.flip(Evidence.retrieve(site.url("/doc"), { mediaTypes: ["image/jpeg", "image/png"] }))
      expect(error.reason).toBe("unsupported_type")
      expect(error.message).toContain("application/pdf")
      const empty = yield* serve({ "/empty": send(200, new Uint8Array(0)) })
      expect((yield* Effect.flip(Evidence.retrieve(empty.url("/empty")))).message).toContain("empty")
    })
  )

  it.scopedLive("refuses 50 MB announced by content-length before reading it", () =>
    Effect.gen(function* () {
      const counter = { sent: 0 }
      const site = yield* serve({ "/big.jpg": stream(50 * MB, counter, { announce: true }) })
      const error = yield* Effect.flip(Evidence.retrieve(site.url(`/big.jpg?${signature}`)))
      expect([error.reason, error.retryable]).toEqual(["too_large", false])
      expect(error.message).toContain("25 MiB")
      expect(error.message).toContain("the server announced 50,000,000 bytes")
      expect(error.message).not.toContain("SIGNATURE")
      yield* site.closed("/big.jpg")
      // The body was never read: what the server got out is what fits in the connection's buffers.
      expect(counter.sent).toBeLessThan(25 * MiB)
    })
  )

  it.scopedLive("cuts off a chunked 50 MB body with no length at the limit", () =>
    Effect.gen(function* () {
      const counter = { sent: 0 }
      const site = yield* serve({ "/big.jpg": stream(50 * MB, counter, { announce: false }) })
      const error = yield* Effect.flip(Evidence.retrieve(site.url("/big.jpg")))
      expect(error.reason).toBe("too_large")
      expect(error.message).toContain("the download was stopped at the limit")
      yield* site.closed("/big.jpg")
      expect(counter.sent).toBeGreaterThan(25 * MiB)
      expect(counter.sent).toBeLessThan(40 * MB)
      // A smaller limit stops it sooner.
      const small = { sent: 0 }
      const other = yield* serve({ "/big.jpg": stream(50 * MB, small, { announce: false }) })
      const cut = yield* Effect.flip(Evidence.retrieve(other.url("/big.jpg"), { maxBytes: MiB }))
      expect(cut.message).toContain("1 MiB")
      yield* other.closed("/big.jpg")
      expect(small.sent).toBeLessThan(20 * MB)
    })
  )

  it.scopedLive("classifies the server's answers", () =>
    Effect.gen(function* () {
      const site = yield* serve({
        "/gone": send(410, "gone"),
        "/expired": send(403, "URL signature expired"),
        "/busy": send(503, "busy"),
        "/slow-down": send(429, "slow down")
      })
      const outcome = (path: string) =>
        Effect.map(Effect.flip(Evidence.retrieve(site.url(`${path}?${signature}`))), (e) => [
          e.reason,
          e.retryable,
          e.status,
          e.message.includes("SIGNATURE")
        ])
      expect(yield* outcome("/missing")).toEqual(["not_found", false, 404, false])
      expect(yield* outcome("/gone")).toEqual(["not_found", false, 410, false])
      expect(yield* outcome("/expired")).toEqual(["refused", false, 403, false])
      expect(yield* outcome("/busy")).toEqual(["server_error", true, 503, false])
      expect(yield* outcome("/slow-down")).toEqual(["rate_limited", true, 429, false])
      const missing = yield* Effect.flip(Evidence.retrieve(site.url("/missing")))
      expect(missing.message).toMatch(/^The link to 127\.0\.0\.1:\d+\/missing no longer works \(HTTP 404\)/)
    })
  )

  it.scopedLive("gives up on a server that never answers, as worth a retry", () =>
    Effect.gen(function* () {
      const site = yield* serve({ "/silent.jpg": silent })
      const error = yield* Effect.flip(Evidence.retrieve(site.url("/silent.jpg"), { timeoutMillis: 200 }))
      expect([error.reason, error.retryable]).toEqual(["timeout", true])
      expect(error.message).toContain("did not arrive within 0.2 s")
    })
  )

  it.scopedLive("reports a port nobody listens on as a network failure worth a retry", () =>
    Effect.gen(function* () {
      const port = yield* closedPort
      const error = yield* Effect.flip(Evidence.retrieve(`http://127.0.0.1:${port}/photo.png?${signature}`))
      expect([error.reason, error.retryable]).toEqual(["network", true])
      expect(error.message).toContain("ECONNREFUSED")
      expect(error.message).not.toContain("SIGNATURE")
    })
  )

  it.scopedLive("follows redirects, checking each URL as the first, and refuses what is not http", () =>
    Effect.gen(function* () {
      const site = yield* serve({
        "/photo.png": send(200, png),
        "/moved": (_, response) => {
          response.writeHead(302, { location: "/photo.png" })
          response.end()
        },
        "/away": (_, response) => {
          response.writeHead(301, { location: "file:///etc/passwd" })
          response.end()
        },
        "/loop": (_, response) => {
          response.writeHead(307, { location: "/loop" })
          response.end()
        }
      })
      expect((yield* Evidence.retrieve(site.url("/moved"))).mediaType).toBe("image/png")
      const seen: Array<string> = []
      const onlyMoved = (url: URL) => {
        seen.push(url.pathname)
        return url.pathname === "/moved"
      }
      const refused = yield* Effect.flip(Evidence.retrieve(site.url("/moved"), { allowUrl: onlyMoved }))
      expect([refused.reason, seen]).toEqual(["not_allowed", ["/moved", "/photo.png"]])
      expect((yield* Effect.flip(Evidence.retrieve(site.url("/away")))).reason).toBe("refused")
      const loop = yield* Effect.flip(Evidence.retrieve(site.url("/loop"), { maxRedirects: 3 }))
      expect([loop.reason, site.hits("/loop")]).toEqual(["refused", 4])
    })
  )

  it.effect("refuses what is not an http or https URL, and invalid options, without fetching", () =>
    Effect.gen(function* () {
      for (const url of ["file:///etc/passwd", "ftp://127.0.0.1/a.jpg", "not a url", ""]) {
        const error = yield* Effect.flip(Evidence.retrieve(url))
        expect([error.reason, error.retryable]).toEqual(["invalid_url", false])
      }
      for (const options of [{ maxBytes: 0 }, { timeoutMillis: -1 }, { maxBytes: 1.5 }, { maxRedirects: -1 }]) {
        const error = yield* Effect.flip(Evidence.retrieve("http://127.0.0.1:9/a.jpg", options))
        expect(error.reason).toBe("misconfigured")
      }
    })
  )
})
