/**
 * `GET /api/events`: a new tip is told, as it happens, to a session of its ward and not to another ward's; the stream
 * carries no reporter; it answers 401 without a credential, 403 to a token without `tips:read`; a logout ends it.
 */
import { describe, expect, it } from "@effect/vitest"
import { Unit } from "@tinbao/core"
import { Effect } from "effect"
import { addUser, call, login, post, startFresh, webForm } from "./helpers.js"

const hoaLu = Unit.UnitId.make("ca-p-hoa-lu")

// An open stream, read frame by frame (the frames are separated by a blank line).
const open = (url: string, headers: Record<string, string>) =>
  Effect.acquireRelease(
    Effect.promise(async () => {
      const aborter = new AbortController()
      const response = await fetch(url, { headers, signal: aborter.signal })
      const reader = response.body!.getReader()
      const decoder = new TextDecoder()
      let buffered = ""
      const frames: Array<string> = []
      // Resolves with the next frame, or `undefined` when the server ends the stream.
      const next = async (): Promise<string | undefined> => {
        for (;;) {
          const end = buffered.indexOf("\n\n")
          if (end !== -1) {
            const frame = buffered.slice(0, end)
            buffered = buffered.slice(end + 2)
            frames.push(frame)
            return frame
          }
          const { done, value } = await reader.read()
          if (done) return undefined
          buffered += decoder.decode(value, { stream: true })
        }
      }
      // The next `tip` event, skipping comments.
      const nextTip = async () => {
        for (;;) {
          const frame = await next()
          if (frame === undefined) return undefined
          if (frame.startsWith("event: tip\n")) return JSON.parse(frame.slice(frame.indexOf("data: ") + 6))
        }
      }
      return { response, next, nextTip, frames, abort: () => aborter.abort() }
    }),
    (stream) => Effect.sync(() => stream.abort())
  )

describe("the staff events", () => {
  it.scopedLive(
    "tell a ward's session of its new tip, and not another ward's; carry no reporter; end at logout",
    () =>
      Effect.gen(function* () {
        const { running, secrets } = yield* startFresh()
        const other = running.platforms[0]!.bound.map((b) => b.unit).find((unit) => unit !== hoaLu)!
        yield* addUser(running, "lan.officer", hoaLu, ["officer"])
        yield* addUser(running, "tuan.officer", other, ["officer"])
        const lan = yield* login(running, "lan.officer")
        const tuan = yield* login(running, "tuan.officer")

        const none = yield* call(running, "GET", "/api/events")
        expect(none.status).toBe(401)
        const token = yield* call(running, "POST", "/api/tokens", {
          ...lan,
          body: { name: "chỉ thống kê", scopes: ["reports:read"] }
        })
        expect(token.status).toBe(201)
        const narrow = yield* call(running, "GET", "/api/events", { bearer: token.json.secret })
        expect(narrow.status).toBe(403)
        expect(narrow.json.reason).toBe("token_scope")

        const ward = yield* open(`${running.url}/api/events`, { cookie: lan.cookie })
        const elsewhere = yield* open(`${running.url}/api/events`, { cookie: tuan.cookie })
        expect(ward.response.headers.get("content-type")).toContain("text/event-stream")
        // Both streams are open (their first comment is in) before the tips arrive.
        expect(yield* Effect.promise(() => ward.next())).toBe(": connected")
        expect(yield* Effect.promise(() => elsewhere.next())).toBe(": connected")

        const webOf = (unit: string) => `web:${unit}`
        expect(
          (yield* post(running, webOf(other), webForm(secrets.web.secret, "ev-1", "ev-user-1", "Cháy nhà kho"))).status
        ).toBe(200)
        expect(
          (yield* post(running, webOf(hoaLu), webForm(secrets.web.secret, "ev-2", "ev-user-2", "Trộm chó ban đêm")))
            .status
        ).toBe(200)
        const told = yield* Effect.promise(() => ward.nextTip())
        const tips = yield* call(running, "GET", "/api/tips", { cookie: lan.cookie })
        expect(tips.json.tips).toHaveLength(1)
        const tip = tips.json.tips[0]
        expect(told).toEqual({
          change: "created",
          id: tip.id,
          code: tip.code,
          unit: hoaLu,
          status: told.status,
          version: told.version
        })
        // The other ward's session is told of its own tip only.
        const theirs = yield* Effect.promise(() => elsewhere.nextTip())
        expect(theirs.unit).toBe(other)
        expect(theirs.id).not.toBe(tip.id)
        expect([...ward.frames, ...elsewhere.frames].join("\n")).not.toMatch(/Nguyễn Văn A|ev-user-/)

        // A logout ends the session's stream.
        expect((yield* call(running, "POST", "/api/logout", lan)).status).toBe(204)
        for (;;) {
          const frame = yield* Effect.promise(() => ward.next())
          if (frame === undefined) break
          expect(frame.startsWith(":") || frame.startsWith("event: tip")).toBe(true)
        }
      }),
    60_000
  )
})
