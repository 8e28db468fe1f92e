import { describe, expect, it } from "@effect/vitest"
import { Inbox, Unit } from "@tinbao/core"
import { DateTime, Effect } from "effect"
import { addUser, call, eventually, login, startFresh, theTip, webForm } from "./helpers.js"

const hoaLu = Unit.UnitId.make("ca-p-hoa-lu")

describe("the staff API's dead letters", () => {
  it.scopedLive(
    "lists a channel's dead letters without their bodies, replays and deletes them for an administrator",
    () =>
      Effect.gen(function* () {
        const { running, secrets } = yield* startFresh()
        const web = `web:${hoaLu}`
        const form = webForm(secrets.web.secret, "wf-dead", "wf-user-dead", "Mất trộm xe máy")
        const receivedAt = DateTime.unsafeMake(Date.parse("2026-03-02T01:02:03.000Z"))
        const { tip, garbled } = yield* Effect.gen(function* () {
          const inbox = yield* Inbox.Inbox
          // A whole report kept as a dead letter (its body names the reporter), and one no adapter can decode.
          const tip = yield* inbox.store(web, form, receivedAt, { deadLetter: "test: kept" })
          const garbled = yield* inbox.store(
            web,
            { method: "POST", url: `/webhooks/${web}?reporter=wf-user-dead`, headers: {}, body: new Uint8Array([1]) },
            DateTime.add(receivedAt, { seconds: 1 }),
            { deadLetter: "test: garbled" }
          )
          return { tip, garbled }
        }).pipe(Effect.provide(running.services))
        yield* addUser(running, "an.admin", hoaLu, ["administrator"])
        const admin = yield* login(running, "an.admin")

        const channels = yield* call(running, "GET", "/api/channels", { cookie: admin.cookie })
        const mine = channels.json.find((c: { id: string }) => c.id === web)
        expect(mine).toMatchObject({ deadLetters: 2, lastDeliveryAt: "2026-03-02T01:02:04.000Z" })
        const quiet = channels.json.find((c: { webhook: string }) => c.webhook !== web)
        expect(quiet.lastDeliveryAt).toBeUndefined()

        const listed = yield* call(running, "GET", `/api/channels/${web}/dead-letters`, { cookie: admin.cookie })
        expect(listed.status).toBe(200)
        expect(listed.json).toEqual([
          { id: tip, webhook: web, receivedAt: "2026-03-02T01:02:03.000Z", attempts: 0, deadReason: "test: kept" },
          {
            id: garbled,
            webhook: web,
            receivedAt: "2026-03-02T01:02:04.000Z",
            attempts: 0,
            deadReason: "test: garbled"
          }
        ])
        for (const secret of ["Nguyễn Văn A", "wf-user-dead", "Mất trộm", "/webhooks/"]) {
          expect(listed.text).not.toContain(secret)
        }

        // Replayed, the report is taken in; the one that cannot be decoded is a dead letter again, tried once.
        expect((yield* call(running, "POST", `/api/dead-letters/${tip}/replay`, admin)).status).toBe(204)
        expect((yield* theTip(running, hoaLu)).tip.unit).toBe(hoaLu)
        expect((yield* call(running, "POST", `/api/dead-letters/${garbled}/replay`, admin)).status).toBe(204)
        const again = yield* eventually(
          Effect.flatMap(call(running, "GET", `/api/channels/${web}/dead-letters`, { cookie: admin.cookie }), (a) =>
            a.json.length === 1 && a.json[0].attempts === 1 ? Effect.succeed(a.json) : Effect.fail("not dead again")
          )
        )
        expect(again[0]).toMatchObject({ id: garbled, deadReason: expect.not.stringContaining("test") })
        // The report is processed: no longer a dead letter to replay.
        expect((yield* call(running, "POST", `/api/dead-letters/${tip}/replay`, admin)).status).toBe(404)

        expect((yield* call(running, "DELETE", `/api/dead-letters/${garbled}`, admin)).status).toBe(204)
        expect((yield* call(running, "DELETE", `/api/dead-letters/${garbled}`, admin)).status).toBe(404)
        expect((yield* call(running, "DELETE", "/api/dead-letters/not-an-id", admin)).status).toBe(404)
        const emptied = yield* call(running, "GET", `/api/channels/${web}/dead-letters`, { cookie: admin.cookie })
        expect(emptied.json).toEqual([])
        const unknown = yield* call(running, "GET", "/api/channels/x:1/dead-letters", { cookie: admin.cookie })
        expect(unknown.status).toBe(404)
      }),
    60_000
  )

  it.scopedLive(
    "shows a channel's dead letters to its unit's administrators and leaders, and lets only administrators act",
    () =>
      Effect.gen(function* () {
        const { running } = yield* startFresh()
        const web = `web:${hoaLu}`
        const facebook = running.platforms.find((p) => p.id === "facebook")!
        const pageUnits = facebook.bound.map((b) => b.unit)
        const other = running.platforms[0]!.bound.map((b) => b.unit).find((u) => u !== hoaLu)!
        const [dead, pageDead] = yield* Effect.gen(function* () {
          const inbox = yield* Inbox.Inbox
          const delivery = { method: "POST", url: "/webhooks/x", headers: {}, body: new Uint8Array([1]) }
          return yield* Effect.all([
            inbox.store(web, delivery, yield* DateTime.now, { deadLetter: "test" }),
            inbox.store("facebook", delivery, yield* DateTime.now, { deadLetter: "test" })
          ])
        }).pipe(Effect.provide(running.services))
        const users = [
          ["lan.officer", hoaLu, "officer"],
          ["hung.leader", hoaLu, "leader"],
          ["mai.leader", other, "leader"],
          ["tuan.admin", other, "administrator"],
          ["page.admin", pageUnits[0]!, "administrator"],
          ["page.leader", pageUnits[0]!, "leader"]
        ] as const
        for (const [name, unit, role] of users) yield* addUser(running, name, unit, [role])
        const as = (name: string) => login(running, name)
        const list = (name: string, channel: string) =>
          Effect.flatMap(as(name), (s) =>
            call(running, "GET", `/api/channels/${channel}/dead-letters`, { cookie: s.cookie })
          )

        const officer = yield* list("lan.officer", web)
        expect([officer.status, officer.json.reason]).toEqual([403, "role"])
        expect((yield* list("hung.leader", web)).json.map((d: { id: string }) => d.id)).toEqual([dead])
        const otherLeader = yield* list("mai.leader", web)
        expect([otherLeader.status, otherLeader.json.reason]).toEqual([403, "scope"])
        expect((yield* list("tuan.admin", web)).json.reason).toBe("scope")

        // The pages share the webhook `facebook`: its dead letters may be any page's, so only an administrator
        // over one of its pages sees them, by the webhook or by a page (in the sandbox every ward has a page).
        const page = facebook.bound[0]!.channel
        expect((yield* list("page.admin", "facebook")).json.map((d: { id: string }) => d.id)).toEqual([pageDead])
        expect((yield* list("page.admin", page)).json.map((d: { id: string }) => d.id)).toEqual([pageDead])
        expect((yield* list("page.leader", page)).json.reason).toBe("role")

        const leader = yield* as("hung.leader")
        const byLeader = yield* call(running, "POST", `/api/dead-letters/${dead}/replay`, leader)
        expect([byLeader.status, byLeader.json.reason]).toEqual([403, "role"])
        const otherAdmin = yield* as("tuan.admin")
        for (const [method, path] of [
          ["POST", `/api/dead-letters/${dead}/replay`],
          ["DELETE", `/api/dead-letters/${dead}`]
        ] as const) {
          const refused = yield* call(running, method, path, otherAdmin)
          expect([refused.status, refused.json.reason]).toEqual([403, "scope"])
        }
        const stillDead = yield* Effect.flatMap(Inbox.Inbox, (inbox) => inbox.get(dead)).pipe(
          Effect.provide(running.services)
        )
        expect(stillDead?.status).toBe("dead")
      }),
    60_000
  )
})
