import { describe, expect, it } from "@effect/vitest"
import { Actor, Tips, Unit } from "@tinbao/core"
import { Effect } from "effect"
import * as Cli from "../src/cli.js"
import * as Simulate from "../src/simulate.js"
import { eventually, startFresh, tipsOf } from "./helpers.js"

describe("npm run simulate", () => {
  it.scopedLive(
    "a seeded stream ends with one tip per planned tip, redeliveries absorbed, follow-ups appended, photos kept",
    () =>
      Effect.gen(function* () {
        const { dir, running } = yield* startFresh()
        const progress: Array<number> = []
        const summary = yield* Simulate.run({
          url: running.url,
          dataDir: dir,
          count: 12,
          seed: 7,
          onProgress: (sent) => progress.push(sent)
        })
        const sent = Object.values(summary.deliveries).reduce((n, k) => n + (k ?? 0), 0)
        expect(progress.at(-1)).toBe(sent)
        expect(summary.answers).toEqual({ 200: sent })
        for (const kind of Simulate.kinds) expect(summary.deliveries[kind]).toBeGreaterThan(0)
        expect(summary.redeliveries).toBeGreaterThan(0)
        expect(summary.photos).toBeGreaterThan(0)
        expect(summary.problems).toEqual([])
        expect(summary.ok).toBe(true)
        expect(summary.acknowledgements).toBe(12)

        // What the server made of it, unit by unit, through the core's Tips service.
        const units = [...new Set(summary.tips.map((t) => t.unit))]
        const byUnit = (unit: string) => summary.tips.filter((t) => t.unit === unit)
        const stored = yield* eventually(
          Effect.forEach(units, (unit) =>
            Effect.flatMap(tipsOf(running, Unit.UnitId.make(unit)), (tips) =>
              tips.length === byUnit(unit).length ? Effect.succeed({ unit, tips }) : Effect.fail("not all tips yet")
            )
          )
        )
        const histories = yield* Effect.forEach(stored, ({ unit, tips }) =>
          Effect.forEach(tips, (tip) =>
            Effect.map(
              Effect.flatMap(Tips.Tips, (service) =>
                service.history(Actor.make("test-officer", Unit.UnitId.make(unit), ["officer"]), tip.id)
              ),
              (events) => ({ tip, events })
            )
          ).pipe(Effect.provide(running.services))
        )
        const all = histories.flat()
        expect(all).toHaveLength(12)
        for (const { unit, tips } of stored) {
          const channels = tips.map((t) => t.channelId).sort()
          expect(channels).toEqual(
            byUnit(unit)
              .map((t) => t.channel)
              .sort()
          )
        }
        // Each follow-up is on the tip it follows, never a tip of its own; each photo is evidence, fetched and kept.
        const followUps = all.filter(({ events }) => events.some((e) => e._tag === "FollowUpAppended")).length
        expect(followUps).toBeGreaterThan(0)
        const evidence = yield* eventually(
          Effect.gen(function* () {
            const fresh = yield* Effect.forEach(all, ({ tip }) =>
              Effect.flatMap(Tips.Tips, (service) =>
                service.history(Actor.make("test-officer", tip.unit, ["officer"]), tip.id)
              ).pipe(Effect.provide(running.services))
            )
            const recorded = fresh.flat().filter((e) => e._tag === "EvidenceStored")
            return recorded.length >= summary.photos ? Effect.succeed(recorded) : Effect.fail("photos not kept yet")
          }).pipe(Effect.flatten)
        )
        expect(evidence.length).toBe(summary.photos)
      }),
    120_000
  )

  it.scopedLive(
    "tinbao simulate prints its progress and the summary, and exits 0 when the stream ends as expected",
    () =>
      Effect.gen(function* () {
        const { dir, running } = yield* startFresh()
        const args = ["simulate", "--url", running.url, "--count", "3", "--seed", "2"]
        const outcome = yield* Effect.promise(() => Cli.run(args, { env: { DATA_DIR: dir } }))
        expect(outcome.stderr).toContain("100% (")
        expect(outcome.stdout).toContain("OK: every tip acknowledged once")
        expect(outcome.exitCode).toBe(0)
        const refused = yield* Effect.promise(() => Cli.run(["simulate", "--count", "0"], { env: { DATA_DIR: dir } }))
        expect([refused.exitCode, refused.stderr]).toEqual([2, "tinbao: --count must be from 1 to 100000.\n"])
      }),
    60_000
  )
})
