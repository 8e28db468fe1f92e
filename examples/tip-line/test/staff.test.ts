import { describe, expect, it } from "@effect/vitest"
import { Unit } from "@tinbao/core"
import { Effect } from "effect"
import { afterEach, beforeEach } from "vitest"
import * as Accounts from "../src/accounts.js"
import { addUser, call, login, password, post, startFresh, theAcknowledgedTip, webForm } from "./helpers.js"

const hoaLu = Unit.UnitId.make("ca-p-hoa-lu")

// Everything the process writes while a test runs, to check that no password is in it.
let written = ""
const originals = { out: process.stdout.write.bind(process.stdout), err: process.stderr.write.bind(process.stderr) }
beforeEach(() => {
  written = ""
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: Array<never>) => {
    written += String(chunk)
    return originals.out(chunk, ...rest)
  }) as typeof process.stdout.write
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: Array<never>) => {
    written += String(chunk)
    return originals.err(chunk, ...rest)
  }) as typeof process.stderr.write
})
afterEach(() => {
  process.stdout.write = originals.out
  process.stderr.write = originals.err
})

describe("the staff API", () => {
  it.scopedLive(
    "answers 401 without a session, and serves its OpenAPI document and reference page",
    () =>
      Effect.gen(function* () {
        const { running } = yield* startFresh()
        for (const path of ["/api/tips", "/api/tips/some-tip", "/api/tips/some-tip/history", "/api/me"]) {
          const answer = yield* call(running, "GET", path)
          expect(answer.status, path).toBe(401)
          expect(answer.json._tag).toBe("Unauthorized")
          expect(answer.text).not.toContain("at ")
        }
        const forged = yield* call(running, "GET", "/api/tips", { cookie: `${Accounts.cookieName}=not-a-session` })
        expect(forged.status).toBe(401)
        const posted = yield* call(running, "POST", "/api/tips/some-tip/commands", {
          body: { expectedVersion: 1, command: { _tag: "Accept" } }
        })
        expect(posted.status).toBe(401)
        const spec = yield* call(running, "GET", "/api/openapi.json")
        expect(spec.status).toBe(200)
        expect(Object.keys(spec.json.paths)).toEqual(
          expect.arrayContaining([
            "/api/login",
            "/api/logout",
            "/api/tips",
            "/api/tips/{id}",
            "/api/tips/{id}/history",
            "/api/tips/{id}/commands",
            "/api/tips/{id}/reply"
          ])
        )
        const docs = yield* call(running, "GET", "/api/docs")
        expect(docs.status).toBe(200)
        expect(docs.headers.get("content-type")).toContain("text/html")
      }),
    30_000
  )

  it.scopedLive(
    "logs in with a session cookie (HttpOnly, SameSite=Strict) and a CSRF token; refuses and then limits bad logins",
    () =>
      Effect.gen(function* () {
        const { running } = yield* startFresh()
        yield* addUser(running, "lan.officer", hoaLu, ["officer"])
        const wrong = yield* call(running, "POST", "/api/login", {
          body: { username: "lan.officer", password: "not the password" }
        })
        const nobody = yield* call(running, "POST", "/api/login", { body: { username: "nobody", password } })
        expect(wrong.status).toBe(401)
        expect(nobody.status).toBe(401)
        // Whether the user exists is not told.
        expect(nobody.text).toBe(wrong.text)

        const ok = yield* call(running, "POST", "/api/login", { body: { username: "lan.officer", password } })
        expect(ok.status).toBe(200)
        const cookie = ok.headers.get("set-cookie")!
        expect(cookie).toMatch(new RegExp(`^${Accounts.cookieName}=`))
        expect(cookie).toContain("HttpOnly")
        expect(cookie).toContain("SameSite=Strict")
        expect(cookie).toContain("Path=/")
        expect(ok.json.csrfToken).toMatch(/^[A-Za-z0-9_-]{40,}$/)
        const session = { cookie: cookie.split(";")[0]!, csrf: ok.json.csrfToken as string }
        const me = yield* call(running, "GET", "/api/me", { cookie: session.cookie })
        expect(me.json).toEqual({ username: "lan.officer", unit: hoaLu, roles: ["officer"] })

        // A state-changing request needs the session's CSRF token.
        expect((yield* call(running, "POST", "/api/logout", { cookie: session.cookie })).status).toBe(403)
        const wrongToken = yield* call(running, "POST", "/api/logout", { cookie: session.cookie, csrf: "x".repeat(43) })
        expect(wrongToken.status).toBe(403)
        expect(wrongToken.json).toMatchObject({ _tag: "Forbidden", reason: "csrf" })
        expect((yield* call(running, "POST", "/api/logout", session)).status).toBe(204)
        expect((yield* call(running, "GET", "/api/me", { cookie: session.cookie })).status).toBe(401)

        // Five failures from an address (two above, three here), then 429 with Retry-After, even with the right
        // password.
        for (let i = 0; i < 3; i++) {
          const failed = yield* call(running, "POST", "/api/login", {
            body: { username: "lan.officer", password: `wrong ${i}` }
          })
          expect(failed.status).toBe(401)
        }
        const limited = yield* call(running, "POST", "/api/login", { body: { username: "lan.officer", password } })
        expect(limited.status).toBe(429)
        expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0)
        expect(limited.json).toMatchObject({ _tag: "TooManyAttempts" })

        for (const answer of [wrong, nobody, ok, me, limited]) expect(answer.text).not.toContain(password)
        expect(written).not.toContain(password)
      }),
    60_000
  )

  it.scopedLive(
    "an officer sees and acts on the tips of their ward only; a viewer cannot act; errors are typed",
    () =>
      Effect.gen(function* () {
        const { running, secrets } = yield* startFresh()
        const other = running.platforms[0]!.bound.map((b) => b.unit).find((unit) => unit !== hoaLu)!
        expect(
          (yield* post(running, `web:${hoaLu}`, webForm(secrets.web.secret, "wf-a", "wf-user-a", "Mất trộm xe máy")))
            .status
        ).toBe(200)
        expect(
          (yield* post(running, `web:${other}`, webForm(secrets.web.secret, "wf-b", "wf-user-b", "Đánh bạc ở chợ")))
            .status
        ).toBe(200)
        const mine = (yield* theAcknowledgedTip(running, hoaLu)).tip
        const theirs = (yield* theAcknowledgedTip(running, other)).tip
        yield* addUser(running, "lan.officer", hoaLu, ["officer"])
        yield* addUser(running, "minh.viewer", hoaLu, ["viewer"])
        const officer = yield* login(running, "lan.officer")
        const viewer = yield* login(running, "minh.viewer")

        const listed = yield* call(running, "GET", "/api/tips", { cookie: officer.cookie })
        expect(listed.status).toBe(200)
        expect(listed.json.tips.map((t: { id: string }) => t.id)).toEqual([mine.id])
        expect(listed.json.nextCursor).toBeUndefined()
        expect(listed.text).not.toContain("Nguyễn Văn A")
        expect(listed.text).not.toContain("wf-user-a")
        const filtered = yield* call(running, "GET", "/api/tips?status=resolved&limit=10", { cookie: officer.cookie })
        expect(filtered.json.tips).toEqual([])
        const otherUnit = yield* call(running, "GET", `/api/tips?unit=${other}`, { cookie: officer.cookie })
        expect([403, 200]).toContain(otherUnit.status)
        if (otherUnit.status === 200) expect(otherUnit.json.tips).toEqual([])

        const detail = yield* call(running, "GET", `/api/tips/${mine.id}`, { cookie: officer.cookie })
        expect(detail.json).toMatchObject({ id: mine.id, code: mine.code, unit: hoaLu })
        const history = yield* call(running, "GET", `/api/tips/${mine.id}/history`, { cookie: officer.cookie })
        expect(history.json[0]._tag).toBe("TipReceived")
        for (const path of [`/api/tips/${theirs.id}`, `/api/tips/${theirs.id}/history`]) {
          const answer = yield* call(running, "GET", path, { cookie: officer.cookie })
          expect(answer.status, path).toBe(404)
          expect(answer.json._tag).toBe("NotFound")
        }
        const version = detail.json.version as number
        const accept = { expectedVersion: version, command: { _tag: "Accept" } }
        const onTheirs = yield* call(running, "POST", `/api/tips/${theirs.id}/commands`, { ...officer, body: accept })
        expect(onTheirs.status).toBe(404)
        const replyTheirs = yield* call(running, "POST", `/api/tips/${theirs.id}/reply`, {
          ...officer,
          body: { text: "Cảm ơn", expectedVersion: theirs.version }
        })
        expect(replyTheirs.status).toBe(404)

        const byViewer = yield* call(running, "POST", `/api/tips/${mine.id}/commands`, { ...viewer, body: accept })
        expect(byViewer.status).toBe(403)
        expect(byViewer.json).toMatchObject({ _tag: "Forbidden", reason: "role" })
        const replyByViewer = yield* call(running, "POST", `/api/tips/${mine.id}/reply`, {
          ...viewer,
          body: { text: "Cảm ơn", expectedVersion: version }
        })
        expect(replyByViewer.status).toBe(403)
        const viewerList = yield* call(running, "GET", "/api/tips", { cookie: viewer.cookie })
        expect(viewerList.json.tips.map((t: { id: string }) => t.id)).toEqual([mine.id])

        const accepted = yield* call(running, "POST", `/api/tips/${mine.id}/commands`, { ...officer, body: accept })
        expect(accepted.status).toBe(200)
        expect(accepted.json).toMatchObject({ status: "verifying", version: version + 1 })
        const stale = yield* call(running, "POST", `/api/tips/${mine.id}/commands`, { ...officer, body: accept })
        expect(stale.status).toBe(409)
        expect(stale.json).toMatchObject({ _tag: "Conflict", expected: version, actual: version + 1 })
        const again = yield* call(running, "POST", `/api/tips/${mine.id}/commands`, {
          ...officer,
          body: { expectedVersion: version + 1, command: { _tag: "Accept" } }
        })
        expect(again.status).toBe(422)
        expect(again.json._tag).toBe("Unprocessable")
        const malformed = yield* call(running, "POST", `/api/tips/${mine.id}/commands`, {
          ...officer,
          body: { expectedVersion: version + 1, command: { _tag: "NoSuchCommand" } }
        })
        expect(malformed.status).toBe(400)
        const replied = yield* call(running, "POST", `/api/tips/${mine.id}/reply`, {
          ...officer,
          body: { text: "Chúng tôi đã nhận tin, xin cảm ơn.", expectedVersion: version + 1 }
        })
        expect(replied.status).toBe(200)
        expect(replied.json.repliesToReporter).toBe(1)
      }),
    60_000
  )
})
