/**
 * `npm run bench`: throughput of intake and of the statistics engine, each against a baseline run in the
 * same process on the same data, so the ratios hold on any machine. Prints a table and writes
 * bench/results.json as `{ name, value, unit, baseline, ratio }` rows. Not part of `npm test`.
 */

import { writeFileSync } from "node:fs"
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
import { Clock, DateTime, Effect, Either, Redacted } from "effect"

interface Result {
  readonly name: string
  readonly value: number
  readonly unit: string
  readonly baseline: number
  readonly ratio: number
}

const results: Array<Result> = []
const record = (name: string, value: number, unit: string, baseline: number, higherIsBetter: boolean) => {
  const ratio = higherIsBetter ? value / baseline : baseline / value
  results.push({ name, value: round(value), unit, baseline: round(baseline), ratio: round(ratio, 3) })
}
const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits
const seconds = async (f: () => Promise<unknown>) => {
  const start = performance.now()
  await f()
  return (performance.now() - start) / 1000
}

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
      conversation: { kind: "direct", id: `u-${i % 500}` },
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

// Every message arrives at the same instant, so the receipt year and the quiet period do not vary between runs.
function fixedClock(millis: number): Clock.Clock {
  return {
    [Clock.ClockTypeId]: Clock.ClockTypeId,
    unsafeCurrentTimeMillis: () => millis,
    currentTimeMillis: Effect.succeed(millis),
    unsafeCurrentTimeNanos: () => BigInt(millis) * 1_000_000n,
    currentTimeNanos: Effect.succeed(BigInt(millis) * 1_000_000n),
    sleep: (duration) => Effect.sleep(duration).pipe(Effect.withClock(Clock.make()))
  }
}

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
  // warm up both (JIT, the calendar's year tables)
  Statistics.compute(events.slice(0, 2000), hierarchy, Calendar.vietnam, year(2023))
  handWritten(events.slice(0, 2000), from, until)
  const t0 = performance.now()
  const report = Statistics.compute(events, hierarchy, Calendar.vietnam, year(2023))
  const engine = (performance.now() - t0) / 1000
  if (Either.isLeft(report)) throw report.left
  const t1 = performance.now()
  handWritten(events, from, until)
  const baseline = (performance.now() - t1) / 1000
  return { engine, baseline, events: events.length }
}

const main = async () => {
  const n = Number(process.env.BENCH_INTAKE ?? 3000)
  await seconds(() => Effect.runPromise(intakeBench(200))) // warm-up
  const { again, fresh } = await Effect.runPromise(intakeBench(n))
  const raw = await Effect.runPromise(rawAppendBench(n))
  record(`intake, ${n} new messages (memory)`, n / fresh, "tips/s", n / raw, true)
  record(`intake, ${n} redelivered messages (memory)`, n / again, "messages/s", n / raw, true)

  const sizes = [20_000, 100_000]
  const times: Array<number> = []
  for (const size of sizes) {
    const s = statisticsBench(size)
    times.push(s.engine)
    record(
      `statistics, ${size.toLocaleString("en")} tips (${s.events.toLocaleString("en")} events), by unit`,
      s.engine * 1000,
      "ms",
      s.baseline * 1000,
      false
    )
  }
  record("statistics growth, 20k → 100k tips (5× data)", times[1]! / times[0]!, "×", 5, false)

  const width = Math.max(...results.map((r) => r.name.length))
  console.log(`${"benchmark".padEnd(width)}  ${"value".padStart(12)}  ${"baseline".padStart(12)}  unit          ratio`)
  for (const r of results) {
    console.log(
      `${r.name.padEnd(width)}  ${String(r.value).padStart(12)}  ${String(r.baseline).padStart(12)}  ${r.unit.padEnd(12)}  ${r.ratio}`
    )
  }
  console.log(
    "\nratio: value ÷ baseline where higher is better (rates), baseline ÷ value where lower is better (times)."
  )
  const out = fileURLToPath(new URL("results.json", import.meta.url))
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`)
  console.log(`written to ${out}`)
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
