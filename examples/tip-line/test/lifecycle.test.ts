import { chmodSync, readFileSync, statSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { SqlClient } from "@effect/sql/SqlClient"
import { describe, expect, it } from "@effect/vitest"
import { IdentityVault, Unit } from "@tinbao/core"
import { SqlMigrations } from "@tinbao/sql"
import { WebFormChannel } from "@tinbao/web"
import { Effect, Either, Redacted } from "effect"
import * as Config from "../src/config.js"
import * as Secrets from "../src/secrets.js"
import { dataDir, get, post, start, theTip } from "./helpers.js"

const hoaLu = Unit.UnitId.make("ca-p-hoa-lu")

describe("the tip-line server across restarts", () => {
  it.live(
    "makes secrets.json once (mode 0600) and reuses it: a reporter sealed before a restart is revealed after it",
    () =>
      Effect.gen(function* () {
        const dir = dataDir()
        const file = join(dir, "secrets.json")
        const alias = yield* Effect.scoped(
          Effect.gen(function* () {
            const running = yield* start({ DATA_DIR: dir })
            expect(running.unitsRecorded).toBeGreaterThan(100)
            const secrets = yield* Secrets.load(dir)
            const delivery = WebFormChannel.delivery(Redacted.make(secrets.web.secret), {
              events: [
                {
                  type: "message",
                  id: "wf-r1",
                  sender: { id: "wf-user-9", name: "Trần Thị B" },
                  time: Date.now(),
                  text: "Cháy"
                }
              ]
            })
            expect((yield* post(running, "web:ca-p-hoa-lu", delivery)).status).toBe(200)
            return (yield* theTip(running, hoaLu)).tip.alias
          })
        )
        expect(statSync(file).mode & 0o777).toBe(0o600)
        const before = readFileSync(file, "utf8")
        yield* Effect.scoped(
          Effect.gen(function* () {
            const running = yield* start({ DATA_DIR: dir })
            // The units are recorded once: the second start finds them all there.
            expect(running.unitsRecorded).toBe(0)
            const vault = yield* Effect.provide(IdentityVault.IdentityVault, running.services)
            const identity = Redacted.value(yield* vault.reveal(alias))
            expect(identity.platformUserId).toBe("wf-user-9")
          })
        )
        expect(readFileSync(file, "utf8")).toBe(before)
      }),
    60_000
  )

  it.live("refuses a secrets file that others may read", () =>
    Effect.gen(function* () {
      const dir = dataDir()
      yield* Secrets.load(dir)
      const file = join(dir, "secrets.json")
      chmodSync(file, 0o644)
      const error = yield* Effect.flip(Secrets.load(dir))
      expect(error.message).toContain(`chmod 600 ${file}`)
    })
  )

  it.live(
    "refuses a database whose units are not the units file's",
    () =>
      Effect.gen(function* () {
        const dir = dataDir()
        yield* Effect.scoped(start({ DATA_DIR: dir }))
        const changes = JSON.parse(readFileSync(Config.defaultUnitsFile, "utf8")) as Array<{ name?: object }>
        changes[0]!.name = { vi: "Bộ Công an (sửa)", en: "Ministry of Public Security (edited)" }
        const other = join(dir, "other-units.json")
        writeFileSync(other, JSON.stringify(changes))
        const error = yield* Effect.flip(Effect.scoped(start({ DATA_DIR: dir, UNITS_FILE: other })))
        expect(error.message).toContain("unit change 1 is not the one in")
        expect(error.message).toContain(other)
      }),
    30_000
  )

  it.scopedLive("/health answers while the process is up; /ready says whether the schema is this server's", () =>
    Effect.gen(function* () {
      const running = yield* start({ DATA_DIR: dataDir() })
      expect(yield* get(`${running.url}/health`)).toEqual({ status: 200, body: '{"status":"ok"}' })
      expect(yield* get(`${running.url}/ready`)).toEqual({ status: 200, body: '{"status":"ready"}' })
      // A newer server migrated the database meanwhile: this one is not ready for it.
      const sql = yield* Effect.provide(SqlClient, running.services)
      const newer = SqlMigrations.latest + 1
      yield* sql`INSERT INTO ${sql(SqlMigrations.table)} (migration_id, name, created_at) VALUES (${newer}, 'newer', ${new Date().toISOString()})`
      const ready = yield* get(`${running.url}/ready`)
      expect(ready.status).toBe(503)
      expect(JSON.parse(ready.body)).toEqual({
        status: "not_ready",
        reason: `the schema is at version ${newer}, this server's is ${SqlMigrations.latest}`
      })
    })
  )
})

describe("the tip-line server's configuration", () => {
  const problem = (env: Record<string, string>) =>
    Either.match(Config.fromEnv(env, "/srv/tip-line"), { onLeft: (e) => e.message, onRight: () => undefined })

  it("names the part of a malformed DATABASE_URL, never its password", () => {
    const cases: ReadonlyArray<readonly [string, string]> = [
      ["mysql://officer:s3cret@127.0.0.1/tinbao", "scheme is mysql://"],
      ["officer:s3cret@127.0.0.1/tinbao", "must start with postgres://"],
      ["postgres://officer:s3cret@127.0.0.1:99999/tinbao", "port is not a number from 1 to 65535"],
      ["postgres://officer:s3cret@/tinbao", "names no host"],
      ["postgres://officer:s3cret@127.0.0.1:5432", "names no database"],
      ["postgres://officer:s3cret@[::1/tinbao", "cannot be read as a URL"]
    ]
    for (const [url, says] of cases) {
      const message = problem({ DATABASE_URL: url })
      expect(message, url).toContain(says)
      expect(message, url).not.toContain("s3c")
    }
    expect(Config.fromEnv({ DATABASE_URL: "postgresql://officer:s3cret@127.0.0.1/tinbao" }, "/srv")).toMatchObject({
      _tag: "Right",
      right: { database: { _tag: "Pg" } }
    })
  })

  it("defaults: 127.0.0.1:8080, SQLite in ./data/tip-line, every platform in sandbox mode", () => {
    const config = Either.getOrThrow(Config.fromEnv({}, "/srv/tip-line"))
    expect(config).toMatchObject({
      host: "127.0.0.1",
      port: 8080,
      dataDir: "/srv/tip-line/data/tip-line",
      database: { _tag: "Sqlite", filename: "/srv/tip-line/data/tip-line/tinbao.sqlite" },
      web: undefined,
      zalo: undefined,
      zaloBots: undefined,
      facebook: undefined
    })
    expect(problem({ PORT: "80a" })).toContain("PORT")
    expect(problem({ ZALO_APP_ID: "2071450329" })).toContain("ZALO_APP_SECRET, ZALO_OA_SECRET_KEY")
    expect(problem({ TINBAO_WEB_SECRET: "long-enough-secret", TINBAO_WEB_REPLY_URL: "ftp://site" })).toContain(
      "TINBAO_WEB_REPLY_URL"
    )
    expect(
      problem({
        FACEBOOK_APP_SECRET: "app-secret-1",
        FACEBOOK_VERIFY_TOKEN: "verify-token-1",
        FACEBOOK_GRAPH_URL: "http://127.0.0.1:9",
        FACEBOOK_PAGES: "ca-p-hoa-lu"
      })
    ).toContain("FACEBOOK_PAGES must list unit=id pairs")
  })

  it.live(
    "a configured platform leaves the sandbox; its accounts must name wards or communes that hold today",
    () =>
      Effect.gen(function* () {
        const web = { TINBAO_WEB_SECRET: "the-police-site-secret", TINBAO_WEB_REPLY_URL: "http://127.0.0.1:9/replies" }
        const zalo = {
          ZALO_APP_ID: "2071450329",
          ZALO_APP_SECRET: "zalo-app-secret",
          ZALO_OA_SECRET_KEY: "zalo-oa-secret-key",
          ZALO_API_URL: "http://127.0.0.1:9",
          ZALO_OAUTH_URL: "http://127.0.0.1:9",
          ZALO_OAS: "ca-p-hoa-lu=1001,ca-p-van-giang=1002"
        }
        // Vân Giang ward merged into Hoa Lư on 1 July 2025: it takes no tips.
        const refused = yield* Effect.flip(Effect.scoped(start({ DATA_DIR: dataDir(), ...web, ...zalo })))
        expect(refused.message).toBe(
          "ZALO_OAS names ca-p-van-giang, which is not a ward or commune of the units file today."
        )
        const platforms = yield* Effect.scoped(
          Effect.map(start({ DATA_DIR: dataDir(), ...web, ...zalo, ZALO_OAS: "ca-p-hoa-lu=1001" }), (r) => r.platforms)
        )
        expect(platforms.map((p) => [p.label, p.sandbox])).toEqual([
          ["Web forms", false],
          ["Zalo OAs", false],
          ["Facebook pages", true],
          ["Zalo bots", true]
        ])
        expect(platforms[1]!.bound).toEqual([{ channel: "zalo-oa:1001", unit: "ca-p-hoa-lu" }])
      }),
    30_000
  )

  it.live("an unwritable data folder is named in the error", () =>
    Effect.gen(function* () {
      const file = join(dataDir(), "a-file")
      writeFileSync(file, "")
      const error = yield* Effect.flip(Effect.scoped(start({ DATA_DIR: join(file, "data") })))
      expect(error.message).toBe(
        `The data folder ${join(file, "data")} cannot be created or written (a part of the path is a file, not a folder): set DATA_DIR to a folder this user can write.`
      )
    })
  )
})
