/**
 * The inbox's retention part of the messaging suite: a dead letter deleted by id (and nothing else deleted so),
 * dead letters purged by age, a dead letter that failed too often keeping its last error, a replay counting its
 * attempts anew, and the retention round keeping processed deliveries 7 days and dead letters 90 by default.
 *
 * @internal
 */
import { expect } from "@effect/vitest"
import { Inbox } from "@tinbao/core"
import { DateTime, Duration, Effect, TestClock } from "effect"
import { type Context, delivery, pageChannel, reasonOf, test, unknownInboxId } from "./messagingFixtures.js"

const at = (millis: number) => DateTime.unsafeMake(millis)

// A processed delivery, a dead letter and a pending one, all received now.
const storeOneOfEach = Effect.gen(function* () {
  const inbox = yield* Inbox.Inbox
  const now = yield* DateTime.now
  const done = yield* inbox.store(pageChannel, delivery(), now)
  const dead = yield* inbox.store(pageChannel, delivery(), now, { deadLetter: "unsupported: reaction" })
  const pending = yield* inbox.store(pageChannel, delivery(), now)
  yield* inbox.claim(now, 1, 1000)
  yield* inbox.done(done)
  return { now, done, dead, pending }
})

/** @internal */
export const inboxRetentionTests = <R>(ctx: Context<R>): void => {
  test(ctx, "deletes a dead letter by its id, and refuses to delete any other delivery", {}, () =>
    Effect.gen(function* () {
      const inbox = yield* Inbox.Inbox
      const dead = yield* inbox.store(pageChannel, delivery(), at(0), { deadLetter: "unsupported: reaction" })
      const kept = yield* inbox.store(pageChannel, delivery(), at(0), { deadLetter: "unsupported: reaction" })
      const claimed = yield* inbox.store(pageChannel, delivery(), at(1))
      const done = yield* inbox.store(pageChannel, delivery(), at(2))
      const pending = yield* inbox.store(pageChannel, delivery(), at(10))
      yield* inbox.claim(at(2), 10, 1000)
      yield* inbox.done(done)
      yield* inbox.deleteDeadLetter(dead)
      expect(yield* inbox.get(dead)).toBeUndefined()
      expect(yield* reasonOf(inbox.deleteDeadLetter(dead))).toBe("not_found")
      expect(yield* reasonOf(inbox.deleteDeadLetter(unknownInboxId))).toBe("not_found")
      for (const id of [pending, claimed, done]) {
        const error = yield* Effect.flip(inbox.deleteDeadLetter(id))
        expect([error.reason, error.message]).toEqual([
          "conflict",
          `Delivery ${id} is ${(yield* inbox.get(id))!.status}, not a dead letter: it cannot be deleted.`
        ])
      }
      expect((yield* inbox.deadLetters()).map((e) => e.id)).toEqual([kept])
      expect((yield* inbox.get(pending))?.status).toBe("pending")
      expect((yield* inbox.get(claimed))?.status).toBe("processing")
      expect((yield* inbox.get(done))?.status).toBe("done")
    })
  )

  test(ctx, "purges the dead letters received before a time, and nothing else", {}, () =>
    Effect.gen(function* () {
      const inbox = yield* Inbox.Inbox
      const old = yield* inbox.store(pageChannel, delivery(), at(0), { deadLetter: "x" })
      const young = yield* inbox.store(pageChannel, delivery(), at(10), { deadLetter: "x" })
      const done = yield* inbox.store(pageChannel, delivery(), at(0))
      const pending = yield* inbox.store(pageChannel, delivery(), at(0))
      yield* inbox.claim(at(0), 1, 1000)
      yield* inbox.done(done)
      expect(yield* inbox.purgeDeadLetters(at(0))).toBe(0)
      expect(yield* inbox.purgeDeadLetters(at(10))).toBe(1)
      expect(yield* inbox.get(old)).toBeUndefined()
      expect((yield* inbox.deadLetters()).map((e) => e.id)).toEqual([young])
      expect((yield* inbox.get(done))?.status).toBe("done")
      expect((yield* inbox.get(pending))?.status).toBe("pending")
    })
  )

  test(ctx, "keeps the last error of a delivery given up on, and counts a replay's attempts anew", {}, () =>
    Effect.gen(function* () {
      const inbox = yield* Inbox.Inbox
      const id = yield* inbox.store(pageChannel, delivery(), at(0))
      yield* inbox.claim(at(0), 1, 1000)
      yield* inbox.retryAt(id, at(5), "IntakeError (unavailable)")
      yield* inbox.claim(at(5), 1, 1000)
      yield* inbox.deadLetter(id, "processing failed 2 times", "IntakeError (transient)")
      expect(yield* inbox.get(id)).toMatchObject({
        status: "dead",
        attempts: 2,
        deadReason: "processing failed 2 times",
        lastError: "IntakeError (transient)"
      })
      yield* inbox.replay(id)
      expect(yield* inbox.get(id)).toMatchObject({
        status: "pending",
        attempts: 0,
        lastError: "IntakeError (transient)"
      })
      expect((yield* inbox.claim(yield* DateTime.now, 1, 1000)).map((e) => e.attempts)).toEqual([1])
      // Without an error, a dead letter keeps the one it had.
      yield* inbox.deadLetter(id, "bad_signature")
      expect((yield* inbox.get(id))?.lastError).toBe("IntakeError (transient)")
    })
  )

  test(ctx, "purgeExpired keeps processed deliveries 7 days and dead letters 90, by default", {}, () =>
    Effect.gen(function* () {
      const inbox = yield* Inbox.Inbox
      const { now, done, dead, pending } = yield* storeOneOfEach
      yield* TestClock.adjust("7 days")
      expect(yield* Inbox.purgeExpired()).toEqual({ done: 0, dead: 0 })
      yield* TestClock.adjust("1 millis")
      expect(yield* Inbox.purgeExpired()).toEqual({ done: 1, dead: 0 })
      expect(yield* inbox.get(done)).toBeUndefined()
      yield* TestClock.setTime(DateTime.toEpochMillis(DateTime.add(now, { days: 90 })))
      expect(yield* Inbox.purgeExpired()).toEqual({ done: 0, dead: 0 })
      yield* TestClock.adjust("1 millis")
      expect(yield* Inbox.purgeExpired()).toEqual({ done: 0, dead: 1 })
      expect(yield* inbox.get(dead)).toBeUndefined()
      // In flight, a delivery is never purged, however old.
      expect((yield* inbox.get(pending))?.status).toBe("pending")
    })
  )

  test(ctx, "purgeExpired keeps what it is told to, and refuses a retention that is not a positive time", {}, () =>
    Effect.gen(function* () {
      const inbox = yield* Inbox.Inbox
      const { done, pending } = yield* storeOneOfEach
      yield* TestClock.adjust("2 hours")
      const options = { keepDone: "1 hour", keepDeadLetters: "3 hours" } as const
      expect(yield* Inbox.purgeExpired(options)).toEqual({ done: 1, dead: 0 })
      yield* TestClock.adjust("61 minutes")
      expect(yield* Inbox.purgeExpired(options)).toEqual({ done: 0, dead: 1 })
      expect(yield* inbox.get(done)).toBeUndefined()
      expect((yield* inbox.get(pending))?.status).toBe("pending")
      expect(yield* reasonOf(Inbox.purgeExpired({ keepDone: 0 }))).toBe("invalid")
      expect(yield* reasonOf(Inbox.purgeExpired({ keepDeadLetters: "-1 days" }))).toBe("invalid")
      expect(yield* reasonOf(Inbox.purgeExpired({ keepDeadLetters: Duration.infinity }))).toBe("invalid")
      expect(yield* reasonOf(Inbox.purgeExpired({ pollMillis: 0.5 }))).toBe("invalid")
    })
  )
}
