import { describe, expect, it } from "@effect/vitest"
import { LocalDate, StatisticsExport, Unit } from "@tinbao/core"
import { DateTime, Effect } from "effect"
import { addUser, call, login, post, startFresh, theTip, webForm } from "./helpers.js"

const hoaLu = Unit.UnitId.make("ca-p-hoa-lu")

describe("the staff API's reports", () => {
  it.scopedLive(
    "answers 401 without a session",
    () =>
      Effect.gen(function* () {
        const { running } = yield* startFresh()
        const query = `unit=${hoaLu}&from=2026-01-01&to=2026-01-31`
        for (const path of [
          `/api/statistics?${query}`,
          `/api/statistics.csv?${query}`,
          "/api/units",
          "/api/channels"
        ]) {
          const answer = yield* call(running, "GET", path)
          expect(answer.status, path).toBe(401)
          expect(answer.json._tag).toBe("Unauthorized")
        }
        const spec = yield* call(running, "GET", "/api/openapi.json")
        expect(Object.keys(spec.json.paths)).toEqual(
          expect.arrayContaining(["/api/statistics", "/api/statistics.csv", "/api/units", "/api/channels"])
        )
      }),
    30_000
  )

  it.scopedLive(
    "counts the tips of the officer's ward, as JSON and as CSV, and refuses another ward's",
    () =>
      Effect.gen(function* () {
        const { running, secrets } = yield* startFresh()
        const other = running.platforms[0]!.bound.map((b) => b.unit).find((unit) => unit !== hoaLu)!
        const delivered = yield* post(
          running,
          `web:${hoaLu}`,
          webForm(secrets.web.secret, "wf-a", "wf-user-a", "Mất trộm xe máy")
        )
        expect(delivered.status).toBe(200)
        yield* theTip(running, hoaLu)
        yield* addUser(running, "lan.officer", hoaLu, ["officer"])
        const officer = yield* login(running, "lan.officer")

        const today = LocalDate.ofInstant(yield* DateTime.now)
        const range = `from=${LocalDate.addDays(today, -7)}&to=${today}`
        const mine = yield* call(running, "GET", `/api/statistics?unit=${hoaLu}&${range}&groupBy=channel`, {
          cookie: officer.cookie
        })
        expect(mine.status).toBe(200)
        expect(mine.json.root.id).toBe(hoaLu)
        expect(mine.json.total.receivedInPeriod).toBe(1)
        expect(mine.json.groups.map((g: { key: { channel: string } }) => g.key.channel)).toEqual(["web"])
        expect(mine.text).not.toContain("Nguyễn Văn A")
        expect(mine.text).not.toContain("wf-user-a")

        const theirs = yield* call(running, "GET", `/api/statistics?unit=${other}&${range}`, { cookie: officer.cookie })
        expect(theirs.status).toBe(403)
        expect(theirs.json).toMatchObject({ _tag: "Forbidden", reason: "scope" })
        const theirsCsv = yield* call(running, "GET", `/api/statistics.csv?unit=${other}&${range}`, {
          cookie: officer.cookie
        })
        expect(theirsCsv.status).toBe(403)

        const csv = yield* call(running, "GET", `/api/statistics.csv?unit=${hoaLu}&${range}&groupBy=channel`, {
          cookie: officer.cookie
        })
        expect(csv.status).toBe(200)
        expect(csv.headers.get("content-type")).toBe("text/csv; charset=utf-8")
        const [header, row, total] = StatisticsExport.parseCsv(csv.text)
        expect(header).toContain("Tính đến (as of)")
        expect(header).toContain("Tiếp nhận (received)")
        expect(row).toContain("Trang thông tin điện tử")
        expect(total).toContain("Tổng cộng (total)")
        expect(total![header!.indexOf("Tiếp nhận (received)")]).toBe("1")
        expect(csv.text).not.toContain("Nguyễn Văn A")

        const backwards = yield* call(running, "GET", `/api/statistics?unit=${hoaLu}&from=${today}&to=2000-01-01`, {
          cookie: officer.cookie
        })
        expect(backwards.status).toBe(422)
        const malformed = yield* call(running, "GET", `/api/statistics?unit=${hoaLu}&from=yesterday&to=${today}`, {
          cookie: officer.cookie
        })
        expect(malformed.status).toBe(400)
      }),
    60_000
  )

  it.scopedLive(
    "lists the units and the configured channels, with the OAs' and pages' credentials",
    () =>
      Effect.gen(function* () {
        const { running } = yield* startFresh()
        yield* addUser(running, "minh.viewer", hoaLu, ["viewer"])
        const viewer = yield* login(running, "minh.viewer")

        const units = yield* call(running, "GET", "/api/units", { cookie: viewer.cookie })
        expect(units.status).toBe(200)
        const ids = new Set(units.json.map((u: { id: string }) => u.id))
        for (const { unit } of running.platforms[0]!.bound) expect(ids.has(unit)).toBe(true)
        const ward = units.json.find((u: { id: string }) => u.id === hoaLu)
        expect(ward.name.vi).toMatch(/Hoa Lư/)
        expect(["ward", "commune"]).toContain(ward.kind)
        expect(ids.has(ward.parent)).toBe(true)
        const long = yield* call(running, "GET", "/api/units?on=2000-01-01", { cookie: viewer.cookie })
        expect(long.status).toBe(200)
        expect(long.json.length).toBeLessThan(units.json.length)

        const channels = yield* call(running, "GET", "/api/channels", { cookie: viewer.cookie })
        expect(channels.status).toBe(200)
        const configured = running.platforms.flatMap((p) => p.bound.map((b) => ({ id: b.channel, unit: b.unit })))
        expect(channels.json.map((c: { id: string; unit: string }) => ({ id: c.id, unit: c.unit }))).toEqual(configured)
        const byPlatform = (id: string) =>
          channels.json.filter((c: { platform: { id: string } }) => c.platform.id === id)
        expect(byPlatform("web").length).toBeGreaterThan(0)
        for (const c of byPlatform("web")) expect(c.credentials).toBeUndefined()
        expect(byPlatform("zalo")[0].platform.label).toEqual({ vi: "Zalo", en: "Zalo" })
        // In sandbox mode every OA and page is connected at start (bots hold no credentials: their token is configuration).
        const withTokens = new Set(
          running.platforms.filter((p) => p.credentials).flatMap((p) => p.bound.map((b) => b.channel))
        )
        const connected = channels.json.filter((c: { id: string }) => withTokens.has(c.id))
        expect(connected.length).toBeGreaterThan(0)
        for (const c of connected) expect(c.credentials).toBe("active")
        const bots = channels.json.filter((c: { id: string }) => c.id.startsWith("zalo-bot:"))
        expect(bots.length).toBeGreaterThan(0)
        for (const c of bots) expect(c.credentials).toBeUndefined()
        expect(byPlatform("facebook").length).toBeGreaterThan(0)
      }),
    60_000
  )
})
