// Connecting the accounts replies go through, over HTTP: a Zalo OA by OAuth with PKCE against the sandbox's
// permission page and token endpoint (the code comes back to /connect/zalo/callback), a Facebook page by its token.
import { describe, expect, it } from "@effect/vitest"
import { Credentials } from "@tinbao/core"
import { Effect, Redacted } from "effect"
import type * as Server from "../src/server.js"
import { addUser, call, login, startFresh } from "./helpers.js"

const hoaLu = "ca-p-hoa-lu"

const fetchManual = (url: string) =>
  Effect.promise(async () => {
    const response = await fetch(url, { redirect: "manual" })
    return { status: response.status, location: response.headers.get("location"), text: await response.text() }
  })

const tokenOf = (running: Server.Running, account: string) =>
  Effect.flatMap(Credentials.Credentials, (c) => c.get(account)).pipe(Effect.provide(running.services))

describe("connecting a Zalo OA and a Facebook page", () => {
  it.scopedLive(
    "an administrator connects the ward's OA by OAuth: the code is exchanged once, and only for OAs in scope",
    () =>
      Effect.gen(function* () {
        const { running } = yield* startFresh()
        const zalo = running.platforms.find((p) => p.id === "zalo" && p.credentials)!
        const own = zalo.bound.find((b) => b.unit === hoaLu)!
        const other = zalo.bound.find((b) => b.unit !== hoaLu)!
        yield* addUser(running, "admin-hoa-lu", hoaLu, ["administrator"])
        yield* addUser(running, "officer-hoa-lu", hoaLu, ["officer"])
        const admin = yield* login(running, "admin-hoa-lu")
        const officer = yield* login(running, "officer-hoa-lu")

        const refused = yield* call(running, "POST", "/api/channels/zalo/authorize", officer)
        expect([refused.status, refused.json.reason]).toEqual([403, "role"])

        const before = (yield* tokenOf(running, own.channel))!.generation
        const begun = yield* call(running, "POST", "/api/channels/zalo/authorize", admin)
        expect(begun.status).toBe(200)
        expect(begun.json.redirectUri).toBe(`${running.url}/connect/zalo/callback`)
        const authorization = new URL(begun.json.authorizationUrl)
        expect(authorization.searchParams.get("redirect_uri")).toBe(begun.json.redirectUri)
        expect(authorization.searchParams.get("code_challenge")).toMatch(/^[\w-]{43}$/)

        // The OA's admin grants the app at Zalo (the sandbox grants at once), which sends the browser back.
        const oaId = own.channel.slice("zalo-oa:".length)
        authorization.searchParams.set("oa_id", oaId)
        const granted = yield* fetchManual(authorization.toString())
        expect(granted.status).toBe(302)
        const callback = yield* fetchManual(granted.location!)
        expect(callback.status).toBe(200)
        expect(callback.text).toContain(`Đã kết nối ${own.channel}`)
        expect(callback.text).not.toContain(new URL(granted.location!).searchParams.get("code")!)
        const after = (yield* tokenOf(running, own.channel))!
        expect([after.status, after.generation > before]).toEqual(["active", true])

        // The same state again: refused, and nothing changes.
        const again = yield* fetchManual(granted.location!)
        expect(again.status).toBe(400)
        expect(again.text).toContain("start connecting the OA again")
        expect((yield* tokenOf(running, own.channel))!.generation).toBe(after.generation)

        // An OA of another ward, picked at Zalo by this ward's administrator: refused.
        const second = new URL(
          (yield* call(running, "POST", "/api/channels/zalo/authorize", admin)).json.authorizationUrl
        )
        second.searchParams.set("oa_id", other.channel.slice("zalo-oa:".length))
        const otherBack = yield* fetchManual((yield* fetchManual(second.toString())).location!)
        expect(otherBack.status).toBe(403)
        expect(otherBack.text).toContain("outside your units")

        const missing = yield* fetchManual(`${running.url}/connect/zalo/callback?state=x`)
        expect(missing.status).toBe(400)
      }),
    60_000
  )

  it.scopedLive(
    "an administrator connects the ward's page with its token; an officer or another ward's page is refused",
    () =>
      Effect.gen(function* () {
        const { running } = yield* startFresh()
        const pages = running.platforms.find((p) => p.id === "facebook")!.bound
        const own = pages.find((b) => b.unit === hoaLu)!
        const other = pages.find((b) => b.unit !== hoaLu)!
        yield* addUser(running, "admin-hoa-lu", hoaLu, ["administrator"])
        yield* addUser(running, "officer-hoa-lu", hoaLu, ["officer"])
        const admin = yield* login(running, "admin-hoa-lu")
        const officer = yield* login(running, "officer-hoa-lu")
        const token = "EAAG-page-token-of-the-ward-0123456789"
        const put = (who: typeof admin, channel: string, body: unknown) =>
          call(running, "PUT", `/api/channels/${encodeURIComponent(channel)}/token`, { ...who, body })

        expect((yield* put(officer, own.channel, { token })).status).toBe(403)
        expect((yield* put(admin, other.channel, { token })).json.reason).toBe("scope")
        const unknown = yield* put(admin, "facebook:404", { token })
        expect([unknown.status, unknown.json.rule]).toEqual([422, "unknown_channel"])
        expect((yield* put(admin, own.channel, { token: "short" })).status).toBe(422)

        const done = yield* put(admin, own.channel, { token })
        expect(done.status).toBe(200)
        expect(done.json).toEqual({ id: own.channel, credentials: "active" })
        expect(Redacted.value((yield* tokenOf(running, own.channel))!.accessToken)).toBe(token)
        const bearer = yield* call(running, "PUT", `/api/channels/${encodeURIComponent(own.channel)}/token`, {
          body: { token },
          csrf: admin.csrf
        })
        expect(bearer.status).toBe(401)
      }),
    60_000
  )
})
