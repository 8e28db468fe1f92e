/**
 * Claims in the evidence suite: leases earliest due first, attempts counted per claim, a claim taken again once
 * its lease runs out and the stale holder refused (`lease_lost`), retries due later with their error, and a
 * settled record kept leased for its follow-up until it is marked recorded, or handed out again when that lease
 * runs out.
 *
 * @internal
 */
import { expect } from "@effect/vitest"
import { Evidence, MediaStore } from "@tinbao/core"
import { DateTime, Effect, TestClock } from "effect"
import { link, reasonOf, test, tip } from "./evidenceFixtures.js"
import type { RecordsContext } from "./evidenceRequests.js"

const minute = 60_000

const urls = (entries: ReadonlyArray<Evidence.Entry>) => entries.map((e) => e.originalUrl)

const itemFor = (url: string, storedAt: DateTime.Utc) =>
  new Evidence.Item({
    hash: MediaStore.Hash.make("5d".repeat(32)),
    size: 1234,
    mediaType: "image/jpeg",
    originalUrl: url,
    storedAt
  })

const busy = { reason: "server_error", message: "The server failed (HTTP 503) for localhost/v/1.jpg." } as const

/** @internal */
export const claimTests = <R>(ctx: RecordsContext<R>): void => {
  test(
    ctx,
    "claims due records once, earliest first, again when the lease expires, and refuses a stale settle",
    {},
    () =>
      Effect.gen(function* () {
        const records = yield* Evidence.EvidenceRecords
        const a = (yield* records.request(tip, link(1))).entry
        yield* TestClock.adjust("1 second")
        const b = (yield* records.request(tip, link(2))).entry
        const now = yield* DateTime.now
        const first = yield* records.claim(now, 1, minute)
        expect(first.map((e) => [e.originalUrl, e.status, e.attempts])).toEqual([[link(1), "fetching", 1]])
        expect(DateTime.toEpochMillis(first[0]!.leaseUntil!)).toBe(DateTime.toEpochMillis(now) + minute)
        expect(urls(yield* records.claim(now, 10, minute))).toEqual([link(2)])
        expect(yield* records.claim(now, 10, minute)).toEqual([])
        const later = DateTime.add(now, { millis: minute })
        const again = yield* records.claim(later, 10, minute)
        expect(again.map((e) => [e.originalUrl, e.attempts])).toEqual([
          [link(1), 2],
          [link(2), 2]
        ])
        // The worker that held attempt 1 lost its lease: it cannot settle any more.
        const item = itemFor(a.originalUrl, later)
        expect(yield* reasonOf(records.stored(a.id, 1, item, { recorded: true }))).toBe("lease_lost")
        const stored = yield* records.stored(a.id, 2, item, { recorded: true })
        expect(stored).toMatchObject({ status: "stored", attempts: 2, recorded: true, item: { size: 1234 } })
        expect(stored.item?.hash).toBe("5d".repeat(32))
        expect(stored.leaseUntil).toBeUndefined()
        expect(yield* reasonOf(records.stored(a.id, 2, item, { recorded: true }))).toBe("lease_lost")
        const unknown = Evidence.EvidenceId.make(`EV-${"0".repeat(32)}`)
        expect(yield* reasonOf(records.stored(unknown, 1, item, { recorded: true }))).toBe("not_found")
        const retried = yield* records.retryAt(b.id, 2, DateTime.add(later, { seconds: 30 }), busy)
        expect(retried).toMatchObject({ status: "pending", lastError: busy, attempts: 2 })
        expect(retried.leaseUntil).toBeUndefined()
        expect(yield* records.claim(DateTime.add(later, { seconds: 29 }), 10, minute)).toEqual([])
        expect(urls(yield* records.claim(DateTime.add(later, { seconds: 30 }), 10, minute))).toEqual([link(2)])
        const gone = {
          reason: "not_found",
          message: "The link to localhost/v/2.jpg no longer works (HTTP 404)."
        } as const
        const given = yield* records.notRetrieved(b.id, 3, gone, { recorded: true })
        expect(given).toMatchObject({ status: "not_retrieved", lastError: gone, attempts: 3, recorded: true })
        expect(given.item).toBeUndefined()
        expect((yield* records.byTip(tip)).map((e) => e.status)).toEqual(["stored", "not_retrieved"])
        // Settled and recorded records are never claimed again, however late.
        expect(yield* records.claim(DateTime.add(later, { days: 30 }), 10, minute)).toEqual([])
      })
  )

  test(ctx, "claims by due time, not by the order of the requests", {}, () =>
    Effect.gen(function* () {
      const records = yield* Evidence.EvidenceRecords
      const ids: Array<Evidence.EvidenceId> = []
      for (const n of [1, 2, 3]) {
        ids.push((yield* records.request(tip, link(n))).entry.id)
        yield* TestClock.adjust("1 second")
      }
      const now = yield* DateTime.now
      expect(urls(yield* records.claim(now, 10, minute))).toEqual([1, 2, 3].map(link))
      yield* records.retryAt(ids[0]!, 1, DateTime.add(now, { seconds: 30 }), busy)
      yield* records.retryAt(ids[1]!, 1, DateTime.add(now, { seconds: 10 }), busy)
      yield* records.retryAt(ids[2]!, 1, DateTime.add(now, { seconds: 20 }), busy)
      const due = DateTime.add(now, { minutes: 5 })
      expect(urls(yield* records.claim(due, 2, minute))).toEqual([link(2), link(3)])
      expect(urls(yield* records.claim(due, 2, minute))).toEqual([link(1)])
    })
  )

  test(ctx, "keeps a settled record leased for its follow-up, and hands it out again until it is recorded", {}, () =>
    Effect.gen(function* () {
      const records = yield* Evidence.EvidenceRecords
      const a = (yield* records.request(tip, link(1))).entry
      yield* TestClock.adjust("1 second")
      const b = (yield* records.request(tip, link(2))).entry
      const now = yield* DateTime.now
      yield* records.claim(now, 10, minute)
      const stored = yield* records.stored(a.id, 1, itemFor(a.originalUrl, now), { recorded: false })
      expect(stored).toMatchObject({ status: "stored", recorded: false })
      expect(DateTime.toEpochMillis(stored.leaseUntil!)).toBe(DateTime.toEpochMillis(now) + minute)
      const gone = { reason: "not_found", message: "gone" } as const
      yield* records.notRetrieved(b.id, 1, gone, { recorded: false })
      // Still leased: nobody else runs the follow-up meanwhile.
      expect(yield* records.claim(DateTime.add(now, { seconds: 59 }), 10, minute)).toEqual([])
      const later = DateTime.add(now, { millis: minute })
      const back = yield* records.claim(later, 10, minute)
      // Handed out again for the follow-up only: settled as they were, attempts unchanged, leased anew.
      expect(back.map((e) => [e.originalUrl, e.status, e.attempts, e.recorded])).toEqual([
        [link(1), "stored", 1, false],
        [link(2), "not_retrieved", 1, false]
      ])
      expect(DateTime.toEpochMillis(back[0]!.leaseUntil!)).toBe(DateTime.toEpochMillis(later) + minute)
      expect(back[0]!.item).toEqual(stored.item)
      // A follow-up does not settle: the fetch's settlements are refused.
      expect(yield* reasonOf(records.stored(a.id, 1, itemFor(a.originalUrl, now), { recorded: true }))).toBe(
        "lease_lost"
      )
      const recorded = yield* records.markRecorded(a.id)
      expect(recorded).toMatchObject({ status: "stored", recorded: true })
      expect(recorded.leaseUntil).toBeUndefined()
      expect((yield* records.markRecorded(a.id)).recorded).toBe(true)
      yield* records.markRecorded(b.id)
      expect(yield* records.claim(DateTime.add(later, { days: 30 }), 10, minute)).toEqual([])
    })
  )

  test(ctx, "refuses to record a record that is not settled, and bad claims", {}, () =>
    Effect.gen(function* () {
      const records = yield* Evidence.EvidenceRecords
      const now = yield* DateTime.now
      const a = (yield* records.request(tip, link(1))).entry
      expect(yield* reasonOf(records.markRecorded(a.id))).toBe("conflict")
      yield* records.claim(now, 10, minute)
      expect(yield* reasonOf(records.markRecorded(a.id))).toBe("conflict")
      expect(yield* reasonOf(records.markRecorded(Evidence.EvidenceId.make(`EV-${"0".repeat(32)}`)))).toBe("not_found")
      expect(yield* reasonOf(records.claim(now, 0, 1000))).toBe("invalid")
      expect(yield* reasonOf(records.claim(now, 1.5, 1000))).toBe("invalid")
      expect(yield* reasonOf(records.claim(now, 10, -1))).toBe("invalid")
      expect((yield* records.get(a.id))?.status).toBe("fetching")
    })
  )

  test(
    ctx,
    "gives 4 claimers in parallel over 60 due records each record once",
    { capabilities: ["concurrentWriters"] },
    () =>
      Effect.gen(function* () {
        const records = yield* Evidence.EvidenceRecords
        yield* Effect.forEach(
          Array.from({ length: 60 }, (_, i) => link(i)),
          (url) => records.request(tip, url),
          { discard: true }
        )
        const now = yield* DateTime.now
        const drain = Effect.gen(function* () {
          const claimed: Array<string> = []
          while (true) {
            const batch = yield* records.claim(now, 7, minute)
            if (batch.length === 0) return claimed
            claimed.push(...batch.map((e) => e.id))
          }
        })
        const all = (yield* Effect.all([drain, drain, drain, drain], { concurrency: "unbounded" })).flat()
        expect(all).toHaveLength(60)
        expect(new Set(all).size).toBe(60)
        expect(yield* records.claim(now, 100, minute)).toEqual([])
      })
  )
}
