import { readFileSync } from "node:fs"
import type { Server } from "node:http"
import type { AddressInfo } from "node:net"
import { describe, expect, it } from "@effect/vitest"
import { createTipLine, type TipLine } from "@tinbao/node"
import { WebFormChannel } from "@tinbao/web"
import { Redacted } from "effect"
import { afterAll, beforeAll, vi } from "vitest"
import { createApp } from "../src/app.js"

const secret = "bi-mat-cua-trang-web-ninh-tien"
const reporter = { id: "wf-user-77aa", name: "Lê Văn B" }
const officer = { "x-actor-id": "can-bo-01", "x-actor-unit": "ca-xa-ninh-tien", "x-actor-roles": "officer,leader" }
const viewer = { "x-actor-id": "xem-01", "x-actor-unit": "ca-xa-ninh-tien", "x-actor-roles": "viewer" }

// The police website: takes the acknowledgements and replies the tip line posts to it.
const posted: Array<{ readonly text: string }> = []
const siteFetch = (async (_url: string | URL | Request, init?: RequestInit) => {
  posted.push(JSON.parse(String(init?.body)))
  return new Response(JSON.stringify({ id: `site-${posted.length}` }), { status: 200 })
}) as typeof globalThis.fetch

let tipLine: TipLine
let server: Server
let base = ""
beforeAll(async () => {
  tipLine = await createTipLine({
    storage: { kind: "memory" },
    units: readFileSync(new URL("../units.json", import.meta.url), "utf8"),
    channels: { web: [{ unit: "ca-xa-ninh-tien", secret, replyUrl: "http://127.0.0.1:9/replies", fetch: siteFetch }] }
  })
  const app = createApp(tipLine)
  server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, "127.0.0.1", () => resolve(listening))
  })
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()))
  await tipLine.close()
})

interface TipJson {
  readonly id: string
  readonly code: string
  readonly status: string
  readonly version: number
}

// The JSON of a response, as the route gives it (a tip, a page, an error).
const api = async <T = { readonly error: string; readonly reason?: string }>(
  path: string,
  headers: Record<string, string>,
  body?: unknown
) => {
  const response = await fetch(`${base}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { ...headers, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) })
  })
  return { status: response.status, body: (await response.json()) as T }
}

describe("the Express app", () => {
  it("takes a signed web form delivery, lists the tip and maps refusals to statuses", async () => {
    const raw = WebFormChannel.delivery(Redacted.make(secret), {
      events: [{ type: "message", id: "wf-msg-1", sender: reporter, text: "Có cháy nhỏ ở chợ", time: Date.now() }]
    })
    const delivered = await fetch(`${base}/webhooks/web/ca-xa-ninh-tien`, {
      method: "POST",
      headers: raw.headers,
      body: raw.body
    })
    expect(delivered.status).toBe(200)
    const unsigned = await fetch(`${base}/webhooks/web/ca-xa-ninh-tien`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}"
    })
    expect(unsigned.status).toBe(401)

    // Taken in by the worker, then acknowledged once the site has the acknowledgement.
    const tip = await vi.waitFor(
      async () => {
        const page = await api<{ readonly tips: ReadonlyArray<TipJson> }>("/api/tips", officer)
        expect(page.status).toBe(200)
        expect(page.body.tips).toHaveLength(1)
        expect(page.body.tips[0].status).toBe("acknowledged")
        return page.body.tips[0]!
      },
      { timeout: 10_000, interval: 50 }
    )
    expect(posted.some((p) => p.text.includes(tip.code))).toBe(true)
    expect(JSON.stringify(tip)).not.toContain(reporter.id)

    const noted = await api<TipJson>(`/api/tips/${tip.id}/commands`, officer, {
      expectedVersion: tip.version,
      command: { _tag: "AddNote", text: "Đã gọi lại cho người báo tin." }
    })
    expect(noted.status).toBe(200)
    expect(noted.body.version).toBe(tip.version + 1)

    const stale = await api(`/api/tips/${tip.id}/commands`, officer, {
      expectedVersion: tip.version,
      command: { _tag: "AddNote", text: "Lần nữa." }
    })
    expect(stale).toMatchObject({ status: 409, body: { error: "VersionConflict" } })
    const broken = await api(`/api/tips/${tip.id}/commands`, officer, {
      expectedVersion: noted.body.version,
      command: { _tag: "Restore", reason: "Có tài liệu mới" }
    })
    expect(broken).toMatchObject({ status: 422, body: { error: "RuleViolation" } })
    const malformed = await api(`/api/tips/${tip.id}/commands`, officer, {
      expectedVersion: noted.body.version,
      command: { _tag: "NoSuchCommand" }
    })
    expect(malformed).toMatchObject({ status: 422, body: { error: "ValidationError" } })
    const denied = await api(`/api/tips/${tip.id}/commands`, viewer, {
      expectedVersion: noted.body.version,
      command: { _tag: "AddNote", text: "Xem thôi." }
    })
    expect(denied).toMatchObject({ status: 403, body: { error: "AccessDenied", reason: "role" } })
    expect((await api("/api/tips/no-such-tip", officer)).status).toBe(404)
    expect((await api("/api/tips", {})).status).toBe(401)

    const deadlines = await api<ReadonlyArray<{ readonly kind: string; readonly status: string }>>(
      `/api/tips/${tip.id}/deadlines`,
      officer
    )
    expect(deadlines.status).toBe(200)
    expect(deadlines.body.find((d) => d.kind === "acknowledgement")?.status).toBe("met")
  })
})
