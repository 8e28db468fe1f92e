/**
 * `npm run bench`: every figure against a baseline run in the same process on the same machine, so the ratios
 * hold on any machine. Prints a table and writes bench/results.json as `{ name, value, unit, baseline, ratio }`
 * rows. Not part of `npm test`.
 *
 * Parts, all by default; `npm run bench -- --only sql,rss` runs some and updates only their rows in
 * bench/results.json:
 *   intake          intake on the memory layers vs raw appends to the memory store
 *   statistics      the statistics engine vs a hand-written loop, in memory
 *   sql             intake on SQLite (FULL, NORMAL) and PostgreSQL vs better-sqlite3 and pg (bench/sqlIntake.ts);
 *                   sql-sqlite and sql-pg run one backend
 *   sql-statistics  statistics pushed down into SQL vs hand-written SQL (bench/sqlStatistics.ts)
 *   rss             resident memory while 1M events are appended on SQLite (bench/residentMemory.ts)
 *   tipline-webhook the tip-line server's webhook vs a bare node:http server checking the same HMAC (bench/tipLine.ts)
 *   tipline-storm   every message delivered 3 times at once to the tip-line server: lost, duplicated, slowest answer
 *   tipline-chaos   the tip-line server killed with SIGKILL 10 times during a storm: each 200 taken in exactly once
 *   tipline-list    the tip list's first and deep page (Tips.page, and GET /api/tips through the tip-line server) at
 *                   10k and 1M tips on SQLite and PostgreSQL, and the growth between (bench/tipLineList.ts)
 * Sizes: BENCH_INTAKE (memory intake, 3000), BENCH_SQL_TIPS (10000) and BENCH_SQL_ROUNDS (3, the sql part's rounds),
 * BENCH_STATS_TIPS (100000,1000000), BENCH_RSS_EVENTS (1000000), BENCH_TIPLINE_REQUESTS (5000), BENCH_STORM (the
 * storm's messages: 10000 under CI=true, else 2000), BENCH_CHAOS (the chaos storm's messages, 2000), BENCH_LIST_SIZES
 * (10000,1000000; about 4 minutes). BENCH_COMMITTERS sets group commit's
 * `committers` in the sql part. PostgreSQL is 127.0.0.1:5432 (BENCH_PG_URL to change it); when it does not answer,
 * its rows are left out with a line saying so, except under CI=true, where the sql part fails.
 */

import { existsSync, readFileSync, writeFileSync } from "node:fs"
import { cpus } from "node:os"
import { fileURLToPath } from "node:url"
import {
  Binding,
  Calendar,
  Category,
  InboundMessage,
  Intake,
  Statistics,
  Tip,
  TipEvent,
  TipStore,
  UnitDirectory
} from "@tinbao/core"
import { NinhBinh } from "@tinbao/testkit"
import { DateTime, Effect, Either, Redacted } from "effect"
import { pgAdmin, pgReachable } from "./databases.js"
import { openSqlite } from "./drivers.js"
import { fixedClock } from "./fixtures.js"
import * as ResidentMemory from "./residentMemory.js"
import { describe, type Result, result, round, table } from "./result.js"
import * as SqlIntake from "./sqlIntake.js"
import * as SqlStatistics from "./sqlStatistics.js"
import * as TipLine from "./tipLine.js"
import * as TipLineList from "./tipLineList.js"

export type { Result } from "./result.js"

const results: Array<Result> = []

const CHANNEL = "web:bench"
const start = Date.UTC(2023, 0, 2, 2, 0)
const units = NinhBinh.cityUnitIds

// ---- intake: messages through dedupe, vault, routing, register and the store, vs raw appends of the same tips
const intakeLayer = Intake.layerMemory({ quietPeriod: 0 })

const messages = (n: number) =>
  Array.from({ length: n }, (_, i) =>
    InboundMessage.InboundMessage.make({
      kind: "message",
      channel: CHANNEL,
      platformMessageId: `m-${i}`,
      conversation: InboundMessage.direct(`u-${i % 500}`),
      sender: Redacted.make({ platformUserId: `u-${i % 500}` }),
      text: `Tin báo số ${i}: mất trộm xe máy`,
      sentAt: DateTime.unsafeMake(start + i * 1000)
    })
  )

const intakeBench = (n: number) =>
  Effect.gen(function* () {
    const directory = yield* UnitDirectory.UnitDirectory
    yield* directory.record(NinhBinh.changes)
    const bindings = yield* Binding.Bindings
    yield* bindings.bind(Binding.Binding.make({ channel: CHANNEL, unit: NinhBinh.unitIds.ninhTien }))
    const intake = yield* Intake.Intake
    const batch = messages(n)
    const t0 = performance.now()
    yield* Effect.forEach(batch, (m) => intake.handle(m, "web"), { concurrency: 8, discard: true })
    const fresh = (performance.now() - t0) / 1000
    const t1 = performance.now()
    yield* Effect.forEach(batch, (m) => intake.handle(m, "web"), { concurrency: 8, discard: true })
    const again = (performance.now() - t1) / 1000
    return { fresh, again }
  }).pipe(Effect.provide(intakeLayer), Effect.withClock(fixedClock(start)))

// The same tips' TipReceived events appended straight to the memory store: no dedupe, vault, routing or register.
const rawAppendBench = (n: number) =>
  Effect.gen(function* () {
    const store = yield* TipStore.TipStore
    const events = receivedEvents(n)
    const t0 = performance.now()
    yield* Effect.forEach(events, (e) => store.append([{ tip: e.tip, expectedVersion: 0, events: [e] }]), {
      concurrency: 8,
      discard: true
    })
    return (performance.now() - t0) / 1000
  }).pipe(Effect.provide(TipStore.layerMemory))

const receivedEvents = (n: number, from = 0) =>
  Array.from(
    { length: n },
    (_, k) =>
      new TipEvent.TipReceived({
        tip: Tip.TipId.make(`tip_${from + k}`),
        at: DateTime.unsafeMake(start + (from + k) * 60_000),
        by: "bench" as never,
        unit: units[(from + k) % units.length]!,
        code: `B-2023-${from + k + 1}`,
        registerNumber: from + k + 1,
        registerYear: 2023,
        channel: "zalo",
        reporterKind: "individual",
        alias: "AL-0123456789ABCDEF" as never,
        legalType: (from + k) % 3 === 0 ? "phan_anh" : "to_giac",
        category: Category.CategoryId.make((from + k) % 2 === 0 ? "crime" : "traffic"),
        summary: "…"
      })
  )

// ---- statistics: the engine vs a hand-written single loop counting the same two measures per unit
const logOf = (tips: number) => {
  const events: Array<TipEvent.TipEvent> = []
  for (const received of receivedEvents(tips)) {
    events.push(received)
    const at = DateTime.toEpochMillis(received.at)
    events.push(new TipEvent.Accepted({ tip: received.tip, at: DateTime.unsafeMake(at + 3_600_000), by: received.by }))
    if (received.registerNumber % 5 !== 0) {
      const outcome =
        received.legalType === "phan_anh"
          ? ({ _tag: "Handled", summary: "Đã xử lý" } as const)
          : ({ _tag: "NotProsecuted", ground: "no_crime" } as const)
      events.push(
        new TipEvent.Resolved({
          tip: received.tip,
          at: DateTime.unsafeMake(at + 7 * 86_400_000),
          by: received.by,
          outcome
        })
      )
    }
  }
  return events
}

const handWritten = (events: ReadonlyArray<TipEvent.TipEvent>, from: number, until: number) => {
  const unitOf = new Map<string, string>()
  const rows = new Map<string, { received: number; resolved: number }>()
  for (const e of events) {
    const at = DateTime.toEpochMillis(e.at)
    if (at >= until) continue
    if (e._tag === "TipReceived") {
      unitOf.set(e.tip, e.unit)
      if (at >= from) {
        const row = rows.get(e.unit) ?? { received: 0, resolved: 0 }
        row.received++
        rows.set(e.unit, row)
      }
    } else if (e._tag === "Resolved" && at >= from) {
      const unit = unitOf.get(e.tip)!
      const row = rows.get(unit) ?? { received: 0, resolved: 0 }
      row.resolved++
      rows.set(unit, row)
    }
  }
  return rows
}

const statisticsBench = (tips: number) => {
  const events = logOf(tips)
  const hierarchy = NinhBinh.hierarchy()
  const year = (y: number) => ({
    root: NinhBinh.unitIds.province,
    asOf: "2024-06-01" as never,
    period: { _tag: "CalendarYear", year: y } as const,
    groupBy: ["unit"] as const
  })
  const from = Date.UTC(2022, 11, 31, 17)
  const until = Date.UTC(2023, 11, 31, 17)
  // The year is counted to its end: the figures are taken at 24:00 on 31 December.
  const options = { now: DateTime.unsafeMake(until) }
  // warm up both (JIT, the calendar's year tables)
  Statistics.compute(events.slice(0, 2000), hierarchy, Calendar.vietnam, year(2023), options)
  handWritten(events.slice(0, 2000), from, until)
  const t0 = performance.now()
  const report = Statistics.compute(events, hierarchy, Calendar.vietnam, year(2023), options)
  const engine = (performance.now() - t0) / 1000
  if (Either.isLeft(report)) throw report.left
  const t1 = performance.now()
  handWritten(events, from, until)
  const baseline = (performance.now() - t1) / 1000
  return { engine, baseline, events: events.length }
}

const memoryIntake = async (): Promise<ReadonlyArray<Result>> => {
  const n = Number(process.env.BENCH_INTAKE ?? 3000)
  await Effect.runPromise(intakeBench(200)) // warm-up
  const { again, fresh } = await Effect.runPromise(intakeBench(n))
  const raw = await Effect.runPromise(rawAppendBench(n))
  return [
    result(`intake, ${n} new messages (memory)`, n / fresh, "tips/s", n / raw, true),
    result(`intake, ${n} redelivered messages (memory)`, n / again, "messages/s", n / raw, true)
  ]
}

const memoryStatistics = async (): Promise<ReadonlyArray<Result>> => {
  const sizes = [20_000, 100_000]
  const times: Array<number> = []
  const rows: Array<Result> = []
  for (const size of sizes) {
    const s = statisticsBench(size)
    times.push(s.engine)
    rows.push(
      result(
        `statistics, ${size.toLocaleString("en")} tips (${s.events.toLocaleString("en")} events), by unit`,
        s.engine * 1000,
        "ms",
        s.baseline * 1000,
        false
      )
    )
  }
  rows.push(result("statistics growth, 20k → 100k tips (5× data)", times[1]! / times[0]!, "×", 5, false))
  return rows
}

const progress = (line: string) => console.log(`… ${line}`)

// A step that fails is reported and the others still run: one broken backend does not hide the other figures.
const failures: Array<string> = []
const step = async (label: string, f: () => Promise<ReadonlyArray<Result>>) => {
  try {
    results.push(...(await f()))
  } catch (error) {
    const line = `${label} failed: ${describe(error)}`
    console.log(`✗ ${line}`)
    failures.push(line)
  }
}

const sqlOptions = (): SqlIntake.Options => {
  const committers = process.env.BENCH_COMMITTERS
  return {
    ...SqlIntake.defaults,
    tips: Number(process.env.BENCH_SQL_TIPS ?? SqlIntake.defaults.tips),
    rounds: Math.max(1, Number(process.env.BENCH_SQL_ROUNDS ?? SqlIntake.defaults.rounds)),
    ...(committers !== undefined ? { groupCommit: { committers: Number(committers) } } : {}),
    progress
  }
}

const sqliteIntake = async () => {
  await step("intake on SQLite (FULL)", () => SqlIntake.sqliteIntake("full", sqlOptions()))
  await step("intake on SQLite (NORMAL)", () => SqlIntake.sqliteIntake("normal", sqlOptions()))
}

const pgIntake = () => step("intake on PostgreSQL", () => SqlIntake.pgIntakeIfReachable(sqlOptions()))

const parts: Record<string, () => Promise<unknown>> = {
  intake: () => step("intake in memory", memoryIntake),
  statistics: () => step("statistics in memory", memoryStatistics),
  sql: async () => {
    await sqliteIntake()
    await pgIntake()
  },
  "sql-sqlite": () => sqliteIntake(),
  "sql-pg": () => pgIntake(),
  "sql-statistics": () => step("statistics on SQL", () => SqlStatistics.run({ progress })),
  rss: () =>
    step("resident memory", () =>
      ResidentMemory.run({
        ...ResidentMemory.defaults,
        events: Number(process.env.BENCH_RSS_EVENTS ?? ResidentMemory.defaults.events),
        progress
      })
    ),
  "tipline-webhook": () =>
    step("tip-line webhook", () =>
      TipLine.webhook({
        ...TipLine.webhookDefaults,
        requests: Number(process.env.BENCH_TIPLINE_REQUESTS ?? TipLine.webhookDefaults.requests),
        progress
      })
    ),
  "tipline-storm": () =>
    step("tip-line storm", () =>
      TipLine.storm({
        ...TipLine.stormDefaults,
        messages: Number(
          process.env.BENCH_STORM ??
            (process.env.CI === "true" ? TipLine.stormDefaults.ciMessages : TipLine.stormDefaults.messages)
        ),
        progress
      })
    ),
  "tipline-chaos": () =>
    step("tip-line chaos", () =>
      TipLine.chaos({
        ...TipLine.chaosDefaults,
        messages: Number(process.env.BENCH_CHAOS ?? TipLine.chaosDefaults.messages),
        progress
      })
    ),
  "tipline-list": () => step("tip-line list", () => TipLineList.run({ progress }))
}

// What a run without --only runs: every part once (sql-sqlite and sql-pg are halves of sql).
const everything = [
  "intake",
  "statistics",
  "sql",
  "sql-statistics",
  "rss",
  "tipline-webhook",
  "tipline-storm",
  "tipline-chaos",
  "tipline-list"
]

/** `--only a,b` or `--only=a,b`; every part when absent. An unknown part is refused before anything runs. */
const chosen = (args: ReadonlyArray<string>): ReadonlyArray<string> => {
  const at = args.findIndex((a) => a === "--only" || a.startsWith("--only="))
  if (at === -1) return everything
  const value = args[at]!.startsWith("--only=") ? args[at]!.slice("--only=".length) : (args[at + 1] ?? "")
  const names = value.split(",").filter((name) => name !== "")
  const unknown = names.filter((name) => !(name in parts))
  if (names.length === 0 || unknown.length > 0) {
    console.error(`--only takes a comma-separated list of ${Object.keys(parts).join(", ")}; got "${value}".`)
    process.exit(2)
  }
  return names
}

// What the figures ran on, printed first so that a pasted table carries it.
const machine = async () => {
  const db = openSqlite(":memory:")
  const sqlite = (db.prepare("SELECT sqlite_version() AS v").get() as { v: string }).v
  db.close()
  const pg = (await pgReachable())
    ? await pgAdmin(async (pool) => String((await pool.query("SHOW server_version")).rows[0]!.server_version))
    : "not reachable"
  return `${cpus().length} × ${cpus()[0]?.model ?? "CPU"}, Node ${process.versions.node}, SQLite ${sqlite} (better-sqlite3), PostgreSQL ${pg}`
}

const out = fileURLToPath(new URL("results.json", import.meta.url))

// A partial run keeps the other parts' rows from the last run and replaces the rows it measured again.
const merged = (fresh: ReadonlyArray<Result>, partial: boolean): ReadonlyArray<Result> => {
  if (!partial || !existsSync(out)) return fresh
  const kept = JSON.parse(readFileSync(out, "utf8")) as ReadonlyArray<Result>
  const byName = new Map(fresh.map((r) => [r.name, r]))
  return [...kept.map((r) => byName.get(r.name) ?? r), ...fresh.filter((r) => !kept.some((k) => k.name === r.name))]
}

const main = async () => {
  const names = chosen(process.argv.slice(2))
  console.log(`machine: ${await machine()}`)
  const started = performance.now()
  for (const name of names) await parts[name]!()
  console.log(`\n${table(results)}`)
  console.log(
    "\nratio: value ÷ baseline where higher is better (rates), baseline ÷ value where lower is better (times, sizes)."
  )
  console.log(`${names.join(", ")} in ${round((performance.now() - started) / 1000, 0)} s`)
  writeFileSync(out, `${JSON.stringify(merged(results, names !== everything), null, 2)}\n`)
  console.log(`written to ${out}`)
  if (failures.length > 0) {
    console.log(`\n${failures.length} step(s) failed; their rows are missing:\n${failures.join("\n")}`)
    process.exitCode = 1
  }
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
