/**
 * Statistics pushed down into SQL (`SqlStatistics`) against hand-written SQL over the same projection tables, at
 * 100k and 1M tips, on SQLite and (when it answers) PostgreSQL; and how the time grows from 100k to 1M.
 *
 * The tips are loaded fast: their logs are generated here (received in 2021–2024 by the Ninh Bình city units,
 * acknowledged, accepted, some transferred, most decided), their events bulk-inserted into `tip_events` with the raw
 * drivers, and the projection built from them by `SqlStatistics.rebuild`, as after importing an archive; 1M intakes
 * would take hours and measure intake.
 * The query: the city police's 2024, grouped by ward and commune, every measure. The hand-written SQL is what one
 * would write for that one report with a real units table; its figures are checked against the engine's report.
 *
 * Goals: the engine within 1.2× of the hand-written SQL (ratio ≥ 0.83, as `ratio` is baseline ÷ value for times),
 * and at most 11× the time from 100k to 1M. Run alone: `node --conditions=@tinbao/source --import tsx
 * bench/sqlStatistics.ts` (BENCH_STATS_TIPS=100000,1000000 sets the sizes, BENCH_STATS_PG=0 skips PostgreSQL).
 */

import { pathToFileURL } from "node:url"
import type { SqlClient } from "@effect/sql/SqlClient"
import {
  Actor,
  Calendar,
  Category,
  IdentityVault,
  LocalDate,
  type Statistics,
  Tip,
  TipEvent,
  UnitDirectory,
  UnitHierarchy
} from "@tinbao/core"
import { SqlStatistics, SqlStorage } from "@tinbao/sql"
import { NinhBinh } from "@tinbao/testkit"
import { DateTime, Effect, Layer, ManagedRuntime, Option, Schema } from "effect"
import {
  migratedPg,
  migratedSqlite,
  pgReachable,
  vaultConfig,
  withEverySize,
  withPgSchema,
  withTempDir
} from "./databases.js"
import type { PgPool, SqliteDatabase } from "./drivers.js"
import { collect, median, type Result, result, round, table } from "./result.js"

export type { Result } from "./result.js"

const HOUR = 60 * 60 * 1000
const DAY = 24 * HOUR
const ids = NinhBinh.unitIds
const units = NinhBinh.cityUnitIds
const by = Actor.ActorId.make("bench")
const alias = IdentityVault.AliasId.make("AL-0123456789ABCDEF")
const categories = ["crime", "traffic", "drugs", "online_fraud", "public_order", "environment"].map((c) =>
  Category.CategoryId.make(c)
)
const legalTypes = ["tin_bao", "tin_bao", "to_giac", "phan_anh", "phan_anh", "to_cao"] as const
const channels = ["zalo", "facebook", "hotline_113", "web"] as const
const first = Date.parse("2021-01-01T00:00:00+07:00")
const span = 4 * 365 * DAY

const query: Statistics.Query = {
  root: ids.city,
  asOf: LocalDate.unsafeMake("2024-12-31"),
  period: { _tag: "CalendarYear", year: 2024 },
  groupBy: ["unit"]
}

/** A small deterministic generator, so that every run loads the same tips. */
const random = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}

/** The log of tip `n`; events are built without validation, since they are made right here. */
const logOf = (n: number, next: () => number): ReadonlyArray<TipEvent.TipEvent> => {
  const pick = <A>(xs: ReadonlyArray<A>): A => xs[Math.floor(next() * xs.length)]!
  const tip = Tip.TipId.make(`b${n}`)
  const unit = pick(units)
  let t = first + Math.floor(next() * (span / HOUR)) * HOUR + Math.floor(next() * HOUR)
  const at = (hours: number) => {
    t += Math.floor(hours * HOUR) + 1
    return { tip, by, at: DateTime.unsafeMake(t) }
  }
  const events: Array<TipEvent.TipEvent> = [
    new TipEvent.TipReceived(
      {
        tip,
        by,
        at: DateTime.unsafeMake(t),
        unit,
        code: `B-${n}`,
        registerNumber: n + 1,
        registerYear: 2024,
        channel: pick(channels),
        channelId: `oa-${n % 40}`,
        reporterKind: "individual",
        alias,
        legalType: pick(legalTypes),
        category: pick(categories),
        summary: ""
      },
      true
    )
  ]
  if (next() < 0.9) events.push(new TipEvent.Acknowledged(at(next() * 96), true))
  if (next() < 0.85) events.push(new TipEvent.Accepted(at(2 + next() * 100), true))
  if (next() < 0.1) {
    const to = pick(units.filter((u) => u !== unit))
    events.push(new TipEvent.TransferRequested({ ...at(1), to, reason: "Chuyển", escalation: false }, true))
    events.push(new TipEvent.TransferAccepted(at(next() * 48), true))
  }
  if (next() < 0.85) {
    const decided = at(24 + next() * 60 * 24)
    events.push(
      next() < 0.8
        ? new TipEvent.Resolved({ ...decided, outcome: { _tag: "NotConfirmed" } }, true)
        : new TipEvent.Rejected({ ...decided, rejection: { _tag: "OutOfScope", reason: "Không thuộc" } }, true)
    )
  }
  return events
}

/** A stored event: `tip_events`' columns. */
interface EventRow {
  readonly tip: string
  readonly version: number
  readonly event: string
}

/** Bulk inserts into `tip_events`, one per backend. */
interface Loader {
  readonly load: (rows: ReadonlyArray<EventRow>) => Promise<void>
}

const sqliteLoader = (db: SqliteDatabase): Loader => {
  const insert = db.prepare("INSERT INTO tip_events (tip, version, event) VALUES (?, ?, ?)")
  const all = db.transaction((rows: ReadonlyArray<EventRow>) => {
    for (const r of rows) insert.run(r.tip, r.version, r.event)
  })
  return { load: async (rows) => all(rows) }
}

// One statement per chunk: the columns as arrays, unnested by the server.
const pgLoader = (pool: PgPool): Loader => ({
  load: async (rows) => {
    await pool.query(
      "INSERT INTO tip_events (tip, version, event) SELECT * FROM unnest($1::text[], $2::int[], $3::text[])",
      [rows.map((r) => r.tip), rows.map((r) => r.version), rows.map((r) => r.event)]
    )
  }
})

const CHUNK = 10_000
// As the tip store stores an event: its encoded form, as JSON.
const encode = Schema.encodeSync(TipEvent.TipEvent)

/** Loads the events of tips `from` to `to` into every loader. */
const loadTips = async (loaders: ReadonlyArray<Loader>, from: number, to: number, progress: (s: string) => void) => {
  for (let start = from; start < to; start += CHUNK) {
    const rows: Array<EventRow> = []
    for (let n = start; n < Math.min(to, start + CHUNK); n++) {
      logOf(n, random(n + 1)).forEach((event, i) => {
        rows.push({ tip: event.tip, version: i + 1, event: JSON.stringify(encode(event)) })
      })
    }
    for (const loader of loaders) await loader.load(rows)
    if ((start / CHUNK) % 20 === 19) progress(`  ${start + CHUNK} tips loaded`)
  }
}

/** The hierarchy as a hand-written report would keep it: a table of units, their group and transfer deadline. */
const unitTable = (): ReadonlyArray<{
  unit: string
  grp: string | null
  answering: string | null
  transfer: number | null
}> => {
  const hierarchy = NinhBinh.hierarchy()
  const asOf = query.asOf!
  const children = UnitHierarchy.children(hierarchy, ids.city, asOf).map((u) => u.id)
  const all = NinhBinh.changes.flatMap((c) => (c._tag === "Established" ? [c.id] : []))
  return all.map((unit) => {
    const inside = UnitHierarchy.isWithin(hierarchy, unit, ids.city, asOf)
    const grp =
      unit === ids.city
        ? ids.city
        : (UnitHierarchy.ancestors(hierarchy, unit, asOf)
            .map((u) => u.id)
            .concat(unit)
            .find((u) => children.includes(u)) ?? null)
    const version = Option.getOrUndefined(UnitHierarchy.get(hierarchy, unit, asOf))
    const commune = version !== undefined && ["ward", "commune", "special_zone", "post"].includes(version.kind)
    return {
      unit,
      grp: inside ? grp : null,
      answering: inside ? unit : null,
      transfer: commune ? (version.remote ? 2 : 1) : null
    }
  })
}

const S = () => DateTime.toEpochMillis(LocalDate.startOf(LocalDate.unsafeMake("2024-01-01")))
const E = () => DateTime.toEpochMillis(LocalDate.endOf(LocalDate.unsafeMake("2024-12-31")))

// The state columns of `stat_tips` and `stat_tip_history` (docs/statistics.md), as the report names them.
const stateColumns = `tip, version, since, received_at, receiving_unit, channel, channel_id, unit, status, open,
  category, legal_type, outcome, acknowledged_at, accepted_at, decided_at, last_decision, irregular, held_since,
  last_due, calendar_gap, ack_due, ack_met, ack_late, verification_due, verification_met, verification_late,
  notice_due, notice_met, notice_late, restoration_due, restoration_met, restoration_late, resolution_due,
  resolution_met, resolution_late, transfer_due, transfer_due_remote, transfer_met, transfer_late,
  transfer_late_remote`

const deadlineColumns = [
  ["ack", "ack_due", "ack_met", "ack_late"],
  ["transfer", "tdue", "transfer_met", "tlate"],
  ["verification", "verification_due", "verification_met", "verification_late"],
  ["notice", "notice_due", "notice_met", "notice_late"],
  ["restoration", "restoration_due", "restoration_met", "restoration_late"],
  ["resolution", "resolution_due", "resolution_met", "resolution_late"]
] as const

/** The hand-written report: counts by ward, samples ranked for the durations, time at each unit, the log's size. */
const handWritten = (materialized: string) => {
  const s = S()
  const e = E()
  const cols = stateColumns
  const base = (how: string, columns: string, active = "") => `s AS (SELECT ${cols} FROM stat_tips WHERE since < ${e}
      UNION ALL SELECT ${cols} FROM stat_tip_history WHERE until >= ${e} AND since < ${e}),
    c AS ${how} (SELECT ${columns}, u.grp AS grp, h.answering AS holder, CASE WHEN u.unit IS NULL THEN 1 ELSE 0 END AS unplaced,
      CASE WHEN s.last_decision >= ${s} THEN s.last_decision WHEN s.irregular = 1 THEN (SELECT min(d.at)
        FROM stat_decisions d WHERE d.tip = s.tip AND d.version = s.version AND d.at >= ${s}) END AS dec,
      CASE u.transfer WHEN 1 THEN s.transfer_due WHEN 2 THEN s.transfer_due_remote END AS tdue,
      CASE u.transfer WHEN 2 THEN s.transfer_late_remote ELSE s.transfer_late END AS tlate
      FROM s LEFT JOIN bench_units u ON u.unit = s.receiving_unit
      LEFT JOIN bench_units h ON h.unit = s.unit AND h.grp IS NOT NULL
      WHERE ${active}(u.unit IS NULL OR (u.grp IS NOT NULL AND (s.open = 1 OR s.last_due > ${s}))))`
  const missed = deadlineColumns.map(([, due, met]) => `(${due} < ${e} AND ${met} IS NULL)`).join(" OR ")
  const deadlines = deadlineColumns.flatMap(([name, due, met, late]) => {
    const inPeriod = `${due} > ${s} AND ${due} <= ${e}`
    return [
      `SUM(CASE WHEN ${inPeriod} AND ${met} IS NOT NULL AND ${late} = 0 THEN 1 ELSE 0 END) AS ${name}_met`,
      `SUM(CASE WHEN ${inPeriod} AND ${met} IS NOT NULL AND ${late} = 1 THEN 1 ELSE 0 END) AS ${name}_late`,
      `SUM(CASE WHEN ${inPeriod} AND ${met} IS NULL AND ${due} < ${e} THEN 1 ELSE 0 END) AS ${name}_missed`,
      `SUM(CASE WHEN ${inPeriod} AND ${met} IS NULL AND ${due} = ${e} THEN 1 ELSE 0 END) AS ${name}_pending`
    ]
  })
  const counts = `WITH ${base("", "s.*")}
    SELECT unplaced, grp, count(*) AS n,
      SUM(CASE WHEN received_at >= ${s} THEN 1 ELSE 0 END) AS received,
      SUM(CASE WHEN received_at >= ${s} AND open = 0 THEN 1 ELSE 0 END) AS resolved_of_received,
      SUM(CASE WHEN dec IS NOT NULL THEN 1 ELSE 0 END) AS resolved,
      SUM(open) AS open,
      SUM(CASE WHEN open = 1 AND (${missed}) THEN 1 ELSE 0 END) AS overdue,
      MAX(calendar_gap) AS gap,
      ${deadlines.join(",\n      ")}
    FROM c GROUP BY unplaced, grp`
  const slim = "s.tip, s.open, s.received_at, s.acknowledged_at, s.accepted_at, s.decided_at, s.held_since"
  const handedOn = `FROM stat_handovers ho CROSS JOIN c WHERE c.tip = ho.tip AND c.unplaced = 0
    AND ho.since < ${e} AND ho.held_until >= ${s}`
  // Samples come from events in the period, or from tips open at its end.
  const samples = `WITH ${base(materialized, slim, `(s.since >= ${s} OR s.open = 1) AND `)},
    x AS ${materialized} (
      SELECT CASE k.kind WHEN 4 THEN holder ELSE grp END AS g, k.kind AS kind,
        CASE k.kind WHEN 1 THEN acknowledged_at - received_at WHEN 2 THEN accepted_at - received_at
          WHEN 3 THEN dec - received_at ELSE decided_at - held_since END AS v, 0 AS handed
      FROM c CROSS JOIN (SELECT 1 AS kind UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4) k
      WHERE c.unplaced = 0 AND CASE k.kind WHEN 1 THEN acknowledged_at >= ${s} WHEN 2 THEN accepted_at >= ${s}
        WHEN 3 THEN dec IS NOT NULL ELSE holder IS NOT NULL AND open = 0 AND decided_at >= ${s} END
      UNION ALL SELECT hu.answering, 4, ho.held_until - ho.held_from, 1 FROM stat_handovers ho
        CROSS JOIN c CROSS JOIN bench_units hu
        WHERE c.tip = ho.tip AND c.unplaced = 0 AND hu.unit = ho.unit AND hu.grp IS NOT NULL
          AND ho.since < ${e} AND ho.held_until >= ${s}),
    y AS (SELECT kind, g, v, handed FROM x UNION ALL SELECT kind + 10, NULL, v, handed FROM x WHERE kind IN (1, 2, 3)),
    r AS (SELECT kind, g, v, ROW_NUMBER() OVER w AS rn, COUNT(*) OVER whole AS n, SUM(v) OVER whole AS total,
      SUM(handed) OVER whole AS handed_n FROM y
      WINDOW w AS (PARTITION BY kind, g ORDER BY v),
        whole AS (PARTITION BY kind, g ORDER BY v ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING))
    SELECT kind, g, n, total, handed_n, rn, v FROM r
    WHERE rn = (50 * n + 99) / 100 OR rn = (90 * n + 99) / 100 OR rn = (99 * n + 99) / 100
    UNION ALL SELECT 5, holder, COUNT(*), 0, 0, 0, 0 FROM c WHERE unplaced = 0 AND holder IS NOT NULL AND open = 1
      GROUP BY holder
    UNION ALL SELECT 6, c.grp, COUNT(*), 0, 0, 0, 0 ${handedOn} GROUP BY c.grp
    UNION ALL SELECT 16, NULL, COUNT(*), 0, 0, 0, 0 ${handedOn}`
  const scanned = "SELECT count(*) AS tips, sum(version) AS events FROM stat_tips"
  return [counts, samples, scanned] as const
}

/** The few figures checked between the two, from the hand-written rows. */
const figures = (counts: ReadonlyArray<Record<string, unknown>>, samples: ReadonlyArray<Record<string, unknown>>) => {
  const sum = (key: string) => counts.filter((r) => Number(r.unplaced) === 0).reduce((a, r) => a + Number(r[key]), 0)
  const at = (kind: number, p: number) => {
    const rows = samples.filter((r) => Number(r.kind) === kind)
    const n = Number(rows[0]?.n ?? 0)
    return rows.find((r) => Number(r.rn) === Math.floor((p * n + 99) / 100))?.v
  }
  return {
    received: sum("received"),
    resolved: sum("resolved"),
    open: sum("open"),
    overdue: sum("overdue"),
    acknowledgementMet: sum("ack_met"),
    verificationMissed: sum("verification_missed"),
    resolveP50: Number(at(13, 50) ?? Number.NaN),
    acceptP90: Number(at(12, 90) ?? Number.NaN)
  }
}

const fromReport = (report: Statistics.Report) => ({
  received: report.total.receivedInPeriod,
  resolved: report.total.resolvedInPeriod,
  open: report.total.openAtEnd,
  overdue: report.total.overdueAtEnd,
  acknowledgementMet: report.total.compliance.acknowledgement.met,
  verificationMissed: report.total.compliance.verification.missed,
  resolveP50: report.total.timeToResolve.p50Millis ?? Number.NaN,
  acceptP90: report.total.timeToAccept.p90Millis ?? Number.NaN
})

const time = async <A>(f: () => Promise<A>): Promise<[number, A]> => {
  const start = performance.now()
  const a = await f()
  return [(performance.now() - start) / 1000, a]
}

interface Backend {
  readonly name: string
  readonly storage: Layer.Layer<SqlStorage.Services | SqlClient, unknown>
  readonly loader: Loader
  readonly prepare: (sql: string) => Promise<void>
  readonly run: (sql: string) => Promise<ReadonlyArray<Record<string, unknown>>>
  readonly materialized: string
  readonly close: () => Promise<void>
}

const RUNS = 5

interface Loaded {
  readonly backend: Backend
  readonly size: number
  readonly engine: Statistics.StatisticsEngine["Type"]
  readonly runQuery: <A, E>(effect: Effect.Effect<A, E>) => Promise<A>
}

/**
 * One run of the engine's report and of the hand-written SQL on a loaded database, checked against each other.
 * Each starts after a full garbage collection, so that none pays for the garbage of the one before (the report
 * over a million tips leaves plenty).
 */
const measureOnce = async (db: Loaded) => {
  const [counts, samples, scanned] = handWritten(db.backend.materialized)
  collect()
  const [engine, report] = await time(() => db.runQuery(db.engine.query(query)))
  collect()
  const [hand, rows] = await time(async () => [
    await db.backend.run(counts),
    await db.backend.run(samples),
    await db.backend.run(scanned)
  ])
  const expected = fromReport(report)
  const found = figures(rows[0]!, rows[1]!)
  if (JSON.stringify(found) !== JSON.stringify(expected)) {
    throw new Error(
      `The hand-written SQL and the engine disagree: ${JSON.stringify({ hand: found, engine: expected })}`
    )
  }
  return { engine, hand, received: expected.received }
}

/** A database of `size` tips on a backend `make` opens: the schema from the migrations, the units, the rows. */
const loaded = async (
  make: (use: (b: Backend) => Promise<void>) => Promise<void>,
  size: number,
  progress: (s: string) => void,
  use: (db: Loaded) => Promise<void>
) =>
  make(async (backend) => {
    // The schema comes from the migrations, as storage makes it; the units from the fixture.
    const rt = ManagedRuntime.make(Layer.merge(backend.storage, Calendar.layerVietnam))
    try {
      await rt.runPromise(Effect.flatMap(UnitDirectory.UnitDirectory, (d) => d.record(NinhBinh.allChanges)))
      await backend.prepare(
        "CREATE TABLE bench_units (unit TEXT PRIMARY KEY, grp TEXT, answering TEXT, transfer INTEGER)"
      )
      for (const u of unitTable()) {
        await backend.prepare(
          `INSERT INTO bench_units VALUES ('${u.unit}', ${u.grp === null ? "NULL" : `'${u.grp}'`}, ${u.answering === null ? "NULL" : `'${u.answering}'`}, ${u.transfer ?? "NULL"})`
        )
      }
      // The events are loaded, and the projection built from them with the default basis, which the engine then
      // finds it built with: it does not build it again.
      const started = performance.now()
      await loadTips([backend.loader], 0, size, progress)
      const built = performance.now()
      await rt.runPromise(SqlStatistics.rebuild)
      await backend.prepare("ANALYZE")
      const seconds = (from: number) => round((performance.now() - from) / 1000)
      progress(
        `${backend.name}: ${size} tips loaded in ${seconds(started)} s (projection built in ${seconds(built)} s)`
      )
      const engine = await rt.runPromise(SqlStatistics.make())
      await use({ backend, size, engine, runQuery: (effect) => rt.runPromise(effect) })
    } finally {
      await rt.dispose()
      await backend.close()
    }
  })

/**
 * Every size in a database of its own, all open at once, then measured in rounds: each round runs the engine and
 * the hand-written SQL on every size in turn, and each figure is the median of its rounds (see `withEverySize`).
 */
const runOn = async (
  make: (use: (b: Backend) => Promise<void>) => Promise<void>,
  sizes: ReadonlyArray<number>,
  out: Array<Result>,
  progress: (s: string) => void
) => {
  const measure = async (dbs: ReadonlyArray<Loaded>): Promise<void> => {
    const runs = dbs.map(() => [] as Array<Awaited<ReturnType<typeof measureOnce>>>)
    for (let round = 0; round < RUNS; round++) {
      for (const [i, db] of dbs.entries()) runs[i]!.push(await measureOnce(db))
    }
    const times = dbs.map((db, i) => ({
      name: db.backend.name,
      size: db.size,
      engine: median(runs[i]!.map((r) => r.engine)),
      hand: median(runs[i]!.map((r) => r.hand)),
      received: runs[i]![0]!.received
    }))
    for (const m of times) {
      progress(
        `${m.name} ${m.size}: engine ${round(m.engine, 3)} s, hand-written ${round(m.hand, 3)} s (${m.received} received in 2024)`
      )
      out.push(result(`sql statistics query, ${m.name}, ${m.size / 1000}k tips`, m.engine, "s", m.hand, false))
    }
    if (times.length >= 2) {
      const [a, b] = [times[0]!, times[times.length - 1]!]
      out.push(
        result(
          `sql statistics growth ${a.size / 1000}k→${b.size / 1000}k, ${a.name}`,
          b.engine / a.engine,
          "×",
          b.hand / a.hand,
          false
        )
      )
    }
  }
  await withEverySize(sizes, (size, use: (db: Loaded) => Promise<void>) => loaded(make, size, progress, use), measure)
}

const sqlite = (use: (b: Backend) => Promise<void>) =>
  withTempDir(async (dir) => {
    const filename = `${dir}/statistics.db`
    const storage = SqlStorage.layerSqlite({ filename, vault: vaultConfig(), synchronous: "normal" })
    // The schema must exist before the raw connection writes: storage migrates it first.
    const db = await migratedSqlite(filename, storage)
    await use({
      name: "sqlite",
      storage,
      loader: sqliteLoader(db),
      prepare: async (sql) => void db.exec(sql),
      run: async (sql) => db.prepare(sql).all() as ReadonlyArray<Record<string, unknown>>,
      materialized: "MATERIALIZED",
      close: async () => db.close()
    })
  })

const postgres = (use: (b: Backend) => Promise<void>) =>
  withPgSchema(async (_schema, url) => {
    const storage = SqlStorage.layerPg({ url, vault: vaultConfig() })
    const pool = await migratedPg(url, storage)
    await use({
      name: "postgresql",
      storage,
      loader: pgLoader(pool),
      prepare: async (sql) => void (await pool.query(sql)),
      run: async (sql) => (await pool.query(sql)).rows,
      materialized: "MATERIALIZED",
      close: () => pool.end()
    })
  })

export const defaults = { sizes: [100_000, 1_000_000] as ReadonlyArray<number> }

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
    (process.env.BENCH_STATS_TIPS?.split(",").map(Number) as ReadonlyArray<number> | undefined) ??
    defaults.sizes
  const progress = options.progress ?? ((s: string) => console.log(s))
  const out: Array<Result> = []
  await runOn(sqlite, sizes, out, progress)
  if ((options.pg ?? process.env.BENCH_STATS_PG !== "0") && (await pgReachable()))
    await runOn(postgres, sizes, out, progress)
  else progress("PostgreSQL skipped (unreachable, or BENCH_STATS_PG=0)")
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
