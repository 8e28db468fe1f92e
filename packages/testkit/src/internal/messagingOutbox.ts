/**
 * The outbox part of the messaging suite, before any claim: an entry is enqueued once per key, pending and due
 * at once; malformed messages are refused; a direct conversation is kept under the reporter's alias, never their
 * platform id (`outboxRows`); and a row that is not a valid entry is reported as corrupt by its fields, never by
 * its values (`writeOutboxRow`).
 *
 * @internal
 */
import { expect } from "@effect/vitest"
import { type IdentityVault, Outbox, type Tip } from "@tinbao/core"
import { DateTime, Effect, TestClock } from "effect"
import { alias, type Context, message, platformUserId, reasonOf, test, textOf } from "./messagingFixtures.js"

const newYear2025 = 1_735_718_400_000

/** @internal */
export const outboxTests = <R>(ctx: Context<R>): void => {
  test(ctx, "enqueues a message as a pending entry, due now", {}, () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(newYear2025)
      const o = yield* Outbox.Outbox
      const { entry, created } = yield* o.enqueue(message("ack:T1", { tip: "T1" as Tip.TipId }))
      expect(created).toBe(true)
      expect(entry).toMatchObject({ key: "ack:T1", status: "pending", attempts: 0, humanAgent: false, tip: "T1" })
      expect(entry.leaseUntil).toBeUndefined()
      expect(DateTime.toEpochMillis(entry.createdAt)).toBe(newYear2025)
      expect(DateTime.toEpochMillis(entry.nextAttemptAt)).toBe(newYear2025)
      expect(yield* o.get("ack:T1")).toEqual(entry)
      expect(yield* o.get("ack:T2")).toBeUndefined()
      const reply = yield* o.enqueue(message("reply:T1:1", { humanAgent: true, replyTo: "m-1" }))
      expect(reply.entry).toMatchObject({ humanAgent: true, replyTo: "m-1" })
      expect(yield* o.get("reply:T1:1")).toEqual(reply.entry)
    })
  )

  test(ctx, "keeps whether a reply goes public in a comment thread; only a comment thread takes one", {}, () =>
    Effect.gen(function* () {
      const o = yield* Outbox.Outbox
      const post = { kind: "post", id: "1048576001_1221316769" } as const
      const reply = { conversation: post, replyTo: "1221316769_1213590066", humanAgent: true }
      const open = yield* o.enqueue(message("reply:T1:3", { ...reply, public: true }))
      const quiet = yield* o.enqueue(message("reply:T1:4", { ...reply, public: false }))
      const ack = yield* o.enqueue(message("ack:T1", { conversation: post, replyTo: reply.replyTo }))
      expect([open.entry.public, quiet.entry.public, ack.entry.public]).toEqual([true, false, false])
      expect(yield* o.get("reply:T1:3")).toEqual(open.entry)
      expect(yield* o.get("ack:T1")).toEqual(ack.entry)
      // Claimed as stored: the dispatcher hands the flag to the adapter.
      const claimed = yield* o.claim(yield* DateTime.now, 10, 60_000)
      expect(claimed.map((e) => [e.key, e.public]).sort()).toEqual([
        ["ack:T1", false],
        ["reply:T1:3", true],
        ["reply:T1:4", false]
      ])
      for (const conversation of [
        { kind: "direct", id: alias },
        { kind: "group", id: "612389004551" }
      ] as const) {
        const error = yield* Effect.flip(o.enqueue(message("reply:T2:3", { conversation, public: true })))
        expect([error.reason, error.message]).toEqual([
          "invalid",
          `A public message goes to a comment thread (a post conversation), not a ${conversation.kind}.`
        ])
      }
      expect(yield* o.list()).toHaveLength(3)
    })
  )

  test(ctx, "keeps the first entry when a key is enqueued twice, and says so", {}, () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(newYear2025)
      const o = yield* Outbox.Outbox
      const first = yield* o.enqueue(message("ack:T1", { tip: "T1" as Tip.TipId, humanAgent: true, replyTo: "m-1" }))
      yield* TestClock.adjust("1 minute")
      const second = yield* o.enqueue(message("ack:T1", { text: "Another text" }))
      expect(second.created).toBe(false)
      expect(second.entry).toEqual(first.entry)
      expect(DateTime.toEpochMillis(second.entry.createdAt)).toBe(newYear2025)
      expect(yield* o.get("ack:T1")).toEqual(first.entry)
      expect((yield* o.list()).map((e) => e.text)).toEqual([first.entry.text])
    })
  )

  test(
    ctx,
    "enqueues one entry when the same key is enqueued 20 times at once",
    { capabilities: ["concurrentWriters"] },
    () =>
      Effect.gen(function* () {
        const o = yield* Outbox.Outbox
        const results = yield* Effect.all(
          Array.from({ length: 20 }, (_, i) => o.enqueue(message("ack:T9", { text: `Lần gửi ${i + 1}` }))),
          { concurrency: "unbounded" }
        )
        expect(results.filter((r) => r.created)).toHaveLength(1)
        const stored = results.find((r) => r.created)!.entry
        expect(results.every((r) => r.entry.text === stored.text)).toBe(true)
        expect(yield* o.list()).toEqual([stored])
      })
  )

  test(ctx, "refuses malformed messages and a direct conversation without the reporter's alias", {}, () =>
    Effect.gen(function* () {
      const o = yield* Outbox.Outbox
      expect(yield* reasonOf(o.enqueue(message("k", { text: "" })))).toBe("invalid")
      expect(yield* reasonOf(o.enqueue(message(" ")))).toBe("invalid")
      const notAnAlias = message("k", { recipient: platformUserId as IdentityVault.AliasId })
      expect(yield* reasonOf(o.enqueue(notAnAlias))).toBe("invalid")
      const { recipient: _, ...noRecipient } = message("k")
      const error = yield* Effect.flip(o.enqueue(noRecipient))
      expect(error).toBeInstanceOf(Outbox.OutboxError)
      expect(error.reason).toBe("invalid")
      expect(error.message).toContain("alias")
      const group = yield* o.enqueue(message("g", { conversation: { kind: "group", id: "612389004551" } }))
      expect(group.entry.conversation).toEqual({ kind: "group", id: "612389004551" })
      expect(yield* o.list()).toHaveLength(1)
    })
  )

  test(ctx, "keeps the alias, never the platform id, as a direct conversation", { probes: ["outboxRows"] }, () =>
    Effect.gen(function* () {
      const o = yield* Outbox.Outbox
      const direct = { kind: "direct", id: platformUserId } as const
      const { entry } = yield* o.enqueue(message("k", { conversation: direct }))
      expect(entry.conversation).toEqual({ kind: "direct", id: alias })
      expect((yield* o.get("k"))?.conversation).toEqual({ kind: "direct", id: alias })
      const rows = yield* ctx.probes.outboxRows!()
      expect(rows).toHaveLength(1)
      expect(textOf(rows)).toContain(alias)
      expect(textOf(rows)).not.toContain(platformUserId)
    })
  )

  test(ctx, "reports a corrupt row by its fields, without their values", { probes: ["writeOutboxRow"] }, () =>
    Effect.gen(function* () {
      const o = yield* Outbox.Outbox
      const { entry } = yield* o.enqueue(message("a"))
      // A row as an adapter holds it (Outbox.Row), then the same row broken in two fields, one of them holding
      // an identity where an alias belongs.
      const row: Outbox.Row = {
        key: "bad",
        channel: entry.channel,
        conversationKind: "direct",
        conversationId: alias,
        recipient: alias,
        text: entry.text,
        replyTo: null,
        humanAgent: false,
        public: false,
        tip: null,
        createdAt: DateTime.toEpochMillis(entry.createdAt) + 1,
        attempts: 0,
        nextAttemptAt: DateTime.toEpochMillis(entry.createdAt) + 1,
        leaseUntil: null,
        status: "pending",
        platformMessageId: null,
        errorReason: null,
        errorMessage: null
      }
      yield* ctx.probes.writeOutboxRow!({ ...row, recipient: platformUserId, attempts: -1 })
      const error = yield* Effect.flip(o.get("bad"))
      expect(error).toBeInstanceOf(Outbox.OutboxError)
      expect(error.reason).toBe("corrupt")
      expect(error.message).toContain("recipient")
      expect(error.message).toContain("attempts")
      expect(error.message).not.toContain(platformUserId)
      expect(yield* reasonOf(o.list())).toBe("corrupt")
      expect(yield* o.get("a")).toEqual(entry)
    })
  )
}
