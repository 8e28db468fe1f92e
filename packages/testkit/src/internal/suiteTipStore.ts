/**
 * The tip store part of the storage suite: read back, versions, conflicts, atomic and invalid batches, queries.
 *
 * @internal
 */
import { expect } from "@effect/vitest"
import { Tip, TipEvent, TipStore } from "@tinbao/core"
import { type DateTime, Effect } from "effect"
import { everyKind } from "./suiteEvents.js"
import {
  by,
  type Context,
  encodeEvents,
  freshUnit,
  ids,
  instant,
  log,
  note,
  plusMinutes,
  received,
  test
} from "./suiteFixtures.js"

const refused = <A>(effect: Effect.Effect<A, TipStore.TipStoreError>, reason: TipStore.TipStoreError["reason"]) =>
  Effect.map(Effect.flip(effect), (error) => {
    expect(error).toBeInstanceOf(TipStore.TipStoreError)
    expect(error.reason).toBe(reason)
    expect(error.message.length).toBeGreaterThan(0)
  })

/** Appends a whole log as a new tip. @internal */
export const create = (events: ReadonlyArray<TipEvent.TipEvent>) =>
  Effect.flatMap(TipStore.TipStore, (s) => s.append([{ tip: events[0].tip, expectedVersion: 0, events }]))

/** @internal */
export const tipStoreTests = <R>(ctx: Context<R | TipStore.TipStore>): void => {
  test(ctx, "appends a new tip at version 0 and reads back the same events and state", {}, () =>
    Effect.gen(function* () {
      const store = yield* TipStore.TipStore
      const tip = Tip.makeId()
      const events = everyKind(
        tip,
        freshUnit("unit"),
        freshUnit("other"),
        Tip.makeId(),
        instant("2025-09-01T02:00:00Z")
      )
      const [state] = yield* store.append([{ tip, expectedVersion: 0, events }])
      const expected = Tip.fold(events)!
      expect(state).toEqual(expected)
      expect(state.version).toBe(events.length)
      const read = yield* store.events(tip)
      expect(encodeEvents(read)).toEqual(encodeEvents(events))
      expect(read).toEqual(events)
      expect(yield* store.get(tip)).toEqual(expected)
      const unknown = Tip.makeId()
      expect(yield* store.get(unknown)).toBeUndefined()
      expect(yield* store.events(unknown)).toEqual([])
    })
  )

  test(ctx, "numbers a tip's versions from 1, one per event", {}, () =>
    Effect.gen(function* () {
      const store = yield* TipStore.TipStore
      const tip = Tip.makeId()
      const at = instant("2025-09-02T01:00:00Z")
      const [first] = yield* create([received(tip, freshUnit("unit"), at)])
      expect(first.version).toBe(1)
      const notes = [1, 2, 3].map((n) => note(tip, plusMinutes(at, n), n))
      const [second] = yield* store.append([{ tip, expectedVersion: 1, events: notes }])
      expect(second.version).toBe(4)
      const [third] = yield* store.append([{ tip, expectedVersion: 4, events: [note(tip, plusMinutes(at, 9), 4)] }])
      expect(third.version).toBe(5)
      expect(third.notes).toBe(4)
      expect((yield* store.events(tip)).length).toBe(5)
      expect((yield* store.get(tip))?.version).toBe(5)
    })
  )

  test(ctx, "refuses a stale expected version with a conflict and writes nothing", {}, () =>
    Effect.gen(function* () {
      const store = yield* TipStore.TipStore
      const tip = Tip.makeId()
      const unit = freshUnit("unit")
      const at = instant("2025-09-03T01:00:00Z")
      const events = log(tip, unit, at, 2)
      yield* create(events)
      // A second intake process that believes the tip is new.
      yield* refused(store.append([{ tip, expectedVersion: 0, events: [received(tip, unit, at)] }]), "conflict")
      for (const expectedVersion of [1, 2, 4, 10]) {
        const late = note(tip, plusMinutes(at, 60), expectedVersion)
        yield* refused(store.append([{ tip, expectedVersion, events: [late] }]), "conflict")
      }
      expect(encodeEvents(yield* store.events(tip))).toEqual(encodeEvents(events))
      expect((yield* store.get(tip))?.version).toBe(3)
    })
  )

  test(ctx, "appends a batch of tips atomically: one conflicting tip and nothing is written", {}, () =>
    Effect.gen(function* () {
      const store = yield* TipStore.TipStore
      const unit = freshUnit("unit")
      const at = instant("2025-09-04T01:00:00Z")
      const [a, b, c] = [Tip.makeId(), Tip.makeId(), Tip.makeId()]
      yield* create([received(a, unit, at)])
      const states = yield* store.append([
        { tip: b, expectedVersion: 0, events: log(b, unit, at, 1) },
        { tip: a, expectedVersion: 1, events: [note(a, plusMinutes(at, 1), 1)] }
      ])
      expect(ids(states)).toEqual([b, a])
      expect(states.map((s) => s.version)).toEqual([2, 2])
      for (const batch of [
        [
          { tip: c, expectedVersion: 0, events: log(c, unit, at, 2) },
          { tip: a, expectedVersion: 1, events: [note(a, plusMinutes(at, 2), 2)] }
        ],
        [
          { tip: a, expectedVersion: 1, events: [note(a, plusMinutes(at, 2), 2)] },
          { tip: c, expectedVersion: 0, events: log(c, unit, at, 2) }
        ],
        // Creating a tip that exists: only the backend's own check at write time can see this conflict.
        [
          { tip: c, expectedVersion: 0, events: log(c, unit, at, 2) },
          { tip: a, expectedVersion: 0, events: [received(a, unit, at)] }
        ]
      ]) {
        yield* refused(store.append(batch), "conflict")
        expect(yield* store.events(c)).toEqual([])
        expect(yield* store.get(c)).toBeUndefined()
        expect((yield* store.events(a)).length).toBe(2)
        expect(yield* store.list({ units: [unit] })).toHaveLength(2)
      }
    })
  )

  test(ctx, "refuses malformed batches as invalid and writes nothing", {}, () =>
    Effect.gen(function* () {
      const store = yield* TipStore.TipStore
      const unit = freshUnit("unit")
      const at = instant("2025-09-05T01:00:00Z")
      const [t, other, good] = [Tip.makeId(), Tip.makeId(), Tip.makeId()]
      const bad: ReadonlyArray<ReadonlyArray<TipStore.Append>> = [
        [],
        [{ tip: t, expectedVersion: 0, events: [] }],
        [{ tip: t, expectedVersion: 0, events: [received(other, unit, at)] }],
        [{ tip: t, expectedVersion: 0, events: [received(t, unit, at), note(other, at, 1)] }],
        [{ tip: t, expectedVersion: 0, events: [note(t, at, 1)] }],
        [
          { tip: t, expectedVersion: 0, events: [received(t, unit, at)] },
          { tip: t, expectedVersion: 0, events: [received(t, unit, at)] }
        ],
        [
          { tip: good, expectedVersion: 0, events: log(good, unit, at, 1) },
          { tip: t, expectedVersion: 0, events: [received(other, unit, at)] }
        ]
      ]
      for (const batch of bad) yield* refused(store.append(batch), "invalid")
      for (const tip of [t, other, good]) expect(yield* store.events(tip)).toEqual([])
      expect(yield* store.list({ units: [unit] })).toEqual([])
    })
  )

  test(ctx, "lists the tips held now by given units, oldest receipt first", {}, () =>
    Effect.gen(function* () {
      const store = yield* TipStore.TipStore
      const [a, b] = [freshUnit("a"), freshUnit("b")]
      const [t1, t2, t3] = [Tip.makeId(), Tip.makeId(), Tip.makeId()]
      yield* create([received(t1, a, instant("2025-09-06T03:00:00Z"))])
      yield* create([received(t2, b, instant("2025-09-06T02:00:00Z"))])
      yield* create([received(t3, a, instant("2025-09-06T04:00:00Z"))])
      expect(ids(yield* store.list({ units: [a] }))).toEqual([t1, t3])
      expect(ids(yield* store.list({ units: [a, b] }))).toEqual([t2, t1, t3])
      expect(yield* store.list({ units: [freshUnit("none")] })).toEqual([])
      const assigned = new TipEvent.Assigned({ tip: t3, at: instant("2025-09-06T05:00:00Z"), by, unit: b })
      yield* store.append([{ tip: t3, expectedVersion: 1, events: [assigned] }])
      expect(ids(yield* store.list({ units: [b] }))).toEqual([t2, t3])
      expect(ids(yield* store.list({ units: [a] }))).toEqual([t1])
      const [listed] = yield* store.list({ units: [a] })
      expect(listed).toEqual(yield* store.get(t1))
    })
  )

  test(ctx, "lists by time of receipt: from inclusive, before exclusive", {}, () =>
    Effect.gen(function* () {
      const store = yield* TipStore.TipStore
      const unit = freshUnit("unit")
      const base = instant("2025-09-07T00:00:00Z")
      const hour = (n: number): DateTime.Utc => plusMinutes(base, 60 * n)
      const tips = [Tip.makeId(), Tip.makeId(), Tip.makeId(), Tip.makeId()]
      // Written newest first, so that the order of the answer comes from the receipt times.
      for (const i of [3, 2, 1, 0]) yield* create([received(tips[i], unit, hour(i))])
      const within = (from?: DateTime.Utc, before?: DateTime.Utc) =>
        store.list({
          units: [unit],
          ...(from === undefined ? {} : { receivedFrom: from }),
          ...(before === undefined ? {} : { receivedBefore: before })
        })
      expect(ids(yield* within(hour(1), hour(3)))).toEqual([tips[1], tips[2]])
      expect(ids(yield* within(hour(3)))).toEqual([tips[3]])
      expect(ids(yield* within(undefined, hour(1)))).toEqual([tips[0]])
      expect(yield* within(undefined, base)).toEqual([])
      expect(ids(yield* within())).toEqual(tips)
      const everywhere = yield* store.list({ receivedFrom: hour(1), receivedBefore: hour(3) })
      expect(ids(everywhere).filter((id) => tips.includes(id))).toEqual([tips[1], tips[2]])
      for (const t of everywhere) {
        expect(t.receivedAt.epochMillis).toBeGreaterThanOrEqual(hour(1).epochMillis)
        expect(t.receivedAt.epochMillis).toBeLessThan(hour(3).epochMillis)
      }
      const times = everywhere.map((t) => t.receivedAt.epochMillis)
      expect(times).toEqual([...times].sort((x, y) => x - y))
    })
  )

  test(ctx, "lists open and closed tips, and follows a reopened tip", {}, () =>
    Effect.gen(function* () {
      const store = yield* TipStore.TipStore
      const unit = freshUnit("unit")
      const at = (minute: number) => plusMinutes(instant("2025-09-08T01:00:00Z"), minute)
      const [open, resolved, rejected, suspended] = [Tip.makeId(), Tip.makeId(), Tip.makeId(), Tip.makeId()]
      yield* create([received(open, unit, at(0))])
      yield* create([
        received(resolved, unit, at(1)),
        new TipEvent.Accepted({ tip: resolved, at: at(2), by }),
        new TipEvent.Resolved({ tip: resolved, at: at(3), by, outcome: { _tag: "Prosecuted" } })
      ])
      yield* create([
        received(rejected, unit, at(4)),
        new TipEvent.Rejected({
          tip: rejected,
          at: at(5),
          by,
          rejection: { _tag: "OutOfScope", reason: "Tranh chấp dân sự." }
        })
      ])
      yield* create([
        received(suspended, unit, at(6)),
        new TipEvent.Accepted({ tip: suspended, at: at(7), by }),
        new TipEvent.Suspended({ tip: suspended, at: at(8), by, ground: "b", reason: "Chờ tài liệu từ ngân hàng." })
      ])
      expect(ids(yield* store.list({ units: [unit], open: true }))).toEqual([open, suspended])
      expect(ids(yield* store.list({ units: [unit], open: false }))).toEqual([resolved, rejected])
      const reopened = new TipEvent.Reopened({ tip: resolved, at: at(9), by, reason: "Có tình tiết mới." })
      yield* store.append([{ tip: resolved, expectedVersion: 3, events: [reopened] }])
      expect(ids(yield* store.list({ units: [unit], open: true }))).toEqual([open, resolved, suspended])
      expect(ids(yield* store.list({ units: [unit], open: false }))).toEqual([rejected])
      expect(ids(yield* store.list({ units: [unit], open: true, receivedFrom: at(1) }))).toEqual([resolved, suspended])
    })
  )
}
