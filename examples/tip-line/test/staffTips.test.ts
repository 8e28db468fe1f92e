import { join } from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { Actor, Evidence, Inbox, LocalDate, MediaStore, StatisticalPeriod, Tips, Unit } from "@tinbao/core"
import { DateTime, Effect } from "effect"
import {
  addUser,
  call,
  eventually,
  login,
  post,
  startFresh,
  theTip,
  tipInTwoWards,
  tipsOf,
  webForm
} from "./helpers.js"

const hoaLu = Unit.UnitId.make("ca-p-hoa-lu")

describe("the staff API's tip endpoints", () => {
  it.scopedLive(
    "deadlines, evidence and its bytes, the custodian's reveal, within the actor's ward only",
    () =>
      Effect.gen(function* () {
        const { dir, running, secrets } = yield* startFresh()
        const { mine, theirs } = yield* tipInTwoWards(running, secrets.web.secret, hoaLu)
        yield* addUser(running, "lan.officer", hoaLu, ["officer"])
        yield* addUser(running, "hoa.custodian", hoaLu, ["identity_custodian"])
        const officer = yield* login(running, "lan.officer")
        const custodian = yield* login(running, "hoa.custodian")

        const deadlines = yield* call(running, "GET", `/api/tips/${mine.id}/deadlines`, { cookie: officer.cookie })
        expect(deadlines.status).toBe(200)
        const ack = deadlines.json.find((d: { kind: string }) => d.kind === "acknowledgement")
        expect(ack).toMatchObject({ label: { en: "Acknowledgement to the reporter" } })
        // Intake acknowledges the web form at once (met) unless its reply is still queued (pending).
        expect(["met", "pending"]).toContain(ack.status)
        expect(ack.label.vi).toContain("Thông báo")

        // A file kept as the evidence worker keeps one: its bytes in the media store, its item on the tip's events.
        const bytes = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4, 5])
        const stored = yield* Effect.gen(function* () {
          const media = MediaStore.makeEncoded(
            yield* MediaStore.makeDirectoryEncoded({ directory: join(dir, "media") })
          )
          const put = yield* media.put(bytes)
          const tips = yield* Tips.Tips
          const system = Actor.make("system:test", hoaLu, ["system"])
          const url = "https://127.0.0.1/photo.jpg"
          const attached = yield* tips.execute(system, {
            tip: mine.id,
            expectedVersion: (yield* tips.get(system, mine.id)).version,
            command: { _tag: "AttachEvidence", url, mediaType: "image" }
          })
          const now = yield* DateTime.now
          yield* tips.execute(system, {
            tip: mine.id,
            expectedVersion: attached.version,
            command: {
              _tag: "RecordEvidence",
              result: {
                _tag: "Stored",
                item: Evidence.Item.make({
                  hash: put.hash,
                  size: put.size,
                  mediaType: "image/jpeg",
                  originalUrl: url,
                  storedAt: now
                })
              }
            }
          })
          return put
        }).pipe(Effect.provide(running.services))
        const evidence = yield* call(running, "GET", `/api/tips/${mine.id}/evidence`, { cookie: officer.cookie })
        expect(evidence.status).toBe(200)
        expect(evidence.json).toEqual([
          expect.objectContaining({
            status: "stored",
            item: expect.objectContaining({ hash: stored.hash, size: bytes.length, mediaType: "image/jpeg" })
          })
        ])
        expect(evidence.text).not.toContain("photo.jpg")
        const file = yield* Effect.promise(() =>
          fetch(`${running.url}/api/tips/${mine.id}/evidence/${stored.hash}`, { headers: { cookie: officer.cookie } })
        )
        expect(file.status).toBe(200)
        expect(file.headers.get("content-type")).toBe("image/jpeg")
        expect(new Uint8Array(yield* Effect.promise(() => file.arrayBuffer()))).toEqual(bytes)
        // Served as its tip is: not through another tip, not to another ward, not by an unknown hash.
        for (const path of [
          `/api/tips/${theirs.id}/evidence/${stored.hash}`,
          `/api/tips/${theirs.id}/evidence`,
          `/api/tips/${theirs.id}/deadlines`,
          `/api/tips/${mine.id}/evidence/${"0".repeat(64)}`
        ]) {
          expect((yield* call(running, "GET", path, { cookie: officer.cookie })).status, path).toBe(404)
        }

        const current = (yield* call(running, "GET", `/api/tips/${mine.id}`, { cookie: officer.cookie })).json
        const reveal = { expectedVersion: current.version, reason: "Cơ quan điều tra yêu cầu xác minh người báo tin" }
        const byOfficer = yield* call(running, "POST", `/api/tips/${mine.id}/reveal`, { ...officer, body: reveal })
        expect(byOfficer.status).toBe(403)
        expect(byOfficer.json.reason).toBe("role")
        const noReason = yield* call(running, "POST", `/api/tips/${mine.id}/reveal`, {
          ...custodian,
          body: { ...reveal, reason: "" }
        })
        expect(noReason.status).toBe(422)
        const theirsReveal = yield* call(running, "POST", `/api/tips/${theirs.id}/reveal`, {
          ...custodian,
          body: { ...reveal, expectedVersion: theirs.version }
        })
        expect(theirsReveal.status).toBe(404)
        const revealed = yield* call(running, "POST", `/api/tips/${mine.id}/reveal`, { ...custodian, body: reveal })
        expect(revealed.status).toBe(200)
        expect(revealed.headers.get("cache-control")).toBe("no-store")
        expect(revealed.json.identity).toMatchObject({ platformUserId: "wf-user-a", displayName: "Nguyễn Văn A" })
        expect(revealed.json.tip.version).toBe(current.version + 1)
        const history = yield* call(running, "GET", `/api/tips/${mine.id}/history`, { cookie: officer.cookie })
        expect(history.json.at(-1)).toMatchObject({ _tag: "IdentityRevealed", reason: reveal.reason })
        expect(history.text).not.toContain("wf-user-a")
      }),
    60_000
  )

  it.scopedLive(
    "lists tips by status, overdue, channel, category and period, a page at a time; counts by police and calendar periods",
    () =>
      Effect.gen(function* () {
        const { running, secrets } = yield* startFresh()
        const other = running.platforms[0]!.bound.map((b) => b.unit).find((unit) => unit !== hoaLu)!
        yield* post(running, `web:${hoaLu}`, webForm(secrets.web.secret, "wf-a", "wf-user-a", "Mất trộm xe máy"))
        yield* post(running, `web:${hoaLu}`, webForm(secrets.web.secret, "wf-c", "wf-user-c", "Tụ tập gây rối"))
        yield* post(running, `web:${other}`, webForm(secrets.web.secret, "wf-b", "wf-user-b", "Đánh bạc ở chợ"))
        // Each is acknowledged to the site by the dispatcher: the listing below waits for that, so that no status
        // changes while it filters by status.
        yield* eventually(
          Effect.filterOrFail(
            tipsOf(running, hoaLu),
            (tips) => tips.length === 2 && tips.every((tip) => tip.status === "acknowledged"),
            () => "not two acknowledged tips yet"
          )
        )
        yield* theTip(running, other)
        yield* addUser(running, "lan.officer", hoaLu, ["officer"])
        const officer = yield* login(running, "lan.officer")
        const ids = (path: string) =>
          Effect.map(call(running, "GET", path, { cookie: officer.cookie }), (answer) => {
            expect(answer.status, path).toBe(200)
            return answer.json.tips.map((t: { id: string }) => t.id) as Array<string>
          })

        const all = yield* ids("/api/tips")
        expect(all).toHaveLength(2)
        const today = LocalDate.ofInstant(yield* DateTime.now)
        const { year, month } = LocalDate.toParts(today)
        const police = StatisticalPeriod.policeMonthOf(today)
        const ym = (y: number, m: number) => `${y}-${String(m).padStart(2, "0")}`
        expect(yield* ids("/api/tips?status=acknowledged&overdue=false&channel=web")).toEqual(all)
        expect(yield* ids("/api/tips?status=received")).toEqual([])
        expect(yield* ids(`/api/tips?channel=web:${hoaLu}`)).toEqual(all)
        expect(yield* ids("/api/tips?overdue=true")).toEqual([])
        expect(yield* ids("/api/tips?channel=zalo")).toEqual([])
        expect(yield* ids("/api/tips?status=resolved")).toEqual([])
        expect(yield* ids(`/api/tips?from=${today}&to=${today}`)).toEqual(all)
        expect(yield* ids(`/api/tips?policeMonth=${ym(police.year, police.month)}`)).toEqual(all)
        expect(yield* ids(`/api/tips?month=${ym(year, month)}`)).toEqual(all)
        expect(yield* ids(`/api/tips?policeYear=${StatisticalPeriod.policeYearOf(today)}`)).toEqual(all)
        expect(yield* ids("/api/tips?year=2001")).toEqual([])

        const listed = yield* call(running, "GET", "/api/tips", { cookie: officer.cookie })
        const categories = listed.json.tips.map((t: { category: string }) => t.category) as Array<string>
        for (const category of new Set(categories)) {
          const same = all.filter((_, i) => categories[i] === category)
          expect(same.length).toBeGreaterThan(0)
          expect(yield* ids(`/api/tips?category=${category}`)).toEqual(same)
          expect(yield* ids(`/api/tips?category=${category}&overdue=false`)).toEqual(same)
        }
        expect(yield* ids("/api/tips?category=no_such_category")).toEqual([])
        const malformed = yield* call(running, "GET", "/api/tips?category=Not%20a%20category", {
          cookie: officer.cookie
        })
        expect(malformed.status).toBe(400)
        expect(yield* ids("/api/tips?status=acknowledged&channel=web")).toEqual(all)

        // Pages by the store's keyset (no total: nothing counts every match), and the same pages and cursors with
        // the overdue filter, worked out here (with the total).
        const first = yield* call(running, "GET", "/api/tips?limit=1", { cookie: officer.cookie })
        expect(first.json).toEqual({ tips: [listed.json.tips[0]], limit: 1, nextCursor: expect.any(String) })
        const second = yield* call(running, "GET", `/api/tips?limit=1&cursor=${first.json.nextCursor}`, {
          cookie: officer.cookie
        })
        expect(second.json.tips.map((t: { id: string }) => t.id)).toEqual([all[1]])
        expect(second.json.nextCursor).toBeUndefined()
        expect(second.json.total).toBeUndefined()
        const firstWorked = yield* call(running, "GET", "/api/tips?limit=1&overdue=false", { cookie: officer.cookie })
        expect(firstWorked.json).toMatchObject({ total: 2, limit: 1, nextCursor: first.json.nextCursor })
        expect(firstWorked.json.tips.map((t: { id: string }) => t.id)).toEqual([all[0]])
        const secondWorked = yield* call(
          running,
          "GET",
          `/api/tips?limit=1&overdue=false&cursor=${first.json.nextCursor}`,
          { cookie: officer.cookie }
        )
        expect(secondWorked.json).toMatchObject({ total: 2, limit: 1 })
        expect(secondWorked.json.tips.map((t: { id: string }) => t.id)).toEqual([all[1]])
        expect(secondWorked.json.nextCursor).toBeUndefined()
        for (const bad of [
          "cursor=nonsense",
          "cursor=nonsense&overdue=true",
          `from=${today}`,
          `from=${today}&to=${today}&year=2026`
        ]) {
          const answer = yield* call(running, "GET", `/api/tips?${bad}`, { cookie: officer.cookie })
          expect(answer.status, bad).toBe(422)
        }
        const theirs = yield* call(running, "GET", `/api/tips?unit=${other}`, { cookie: officer.cookie })
        expect(theirs.status).toBe(403)
        expect(theirs.json.reason).toBe("scope")

        for (const period of [
          `policeMonth=${ym(police.year, police.month)}`,
          `month=${ym(year, month)}`,
          `year=${year}`,
          `policeYear=${StatisticalPeriod.policeYearOf(today)}`
        ]) {
          const stats = yield* call(running, "GET", `/api/statistics?unit=${hoaLu}&${period}`, {
            cookie: officer.cookie
          })
          expect(stats.status, period).toBe(200)
          expect(stats.json.total.receivedInPeriod, period).toBe(2)
          const csv = yield* call(running, "GET", `/api/statistics.csv?unit=${hoaLu}&${period}`, {
            cookie: officer.cookie
          })
          expect(csv.status, period).toBe(200)
          const counted = yield* call(running, "GET", `/api/statistics?unit=${other}&${period}`, {
            cookie: officer.cookie
          })
          expect(counted.status, period).toBe(403)
        }
        const none = yield* call(running, "GET", `/api/statistics?unit=${hoaLu}`, { cookie: officer.cookie })
        expect(none.status).toBe(422)
      }),
    60_000
  )

  it.scopedLive(
    "a unit's history; bindings listed to readers and changed by administrators in their scope; dead letters",
    () =>
      Effect.gen(function* () {
        const { running } = yield* startFresh()
        const other = running.platforms[0]!.bound.map((b) => b.unit).find((unit) => unit !== hoaLu)!
        const zalo = running.platforms.find((p) => p.id === "zalo")!.bound.find((b) => b.unit === hoaLu)!.channel
        yield* addUser(running, "minh.viewer", hoaLu, ["viewer"])
        yield* addUser(running, "an.admin", hoaLu, ["administrator"])
        const viewer = yield* login(running, "minh.viewer")
        const admin = yield* login(running, "an.admin")

        const spec = yield* call(running, "GET", "/api/openapi.json")
        expect(Object.keys(spec.json.paths)).toEqual(
          expect.arrayContaining([
            "/api/tips/{id}/deadlines",
            "/api/tips/{id}/evidence",
            "/api/tips/{id}/evidence/{item}",
            "/api/tips/{id}/reveal",
            "/api/units/{id}/history",
            "/api/bindings"
          ])
        )
        for (const path of ["/api/bindings", `/api/units/${hoaLu}/history`, "/api/tips/x/deadlines"]) {
          expect((yield* call(running, "GET", path)).status, path).toBe(401)
        }

        const history = yield* call(running, "GET", `/api/units/${hoaLu}/history`, { cookie: viewer.cookie })
        expect(history.status).toBe(200)
        expect(history.json.map((c: { _tag: string }) => c._tag)).toEqual(["Established", "Merged"])
        expect(history.json[1].sources).toContain("ca-p-van-giang")
        expect((yield* call(running, "GET", "/api/units/no-such-unit/history", { cookie: viewer.cookie })).status).toBe(
          404
        )

        const listed = yield* call(running, "GET", "/api/bindings", { cookie: viewer.cookie })
        expect(listed.json).toEqual(expect.arrayContaining([{ channel: `web:${hoaLu}`, unit: hoaLu }]))
        const group = { channel: zalo, conversation: "group-1", unit: hoaLu }
        const byViewer = yield* call(running, "POST", "/api/bindings", { ...viewer, body: group })
        expect(byViewer.status).toBe(403)
        expect(byViewer.json.reason).toBe("role")
        const noCsrf = yield* call(running, "POST", "/api/bindings", { cookie: admin.cookie, body: group })
        expect(noCsrf.json.reason).toBe("csrf")
        const elsewhere = yield* call(running, "POST", "/api/bindings", { ...admin, body: { ...group, unit: other } })
        expect(elsewhere.json.reason).toBe("scope")
        const gone = yield* call(running, "POST", "/api/bindings", {
          ...admin,
          body: { ...group, unit: "ca-p-van-giang" }
        })
        expect(gone.status).toBe(422)
        expect(gone.json.rule).toBe("unit_not_holding")
        const unknown = yield* call(running, "POST", "/api/bindings", { ...admin, body: { ...group, channel: "x:1" } })
        expect(unknown.json.rule).toBe("channel")
        const bound = yield* call(running, "POST", "/api/bindings", { ...admin, body: group })
        expect(bound.status).toBe(200)
        expect((yield* call(running, "GET", "/api/bindings", { cookie: viewer.cookie })).json).toContainEqual(group)
        const theirs = yield* call(running, "DELETE", `/api/bindings?channel=web:${other}`, admin)
        expect(theirs.json.reason).toBe("scope")
        expect(
          (yield* call(running, "DELETE", `/api/bindings?channel=${zalo}&conversation=group-1`, admin)).status
        ).toBe(204)
        expect((yield* call(running, "GET", "/api/bindings", { cookie: viewer.cookie })).json).not.toContainEqual(group)
        expect(
          (yield* call(running, "DELETE", `/api/bindings?channel=${zalo}&conversation=group-1`, admin)).status
        ).toBe(404)
        const token = yield* call(running, "POST", "/api/tokens", {
          ...admin,
          body: { name: "r", scopes: ["reports:read"] }
        })
        const byToken = yield* call(running, "POST", "/api/bindings", { bearer: token.json.secret, body: group })
        expect(byToken.json.reason).toBe("token_scope")

        // A delivery the inbox keeps as a dead letter counts on its channel's webhook.
        yield* Effect.gen(function* () {
          const inbox = yield* Inbox.Inbox
          yield* inbox.store(
            `web:${hoaLu}`,
            { method: "POST", url: "/webhooks/x", headers: {}, body: new Uint8Array([1]) },
            yield* DateTime.now,
            { deadLetter: "test" }
          )
        }).pipe(Effect.provide(running.services))
        const channels = yield* call(running, "GET", "/api/channels", { cookie: viewer.cookie })
        const web = channels.json.find((c: { id: string }) => c.id === `web:${hoaLu}`)
        expect(web).toMatchObject({ webhook: `web:${hoaLu}`, deadLetters: 1 })
        const page = channels.json.find((c: { platform: { id: string } }) => c.platform.id === "facebook")
        expect(page).toMatchObject({ webhook: "facebook", deadLetters: 0 })
      }),
    60_000
  )
})
