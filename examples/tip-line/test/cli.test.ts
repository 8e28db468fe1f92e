import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { SqlClient } from "@effect/sql/SqlClient"
import * as SqliteClient from "@effect/sql-sqlite-node/SqliteClient"
import { describe, expect, it } from "@effect/vitest"
import { Actor, Category, LocalDate, StatisticalPeriod, StatisticsExport, Tips, Unit, UnitChange } from "@tinbao/core"
import { SqlMigrations } from "@tinbao/sql"
import { Postgres } from "@tinbao/testkit/vitest"
import { DateTime, Effect, Either, Redacted } from "effect"
import * as Accounts from "../src/accounts.js"
import { storage } from "../src/cli/context.js"
import { run } from "../src/cli.js"
import * as Config from "../src/config.js"
import * as UnitsCsv from "../src/unitsCsv.js"
import { dataDir, password, pgSchema } from "./helpers.js"

const hoaLu = Unit.UnitId.make("ca-p-hoa-lu")
const unitsFile = Config.defaultUnitsFile

/** Runs a command line on a data folder (and any other variables). */
const tinbao = (env: Readonly<Record<string, string>>, ...args: ReadonlyArray<string>) =>
  run(args, { env, cwd: env.DATA_DIR ?? process.cwd() })

/** Runs an effect over the storage services of the data folder's database, as the CLI opens it. */
const onStorage = <A, E>(env: Readonly<Record<string, string>>, effect: Effect.Effect<A, E, Tips.Tips | SqlClient>) =>
  Effect.runPromise(
    Effect.gen(function* () {
      const config = yield* Either.mapLeft(Config.fromEnv(env, process.cwd()), (e) => new Error(e.message))
      return yield* Effect.provide(effect, storage(config))
    })
  )

/** A tip received at a unit today, by web form. */
const receiveTip = (unit: Unit.UnitId, summary: string) =>
  Effect.flatMap(Tips.Tips, (tips) =>
    tips.receive(Actor.make("test-officer", unit, ["officer"]), {
      unit,
      channel: "web",
      identity: Redacted.make({ channel: `web:${unit}`, platformUserId: `user-${summary}` }),
      reporterKind: "individual",
      legalType: "to_giac",
      category: Category.CategoryId.make("stolen_property"),
      summary
    })
  )

const today = () => LocalDate.ofInstant(DateTime.unsafeNow())

describe("tinbao", () => {
  it("without a command, or with an unknown one or a bad option, is a usage error: exit 2", async () => {
    const env = { DATA_DIR: dataDir() }
    const none = await tinbao(env)
    expect(none.exitCode).toBe(2)
    expect(none.stderr).toContain("serve, migrate, units, users, channels, report, backup")
    expect((await tinbao(env, "frobnicate")).exitCode).toBe(2)
    expect((await tinbao(env, "units", "export", "--format", "xml")).exitCode).toBe(2)
    const period = await tinbao(env, "report", "--unit", hoaLu, "--period", "2026-13")
    expect(period.exitCode).toBe(2)
    expect(period.stderr).toContain("--period 2026-13 is not a period")
    const month = await tinbao(env, "report", "--unit", hoaLu, "--period", "month:2026-13")
    expect(month.exitCode).toBe(2)
    // Nothing was opened for a command line that is wrong.
    expect(existsSync(join(env.DATA_DIR, "tinbao.sqlite"))).toBe(false)
  })

  it("says which part of a bad DATABASE_URL is wrong, and exits 1", async () => {
    const outcome = await tinbao({ DATA_DIR: dataDir(), DATABASE_URL: "mysql://u:p@127.0.0.1/x" }, "migrate")
    expect(outcome.exitCode).toBe(1)
    expect(outcome.stderr.trim()).toBe(
      "tinbao: DATABASE_URL's scheme is mysql://; tinbao's database is PostgreSQL: postgres:// or postgresql://."
    )
  })

  it("migrates an SQLite database, printing the schema version before and after", async () => {
    const env = { DATA_DIR: dataDir() }
    const first = await tinbao(env, "migrate")
    expect(first).toMatchObject({ exitCode: 0, stderr: "" })
    expect(first.stdout).toContain(`schema version 0 → ${SqlMigrations.latest}; staff tables ready.`)
    const again = await tinbao(env, "migrate")
    expect(again.stdout).toContain(`schema version ${SqlMigrations.latest}, up to date`)
    const tables = await onStorage(
      env,
      Effect.flatMap(SqlClient, (sql) => sql`SELECT count(*) AS n FROM staff_users`)
    )
    expect(Number(tables[0]?.n)).toBe(0)
  })

  it("a folder it may not write is named in the failure", async () => {
    const parent = dataDir()
    writeFileSync(join(parent, "file"), "")
    const outcome = await tinbao({ DATA_DIR: join(parent, "file", "data") }, "migrate")
    expect(outcome.exitCode).toBe(1)
    expect(outcome.stderr).toContain(`The data folder ${join(parent, "file", "data")} cannot be created or written`)
  })
})

describe("tinbao units", () => {
  it("imports units.json, exports it as JSON and CSV; each imports into a fresh database as the same directory", async () => {
    const env = { DATA_DIR: dataDir() }
    const imported = await tinbao(env, "units", "import", unitsFile)
    expect(imported.exitCode).toBe(0)
    const count = (JSON.parse(readFileSync(unitsFile, "utf8")) as ReadonlyArray<unknown>).length
    expect(imported.stdout).toContain(`Recorded ${count} unit changes from ${unitsFile} (0 already held)`)
    const json = await tinbao(env, "units", "export")
    expect(json.exitCode).toBe(0)
    expect(JSON.parse(json.stdout)).toEqual(JSON.parse(readFileSync(unitsFile, "utf8")))
    const csv = await tinbao(env, "units", "export", "--format", "csv")
    expect(csv.stdout.startsWith("\uFEFFchange,effective_date,legal_basis,unit,")).toBe(true)
    expect(csv.stdout.split("\r\n")).toHaveLength(count + 2)

    for (const [name, text] of [
      ["units.json", json.stdout],
      ["units.csv", csv.stdout]
    ] as const) {
      const fresh = { DATA_DIR: dataDir() }
      const file = join(fresh.DATA_DIR, name)
      writeFileSync(file, text)
      expect((await tinbao(fresh, "units", "import", name)).stdout).toContain(`Recorded ${count} unit changes`)
      expect((await tinbao(fresh, "units", "export")).stdout).toBe(json.stdout)
      expect((await tinbao(fresh, "units", "export", "--format", "csv")).stdout).toBe(csv.stdout)
      // Importing the same file again records nothing: the directory holds it.
      expect((await tinbao(fresh, "units", "import", file)).stdout).toContain(`Recorded 0 unit changes`)
    }
  })

  it("writes and reads every kind of change as CSV, quoting what needs it", () => {
    const common = { effectiveDate: LocalDate.unsafeMake("2026-01-01"), legalBasis: 'Quyết định "số 1", 2026' }
    const id = Unit.UnitId.make
    const changes: ReadonlyArray<UnitChange.UnitChange> = [
      UnitChange.Established.make({
        ...common,
        id: id("a"),
        kind: "commune",
        name: { vi: "Công an xã A, B", en: "A police" },
        remote: true
      }),
      UnitChange.Renamed.make({ ...common, unit: id("a"), name: { vi: "Công an xã A mới", en: "New A" } }),
      UnitChange.Reclassified.make({ ...common, unit: id("a"), kind: "ward", remote: false }),
      UnitChange.Split.make({ ...common, source: id("a"), into: [id("b"), id("c")], heir: id("b") }),
      UnitChange.Dissolved.make({ ...common, unit: id("c") })
    ]
    const text = Either.getOrThrow(UnitsCsv.write(changes))
    expect(text).toContain('"Quyết định ""số 1"", 2026"')
    expect(text).toContain(",b|c,b,")
    expect(Either.getOrThrow(UnitsCsv.read(text))).toEqual(changes)
    expect(UnitsCsv.write([UnitChange.Dissolved.make({ ...common, unit: id("x|y") })])).toEqual(
      Either.left({ at: "change 1", message: 'the unit id "x|y" holds "|", which CSV lists use' })
    )
    expect(
      UnitsCsv.read("change,effective_date,legal_basis,unit,new_parent\r\nDissolved,2026-01-01,x,a,b\r\n")
    ).toEqual(Either.left({ at: "line 2, column new_parent", message: "a Dissolved change has no new_parent" }))
  })

  it("a units file in error is named, with where in it and what", async () => {
    const env = { DATA_DIR: dataDir() }
    const changes = JSON.parse(readFileSync(unitsFile, "utf8")) as Array<Record<string, unknown>>
    changes[2] = { ...changes[2], kind: "county" }
    const json = join(env.DATA_DIR, "bad.json")
    writeFileSync(json, JSON.stringify(changes))
    const badJson = await tinbao(env, "units", "import", json)
    expect(badJson.exitCode).toBe(1)
    expect(badJson.stderr).toMatch(new RegExp(`^tinbao: The units file ${json} is invalid at 2\\.kind: `))

    const csv = join(env.DATA_DIR, "bad.csv")
    writeFileSync(
      csv,
      "change,effective_date,legal_basis,unit,kind,name_vi,name_en\r\n" +
        "Established,2020-01-01,Luật 37/2018/QH14,bca,ministry,Bộ Công an,Ministry of Public Security\r\n" +
        "Established,2020-01-01,Luật 37/2018/QH14,ca-x,county,Công an X,X police\r\n"
    )
    const badCsv = await tinbao(env, "units", "import", csv)
    expect(badCsv.exitCode).toBe(1)
    expect(badCsv.stderr).toMatch(new RegExp(`^tinbao: The units file ${csv} is invalid at line 3, column kind: `))

    const missing = await tinbao(env, "units", "import", "nowhere.json")
    expect(missing.exitCode).toBe(1)
    expect(missing.stderr).toContain(`The units file ${join(env.DATA_DIR, "nowhere.json")} cannot be read (ENOENT)`)
    // Nothing of a bad file was recorded.
    expect(JSON.parse((await tinbao(env, "units", "export")).stdout)).toEqual([])
  })
})

describe("tinbao users", () => {
  it("adds an account with the password on standard input; disabling it ends its sessions and its logins", async () => {
    const env = { DATA_DIR: dataDir() }
    const added = await run(["users", "add", "lan.officer", "--unit", hoaLu, "--role", "officer", "--role", "viewer"], {
      env,
      stdin: `${password}\n`
    })
    expect(added).toMatchObject({ exitCode: 0, stderr: "" })
    expect(added.stdout).toContain("Created lan.officer (officer, viewer) of ca-p-hoa-lu")
    expect(added.stdout).not.toContain(password)
    const session = await onStorage(
      env,
      Effect.gen(function* () {
        expect(yield* Accounts.checkPassword("lan.officer", Redacted.make(password))).toBe("lan.officer")
        return yield* Accounts.openSession("lan.officer")
      })
    )

    const disabled = await tinbao(env, "users", "disable", "lan.officer")
    expect(disabled.exitCode).toBe(0)
    expect(disabled.stdout).toContain("Disabled lan.officer: it cannot log in; 1 session ended.")
    await onStorage(
      env,
      Effect.gen(function* () {
        expect(yield* Accounts.checkPassword("lan.officer", Redacted.make(password))).toBeUndefined()
        expect(yield* Accounts.findSession(session.id)).toBeUndefined()
      })
    )
    const nobody = await tinbao(env, "users", "disable", "nobody")
    expect(nobody.exitCode).toBe(1)
    expect(nobody.stderr.trim()).toBe("tinbao: There is no user nobody.")
  })

  it("refuses an account without a password, a short one, or of a unit that does not hold", async () => {
    const env = { DATA_DIR: dataDir() }
    const none = await tinbao(env, "users", "add", "lan", "--unit", hoaLu, "--role", "officer")
    expect(none.exitCode).toBe(2)
    expect(none.stderr).toContain("No password")
    const short = await run(["users", "add", "lan", "--unit", hoaLu, "--role", "officer"], { env, stdin: "short\n" })
    expect(short.exitCode).toBe(1)
    expect(short.stderr).toContain("12 characters or more")
    const closed = await run(["users", "add", "lan", "--unit", "ca-p-van-giang", "--role", "officer"], {
      env: { ...env, TINBAO_PASSWORD: password }
    })
    expect(closed.exitCode).toBe(1)
    expect(closed.stderr).toContain("No unit ca-p-van-giang holds today")
    expect((await tinbao(env, "users", "add", "lan", "--role", "officer")).exitCode).toBe(2)
  })
})

describe("tinbao channels", () => {
  it("lists the server's channels; binds a conversation to a unit that holds today, and unbinds it", async () => {
    const env = { DATA_DIR: dataDir() }
    const listed = await tinbao(env, "channels", "list")
    expect(listed.exitCode).toBe(0)
    const line = (text: string, channel: string) => text.split("\n").find((l) => l.startsWith(`${channel} `))
    expect(line(listed.stdout, "web:ca-p-hoa-lu")).toMatch(/sandbox\s+ca-p-hoa-lu\s+—\s+—$/)
    expect(line(listed.stdout, "zalo-oa:sandbox-ca-p-hoa-lu")).toMatch(/sandbox\s+ca-p-hoa-lu\s+—\s+missing$/)
    // The server's bots too, named as the server names them; a bot's token is configuration, not a credential.
    expect(line(listed.stdout, "zalo-bot:sandbox-ca-p-hoa-lu")).toMatch(/sandbox\s+ca-p-hoa-lu\s+—\s+—$/)
    expect(line(listed.stdout, "facebook:sandbox-ca-p-nam-hoa-lu")).toMatch(/ca-p-nam-hoa-lu\s+—\s+missing$/)

    const channel = "zalo-oa:sandbox-ca-p-hoa-lu"
    const bound = await tinbao(env, "channels", "bind", channel, "ca-p-nam-hoa-lu", "--conversation", "group-7")
    expect(bound).toMatchObject({ exitCode: 0, stdout: `Bound ${channel} #group-7 to ca-p-nam-hoa-lu.\n` })
    const whole = await tinbao(env, "channels", "bind", channel, "ca-p-hoa-lu")
    expect(whole.exitCode).toBe(0)
    const after = (await tinbao(env, "channels", "list")).stdout
    expect(line(after, `${channel} #group-7`)).toMatch(/conversation\s+ca-p-nam-hoa-lu$/)
    expect(line(after, channel)).toMatch(/ca-p-hoa-lu\s+ca-p-hoa-lu\s+missing$/)

    const unbound = await tinbao(env, "channels", "unbind", channel, "--conversation", "group-7")
    expect(unbound).toMatchObject({ exitCode: 0, stdout: `Unbound ${channel} #group-7.\n` })
    expect(line((await tinbao(env, "channels", "list")).stdout, `${channel} #group-7`)).toBeUndefined()
    const again = await tinbao(env, "channels", "unbind", channel, "--conversation", "group-7")
    expect(again.exitCode).toBe(1)
    expect(again.stderr.trim()).toBe(`tinbao: ${channel} #group-7 is not bound.`)
  })

  it("refuses a unit that does not hold today, and a channel the server does not have", async () => {
    const env = { DATA_DIR: dataDir() }
    const closed = await tinbao(env, "channels", "bind", "web:ca-p-hoa-lu", "ca-p-van-giang", "--conversation", "x")
    expect(closed.exitCode).toBe(1)
    expect(closed.stderr.trim()).toBe("tinbao: No unit ca-p-van-giang holds today in the directory.")
    const unknown = await tinbao(env, "channels", "bind", "zalo-oa:12345", hoaLu)
    expect(unknown.exitCode).toBe(1)
    expect(unknown.stderr).toContain("This server has no channel zalo-oa:12345")
    expect((await tinbao(env, "channels", "bind", "web:ca-p-hoa-lu")).exitCode).toBe(2)
  })
})

describe("tinbao report and backup", () => {
  it("reports a unit's tips in a period as a table, CSV and JSON", async () => {
    const env = { DATA_DIR: dataDir() }
    expect((await tinbao(env, "units", "import", unitsFile)).exitCode).toBe(0)
    await onStorage(env, Effect.all([receiveTip(hoaLu, "Mất trộm xe máy"), receiveTip(hoaLu, "Trộm chó")]))
    const now = today()
    const range = `${LocalDate.addDays(now, -3)}..${now}`
    const police = StatisticalPeriod.policeYearOf(now)

    const json = await tinbao(env, "report", "--unit", hoaLu, "--period", range, "--format", "json")
    expect(json.exitCode).toBe(0)
    const report = Either.getOrThrow(StatisticsExport.fromJson(json.stdout))
    expect(report.root.id).toBe(hoaLu)
    expect(report.total.receivedInPeriod).toBe(2)
    expect(report.period).toMatchObject({ first: LocalDate.addDays(now, -3), last: now })

    const csv = await tinbao(env, "report", "--unit", hoaLu, "--period", `police-year:${police}`, "--format", "csv")
    const [header, total] = StatisticsExport.parseCsv(csv.stdout)
    expect(total?.[header!.indexOf("Tiếp nhận (received)")]).toBe("2")

    const grouped = await tinbao(env, "report", "--unit", "ca-tinh-ninh-binh", "--period", range, "--group-by", "unit")
    expect(grouped.exitCode).toBe(0)
    expect(grouped.stdout).toContain("Công an tỉnh Ninh Bình (ca-tinh-ninh-binh)")
    expect(grouped.stdout).toMatch(/Công an phường Hoa Lư/)
    expect(grouped.stdout).toMatch(/\nTiếp nhận \(received\)\s+.*\s2$/m)

    const table = await tinbao(env, "report", "--unit", hoaLu, "--period", range)
    expect(table.stdout).toMatch(/\nTiếp nhận \(received\)\s+2\n/)
    expect(table.stdout).not.toContain("Mất trộm")

    const future = await tinbao(env, "report", "--unit", hoaLu, "--period", `year:${Number(now.slice(0, 4)) + 2}`)
    expect(future.exitCode).toBe(2)
    const elsewhere = await tinbao(env, "report", "--unit", "ca-nowhere", "--period", range)
    expect(elsewhere.exitCode).toBe(2)
  })

  it("backs the SQLite database up to a new file that holds the same tips, and never overwrites one", async () => {
    const env = { DATA_DIR: dataDir() }
    expect((await tinbao(env, "units", "import", unitsFile)).exitCode).toBe(0)
    const tips = await onStorage(env, Effect.all([receiveTip(hoaLu, "a"), receiveTip(hoaLu, "b")]))
    const file = join(dataDir(), "backup.sqlite")
    const outcome = await tinbao(env, "backup", file)
    expect(outcome.exitCode).toBe(0)
    expect(outcome.stdout).toContain(`to ${file}`)
    const copied = await Effect.runPromise(
      Effect.flatMap(SqlClient, (sql) => sql<{ readonly tip: string }>`SELECT tip FROM tips ORDER BY tip`).pipe(
        Effect.provide(SqliteClient.layer({ filename: file }))
      )
    )
    expect(copied.map((row) => row.tip)).toEqual(tips.map((tip) => tip.id).sort())

    const size = statSync(file).size
    const again = await tinbao(env, "backup", file)
    expect(again.exitCode).toBe(1)
    expect(again.stderr.trim()).toBe(`tinbao: ${file} exists: a backup never overwrites a file; name a new one.`)
    expect(statSync(file).size).toBe(size)
    const nowhere = await tinbao(env, "backup", join(dataDir(), "missing", "b.sqlite"))
    expect(nowhere.exitCode).toBe(1)
    expect(nowhere.stderr).toContain("does not exist")
  })

  it("on PostgreSQL, prints the pg_dump to run without the password, and exits 1", async () => {
    const outcome = await tinbao(
      { DATA_DIR: dataDir(), DATABASE_URL: "postgres://tinbao:s3cret-pw@127.0.0.1:5433/tips" },
      "backup",
      "/tmp/tips.dump"
    )
    expect(outcome.exitCode).toBe(1)
    expect(outcome.stderr).toContain(
      "pg_dump --format=custom --file=/tmp/tips.dump --host=127.0.0.1 --port=5433 --username=tinbao tips"
    )
    expect(outcome.stderr).not.toContain("s3cret-pw")
  })
})

const pg = await Postgres.check()

Postgres.describe(pg, "tinbao on PostgreSQL", () => {
  const { schema, url, onServer } = pgSchema(pg, "tip_line_cli")

  it("migrates a fresh schema and reports its tips", async () => {
    await onServer((sql) => sql`CREATE SCHEMA ${sql(schema)}`)
    const env = { DATA_DIR: dataDir(), DATABASE_URL: url }
    const migrated = await tinbao(env, "migrate")
    expect(migrated.exitCode).toBe(0)
    expect(migrated.stdout).toContain(`PostgreSQL, database test at ${pg.host}:${pg.port}: schema version 0 → `)
    expect((await tinbao(env, "units", "import", unitsFile)).exitCode).toBe(0)
    await onStorage(env, receiveTip(hoaLu, "Trộm chó"))
    const now = today()
    const json = await tinbao(env, "report", "--unit", hoaLu, "--period", `${now}..${now}`, "--format", "json")
    expect(Either.getOrThrow(StatisticsExport.fromJson(json.stdout)).total.receivedInPeriod).toBe(1)
  }, 60_000)
})
