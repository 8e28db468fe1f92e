/**
 * Requests in the evidence suite: one record per tip and URL whatever the repeats, a tip's records in request
 * order, malformed requests refused without quoting the link's signature, and corrupt rows reported by column.
 *
 * @internal
 */
import { expect } from "@effect/vitest"
import { Evidence, type Tip } from "@tinbao/core"
import { DateTime, Effect, TestClock } from "effect"
import {
  type Context,
  type LooseRow,
  link,
  otherTip,
  type RecordProbes,
  reasonOf,
  signature,
  test,
  textOf,
  tip
} from "./evidenceFixtures.js"

/** @internal */
export type RecordsContext<R> = Context<Evidence.EvidenceRecords, RecordProbes<R>, R>

const validRow = (id: string): LooseRow<Evidence.Row> => ({
  id,
  tip,
  originalUrl: link(1),
  requestedAt: 0,
  status: "stored",
  attempts: 1,
  nextAttemptAt: 0,
  leaseUntil: null,
  hash: "ab".repeat(32),
  size: 3,
  mediaType: "image/png",
  storedAt: 0,
  errorReason: null,
  errorMessage: null,
  recorded: true
})

/** @internal */
export const requestTests = <R>(ctx: RecordsContext<R>): void => {
  test(ctx, "keeps one record per tip and URL, pending and due now, however often it is requested", {}, () =>
    Effect.gen(function* () {
      const records = yield* Evidence.EvidenceRecords
      yield* TestClock.adjust("1 second")
      const first = yield* records.request(tip, link(1))
      expect(first.created).toBe(true)
      expect(first.entry).toMatchObject({
        tip,
        originalUrl: link(1),
        status: "pending",
        attempts: 0,
        recorded: false
      })
      expect(first.entry.id).toMatch(/^EV-[0-9a-f]{32}$/)
      expect(DateTime.toEpochMillis(first.entry.requestedAt)).toBe(1_000)
      expect(DateTime.toEpochMillis(first.entry.nextAttemptAt)).toBe(1_000)
      expect(first.entry.leaseUntil).toBeUndefined()
      expect(first.entry.item).toBeUndefined()
      yield* TestClock.adjust("1 minute")
      const again = yield* records.request(tip, link(1))
      expect(again.created).toBe(false)
      expect(again.entry).toEqual(first.entry)
      // The same link on another tip is that tip's evidence; another link is another record.
      const other = yield* records.request(otherTip, link(1))
      expect(other.created).toBe(true)
      expect(other.entry.id).not.toBe(first.entry.id)
      expect((yield* records.request(tip, link(2))).created).toBe(true)
      expect(yield* records.get(first.entry.id)).toEqual(first.entry)
    })
  )

  test(ctx, "lists a tip's records in the order they were requested, and only that tip's", {}, () =>
    Effect.gen(function* () {
      const records = yield* Evidence.EvidenceRecords
      // Requested in the same millisecond: the order is still the order of the requests.
      for (const n of [7, 3, 9, 1, 5]) yield* records.request(tip, link(n))
      yield* records.request(otherTip, link(4))
      yield* TestClock.adjust("1 second")
      yield* records.request(tip, link(2))
      yield* records.request(tip, link(3))
      const urls = (yield* records.byTip(tip)).map((e) => e.originalUrl)
      expect(urls).toEqual([7, 3, 9, 1, 5, 2].map(link))
      expect((yield* records.byTip(otherTip)).map((e) => e.originalUrl)).toEqual([link(4)])
      expect(yield* records.byTip("tip_unknown" as Tip.TipId)).toEqual([])
      expect(yield* records.get(Evidence.EvidenceId.make(`EV-${"0".repeat(32)}`))).toBeUndefined()
    })
  )

  test(ctx, "refuses a link that is not http or https, or a blank tip, without quoting the link", {}, () =>
    Effect.gen(function* () {
      const records = yield* Evidence.EvidenceRecords
      for (const url of [
        `file:///var/media/1.jpg?${signature}`,
        `ftp://localhost/1.jpg?${signature}`,
        `/v/1.jpg?${signature}`,
        "",
        `https://localhost/${"a".repeat(9000)}?${signature}`
      ]) {
        const error = yield* Effect.flip(records.request(tip, url))
        expect(error.reason).toBe("invalid")
        expect(error.message).not.toContain("SIGNATURE")
      }
      expect(yield* reasonOf(records.request(" " as Tip.TipId, link(1)))).toBe("invalid")
      expect(yield* records.byTip(tip)).toEqual([])
    })
  )

  test(ctx, "keeps the link as it was given, signature included, for the worker to fetch", { probes: ["rows"] }, () =>
    Effect.gen(function* () {
      const records = yield* Evidence.EvidenceRecords
      yield* records.request(tip, link(1))
      const rows = yield* ctx.probes.rows!()
      expect(rows).toHaveLength(1)
      expect(textOf(rows)).toContain(signature)
    })
  )

  test(ctx, "reports a corrupt row by its columns, never by the link", { probes: ["writeRow"] }, () =>
    Effect.gen(function* () {
      const records = yield* Evidence.EvidenceRecords
      const id = (n: number) => Evidence.EvidenceId.make(`EV-${String(n).padStart(32, "0")}`)
      yield* ctx.probes.writeRow!(validRow(id(1)))
      expect((yield* records.get(id(1)))?.item).toMatchObject({ size: 3, mediaType: "image/png" })
      yield* ctx.probes.writeRow!({ ...validRow(id(2)), mediaType: "text/html", attempts: -1 })
      const bad = yield* Effect.flip(records.get(id(2)))
      expect(bad.reason).toBe("corrupt")
      expect(bad.message).toContain("mediaType")
      expect(bad.message).toContain("attempts")
      expect(bad.message).not.toContain("SIGNATURE")
      // Stored without a file, or a file half recorded.
      yield* ctx.probes.writeRow!({ ...validRow(id(3)), hash: null, size: null, mediaType: null, storedAt: null })
      expect(yield* reasonOf(records.get(id(3)))).toBe("corrupt")
      yield* ctx.probes.writeRow!({ ...validRow(id(4)), status: "pending", size: null })
      expect(yield* reasonOf(records.get(id(4)))).toBe("corrupt")
      yield* ctx.probes.writeRow!({ ...validRow(id(5)), originalUrl: `javascript:alert(1)?${signature}` })
      const url = yield* Effect.flip(records.get(id(5)))
      expect([url.reason, url.message.includes("originalUrl"), url.message.includes("SIGNATURE")]).toEqual([
        "corrupt",
        true,
        false
      ])
      expect(yield* reasonOf(records.byTip(tip))).toBe("corrupt")
    })
  )

  test(ctx, "makes one record of 20 requests of one link at once", { capabilities: ["concurrentWriters"] }, () =>
    Effect.gen(function* () {
      const records = yield* Evidence.EvidenceRecords
      const all = yield* Effect.all(
        Array.from({ length: 20 }, () => records.request(tip, link(1))),
        { concurrency: "unbounded" }
      )
      expect(all.filter((r) => r.created)).toHaveLength(1)
      expect(new Set(all.map((r) => r.entry.id)).size).toBe(1)
      expect(yield* records.byTip(tip)).toHaveLength(1)
    })
  )
}
