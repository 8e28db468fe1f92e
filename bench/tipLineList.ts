/**
 * The tip-line's list (`GET /api/tips`, through `Tips.page`) on the SQL storage with many tips: the first page and
 * a deep page (a cursor 90 % of the way in), 50 tips each, for the city police (every unit: read from the index on
 * (register_year, register_number, tip)) and for one ward (read from the ward's index), at 10,000 and 1,000,000
 * tips, on SQLite and (when it answers) PostgreSQL; and how each time grows from the smallest size to the largest.
 * The same pages are also timed through real HTTP: the tip-line server (`Server.start`, in this process on
 * 127.0.0.1, any port) on the loaded database, with a units file of the changes the bench recorded and the bench's
 * vault keys, a staff user for the city and one for the ward, logged in; `GET /api/tips?limit=50` and the cursor of
 * the deep page, timed with `fetch` up to the parsed JSON (the `HTTP …` rows).
 *
 * The tips are loaded fast: each tip's one event (received, by 4 of the city's wards in 2023–2025, numbered per
 * ward and year) and its `tips` row are bulk-inserted with the raw drivers into a database the migrations made, as
 * after importing an archive; intake would take hours and measure intake. PostgreSQL is analysed after the load
 * (autovacuum would do it); SQLite is not, so its plans are those a new database gets.
 *
 * Goal: at most 2× the time from 10k to 1M (the growth rows' baseline is that 2, their ratio 2 ÷ growth, so ≥ 1
 * meets it). Each size's page rows have the smallest size's time as baseline; at the smallest size a row compares
 * the first page with what the list did before (`Tips.list`, every tip decoded, then paged in memory).
 * Run alone: `node --conditions=@tinbao/source --import tsx bench/tipLineList.ts` (BENCH_LIST_SIZES=10000,1000000
 * sets the sizes, BENCH_LIST_PG=0 skips PostgreSQL). At the default sizes it takes about 4 minutes on 2 cores, most
 * of it loading the million tips into each database.
 */

import { randomBytes } from "node:crypto"
import { writeFileSync } from "node:fs"
import { join } from "node:path"
import { pathToFileURL } from "node:url"
import {
  Actor,
  Calendar,
  Category,
  IdentityVault,
  Tip,
  TipEvent,
  type TipStore,
  Tips,
  UnitDirectory
} from "@tinbao/core"
import { SqlStorage } from "@tinbao/sql"
import { NinhBinh } from "@tinbao/testkit"
import { DateTime, Effect, Either, Exit, Layer, ManagedRuntime, Redacted, Schema, Scope } from "effect"
import * as Accounts from "../examples/tip-line/src/accounts.js"
import * as Config from "../examples/tip-line/src/config.js"
import * as Server from "../examples/tip-line/src/server.js"
import * as TipQuery from "../examples/tip-line/src/tipQuery.js"
import * as Units from "../examples/tip-line/src/units.js"
import { migratedPg, migratedSqlite, pgReachable, withEverySize, withPgSchema, withTempDir } from "./databases.js"
import { collect, median, type Result, result, round, table } from "./result.js"

export type { Result } from "./result.js"

const LIMIT = 50
const RUNS = 25
const WARMUP = 3
const CHUNK = 10_000
const YEARS = [2023, 2024, 2025] as const

const wards = NinhBinh.cityUnitIds.slice(0, 4)
const city = Actor.make("bench-city", NinhBinh.unitIds.city, ["leader"])
const ward = Actor.make("bench-ward", wards[0]!, ["officer"])

/** A `tips` row and its one event, as the store writes them. */
interface Row {
  readonly tip: string
  readonly unit: string
  readonly receivedAt: number
  readonly year: number
  readonly number: number
  readonly event: string
}

const encode = Schema.encodeSync(TipEvent.TipEvent)

// One event encoded by the schema; the others are it with their own tip, time, unit and register entry, which is
// what makes loading a million of them take seconds rather than minutes. Pages decode the tips they show, so a
// wrong event would fail the run.
const template = encode(
  new TipEvent.TipReceived({
    tip: Tip.TipId.make("template"),
    at: DateTime.unsafeMake(Date.UTC(2023, 0, 1)),
    by: Actor.ActorId.make("system:intake"),
    unit: wards[0]!,
    code: "B-2023-0001",
    registerNumber: 1,
    registerYear: 2023,
    channel: "web",
    channelId: "web:bench",
    reporterKind: "individual",
    alias: IdentityVault.AliasId.make("AL-0123456789ABCDEF"),
    legalType: "tin_bao",
    category: Category.CategoryId.make("crime"),
    summary: "Mất trộm xe máy trước cổng chợ."
  })
) as Record<string, unknown>

/** Tip `n` of `size`: wards in turn, each ward's tips numbered from 1 in each year, a third of them a year. */
const rowOf = (n: number, size: number): Row => {
  const unit = wards[n % wards.length]!
  const k = Math.floor(n / wards.length)
  const perYear = Math.ceil(size / wards.length / YEARS.length)
  const year = YEARS[Math.min(Math.floor(k / perYear), YEARS.length - 1)]!
  const number = (k % perYear) + 1
  const receivedAt = Date.UTC(year, 0, 1) + Math.floor((number * 364 * 24 * 3600 * 1000) / (perYear + 1))
  const tip = `tip_b${String(n).padStart(8, "0")}`
  const event = JSON.stringify({
    ...template,
    tip,
    at: new Date(receivedAt).toISOString(),
    unit,
    code: `B${n % wards.length}-${year}-${number}`,
    registerNumber: number,
    registerYear: year
  })
  return { tip, unit, receivedAt, year, number, event }
}

const chunks = function* (size: number) {
  for (let start = 0; start < size; start += CHUNK) {
    yield Array.from({ length: Math.min(CHUNK, size - start) }, (_, i) => rowOf(start + i, size))
  }
}

/**
 * Fresh vault keys shared by the bench's storage and the server it starts on the same database: the server takes
 * them from TINBAO_VAULT_KEY and TINBAO_FINGERPRINT_KEY and names the key "env" (`Server.vaultOf`).
 */
const sharedVault = () => {
  const key = randomBytes(32).toString("base64")
  const fingerprint = randomBytes(32).toString("base64")
  return {
    vault: {
      keys: { env: Redacted.make(key) },
      currentKeyId: "env",
      fingerprintKey: Redacted.make(fingerprint)
    } satisfies SqlStorage.Config["vault"],
    env: { TINBAO_VAULT_KEY: key, TINBAO_FINGERPRINT_KEY: fingerprint }
  }
}

interface Backend {
  readonly name: string
  /** The server's data folder, and the variables that point it at this database with this vault. */
  readonly dataDir: string
  readonly env: Readonly<Record<string, string>>
  readonly storage: Layer.Layer<SqlStorage.Services, unknown>
  readonly load: (rows: ReadonlyArray<Row>) => Promise<void>
  readonly finish: () => Promise<void>
  /** The key of the tip `offset` places into the pages' order, among all tips or one unit's. */
  readonly keyAt: (offset: number, unit?: string) => Promise<TipStore.PageKey>
  readonly close: () => Promise<void>
}

const keyOf = (row: Record<string, unknown>): TipStore.PageKey => ({
  registerYear: Number(row.register_year),
  registerNumber: Number(row.register_number),
  id: Tip.TipId.make(String(row.tip))
})

const order = "ORDER BY register_year DESC, register_number DESC, tip DESC"

const sqlite = (use: (b: Backend) => Promise<void>) =>
  withTempDir(async (dir) => {
    // The file the server opens in its data folder.
    const filename = join(dir, "tinbao.sqlite")
    const shared = sharedVault()
    const storage = SqlStorage.layerSqlite({ filename, vault: shared.vault, synchronous: "normal" })
    // The schema must exist before the raw connection writes: storage migrates it first.
    const db = await migratedSqlite(filename, storage)
    const event = db.prepare("INSERT INTO tip_events (tip, version, event) VALUES (?, 1, ?)")
    const listing = db.prepare(`INSERT INTO tips (tip, unit, received_at, open, register_year, register_number,
      status, channel, channel_id, category) VALUES (?, ?, ?, 1, ?, ?, 'received', 'web', 'web:bench', 'crime')`)
    const load = db.transaction((rows: ReadonlyArray<Row>) => {
      for (const r of rows) {
        event.run(r.tip, r.event)
        listing.run(r.tip, r.unit, r.receivedAt, r.year, r.number)
      }
    })
    try {
      await use({
        name: "sqlite",
        dataDir: dir,
        env: shared.env,
        storage,
        load: async (rows) => void load(rows),
        finish: async () => void db.pragma("wal_checkpoint(TRUNCATE)"),
        keyAt: async (offset, unit) =>
          keyOf(
            (unit === undefined
              ? db.prepare(`SELECT register_year, register_number, tip FROM tips ${order} LIMIT 1 OFFSET ?`).get(offset)
              : db
                  .prepare(
                    `SELECT register_year, register_number, tip FROM tips WHERE unit = ? ${order} LIMIT 1 OFFSET ?`
                  )
                  .get(unit, offset)) as Record<string, unknown>
          ),
        close: async () => db.close()
      })
    } finally {
      db.close()
    }
  })

const postgres = (use: (b: Backend) => Promise<void>) =>
  withPgSchema(async (_schema, url) =>
    withTempDir(async (dir) => {
      const shared = sharedVault()
      const storage = SqlStorage.layerPg({ url, vault: shared.vault })
      const pool = await migratedPg(url, storage)
      const column = <A>(rows: ReadonlyArray<Row>, f: (r: Row) => A) => rows.map(f)
      try {
        await use({
          name: "postgresql",
          dataDir: dir,
          env: { ...shared.env, DATABASE_URL: url },
          storage,
          load: async (rows) => {
            await pool.query(
              "INSERT INTO tip_events (tip, version, event) SELECT t, 1, e FROM unnest($1::text[], $2::text[]) AS x(t, e)",
              [column(rows, (r) => r.tip), column(rows, (r) => r.event)]
            )
            await pool.query(
              `INSERT INTO tips (tip, unit, received_at, open, register_year, register_number, status, channel,
              channel_id, category)
              SELECT t, u, a, 1, y, n, 'received', 'web', 'web:bench', 'crime'
              FROM unnest($1::text[], $2::text[], $3::bigint[], $4::int[], $5::int[]) AS x(t, u, a, y, n)`,
              [
                column(rows, (r) => r.tip),
                column(rows, (r) => r.unit),
                column(rows, (r) => r.receivedAt),
                column(rows, (r) => r.year),
                column(rows, (r) => r.number)
              ]
            )
          },
          finish: async () => void (await pool.query("ANALYZE tips")),
          keyAt: async (offset, unit) =>
            keyOf(
              (unit === undefined
                ? await pool.query(`SELECT register_year, register_number, tip FROM tips ${order} LIMIT 1 OFFSET $1`, [
                    offset
                  ])
                : await pool.query(
                    `SELECT register_year, register_number, tip FROM tips WHERE unit = $1 ${order} LIMIT 1 OFFSET $2`,
                    [unit, offset]
                  )
              ).rows[0]!
            ),
          close: () => pool.end()
        })
      } finally {
        await pool.end().catch(() => undefined)
      }
    })
  )

/** What is measured: whose list, which page, and whether through `Tips.page` or the server's `GET /api/tips`. */
interface Scenario {
  readonly name: string
  readonly actor: Actor.Actor
  readonly after?: TipStore.PageKey
  readonly http?: boolean
}

const password = "bench-password-long-enough"

/**
 * The tip-line server in this process on the loaded database, with a units file holding exactly the changes the
 * bench recorded (it refuses a database recorded from another file) and the bench's vault keys; a staff user for
 * each actor, logged in. Returns its URL, each actor's session cookie, and how to stop it.
 */
const serverOn = async (backend: Backend, actors: ReadonlyArray<Actor.Actor>) => {
  const unitsFile = join(backend.dataDir, "units.json")
  writeFileSync(unitsFile, Units.toJson(NinhBinh.changes))
  const config = Either.getOrThrowWith(
    Config.fromEnv(
      { HOST: "127.0.0.1", PORT: "0", DATA_DIR: backend.dataDir, UNITS_FILE: unitsFile, ...backend.env },
      process.cwd()
    ),
    (error) => new Error(error.message)
  )
  const scope = Effect.runSync(Scope.make())
  const stop = () => Effect.runPromise(Scope.close(scope, Exit.void))
  try {
    const running = await Effect.runPromise(Scope.extend(Server.start(config), scope))
    const cookies = new Map<string, string>()
    for (const actor of actors) {
      await Effect.runPromise(
        Effect.provide(
          Accounts.addUser({
            username: actor.id,
            password: Redacted.make(password),
            unit: actor.unit,
            roles: actor.roles
          }),
          running.services
        )
      )
      const answer = await fetch(`${running.url}/api/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ username: actor.id, password })
      })
      const cookie = answer.headers.get("set-cookie")?.split(";")[0]
      if (answer.status !== 200 || cookie === undefined) {
        throw new Error(`${actor.id} cannot log in to the server (${answer.status}): ${await answer.text()}`)
      }
      cookies.set(actor.id, cookie)
    }
    return { url: running.url, cookies, stop }
  } catch (error) {
    await stop()
    throw error
  }
}

/** What a page says about itself, through the core or through HTTP, to check it is the page meant. */
const checkPage = (
  scenario: Scenario,
  count: number,
  hasNext: boolean,
  first: { readonly registerYear: number; readonly registerNumber: number } | undefined
) => {
  // A page that is not full, or not after its key, would be timing something else.
  const after = scenario.after
  if (count !== LIMIT || !hasNext || first === undefined) {
    throw new Error(`${scenario.name}: ${count} tips, not a full page of ${LIMIT}`)
  }
  if (
    after !== undefined &&
    (first.registerYear > after.registerYear ||
      (first.registerYear === after.registerYear && first.registerNumber > after.registerNumber))
  ) {
    throw new Error(`${scenario.name}: the page does not start after its key`)
  }
}

interface Loaded {
  readonly backend: string
  readonly size: number
  readonly scenarios: ReadonlyArray<Scenario>
  readonly page: (scenario: Scenario) => Promise<number>
  /** The seconds `Tips.list` takes, then the first page sorted out of it in memory: the list before. */
  readonly before: () => Promise<number>
}

const loaded = async (
  make: (use: (b: Backend) => Promise<void>) => Promise<void>,
  size: number,
  progress: (s: string) => void,
  use: (db: Loaded) => Promise<void>
) =>
  make(async (backend) => {
    const started = performance.now()
    let done = 0
    for (const rows of chunks(size)) {
      await backend.load(rows)
      done += rows.length
      if (done % 200_000 === 0) progress(`  ${backend.name}: ${done} tips loaded`)
    }
    await backend.finish()
    progress(`${backend.name}: ${size} tips loaded in ${round((performance.now() - started) / 1000)} s`)
    const rt = ManagedRuntime.make(
      Tips.layer().pipe(Layer.provideMerge(Layer.merge(backend.storage, Calendar.layerVietnam)))
    )
    try {
      // The units as established, before the 2025 restructuring, so that the city and its wards all answer today.
      await rt.runPromise(Effect.flatMap(UnitDirectory.UnitDirectory, (d) => d.record(NinhBinh.changes)))
      const deep = Math.floor(size * 0.9)
      const core: ReadonlyArray<Scenario> = [
        { name: "city, first page", actor: city },
        { name: "city, page at 90 %", actor: city, after: await backend.keyAt(deep) },
        { name: "one ward, first page", actor: ward },
        {
          name: "one ward, page at 90 %",
          actor: ward,
          after: await backend.keyAt(Math.floor(deep / wards.length), wards[0])
        }
      ]
      // The same pages through the server: login session, HTTP, the handler, `Tips.page`, JSON, on the same file.
      const scenarios = [...core, ...core.map((s) => ({ ...s, name: `HTTP ${s.name}`, http: true }))]
      const server = await serverOn(backend, [city, ward])
      const page = async (scenario: Scenario) => {
        const after = scenario.after
        if (scenario.http) {
          const start = performance.now()
          const answer = await fetch(
            `${server.url}/api/tips?limit=${LIMIT}${after ? `&cursor=${TipQuery.cursorOf(after)}` : ""}`,
            { headers: { cookie: server.cookies.get(scenario.actor.id)! } }
          )
          const body = (await answer.json()) as {
            readonly tips?: ReadonlyArray<{ readonly registerYear: number; readonly registerNumber: number }>
            readonly nextCursor?: string
          }
          const seconds = (performance.now() - start) / 1000
          if (answer.status !== 200) throw new Error(`${scenario.name}: ${answer.status} ${JSON.stringify(body)}`)
          checkPage(scenario, body.tips?.length ?? 0, body.nextCursor !== undefined, body.tips?.[0])
          return seconds
        }
        const start = performance.now()
        const found = await rt.runPromise(
          Effect.flatMap(Tips.Tips, (tips) => tips.page(scenario.actor, { limit: LIMIT, ...(after ? { after } : {}) }))
        )
        const seconds = (performance.now() - start) / 1000
        checkPage(scenario, found.tips.length, found.next !== undefined, found.tips[0])
        return seconds
      }
      const before = async () => {
        const start = performance.now()
        const all = await rt.runPromise(Effect.flatMap(Tips.Tips, (tips) => tips.list(city)))
        all
          .toSorted(
            (a, b) => b.registerYear - a.registerYear || b.registerNumber - a.registerNumber || (a.id < b.id ? 1 : -1)
          )
          .slice(0, LIMIT)
        return (performance.now() - start) / 1000
      }
      try {
        await use({ backend: backend.name, size, scenarios, page, before })
      } finally {
        await server.stop()
      }
    } finally {
      await rt.dispose()
      await backend.close()
    }
  })

/**
 * Every size in a database of its own, all open at once, then measured in rounds, each round every scenario of
 * every size in turn; each figure is the median of its rounds (see `withEverySize`).
 */
const runOn = async (
  make: (use: (b: Backend) => Promise<void>) => Promise<void>,
  sizes: ReadonlyArray<number>,
  out: Array<Result>,
  progress: (s: string) => void
) => {
  const measure = async (dbs: ReadonlyArray<Loaded>): Promise<void> => {
    const times = dbs.map((db) => db.scenarios.map(() => [] as Array<number>))
    for (let run = 0; run < WARMUP + RUNS; run++) {
      for (const [i, db] of dbs.entries()) {
        for (const [j, scenario] of db.scenarios.entries()) {
          const seconds = await db.page(scenario)
          if (run >= WARMUP) times[i]![j]!.push(seconds)
        }
      }
    }
    const ms = times.map((perScenario) => perScenario.map((xs) => median(xs) * 1000))
    const name = dbs[0]!.backend
    const smallest = dbs[0]!
    for (const [i, db] of dbs.entries()) {
      for (const [j, scenario] of db.scenarios.entries()) {
        progress(`${name} ${db.size} tips, ${scenario.name}: ${round(ms[i]![j]!, 2)} ms`)
        out.push(
          result(`tipline list ${scenario.name}, ${name}, ${db.size / 1000}k tips`, ms[i]![j]!, "ms", ms[0]![j]!, false)
        )
      }
    }
    // What the list cost before, at the smallest size only: every tip of the city decoded, then one page kept.
    if (smallest.size <= 100_000) {
      collect()
      const before = median([await smallest.before(), await smallest.before(), await smallest.before()]) * 1000
      progress(`${name} ${smallest.size} tips, the whole list then a page in memory: ${round(before, 1)} ms`)
      out.push(
        result(
          `tipline list city first page vs the whole list, ${name}, ${smallest.size / 1000}k tips`,
          ms[0]![0]!,
          "ms",
          before,
          false
        )
      )
    }
    if (dbs.length >= 2) {
      const last = dbs.length - 1
      for (const [j, scenario] of smallest.scenarios.entries()) {
        out.push(
          result(
            `tipline list growth ${smallest.size / 1000}k→${dbs[last]!.size / 1000}k, ${name}, ${scenario.name}`,
            ms[last]![j]! / ms[0]![j]!,
            "×",
            2,
            false
          )
        )
      }
    }
  }
  await withEverySize(sizes, (size, use: (db: Loaded) => Promise<void>) => loaded(make, size, progress, use), measure)
}

export const defaults = { sizes: [10_000, 1_000_000] as ReadonlyArray<number> }

/** The rows of bench/results.json this bench makes. */
export const run = async (
  options: {
    readonly sizes?: ReadonlyArray<number>
    readonly pg?: boolean
    readonly progress?: (s: string) => void
  } = {}
): Promise<ReadonlyArray<Result>> => {
  const sizes =
    options.sizes ??
    (process.env.BENCH_LIST_SIZES?.split(",").map(Number) as ReadonlyArray<number> | undefined) ??
    defaults.sizes
  if (sizes.some((n) => !Number.isSafeInteger(n) || n < 4 * LIMIT * 20)) {
    throw new Error(`BENCH_LIST_SIZES takes sizes of at least ${4 * LIMIT * 20} tips, comma-separated.`)
  }
  const progress = options.progress ?? ((s: string) => console.log(s))
  const out: Array<Result> = []
  await runOn(sqlite, sizes, out, progress)
  if ((options.pg ?? process.env.BENCH_LIST_PG !== "0") && (await pgReachable()))
    await runOn(postgres, sizes, out, progress)
  else progress("PostgreSQL skipped (unreachable, or BENCH_LIST_PG=0)")
  return out
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  run().then(
    (results) => console.log(table(results)),
    (error) => {
      console.error(error)
      process.exitCode = 1
    }
  )
}
