import { SqlClient } from "@effect/sql/SqlClient"
import { expect, it } from "@effect/vitest"
import { Unit } from "@tinbao/core"
import { Postgres } from "@tinbao/testkit/vitest"
import { WebFormChannel } from "@tinbao/web"
import { Effect, Redacted } from "effect"
import { addUser, call, login, pgSchema, post, startFresh, theTip } from "./helpers.js"

const pg = await Postgres.check()

Postgres.describe(pg, "the tip-line server on PostgreSQL", () => {
  const { schema, url, onServer } = pgSchema(pg, "tip_line_test")

  it.scopedLive(
    "starts on DATABASE_URL in a fresh schema, migrates it and takes a delivery in",
    () =>
      Effect.gen(function* () {
        yield* Effect.promise(() => onServer((sql) => sql`CREATE SCHEMA ${sql(schema)}`))
        const { running, secrets } = yield* startFresh({ DATABASE_URL: url })
        expect(running.storage).toBe(`PostgreSQL, database test at ${pg.host}:${pg.port}`)
        expect(running.unitsRecorded).toBeGreaterThan(100)
        const delivery = WebFormChannel.delivery(Redacted.make(secrets.web.secret), {
          events: [{ type: "message", id: "wf-pg1", sender: { id: "wf-user-3" }, time: Date.now(), text: "Trộm chó" }]
        })
        expect((yield* post(running, "web:ca-p-hoa-lu", delivery)).status).toBe(200)
        const { tip, entry } = yield* theTip(running, Unit.UnitId.make("ca-p-hoa-lu"))
        expect(entry?.code).toBe(tip.code)
        const sql = yield* Effect.provide(SqlClient, running.services)
        const [row] = yield* sql<{ readonly n: number }>`SELECT count(*) AS n FROM ${sql(schema)}.tips`
        expect(Number(row!.n)).toBe(1)
        // The staff accounts and sessions live in the same schema; the API answers from it.
        yield* addUser(running, "lan.officer", "ca-p-hoa-lu", ["officer"])
        const officer = yield* login(running, "lan.officer")
        const listed = yield* call(running, "GET", "/api/tips", { cookie: officer.cookie })
        expect(listed.json.tips.map((t: { code: string }) => t.code)).toEqual([tip.code])
        const [sessions] = yield* sql<{ readonly n: number }>`SELECT count(*) AS n FROM ${sql(schema)}.staff_sessions`
        expect(Number(sessions!.n)).toBe(1)
        expect((yield* call(running, "POST", "/api/logout", officer)).status).toBe(204)
        expect((yield* call(running, "GET", "/api/tips", { cookie: officer.cookie })).status).toBe(401)
      }),
    60_000
  )
})
