import { Effect, Layer } from "effect"
import type { Encoded, Row } from "../../Outbox.js"
import { Outbox } from "./outbox.js"
import { makeEncoded } from "./outboxEncoded.js"

const isDue = (row: Row, now: number) =>
  (row.status === "pending" && row.nextAttemptAt <= now) ||
  (row.status === "sending" && row.leaseUntil !== null && row.leaseUntil <= now)

const byDue = (a: Row, b: Row) => a.nextAttemptAt - b.nextAttemptAt || a.createdAt - b.createdAt

/**
 * The in-memory store behind `Outbox.layerMemory`. Each method runs in one synchronous step, which is what
 * makes `claim` atomic here; a database gets the same from one conditional `UPDATE`.
 *
 * @internal
 */
export const makeMemoryEncoded = (): Encoded => {
  const rows = new Map<string, Row>()
  return {
    insert: (row) =>
      Effect.sync(() => {
        const existing = rows.get(row.key)
        if (existing !== undefined) return { row: existing, inserted: false }
        rows.set(row.key, row)
        return { row, inserted: true }
      }),
    get: (key) => Effect.sync(() => rows.get(key)),
    claim: (now, limit, leaseUntil) =>
      Effect.sync(() => {
        const due = [...rows.values()]
          .filter((row) => isDue(row, now))
          .sort(byDue)
          .slice(0, limit)
        return due.map((row) => {
          const claimed: Row = { ...row, status: "sending", attempts: row.attempts + 1, leaseUntil }
          rows.set(row.key, claimed)
          return claimed
        })
      }),
    settle: (key, attempt, settlement) =>
      Effect.sync(() => {
        const row = rows.get(key)
        if (row === undefined || row.status !== "sending" || row.attempts !== attempt) return undefined
        const settled: Row = {
          ...row,
          status: settlement.status,
          nextAttemptAt: settlement.nextAttemptAt ?? row.nextAttemptAt,
          leaseUntil: null,
          platformMessageId: settlement.platformMessageId,
          errorReason: settlement.errorReason,
          errorMessage: settlement.errorMessage
        }
        rows.set(key, settled)
        return settled
      }),
    list: (status) =>
      Effect.sync(() =>
        [...rows.values()]
          .filter((row) => status === undefined || row.status === status)
          .sort((a, b) => a.createdAt - b.createdAt)
      )
  }
}

/**
 * The outbox in memory.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerMemory: Layer.Layer<Outbox> = Layer.sync(Outbox, () => makeEncoded(makeMemoryEncoded()))
