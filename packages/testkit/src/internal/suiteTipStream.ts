/**
 * The tip store part of the storage suite that reads the whole log or writes a lot: stream order and resumption,
 * concurrent writers, large logs, and what the backend itself holds (the `eventCount` probe).
 *
 * @internal
 */
import { expect } from "@effect/vitest"
import { Tip, TipStore } from "@tinbao/core"
import { Chunk, Effect, Either, Stream } from "effect"
import {
  type Context,
  encodeEvents,
  freshUnit,
  instant,
  log,
  note,
  plusMinutes,
  received,
  test
} from "./suiteFixtures.js"
import { create } from "./suiteTipStore.js"

const all = (after?: number) =>
  Effect.flatMap(TipStore.TipStore, (s) => Effect.map(Stream.runCollect(s.stream(after)), Chunk.toReadonlyArray))

const key = (e: TipStore.StoredEvent) => `${e.position}/${e.tip}/${e.version}`

/** Positions strictly increase, and every tip's versions run 1, 2, 3… in log order. */
const checkOrder = (events: ReadonlyArray<TipStore.StoredEvent>): void => {
  const versions = new Map<string, number>()
  let position = 0
  for (const e of events) {
    expect(e.position).toBeGreaterThan(position)
    position = e.position
    expect(e.version).toBe((versions.get(e.tip) ?? 0) + 1)
    expect(e.event.tip).toBe(e.tip)
    versions.set(e.tip, e.version)
  }
}

const LARGE = 120_000

/** @internal */
export const tipStreamTests = <R>(ctx: Context<R | TipStore.TipStore>): void => {
  test(ctx, "streams every event in log order, and resumes after a position", {}, () =>
    Effect.gen(function* () {
      const store = yield* TipStore.TipStore
      const unit = freshUnit("unit")
      const at = instant("2025-09-10T01:00:00Z")
      const [a, b] = [Tip.makeId(), Tip.makeId()]
      const written = [...log(a, unit, at, 1), ...log(b, unit, at, 0), note(a, plusMinutes(at, 5), 2)]
      yield* create(written.slice(0, 2))
      yield* create(written.slice(2, 3))
      yield* store.append([{ tip: a, expectedVersion: 2, events: written.slice(3) }])
      const full = yield* all()
      checkOrder(full)
      expect(full.map(key)).toEqual((yield* all(0)).map(key))
      const mine = full.filter((e) => e.tip === a || e.tip === b)
      expect(mine.map((e) => [e.tip, e.version])).toEqual([
        [a, 1],
        [a, 2],
        [b, 1],
        [a, 3]
      ])
      expect(encodeEvents(mine.map((e) => e.event))).toEqual(encodeEvents(written))
      const after = mine[1].position
      const rest = yield* all(after)
      expect(rest.length).toBeGreaterThan(0)
      expect(rest.map(key)).toEqual(full.filter((e) => e.position > after).map(key))
      expect(yield* all(full[full.length - 1].position)).toEqual([])
    })
  )

  test(
    ctx,
    "lets exactly one of 50 parallel writers at the same version win",
    { capabilities: ["concurrentWriters"] },
    () =>
      Effect.gen(function* () {
        const store = yield* TipStore.TipStore
        const unit = freshUnit("unit")
        const at = instant("2025-09-11T01:00:00Z")
        const tip = Tip.makeId()
        const creations = yield* Effect.all(
          Array.from({ length: 50 }, () => Effect.either(create([received(tip, unit, at)]))),
          { concurrency: "unbounded" }
        )
        expect(creations.filter(Either.isRight)).toHaveLength(1)
        for (const r of creations) {
          if (Either.isLeft(r)) expect(r.left.reason).toBe("conflict")
        }
        const notes = Array.from({ length: 50 }, (_, i) => note(tip, plusMinutes(at, 1), i + 1))
        const results = yield* Effect.all(
          notes.map((n) => Effect.either(store.append([{ tip, expectedVersion: 1, events: [n] }]))),
          { concurrency: "unbounded" }
        )
        const winners = results.flatMap((r, i) => (Either.isRight(r) ? [i] : []))
        expect(winners).toHaveLength(1)
        for (const r of results) {
          if (Either.isLeft(r)) expect(r.left.reason).toBe("conflict")
        }
        const events = yield* store.events(tip)
        expect(events).toHaveLength(2)
        expect(encodeEvents([events[1]])).toEqual(encodeEvents([notes[winners[0]]]))
        // Batches racing on the same tip: the losers' new tips must not be half written.
        const others = Array.from({ length: 50 }, () => Tip.makeId())
        const batches = yield* Effect.all(
          others.map((other, i) =>
            Effect.either(
              store.append([
                { tip: other, expectedVersion: 0, events: [received(other, unit, at)] },
                { tip, expectedVersion: 2, events: [note(tip, plusMinutes(at, 2), 100 + i)] }
              ])
            )
          ),
          { concurrency: "unbounded" }
        )
        expect(batches.filter(Either.isRight)).toHaveLength(1)
        for (const [i, r] of batches.entries()) {
          expect((yield* store.events(others[i])).length).toBe(Either.isRight(r) ? 1 : 0)
        }
        expect(yield* store.events(tip)).toHaveLength(3)
        checkOrder((yield* all()).filter((e) => e.tip === tip))
      })
  )

  test(ctx, "keeps a tip with 1,000 events", { capabilities: ["largeLogs"], timeout: LARGE }, () =>
    Effect.gen(function* () {
      const store = yield* TipStore.TipStore
      const tip = Tip.makeId()
      const at = instant("2025-09-12T01:00:00Z")
      const events = log(tip, freshUnit("unit"), at, 999)
      const [state] = yield* create(events)
      expect(state.version).toBe(1000)
      expect(state.notes).toBe(999)
      expect(encodeEvents(yield* store.events(tip))).toEqual(encodeEvents(events))
      const [next] = yield* store.append([
        { tip, expectedVersion: 1000, events: [note(tip, plusMinutes(at, 2000), 1000)] }
      ])
      expect(next.version).toBe(1001)
      const streamed = (yield* all()).filter((e) => e.tip === tip)
      expect(streamed.map((e) => e.version)).toEqual(Array.from({ length: 1001 }, (_, i) => i + 1))
    })
  )

  test(ctx, "keeps and lists 2,000 tips of one unit", { capabilities: ["largeLogs"], timeout: LARGE }, () =>
    Effect.gen(function* () {
      const store = yield* TipStore.TipStore
      const unit = freshUnit("unit")
      const base = instant("2025-09-13T00:00:00Z")
      const count = 2000
      // 7 is prime to 2000, so minute i * 7 mod 2000 gives every tip its own time, in another order than written.
      const tips = Array.from({ length: count }, (_, i) => ({ tip: Tip.makeId(), minute: (i * 7) % count }))
      for (let i = 0; i < count; i += 100) {
        yield* store.append(
          tips.slice(i, i + 100).map(({ minute, tip }) => ({
            tip,
            expectedVersion: 0,
            events: [received(tip, unit, plusMinutes(base, minute))]
          }))
        )
      }
      const listed = yield* store.list({ units: [unit] })
      expect(listed).toHaveLength(count)
      const byMinute = [...tips].sort((x, y) => x.minute - y.minute).map((t) => t.tip)
      expect(listed.map((t) => t.id)).toEqual(byMinute)
      const middle = yield* store.list({
        units: [unit],
        receivedFrom: plusMinutes(base, 500),
        receivedBefore: plusMinutes(base, 1500)
      })
      expect(middle.map((t) => t.id)).toEqual(byMinute.slice(500, 1500))
    })
  )

  test(ctx, "the backend itself holds exactly the appended events", { probes: ["eventCount"] }, () =>
    Effect.gen(function* () {
      const store = yield* TipStore.TipStore
      const count = ctx.probes.eventCount!
      const unit = freshUnit("unit")
      const at = instant("2025-09-14T01:00:00Z")
      const [a, b, c] = [Tip.makeId(), Tip.makeId(), Tip.makeId()]
      yield* create(log(a, unit, at, 2))
      expect(yield* count(a)).toBe(3)
      yield* Effect.flip(store.append([{ tip: a, expectedVersion: 1, events: [note(a, at, 9)] }]))
      yield* Effect.flip(
        store.append([
          { tip: b, expectedVersion: 0, events: log(b, unit, at, 1) },
          { tip: a, expectedVersion: 2, events: [note(a, at, 9)] }
        ])
      )
      yield* Effect.flip(store.append([{ tip: c, expectedVersion: 0, events: [note(c, at, 1)] }]))
      expect(yield* count(a)).toBe(3)
      expect(yield* count(b)).toBe(0)
      expect(yield* count(c)).toBe(0)
      yield* store.append([{ tip: a, expectedVersion: 3, events: [note(a, at, 3)] }])
      expect(yield* count(a)).toBe(4)
    })
  )
}
