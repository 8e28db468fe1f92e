// Intake on SQL storage against the raw drivers. Messages go through the real intake (verify, dedupe, route,
// seal, number, append, ledger, acknowledgement; no HTTP), `concurrency` at a time, on `SqlStorage.layerSqlite`
// (synchronous FULL, then NORMAL) and on `SqlStorage.layerPg`. The baselines write the same rows per tip with
// the drivers alone (bench/raw.ts), (a) one transaction per tip and (b) `batch` tips per transaction, with the
// same durability setting, on fresh databases of the same schema. Afterwards the row counts of every table intake
// writes are compared with the baselines', so a baseline that writes other rows than ours is refused, not reported.
// With NORMAL, the same messages also go through intake on its memory layers, with no database at all: the pace the
// pipeline itself allows, against baseline (a). On SQLite, the time spent inside SQLite's statements during our run
// is counted too: the most intake could do if nothing but SQLite took time.
//
// Everything is measured in rounds (3 by default), each on fresh databases, its steps in turn forward and backward;
// a row comes from the round whose ratio is the median. The machines these run on change pace by half within
// minutes, so one run of each side, a minute apart, could land on either side of a goal by chance.
import { join } from "node:path"
import { SqlClient } from "@effect/sql/SqlClient"
import { Binding, Calendar, type InboundMessage, Intake, Tips, UnitDirectory } from "@tinbao/core"
import { SqlStorage, type SqlTransaction } from "@tinbao/sql"
import { NinhBinh } from "@tinbao/testkit"
import { Effect, Layer } from "effect"
import { pgHost, pgPort, pgReachable, vaultConfig, withPgSchema, withTempDir } from "./databases.js"
import { openSqlite, type PgPool, pgPool, type SqliteMeter, withSqliteMeter } from "./drivers.js"
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
  /** Rounds of every measurement; each row comes from the round whose ratio is the median. */
  readonly rounds: number
  /** Group commit's settings for our storage; its defaults when absent (BENCH_COMMITTERS sets `committers`). */
  readonly groupCommit?: SqlTransaction.Options
  /** Say what is being measured, as it happens. */
  readonly progress?: (line: string) => void
}

export const defaults: Options = { tips: 10_000, warmUp: 500, concurrency: 64, batch: 1000, rounds: 3 }

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

/**
 * Our intake on `layer`: warms up, then returns the seconds `options.tips` new messages took. A meter given counts
 * over the timed part only.
 */
const ours = <E, R = never>(
  layer: Layer.Layer<Intake.Intake | UnitDirectory.UnitDirectory | Binding.Bindings | R, E>,
  options: Options,
  check: Effect.Effect<void, unknown, R>,
  meter?: SqliteMeter
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
    meter?.start()
    const t0 = performance.now()
    const created = yield* take(timed)
    const elapsed = (performance.now() - t0) / 1000
    meter?.stop()
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

/** Seconds each side took in one round. */
interface Round {
  readonly ours: number
  /** Baseline (a), a transaction per tip. */
  readonly naive: number
  /** Baseline (b), `batch` tips per transaction. */
  readonly batched: number
  /** Of `ours`, the seconds spent inside SQLite's statements (SQLite only). */
  readonly inSqlite?: number
  /** The same messages through intake on its memory layers (SQLite NORMAL only). */
  readonly withoutDatabase?: number
}

// Round k runs its steps forward when k is even and backward when it is odd, so that a machine whose pace drifts
// within a round does not favour the same side in every round.
const inTurn = async (
  k: number,
  steps: Readonly<Record<string, () => Promise<number>>>
): Promise<Readonly<Record<string, number>>> => {
  const names = Object.keys(steps)
  const measured: Record<string, number> = {}
  for (const name of k % 2 === 0 ? names : names.reverse()) measured[name] = await steps[name]!()
  return measured
}

/** A figure: our seconds and the baseline's in a round (rates, so the ratio is baseline ÷ ours). */
type Figure = readonly [name: string, ours: (r: Round) => number, baseline: (r: Round) => number]

/**
 * A row per figure, from the round whose ratio is the median of the rounds' (the lower middle of an even count):
 * value, baseline and ratio then come from one round, measured minutes apart at most. Every round's ratio is said.
 */
const fromRounds = (options: Options, rounds: ReadonlyArray<Round>, figures: ReadonlyArray<Figure>) =>
  figures.map(([name, ours, baseline]) => {
    const ratio = (r: Round) => baseline(r) / ours(r)
    const median = [...rounds].sort((x, y) => ratio(x) - ratio(y))[Math.floor((rounds.length - 1) / 2)]!
    options.progress?.(`${name}: ${rounds.map((r) => ratio(r).toFixed(3)).join(", ")} (the median round kept)`)
    return result(name, options.tips / ours(median), "tips/s", options.tips / baseline(median), true)
  })

// Figures with group commit set otherwise than by default say so in their name.
const named = (backend: string, options: Options) => {
  const committers = options.groupCommit?.committers
  return committers === undefined
    ? backend
    : backend.replace(" vs ", ` (${committers} committer${committers === 1 ? "" : "s"}) vs `)
}

/** `ours` (intake's seconds unless given) against (a) and (b). */
const againstBaselines = (
  backend: string,
  options: Options,
  ours: (r: Round) => number = (r) => r.ours
): ReadonlyArray<Figure> => [
  [`${named(backend, options)}, a transaction per tip`, ours, (r) => r.naive],
  [`${named(backend, options)}, ${options.batch} tips per transaction`, ours, (r) => r.batched]
]

// The baselines run first and say their figures as they go, so that they are known even when our run fails.
const timed = async (say: (line: string) => void, what: string, tips: number, f: () => Promise<number>) => {
  say(`${what}, ${tips} tips`)
  const elapsed = await f()
  say(`${what}: ${Math.round(tips / elapsed)} tips/s`)
  return elapsed
}

const say = (options: Options) => options.progress ?? (() => {})

/** One round on SQLite: (a), (b) and ours, each on a fresh file (and for NORMAL, intake with no database). */
const sqliteRound = (synchronous: "full" | "normal", options: Options, k: number): Promise<Round> =>
  withTempDir(async (dir) => {
    const label = synchronous.toUpperCase()
    const expected = synchronous === "full" ? 2 : 1
    const file = (name: string) => join(dir, `${name}.db`)
    const raw = async (perTransaction: number) => {
      await migrated(SqlStorage.layerSqlite({ filename: file(`raw-${perTransaction}`), vault: vaultConfig() }))
      const db = openSqlite(file(`raw-${perTransaction}`))
      try {
        db.pragma("journal_mode = WAL")
        db.pragma(`synchronous = ${synchronous}`)
        const write = sqliteWriter(db)
        write(rawTips(0, options.warmUp, units, start), options.batch)
        const tips = rawTips(options.warmUp, options.tips, units, start)
        return await timed(
          say(options),
          `SQLite (${label}): better-sqlite3, ${perTransaction} tip(s) per transaction`,
          options.tips,
          () => seconds(async () => write(tips, perTransaction))
        )
      } finally {
        db.close()
      }
    }
    // SQLite's own share of our run is counted as it goes (the meter counts only while our timed part runs).
    const ourRun = (meter: SqliteMeter) => () =>
      timed(say(options), `SQLite (${label}): our intake`, options.tips, () =>
        ours(
          services(
            SqlStorage.layerSqlite({
              filename: file("ours"),
              vault: vaultConfig(),
              synchronous,
              ...groupCommit(options)
            })
          ),
          options,
          Effect.flatMap(SqlClient, (sql) =>
            Effect.flatMap(sql<{ readonly synchronous: number }>`PRAGMA synchronous`, (rows) =>
              rows[0]?.synchronous === expected
                ? Effect.void
                : Effect.dieMessage(`layerSqlite runs with synchronous = ${rows[0]?.synchronous}, not ${label}`)
            )
          ),
          meter
        )
      )
    // The ceiling: the same messages through intake with no database.
    const withoutDatabaseRun = () =>
      timed(say(options), "intake without a database (memory layers)", options.tips, () =>
        ours(withoutDatabase, options, Effect.void)
      )
    const [measured, inSqlite] = await withSqliteMeter(async (meter) => {
      const steps = await inTurn(k, {
        naive: () => raw(1),
        batched: () => raw(options.batch),
        ours: ourRun(meter),
        ...(synchronous === "normal" ? { withoutDatabase: withoutDatabaseRun } : {})
      })
      return [steps, meter.seconds()] as const
    })
    const oursCounts = countsOfSqlite(file("ours"))
    sameRows("better-sqlite3 (a transaction per tip)", oursCounts, countsOfSqlite(file("raw-1")))
    sameRows(
      `better-sqlite3 (${options.batch} per transaction)`,
      oursCounts,
      countsOfSqlite(file(`raw-${options.batch}`))
    )
    return {
      ours: measured.ours!,
      naive: measured.naive!,
      batched: measured.batched!,
      inSqlite,
      ...(measured.withoutDatabase === undefined ? {} : { withoutDatabase: measured.withoutDatabase })
    }
  })

/**
 * The rows of one SQLite durability setting, over `options.rounds` rounds: our intake against better-sqlite3, (a)
 * and (b); the ceiling SQLite's own time sets; for NORMAL, intake with no database against (a).
 */
export const sqliteIntake = async (
  synchronous: "full" | "normal",
  options: Options
): Promise<ReadonlyArray<Result>> => {
  const label = synchronous.toUpperCase()
  const rounds: Array<Round> = []
  for (let k = 0; k < options.rounds; k++) {
    say(options)(`SQLite (${label}): round ${k + 1} of ${options.rounds}`)
    rounds.push(await sqliteRound(synchronous, options, k))
  }
  return fromRounds(options, rounds, [
    ...againstBaselines(`intake on SQLite (${label}) vs better-sqlite3`, options),
    // better-sqlite3 runs on this thread, so intake cannot go faster than SQLite's own time allows. Below 0.5, no
    // JavaScript taken out of intake can bring it to half of (b): SQLite's time for what intake asks of it (its
    // reads, its writes in batches as large as the messages in flight, their commits) is more than twice (b)'s.
    [
      `intake's time inside SQLite alone (${label}) vs better-sqlite3, ${options.batch} tips per transaction`,
      (r) => r.inSqlite!,
      (r) => r.batched
    ],
    ...(synchronous === "full"
      ? []
      : ([
          [
            `intake without a database (memory layers) vs better-sqlite3 (${label}), a transaction per tip`,
            (r) => r.withoutDatabase!,
            (r) => r.naive
          ],
          // The ceiling of intake on SQLite as it is built: the pipeline's own work (measured with no database; the
          // SQL adapters do at least what the memory layers do) and SQLite's time for intake's statements, one after
          // the other on one thread. No storage work can take intake past it; only a faster pipeline can.
          ...againstBaselines(
            `intake without a database plus its time inside SQLite (${label}) vs better-sqlite3`,
            options,
            (r) => r.withoutDatabase! + r.inSqlite!
          )
        ] satisfies ReadonlyArray<Figure>))
  ])
}

/** One round on PostgreSQL: (a), (b) and ours, each in a fresh schema dropped afterwards. */
const pgRound = async (options: Options, k: number): Promise<Round> => {
  const countsIn = async (url: string) => {
    const pool = pgPool({ connectionString: url, max: 1 })
    try {
      return await countsOfPg(pool)
    } finally {
      await pool.end()
    }
  }
  const counts = new Map<"naive" | "batched" | "ours", Counts>()
  // The pool is as large as @effect/sql-pg's default (pg's default, 10 connections).
  const raw = (
    side: "naive" | "batched",
    name: string,
    write: (pool: PgPool, tips: ReturnType<typeof rawTips>) => Promise<void>
  ) =>
    withPgSchema(async (_, url) => {
      await migrated(SqlStorage.layerPg({ url, vault: vaultConfig() }))
      const pool = pgPool({ connectionString: url, max: 10 })
      try {
        await pgBatched(pool, rawTips(0, options.warmUp, units, start), options.batch)
        const tips = rawTips(options.warmUp, options.tips, units, start)
        const elapsed = await timed(say(options), `PostgreSQL: pg, ${name}`, options.tips, () =>
          seconds(() => write(pool, tips))
        )
        counts.set(side, await countsOfPg(pool))
        return elapsed
      } finally {
        await pool.end()
      }
    })
  const measured = await inTurn(k, {
    naive: () =>
      raw("naive", `a transaction per tip, ${options.concurrency} at a time`, (pool, tips) =>
        pgOnePerTip(pool, tips, options.concurrency)
      ),
    batched: () =>
      raw("batched", `${options.batch} tips per transaction`, (pool, tips) => pgBatched(pool, tips, options.batch)),
    ours: () =>
      withPgSchema(async (_, url) => {
        const elapsed = await timed(say(options), "PostgreSQL: our intake", options.tips, () =>
          ours(
            services(SqlStorage.layerPg({ url, vault: vaultConfig(), ...groupCommit(options) })),
            options,
            Effect.void
          )
        )
        counts.set("ours", await countsIn(url))
        return elapsed
      })
  })
  sameRows("pg (a transaction per tip)", counts.get("ours")!, counts.get("naive")!)
  sameRows(`pg (${options.batch} per transaction)`, counts.get("ours")!, counts.get("batched")!)
  return { ours: measured.ours!, naive: measured.naive!, batched: measured.batched! }
}

/** The PostgreSQL rows, over `options.rounds` rounds: our intake against pg, (a) and (b). */
export const pgIntake = async (options: Options): Promise<ReadonlyArray<Result>> => {
  const rounds: Array<Round> = []
  for (let k = 0; k < options.rounds; k++) {
    say(options)(`PostgreSQL: round ${k + 1} of ${options.rounds}`)
    rounds.push(await pgRound(options, k))
  }
  return fromRounds(options, rounds, againstBaselines("intake on PostgreSQL vs pg", options))
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
