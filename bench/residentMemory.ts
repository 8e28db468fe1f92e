// Resident memory while a million events are appended to an SQLite file through our storage. Full intake runs
// at about 500 tips a second on this machine, so 250,000 tips would take over eight minutes; instead the events go
// through `TipStore.append` (what `Tips` and intake call), each append in `Transaction.atomically` as the core's
// writers do, in `streams` concurrent streams. Each stream takes `tipsPerAppend` tips at a time through their life
// in two appends: received and acknowledged, then accepted and resolved (the second reads the first back).
// `process.memoryUsage()` is sampled every `every` events, after a full collection; the figure is the growth from
// the sample at 10 % of the run to the highest sample of its last tenth (ratio 1 is flat; below 1, memory grew).
import { join } from "node:path"
import { Category, Tip, TipEvent, TipStore, Transaction } from "@tinbao/core"
import { SqlStorage } from "@tinbao/sql"
import { DateTime, Effect } from "effect"
import { vaultConfig, withTempDir } from "./databases.js"
import { start, units } from "./fixtures.js"
import { collect, type Result, result, round } from "./result.js"

export interface Options {
  /** Events to append in all (four per tip). */
  readonly events: number
  /** Concurrent streams of appends. */
  readonly streams: number
  /** Tips in one append (one `TipStore.append` call, one `atomically` block). */
  readonly tipsPerAppend: number
  /** Sample memory every this many events. */
  readonly every: number
  readonly progress?: (line: string) => void
}

export const defaults: Options = { events: 1_000_000, streams: 16, tipsPerAppend: 16, every: 10_000 }

interface Sample {
  readonly events: number
  readonly rss: number
  readonly heapUsed: number
}

const mb = (bytes: number) => bytes / 2 ** 20

// A tip's life in two appends of two events each: what intake writes, then what the handling unit writes.
const lifeOf = (k: number) => {
  const tip = Tip.TipId.make(`tip_rss_${k}`)
  const at = (minutes: number) => DateTime.unsafeMake(start + k * 1000 + minutes * 60_000)
  const by = "bench" as never
  const unit = units[k % units.length]!.id
  return [
    [
      new TipEvent.TipReceived({
        tip,
        at: at(0),
        by,
        unit,
        code: `B-2023-${k + 1}`,
        registerNumber: k + 1,
        registerYear: 2023,
        channel: "zalo",
        reporterKind: "individual",
        alias: "AL-0123456789ABCDEF" as never,
        legalType: k % 3 === 0 ? "phan_anh" : "to_giac",
        category: Category.CategoryId.make(k % 2 === 0 ? "crime" : "traffic"),
        summary: `Tin báo số ${k}: mất trộm xe máy`
      }),
      new TipEvent.Acknowledged({ tip, at: at(1), by })
    ],
    [
      new TipEvent.Accepted({ tip, at: at(60), by }),
      new TipEvent.Resolved({ tip, at: at(7 * 24 * 60), by, outcome: { _tag: "Handled", summary: "Đã xử lý" } })
    ]
  ] as const
}

export const run = async (options: Options = defaults): Promise<ReadonlyArray<Result>> =>
  withTempDir(async (dir) => {
    const say = options.progress ?? (() => {})
    const tips = Math.ceil(options.events / 4)
    const samples: Array<Sample> = []
    let appended = 0
    let nextSample = options.every
    let nextSay = options.events / 10
    // After a full collection, so that heapUsed is what is alive, not what is waiting to be collected.
    const sample = () => {
      collect()
      const usage = process.memoryUsage()
      samples.push({ events: appended, rss: usage.rss, heapUsed: usage.heapUsed })
    }
    say(
      `resident memory: ${(tips * 4).toLocaleString("en")} events on SQLite (NORMAL), ${options.streams} streams ` +
        `of appends of ${options.tipsPerAppend} tips`
    )
    const t0 = performance.now()
    await Effect.gen(function* () {
      const store = yield* TipStore.TipStore
      const transaction = yield* Transaction.Transaction
      sample()
      let next = 0
      const stream = Effect.gen(function* () {
        while (next < tips) {
          const from = next
          next = Math.min(tips, next + options.tipsPerAppend)
          const lives = Array.from({ length: next - from }, (_, j) => lifeOf(from + j))
          yield* transaction.atomically(
            store.append(lives.map(([received]) => ({ tip: received[0].tip, expectedVersion: 0, events: received })))
          )
          yield* transaction.atomically(
            store.append(
              lives.map(([received, handled]) => ({ tip: received[0].tip, expectedVersion: 2, events: handled }))
            )
          )
          appended += 4 * lives.length
          if (appended >= nextSample) {
            nextSample += options.every
            sample()
            if (appended >= nextSay) {
              nextSay += options.events / 10
              say(`  ${appended.toLocaleString("en")} events`)
            }
          }
        }
      })
      yield* Effect.all(
        Array.from({ length: options.streams }, () => stream),
        {
          concurrency: "unbounded",
          discard: true
        }
      )
      // The last sample while the database is still open: closing it gives memory back.
      sample()
    }).pipe(
      Effect.provide(
        SqlStorage.layerSqlite({ filename: join(dir, "events.db"), vault: vaultConfig(), synchronous: "normal" })
      ),
      Effect.runPromise
    )
    const elapsed = (performance.now() - t0) / 1000
    const at10 = samples.find((s) => s.events >= appended * 0.1) ?? samples[0]!
    const last = samples.at(-1)!
    const after10 = samples.filter((s) => s.events >= at10.events)
    // "The end" is the highest sample of the last tenth, not the last one alone: a collection that happens to
    // fall just before the last sample must not make the figure look flatter than the run was.
    const lastTenth = samples.filter((s) => s.events >= appended * 0.9)
    const highest = (among: ReadonlyArray<Sample>, f: (s: Sample) => number) => Math.max(...among.map(f))
    console.log(
      `resident memory: ${appended.toLocaleString("en")} events in ${elapsed.toFixed(0)} s ` +
        `(${Math.round(appended / elapsed).toLocaleString("en")} events/s); rss MB at each tenth: ${[
          0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1
        ]
          .map((f) => mb((samples.find((s) => s.events >= appended * f) ?? last).rss).toFixed(0))
          .join(" ")}; highest after 10 %: rss ${mb(highest(after10, (s) => s.rss)).toFixed(0)} MB, heap ${mb(
          highest(after10, (s) => s.heapUsed)
        ).toFixed(0)} MB`
    )
    const label = `${appended >= 1e6 ? `${round(appended / 1e6, 2)}M` : `${round(appended / 1e3)}k`} events appended on SQLite`
    return [
      result(
        `resident memory (rss), ${label}: end vs 10 %`,
        mb(highest(lastTenth, (s) => s.rss)),
        "MB",
        mb(at10.rss),
        false
      ),
      result(
        `heap used, ${label}: end vs 10 %`,
        mb(highest(lastTenth, (s) => s.heapUsed)),
        "MB",
        mb(at10.heapUsed),
        false
      )
    ]
  })
