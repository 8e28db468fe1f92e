/**
 * Two server processes on one PostgreSQL database, as a deployment with two instances behind a load balancer runs
 * them: started at the same moment (their start-ups race through the migrations, the units, the staff tables, the
 * bindings and the credentials), then taking deliveries that each platform may send to either of them, and again to
 * the other. Every message must become exactly one tip, numbered without gaps, and each reply must go out once.
 */
import { randomBytes } from "node:crypto"
import { SqlClient } from "@effect/sql/SqlClient"
import * as PgClient from "@effect/sql-pg/PgClient"
import { afterAll, expect, it } from "@effect/vitest"
import { Calendar, UnitDirectory, VaultKey } from "@tinbao/core"
import { SqlStorage } from "@tinbao/sql"
import { Postgres } from "@tinbao/testkit/vitest"
import { Effect, Layer, Redacted } from "effect"
import * as Config from "../src/config.js"
import * as Secrets from "../src/secrets.js"
import * as Units from "../src/units.js"
import { dataDir, eventually, webForm } from "./helpers.js"
import { portOf, type Run, run, sandboxOf } from "./processes.js"

const pg = await Postgres.check()

/** How many messages are sent; each reaches both instances. */
const messages = 40
const units = ["ca-p-hoa-lu", "ca-p-nam-hoa-lu", "ca-p-tay-hoa-lu"]

Postgres.describe(pg, "two tip-line instances on one PostgreSQL database", () => {
  const database = `tl_${randomBytes(6).toString("hex")}`
  const admin = `postgres://postgres@${pg.host}:${pg.port}/test`
  const url = `postgres://postgres@${pg.host}:${pg.port}/${database}`
  const on = <A>(where: string, statement: (sql: SqlClient) => Effect.Effect<A, unknown>) =>
    Effect.flatMap(SqlClient, statement).pipe(
      Effect.scoped,
      Effect.provide(PgClient.layer({ url: Redacted.make(where) }))
    )
  const servers: Array<Run> = []
  afterAll(async () => {
    for (const server of servers) server.child.kill("SIGKILL")
    await Promise.all(servers.map((server) => server.exited))
    await Effect.runPromise(on(admin, (sql) => sql`DROP DATABASE IF EXISTS ${sql(database)} WITH (FORCE)`))
  })

  it.live(
    "start together, take every delivery sent to both once: no duplicate tip, no gap in a register, each reply sent once",
    () =>
      Effect.gen(function* () {
        yield* on(admin, (sql) => sql`CREATE DATABASE ${sql(database)}`)
        // One data folder for both: the same vault keys and sandbox secrets, as a shared secret store would give.
        const dir = dataDir()
        const secrets = yield* Secrets.load(dir)
        const env = { DATA_DIR: dir, DATABASE_URL: url }
        servers.push(run(env), run(env))
        const bases = yield* Effect.promise(() =>
          Promise.all(servers.map(async (server) => `http://127.0.0.1:${await portOf(server)}`))
        )
        const sandboxes = yield* Effect.promise(() => Promise.all(servers.map(sandboxOf)))

        // Message i goes to instance i % 2 and, at the same time, to the other: a redelivery across instances.
        const post = (base: string, channel: string, delivery: ReturnType<typeof webForm>) =>
          Effect.promise(async () => {
            const answer = await fetch(`${base}/webhooks/${channel}`, {
              method: delivery.method,
              headers: delivery.headers,
              body: delivery.body
            })
            await answer.arrayBuffer()
            return answer.status
          })
        const statuses = yield* Effect.forEach(
          Array.from({ length: messages }, (_, i) => i),
          (i) => {
            const delivery = webForm(
              secrets.web.secret,
              `wf-inst-${i}`,
              `wf-inst-user-${i}`,
              `Tin báo số ${i}: trộm xe`
            )
            const channel = `web:${units[i % units.length]}`
            return Effect.all([post(bases[i % 2]!, channel, delivery), post(bases[(i + 1) % 2]!, channel, delivery)], {
              concurrency: 2
            })
          },
          { concurrency: 8 }
        )
        expect(statuses.flat().filter((status) => status !== 200)).toEqual([])

        // Both instances drain: every message is a tip, and every reply is out of the outbox.
        const settled = yield* eventually(
          on(url, (sql) =>
            Effect.gen(function* () {
              const received = yield* sql<{ readonly event: string }>`SELECT event FROM tip_events`
              const tips = received.map((row) => JSON.parse(row.event)).filter((event) => event._tag === "TipReceived")
              const outbox = yield* sql<{
                readonly key: string
                readonly status: string
              }>`SELECT key, status FROM outbox`
              if (tips.length < messages || outbox.some((entry) => entry.status !== "sent")) {
                return yield* Effect.fail(`${tips.length} tips, ${outbox.length} replies so far`)
              }
              const register = yield* sql<{ readonly unit: string; readonly year: number; readonly number: number }>`
                SELECT unit, year, number FROM register_entries ORDER BY unit, year, number`
              return { tips, outbox, register }
            })
          )
        )

        // No duplicate tip: each message's text is the summary of one tip, and no other.
        expect(settled.tips).toHaveLength(messages)
        const summaries = settled.tips.map((tip) => /Tin báo số (\d+)/.exec(tip.summary)?.[1])
        expect(new Set(summaries).size).toBe(messages)
        // Each unit's register this year is numbered 1, 2, 3… without a gap or a repeat.
        const byUnit = new Map<string, Array<number>>()
        for (const entry of settled.register) {
          const key = `${entry.unit}/${entry.year}`
          byUnit.set(key, [...(byUnit.get(key) ?? []), Number(entry.number)])
        }
        for (const numbers of byUnit.values()) expect(numbers).toEqual(numbers.map((_, i) => i + 1))
        expect(settled.register).toHaveLength(messages)
        // Each outbox entry was sent once: the two sandboxes together took as many replies as there are entries,
        // none of them twice.
        const sent = yield* Effect.promise(() =>
          Promise.all(
            sandboxes.map(
              async (sandbox) => (await (await fetch(`${sandbox}/sent`)).json()) as Array<{ to: string; text: string }>
            )
          )
        )
        const all = sent.flat()
        expect(all).toHaveLength(settled.outbox.length)
        expect(new Set(all.map((reply) => `${reply.to}\n${reply.text}`)).size).toBe(all.length)
        expect(new Set(settled.outbox.map((entry) => entry.key)).size).toBe(settled.outbox.length)
        expect(settled.outbox.length).toBeGreaterThanOrEqual(messages)
      }),
    90_000
  )

  it.live(
    "instances recording the units file at the same moment each start, and the directory holds the file once",
    () =>
      Effect.gen(function* () {
        const schema = `tl_units_${randomBytes(6).toString("hex")}`
        yield* on(admin, (sql) => sql`CREATE SCHEMA ${sql(schema)}`)
        const inSchema = `${admin}?options=${encodeURIComponent(`-c search_path=${schema}`)}`
        const vault = { keys: { k: VaultKey.generate() }, currentKeyId: "k", fingerprintKey: VaultKey.generate() }
        // Each instance has a storage of its own (its own connections, migrating first), as a process would.
        const storage = SqlStorage.layerPg({ url: Redacted.make(inSchema), vault }).pipe(
          Layer.provide(Calendar.layerVietnam)
        )
        const changes = yield* Units.load(Config.defaultUnitsFile)
        const checked = Effect.gen(function* () {
          const recorded = yield* Effect.all(
            Array.from({ length: 8 }, () => Effect.provide(Units.record(Config.defaultUnitsFile, changes), storage)),
            { concurrency: "unbounded" }
          )
          const stored = yield* Effect.provide(
            Effect.flatMap(UnitDirectory.UnitDirectory, (directory) => directory.changes),
            storage
          )
          return { recorded, stored }
        })
        const { recorded, stored } = yield* checked.pipe(
          Effect.ensuring(Effect.ignore(on(admin, (sql) => sql`DROP SCHEMA ${sql(schema)} CASCADE`)))
        )
        // One recorded the file, the others found it there (or the rest of it): the file's changes, once.
        expect(recorded.reduce((sum, n) => sum + n, 0)).toBe(changes.length)
        expect(stored).toHaveLength(changes.length)
      }),
    60_000
  )
})
