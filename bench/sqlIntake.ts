// Intake on SQL storage against the raw drivers. Messages go through the real intake (verify, dedupe, route,
// seal, number, append, ledger, acknowledgement; no HTTP), `concurrency` at a time, on `SqlStorage.layerSqlite`
// (synchronous FULL, then NORMAL) and on `SqlStorage.layerPg`. The baselines write the same rows per tip with
// the drivers alone (bench/raw.ts), (a) one transaction per tip and (b) `batch` tips per transaction, with the
// same durability setting, on fresh databases of the same schema. Afterwards the row counts of every table intake
// writes are compared with the baselines', so a baseline that writes other rows than ours is refused, not reported.
// With NORMAL, the same messages also go through intake on its memory layers, with no database at all: the pace the
// pipeline itself allows, against baseline (a).
import { join } from "node:path"
import { SqlClient } from "@effect/sql/SqlClient"
import { Binding, Calendar, type InboundMessage, Intake, Tips, UnitDirectory } from "@tinbao/core"
import { SqlStorage, type SqlTransaction } from "@tinbao/sql"
import { NinhBinh } from "@tinbao/testkit"
import { Effect, Layer } from "effect"
import { pgHost, pgPort, pgReachable, vaultConfig, withPgSchema, withTempDir } from "./databases.js"
import { openSqlite, type PgPool, pgPool } from "./drivers.js"
import { fixedClock, messages, start, units } from "./fixtures.js"
import { pgBatched, pgOnePerTip, rawTips, sqliteWriter } from "./raw.js"
import { type Result, result, seconds } from "./result.js"

export interface Options {
  /** Tips timed per run. */
  readonly tips: number
  /** Tips taken in first, untimed, on every database (JIT, caches, the registers' counter rows). */
  readonly warmUp: number
  /** Messages in flight at once through our intake, and pg transactions in flight in baseline (a). */
  readonly concurrency: number
  /** Tips per transaction in baseline (b). */
  readonly batch: number
  /** Group commit's settings for our storage; its defaults when absent (BENCH_COMMITTERS sets `committers`). */
  readonly groupCommit?: SqlTransaction.Options
  /** Say what is being measured, as it happens. */
  readonly progress?: (line: string) => void
}

export const defaults: Options = { tips: 10_000, warmUp: 500, concurrency: 64, batch: 1000 }

// Written before intake runs, not by it (the units, the bindings, the statistics projection's basis, which storage
// records when it starts); the migrator's own bookkeeping is left out too.
const setupTables = new Set(["tinbao_migrations", "sqlite_sequence", "unit_changes", "bindings", "stat_basis"])

type Counts = ReadonlyMap<string, number>

const groupCommit = (options: Options) =>
  options.groupCommit === undefined ? {} : { groupCommit: options.groupCommit }

const services = <E>(storage: Layer.Layer<SqlStorage.Services | SqlClient, E>) =>
  Intake.layer().pipe(
    Layer.provideMerge(Tips.layer()),
    Layer.provideMerge(Calendar.layerVietnam),
    Layer.provideMerge(storage)
  )

/** Our intake on `layer`: warms up, then returns the seconds `options.tips` new messages took. */
const ours = <E, R = never>(
  layer: Layer.Layer<Intake.Intake | UnitDirectory.UnitDirectory | Binding.Bindings | R, E>,
  options: Options,
  check: Effect.Effect<void, unknown, R>
): Promise<number> =>
  Effect.gen(function* () {
    yield* check
    const directory = yield* UnitDirectory.UnitDirectory
    yield* directory.record(NinhBinh.changes)
    const bindings = yield* Binding.Bindings
    yield* Effect.forEach(units, (u) => bindings.bind(Binding.Binding.make({ channel: u.channel, unit: u.id })), {
      discard: true
    })
    const intake = yield* Intake.Intake
    // The messages are made before the clock starts, as the baselines' rows are: decoding a delivery into one
    // is the channel adapter's work, not intake's.
    const take = (batch: ReadonlyArray<InboundMessage.InboundMessage>) =>
      Effect.map(
        Effect.forEach(batch, (m) => intake.handle(m, "web"), { concurrency: options.concurrency }),
        (outcomes) => outcomes.filter((o) => o._tag === "Created").length
      )
    const warmed = yield* take(messages(0, options.warmUp))
    const timed = messages(options.warmUp, options.tips)
    const t0 = performance.now()
    const created = yield* take(timed)
    const elapsed = (performance.now() - t0) / 1000
    if (warmed !== options.warmUp || created !== options.tips) {
      return yield* Effect.dieMessage(
        `intake created ${warmed + created} tips from ${options.warmUp + options.tips} new messages`
      )
    }
    return elapsed
  }).pipe(Effect.provide(layer), Effect.withClock(fixedClock(start)), Effect.runPromise)

// The same intake with nothing to store in a database: its memory layers. What the pipeline itself allows.
const withoutDatabase = Intake.layerMemory({}).pipe(Layer.provideMerge(Calendar.layerVietnam))

/** Runs the migrations on a database and closes it: the baselines write into the same schema as ours. */
const migrated = <A, E>(storage: Layer.Layer<A, E>) => Effect.runPromise(Effect.scoped(Layer.build(storage)))

const countsOfSqlite = (filename: string): Counts => {
  const db = openSqlite(filename)
  try {
    const names = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>
    return new Map(
      names
        .filter((t) => !setupTables.has(t.name))
        .map((t) => [t.name, (db.prepare(`SELECT count(*) AS n FROM "${t.name}"`).get() as { n: number }).n])
    )
  } finally {
    db.close()
  }
}

const countsOfPg = async (pool: PgPool): Promise<Counts> => {
  const names = await pool.query(
    "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema()"
  )
  const counts = new Map<string, number>()
  for (const { name } of names.rows as ReadonlyArray<{ name: string }>) {
    if (setupTables.has(name)) continue
    counts.set(name, Number((await pool.query(`SELECT count(*) AS n FROM "${name}"`)).rows[0]!.n))
  }
  return counts
}

const sameRows = (baseline: string, ours: Counts, raw: Counts) => {
  const tables = new Set([...ours.keys(), ...raw.keys()])
  const differ = [...tables].filter((t) => ours.get(t) !== raw.get(t))
  if (differ.length > 0) {
    throw new Error(
      `${baseline} does not write the rows our intake writes (${differ
        .map((t) => `${t}: ours ${ours.get(t) ?? "none"}, baseline ${raw.get(t) ?? "none"}`)
        .join("; ")}); mirror them in bench/raw.ts before comparing.`
    )
  }
}

const rows = (
  backend: string,
  options: Options,
  measured: { readonly ours: number; readonly naive: number; readonly batched: number }
): ReadonlyArray<Result> => {
  const rate = (s: number) => options.tips / s
  const committers = options.groupCommit?.committers
  // Figures with group commit set otherwise than by default say so in their name.
  const name =
    committers === undefined
      ? backend
      : backend.replace(" vs ", ` (${committers} committer${committers === 1 ? "" : "s"}) vs `)
  return [
    result(`${name}, a transaction per tip`, rate(measured.ours), "tips/s", rate(measured.naive), true),
    result(
      `${name}, ${options.batch} tips per transaction`,
      rate(measured.ours),
      "tips/s",
      rate(measured.batched),
      true
    )
  ]
}

// The baselines run first and say their figures as they go, so that they are known even when our run fails.
const timed = async (say: (line: string) => void, what: string, tips: number, f: () => Promise<number>) => {
  say(`${what}, ${tips} tips`)
  const elapsed = await f()
  say(`${what}: ${Math.round(tips / elapsed)} tips/s`)
  return elapsed
}

/** The rows of one SQLite durability setting: our intake against better-sqlite3, (a) and (b). */
export const sqliteIntake = async (synchronous: "full" | "normal", options: Options): Promise<ReadonlyArray<Result>> =>
  withTempDir(async (dir) => {
    const say = options.progress ?? (() => {})
    const label = synchronous.toUpperCase()
    const expected = synchronous === "full" ? 2 : 1
    const raw = async (perTransaction: number) => {
      const file = join(dir, `raw-${perTransaction}.db`)
      await migrated(SqlStorage.layerSqlite({ filename: file, vault: vaultConfig() }))
      const db = openSqlite(file)
      try {
        db.pragma("journal_mode = WAL")
        db.pragma(`synchronous = ${synchronous}`)
        const write = sqliteWriter(db)
        write(rawTips(0, options.warmUp, units, start), options.batch)
        const tips = rawTips(options.warmUp, options.tips, units, start)
        const elapsed = await timed(
          say,
          `SQLite (${label}): better-sqlite3, ${perTransaction} tip(s) per transaction`,
          options.tips,
          () => seconds(async () => write(tips, perTransaction))
        )
        return { file, elapsed }
      } finally {
        db.close()
      }
    }
    const naive = await raw(1)
    const batched = await raw(options.batch)
    const oursFile = join(dir, "ours.db")
    const oursSeconds = await timed(say, `SQLite (${label}): our intake`, options.tips, () =>
      ours(
        services(
          SqlStorage.layerSqlite({ filename: oursFile, vault: vaultConfig(), synchronous, ...groupCommit(options) })
        ),
        options,
        Effect.flatMap(SqlClient, (sql) =>
          Effect.flatMap(sql<{ readonly synchronous: number }>`PRAGMA synchronous`, (rows) =>
            rows[0]?.synchronous === expected
              ? Effect.void
              : Effect.dieMessage(`layerSqlite runs with synchronous = ${rows[0]?.synchronous}, not ${label}`)
          )
        )
      )
    )
    const oursCounts = countsOfSqlite(oursFile)
    sameRows("better-sqlite3 (a transaction per tip)", oursCounts, countsOfSqlite(naive.file))
    sameRows(`better-sqlite3 (${options.batch} per transaction)`, oursCounts, countsOfSqlite(batched.file))
    const measured = rows(`intake on SQLite (${label}) vs better-sqlite3`, options, {
      ours: oursSeconds,
      naive: naive.elapsed,
      batched: batched.elapsed
    })
    if (synchronous === "full") return measured
    // The ceiling: the same messages through intake with no database, against the naive baseline.
    const memorySeconds = await timed(say, "intake without a database (memory layers)", options.tips, () =>
      ours(withoutDatabase, options, Effect.void)
    )
    return [
      ...measured,
      result(
        `intake without a database (memory layers) vs better-sqlite3 (${label}), a transaction per tip`,
        options.tips / memorySeconds,
        "tips/s",
        options.tips / naive.elapsed,
        true
      )
    ]
  })

/** The PostgreSQL rows: our intake against pg, (a) and (b), each in a fresh schema dropped afterwards. */
export const pgIntake = async (options: Options): Promise<ReadonlyArray<Result>> => {
  const say = options.progress ?? (() => {})
  const countsIn = async (url: string) => {
    const pool = pgPool({ connectionString: url, max: 1 })
    try {
      return await countsOfPg(pool)
    } finally {
      await pool.end()
    }
  }
  // The pool is as large as @effect/sql-pg's default (pg's default, 10 connections).
  const raw = (name: string, write: (pool: PgPool, tips: ReturnType<typeof rawTips>) => Promise<void>) =>
    withPgSchema(async (_, url) => {
      await migrated(SqlStorage.layerPg({ url, vault: vaultConfig() }))
      const pool = pgPool({ connectionString: url, max: 10 })
      try {
        await pgBatched(pool, rawTips(0, options.warmUp, units, start), options.batch)
        const tips = rawTips(options.warmUp, options.tips, units, start)
        const elapsed = await timed(say, `PostgreSQL: pg, ${name}`, options.tips, () =>
          seconds(() => write(pool, tips))
        )
        return { elapsed, counts: await countsOfPg(pool) }
      } finally {
        await pool.end()
      }
    })
  const naive = await raw(`a transaction per tip, ${options.concurrency} at a time`, (pool, tips) =>
    pgOnePerTip(pool, tips, options.concurrency)
  )
  const batched = await raw(`${options.batch} tips per transaction`, (pool, tips) =>
    pgBatched(pool, tips, options.batch)
  )
  const oursRun = await withPgSchema(async (_, url) => {
    const elapsed = await timed(say, "PostgreSQL: our intake", options.tips, () =>
      ours(services(SqlStorage.layerPg({ url, vault: vaultConfig(), ...groupCommit(options) })), options, Effect.void)
    )
    return { elapsed, counts: await countsIn(url) }
  })
  sameRows("pg (a transaction per tip)", oursRun.counts, naive.counts)
  sameRows(`pg (${options.batch} per transaction)`, oursRun.counts, batched.counts)
  return rows("intake on PostgreSQL vs pg", options, {
    ours: oursRun.elapsed,
    naive: naive.elapsed,
    batched: batched.elapsed
  })
}

/**
 * The PostgreSQL rows when its server answers. Under `CI=true` an unreachable server is an error; elsewhere its rows
 * are left out with one line saying so.
 */
export const pgIntakeIfReachable = async (options: Options): Promise<ReadonlyArray<Result>> => {
  if (await pgReachable()) return pgIntake(options)
  if (process.env.CI === "true") {
    throw new Error(`PostgreSQL is not reachable on ${pgHost}:${pgPort}, and under CI its benchmarks must run.`)
  }
  console.log(`PostgreSQL is not reachable on ${pgHost}:${pgPort}: the PostgreSQL intake rows are skipped.`)
  return []
}

/** Every intake row: SQLite FULL and NORMAL, then PostgreSQL. */
export const run = async (options: Options = defaults): Promise<ReadonlyArray<Result>> => [
  ...(await sqliteIntake("full", options)),
  ...(await sqliteIntake("normal", options)),
  ...(await pgIntakeIfReachable(options))
]
