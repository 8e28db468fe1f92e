/**
 * The outbox's claims in the messaging suite: leases earliest due first, attempts counted per claim, a claim
 * taken again once its lease runs out and the stale holder refused (`lease_lost`), retries due later with their
 * error, sent and failed entries left alone, and parallel claimers getting each entry once.
 *
 * @internal
 */
import { expect } from "@effect/vitest"
import { Outbox } from "@tinbao/core"
import { DateTime, Effect, TestClock } from "effect"
import { type Context, message, otherAlias, reasonOf, test } from "./messagingFixtures.js"

const minute = 60_000

const keys = (entries: ReadonlyArray<Outbox.Entry>) => entries.map((e) => e.key)

/** @internal */
export const outboxClaimTests = <R>(ctx: Context<R>): void => {
  test(
    ctx,
    "claims due entries once, earliest first, again when the lease expires, and refuses a stale settle",
    {},
    () =>
      Effect.gen(function* () {
        const o = yield* Outbox.Outbox
        yield* o.enqueue(message("a"))
        yield* TestClock.adjust("1 second")
        yield* o.enqueue(message("b", { conversation: { kind: "direct", id: otherAlias }, recipient: otherAlias }))
        const now = yield* DateTime.now
        const first = yield* o.claim(now, 1, minute)
        expect(first.map((e) => [e.key, e.status, e.attempts])).toEqual([["a", "sending", 1]])
        expect(DateTime.toEpochMillis(first[0]!.leaseUntil!)).toBe(DateTime.toEpochMillis(now) + minute)
        expect(keys(yield* o.claim(now, 10, minute))).toEqual(["b"])
        expect(yield* o.claim(now, 10, minute)).toEqual([])
        const later = DateTime.add(now, { millis: minute })
        const again = yield* o.claim(later, 10, minute)
        expect(again.map((e) => [e.key, e.attempts])).toEqual([
          ["a", 2],
          ["b", 2]
        ])
        // The dispatcher that held attempt 1 lost its lease: it cannot settle any more.
        expect(yield* reasonOf(o.complete("a", 1, "mid-1"))).toBe("lease_lost")
        const sent = yield* o.complete("a", 2, "mid-2")
        expect(sent).toMatchObject({ status: "sent", platformMessageId: "mid-2", attempts: 2 })
        expect(sent.leaseUntil).toBeUndefined()
        expect(yield* reasonOf(o.complete("a", 2, "mid-3"))).toBe("lease_lost")
        expect(yield* reasonOf(o.complete("zzz", 1, "mid"))).toBe("not_found")
        const error = { reason: "rate_limited", message: "The page sends too fast." } as const
        const retried = yield* o.retryAt("b", 2, DateTime.add(later, { seconds: 30 }), error)
        expect(retried).toMatchObject({ status: "pending", lastError: error, attempts: 2 })
        expect(retried.leaseUntil).toBeUndefined()
        expect(yield* o.claim(DateTime.add(later, { seconds: 29 }), 10, minute)).toEqual([])
        expect(keys(yield* o.claim(DateTime.add(later, { seconds: 30 }), 10, minute))).toEqual(["b"])
        const failed = yield* o.fail("b", 3, { reason: "outside_window", message: "closed" })
        expect(failed).toMatchObject({ status: "failed", lastError: { reason: "outside_window" }, attempts: 3 })
        expect(keys(yield* o.list("failed"))).toEqual(["b"])
        expect(keys(yield* o.list("sent"))).toEqual(["a"])
        expect(yield* o.list("sending")).toEqual([])
        // Sent and failed entries are never claimed again, however late.
        expect(yield* o.claim(DateTime.add(later, { days: 30 }), 10, minute)).toEqual([])
      })
  )

  test(ctx, "puts an entry back for later with its error, or fails it", {}, () =>
    Effect.gen(function* () {
      const o = yield* Outbox.Outbox
      yield* o.enqueue(message("a"))
      yield* o.enqueue(message("b", { conversation: { kind: "post", id: "1221316769_1213590066" } }))
      const now = yield* DateTime.now
      yield* o.claim(now, 10, minute)
      const error = { reason: "rate_limited", message: "The page sends too fast." } as const
      const retried = yield* o.retryAt("a", 1, DateTime.add(now, { seconds: 30 }), error)
      expect(retried).toMatchObject({ status: "pending", lastError: error, attempts: 1 })
      expect(DateTime.toEpochMillis(retried.nextAttemptAt)).toBe(DateTime.toEpochMillis(now) + 30_000)
      const failed = yield* o.fail("b", 1, { reason: "outside_window", message: "closed" })
      expect(failed).toMatchObject({ status: "failed", lastError: { reason: "outside_window" } })
      expect(yield* o.claim(DateTime.add(now, { seconds: 29 }), 10, minute)).toEqual([])
      expect(keys(yield* o.claim(DateTime.add(now, { seconds: 30 }), 10, minute))).toEqual(["a"])
      expect(keys(yield* o.list("failed"))).toEqual(["b"])
      expect(keys(yield* o.list("sending"))).toEqual(["a"])
      expect(yield* o.list("sent")).toEqual([])
      expect(yield* reasonOf(o.fail("b", 1, error))).toBe("lease_lost")
      expect(yield* reasonOf(o.retryAt("a", 1, now, error))).toBe("lease_lost")
    })
  )

  test(ctx, "claims by due time, not by the order of enqueueing, and lists by age", {}, () =>
    Effect.gen(function* () {
      const o = yield* Outbox.Outbox
      for (const key of ["a", "b", "c"]) {
        yield* o.enqueue(message(key))
        yield* TestClock.adjust("1 second")
      }
      const now = yield* DateTime.now
      expect(keys(yield* o.claim(now, 10, minute))).toEqual(["a", "b", "c"])
      const error = { reason: "transient", message: "Zalo answered 503." } as const
      yield* o.retryAt("a", 1, DateTime.add(now, { seconds: 30 }), error)
      yield* o.retryAt("b", 1, DateTime.add(now, { seconds: 10 }), error)
      yield* o.retryAt("c", 1, DateTime.add(now, { seconds: 20 }), error)
      const due = DateTime.add(now, { minutes: 5 })
      expect(keys(yield* o.claim(due, 2, minute))).toEqual(["b", "c"])
      expect(keys(yield* o.claim(due, 2, minute))).toEqual(["a"])
      expect(keys(yield* o.list())).toEqual(["a", "b", "c"])
    })
  )

  test(ctx, "rejects bad claims and completions", {}, () =>
    Effect.gen(function* () {
      const o = yield* Outbox.Outbox
      const now = yield* DateTime.now
      expect(yield* reasonOf(o.claim(now, 0, 1000))).toBe("invalid")
      expect(yield* reasonOf(o.claim(now, 1.5, 1000))).toBe("invalid")
      expect(yield* reasonOf(o.claim(now, 10, -1))).toBe("invalid")
      yield* o.enqueue(message("a"))
      yield* o.claim(now, 10, 1000)
      expect(yield* reasonOf(o.complete("a", 1, " "))).toBe("invalid")
      expect((yield* o.get("a"))?.status).toBe("sending")
    })
  )

  test(
    ctx,
    "gives 4 claimers in parallel over 100 due entries each entry once",
    { capabilities: ["concurrentWriters"] },
    () =>
      Effect.gen(function* () {
        const o = yield* Outbox.Outbox
        yield* Effect.forEach(
          Array.from({ length: 100 }, (_, i) => message(`m-${i}`)),
          o.enqueue,
          { discard: true }
        )
        const now = yield* DateTime.now
        const drain = Effect.gen(function* () {
          const claimed: Array<string> = []
          while (true) {
            const batch = yield* o.claim(now, 7, minute)
            if (batch.length === 0) return claimed
            claimed.push(...keys(batch))
          }
        })
        const all = (yield* Effect.all([drain, drain, drain, drain], { concurrency: "unbounded" })).flat()
        expect(all).toHaveLength(100)
        expect(new Set(all).size).toBe(100)
        expect(yield* o.claim(now, 100, minute)).toEqual([])
        const expired = yield* o.claim(DateTime.add(now, { millis: minute }), 100, minute)
        expect(expired).toHaveLength(100)
        expect(new Set(expired.map((e) => e.attempts))).toEqual(new Set([2]))
      })
  )
}
