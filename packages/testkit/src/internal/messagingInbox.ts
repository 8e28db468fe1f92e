/**
 * The inbox part of the messaging suite: a delivery kept byte for byte (a body that is not UTF-8 too), leased
 * to one worker at a time and again once the lease runs out, retried later with its error, made a dead letter,
 * listed, replayed, purged once done; malformed deliveries and claims refused; corrupt rows reported by their
 * fields (`writeInboxRow`); and parallel workers getting each delivery once.
 *
 * @internal
 */
import { expect } from "@effect/vitest"
import { Inbox } from "@tinbao/core"
import { DateTime, Effect, TestClock } from "effect"
import { type Context, delivery, pageChannel, reasonOf, test, unknownInboxId } from "./messagingFixtures.js"

const ids = (entries: ReadonlyArray<Inbox.Entry>) => entries.map((e) => e.id)

/** @internal */
export const inboxTests = <R>(ctx: Context<R>): void => {
  test(ctx, "stores a delivery byte for byte, a body that is not UTF-8 too, and leases it to one worker", {}, () =>
    Effect.gen(function* () {
      const inbox = yield* Inbox.Inbox
      // Not UTF-8, on purpose (a lone 0xff, an overlong 0xc3 0x28, a stray continuation byte): the inbox keeps
      // bytes, not text, since the signature is over the bytes.
      const body = new Uint8Array([0xff, 0xfe, 0x00, 0x7b, 0xc3, 0x28, 0x80, 0x0a])
      const id = yield* inbox.store(pageChannel, delivery(body), yield* DateTime.now)
      expect(id).toMatch(/^IB-[0-9a-f]{32}$/)
      const stored = (yield* inbox.get(id))!
      expect(stored).toMatchObject({ id, channel: pageChannel, status: "pending", attempts: 0 })
      expect(stored.delivery.body).toEqual(body)
      expect(stored.delivery.headers).toEqual(delivery().headers)
      expect([stored.delivery.method, stored.delivery.url]).toEqual([delivery().method, delivery().url])
      const now = yield* DateTime.now
      const [claimed] = yield* inbox.claim(now, 10, 30_000)
      expect(claimed).toMatchObject({ id, status: "processing", attempts: 1 })
      expect(DateTime.toEpochMillis(claimed!.leaseUntil!)).toBe(DateTime.toEpochMillis(now) + 30_000)
      expect(yield* inbox.claim(now, 10, 30_000)).toEqual([])
      expect((yield* inbox.claim(DateTime.add(now, { seconds: 30 }), 10, 30_000)).map((e) => e.attempts)).toEqual([2])
      yield* inbox.retryAt(id, DateTime.add(now, { minutes: 5 }), "IntakeError")
      expect(yield* inbox.get(id)).toMatchObject({ status: "pending", lastError: "IntakeError" })
      expect(yield* inbox.claim(DateTime.add(now, { seconds: 299 }), 10, 30_000)).toEqual([])
      expect(yield* inbox.claim(DateTime.add(now, { minutes: 5 }), 10, 30_000)).toHaveLength(1)
      yield* inbox.done(id)
      expect((yield* inbox.get(id))?.status).toBe("done")
      expect(yield* reasonOf(inbox.done(id))).toBe("conflict")
      expect(yield* reasonOf(inbox.retryAt(id, now, "late"))).toBe("conflict")
      expect(yield* reasonOf(inbox.done(unknownInboxId))).toBe("not_found")
      expect(yield* inbox.claim(DateTime.add(now, { days: 1 }), 10, 30_000)).toEqual([])
    })
  )

  test(ctx, "retries a failed delivery later, never dropping it", {}, () =>
    Effect.gen(function* () {
      const inbox = yield* Inbox.Inbox
      const id = yield* inbox.store(pageChannel, delivery(), yield* DateTime.now)
      const now = yield* DateTime.now
      yield* inbox.claim(now, 10, 30_000)
      yield* inbox.retryAt(id, DateTime.add(now, { seconds: 10 }), "IntakeError")
      expect(yield* inbox.get(id)).toMatchObject({ status: "pending", lastError: "IntakeError" })
      expect(yield* inbox.claim(DateTime.add(now, { seconds: 9 }), 10, 30_000)).toEqual([])
      expect(yield* inbox.claim(DateTime.add(now, { seconds: 10 }), 10, 30_000)).toHaveLength(1)
      yield* inbox.done(id)
      expect((yield* inbox.get(id))?.lastError).toBeUndefined()
    })
  )

  test(ctx, "keeps dead letters to inspect, replays them, and purges only what is done", {}, () =>
    Effect.gen(function* () {
      const inbox = yield* Inbox.Inbox
      const first = yield* inbox.store(pageChannel, delivery(), yield* DateTime.now, {
        deadLetter: "unsupported: reaction"
      })
      yield* TestClock.adjust("1 second")
      const second = yield* inbox.store(pageChannel, delivery(), yield* DateTime.now)
      yield* inbox.deadLetter(second, "bad_signature")
      expect((yield* inbox.deadLetters()).map((e) => [e.id, e.deadReason])).toEqual([
        [first, "unsupported: reaction"],
        [second, "bad_signature"]
      ])
      expect(yield* inbox.claim(yield* DateTime.now, 10, 1000)).toEqual([])
      yield* TestClock.adjust("1 hour")
      yield* inbox.replay(first)
      const replayed = (yield* inbox.get(first))!
      expect(replayed).toMatchObject({ status: "pending", deadReason: "unsupported: reaction" })
      expect(DateTime.toEpochMillis(replayed.nextAttemptAt)).toBe(3_601_000)
      expect(yield* reasonOf(inbox.replay(first))).toBe("conflict")
      expect(ids(yield* inbox.claim(yield* DateTime.now, 10, 1000))).toEqual([first])
      expect(yield* reasonOf(inbox.replay(unknownInboxId))).toBe("not_found")
      expect(ids(yield* inbox.deadLetters())).toEqual([second])
      yield* inbox.done(first)
      expect(yield* inbox.purge(DateTime.unsafeMake(0))).toBe(0)
      expect(yield* inbox.purge(yield* DateTime.now)).toBe(1)
      expect(yield* inbox.get(first)).toBeUndefined()
      expect((yield* inbox.get(second))?.status).toBe("dead")
    })
  )

  test(ctx, "purges what is done, and only that", {}, () =>
    Effect.gen(function* () {
      const inbox = yield* Inbox.Inbox
      const done = yield* inbox.store(pageChannel, delivery(), DateTime.unsafeMake(0))
      const pending = yield* inbox.store(pageChannel, delivery(), DateTime.unsafeMake(0))
      const dead = yield* inbox.store(pageChannel, delivery(), DateTime.unsafeMake(0), { deadLetter: "x" })
      yield* inbox.claim(DateTime.unsafeMake(0), 1, 1000)
      yield* inbox.done(done)
      expect(yield* inbox.purge(DateTime.unsafeMake(0))).toBe(0)
      expect(yield* inbox.purge(DateTime.unsafeMake(1))).toBe(1)
      expect(yield* inbox.get(done)).toBeUndefined()
      expect((yield* inbox.get(pending))?.status).toBe("pending")
      expect((yield* inbox.get(dead))?.status).toBe("dead")
    })
  )

  test(ctx, "leases the longest-waiting deliveries first, whatever the order they were stored in", {}, () =>
    Effect.gen(function* () {
      const inbox = yield* Inbox.Inbox
      const at = (seconds: number) => DateTime.unsafeMake(1_735_718_400_000 + seconds * 1000)
      const late = yield* inbox.store(pageChannel, delivery(), at(3))
      const early = yield* inbox.store(pageChannel, delivery(), at(1))
      const middle = yield* inbox.store(pageChannel, delivery(), at(2))
      expect(ids(yield* inbox.claim(at(10), 2, 1000))).toEqual([early, middle])
      expect(ids(yield* inbox.claim(at(10), 2, 1000))).toEqual([late])
      for (const id of [late, middle, early]) yield* inbox.deadLetter(id, "bad_signature")
      expect(ids(yield* inbox.deadLetters())).toEqual([early, middle, late])
    })
  )

  test(ctx, "gives each channel's latest delivery, whatever became of it, until retention purges it", {}, () =>
    Effect.gen(function* () {
      const inbox = yield* Inbox.Inbox
      const at = (seconds: number) => DateTime.unsafeMake(1_735_718_400_000 + seconds * 1000)
      const latest = inbox
        .lastReceived()
        .pipe(Effect.map((rows) => rows.map((r) => [r.channel, DateTime.toEpochMillis(r.receivedAt)])))
      expect(yield* latest).toEqual([])
      const zaloFirst = yield* inbox.store("zalo", delivery(), at(1))
      // Stored out of order: the latest is by when it was received, not when it was stored.
      yield* inbox.store("facebook", delivery(), at(9))
      yield* inbox.store("facebook", delivery(), at(4), { deadLetter: "unsupported: reaction" })
      yield* inbox.store("zalo", delivery(), at(7), { deadLetter: "bad_signature" })
      expect(yield* latest).toEqual([
        ["facebook", at(9).epochMillis],
        ["zalo", at(7).epochMillis]
      ])
      yield* inbox.claim(at(1), 1, 1000)
      yield* inbox.done(zaloFirst)
      yield* inbox.purgeDeadLetters(at(8))
      yield* inbox.purge(at(8))
      expect(yield* latest).toEqual([["facebook", at(9).epochMillis]])
    })
  )

  test(ctx, "refuses malformed deliveries and claims", {}, () =>
    Effect.gen(function* () {
      const inbox = yield* Inbox.Inbox
      const now = yield* DateTime.now
      expect(yield* reasonOf(inbox.store(" ", delivery(), now))).toBe("invalid")
      const notBytes = { ...delivery(), body: "text" as unknown as Uint8Array }
      const error = yield* Effect.flip(inbox.store(pageChannel, notBytes, now))
      expect(error).toBeInstanceOf(Inbox.InboxError)
      expect(error).toMatchObject({ reason: "invalid" })
      expect(error.message).toContain("body")
      expect(yield* reasonOf(inbox.claim(now, 0, 1000))).toBe("invalid")
      expect(yield* reasonOf(inbox.claim(now, 10, 0))).toBe("invalid")
      expect(yield* reasonOf(inbox.done(unknownInboxId))).toBe("not_found")
      expect(yield* inbox.deadLetters()).toEqual([])
    })
  )

  test(ctx, "reports corrupt rows by their fields, without their values", { probes: ["writeInboxRow"] }, () =>
    Effect.gen(function* () {
      const inbox = yield* Inbox.Inbox
      const id = yield* inbox.store(pageChannel, delivery(new TextEncoder().encode("{}")), DateTime.unsafeMake(5))
      const row: Inbox.Row = {
        id: "IB-ffffffffffffffffffffffffffffffff",
        channel: pageChannel,
        method: "POST",
        url: delivery().url,
        headers: { "content-type": "application/json" },
        body: "e30=",
        receivedAt: 5,
        status: "pending",
        attempts: 0,
        nextAttemptAt: 5,
        leaseUntil: null,
        deadReason: null,
        lastError: null
      }
      yield* ctx.probes.writeInboxRow!({ ...row, id: "IB-bad", body: "%%%" })
      const bad = yield* Effect.flip(inbox.get("IB-bad" as Inbox.InboxId))
      expect(bad).toBeInstanceOf(Inbox.InboxError)
      expect(bad.reason).toBe("corrupt")
      expect(bad.message).toContain("id, body")
      expect(bad.message).not.toContain("%%%")
      yield* ctx.probes.writeInboxRow!({ ...row, headers: "Bearer secret-token" })
      const headers = yield* Effect.flip(inbox.get(row.id as Inbox.InboxId))
      expect(headers.reason).toBe("corrupt")
      expect(headers.message).toContain("headers")
      expect(headers.message).not.toContain("secret-token")
      // Read without opening a row: the rows that do not read back do not stop it.
      expect((yield* inbox.lastReceived()).map((r) => [r.channel, DateTime.toEpochMillis(r.receivedAt)])).toEqual([
        [pageChannel, 5]
      ])
      expect((yield* inbox.get(id))?.delivery.body).toEqual(new TextEncoder().encode("{}"))
    })
  )

  test(
    ctx,
    "gives 4 workers claiming in parallel over 60 deliveries each delivery once",
    { capabilities: ["concurrentWriters"] },
    () =>
      Effect.gen(function* () {
        const inbox = yield* Inbox.Inbox
        const now = yield* DateTime.now
        const stored = yield* Effect.forEach(Array.from({ length: 60 }), () =>
          inbox.store(pageChannel, delivery(), now)
        )
        const drain = Effect.gen(function* () {
          const claimed: Array<string> = []
          while (true) {
            const batch = yield* inbox.claim(now, 5, 60_000)
            if (batch.length === 0) return claimed
            claimed.push(...ids(batch))
          }
        })
        const all = (yield* Effect.all([drain, drain, drain, drain], { concurrency: "unbounded" })).flat()
        expect(all).toHaveLength(60)
        expect([...all].sort()).toEqual([...stored].sort())
      })
  )
}
