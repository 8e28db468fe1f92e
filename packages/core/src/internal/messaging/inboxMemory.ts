import { Effect } from "effect"
import type { Encoded, Row } from "../../Inbox.js"
import { InboxError } from "./inbox.js"

const isDue = (row: Row, now: number) =>
  (row.status === "pending" && row.nextAttemptAt <= now) ||
  (row.status === "processing" && row.leaseUntil !== null && row.leaseUntil <= now)

/**
 * The in-memory store behind `Inbox.layerMemory`; each method is one synchronous step, hence atomic.
 *
 * @internal
 */
export const makeMemoryEncoded = (): Encoded => {
  const rows = new Map<string, Row>()
  const ordered = () => [...rows.values()].sort((a, b) => a.receivedAt - b.receivedAt)
  return {
    insert: (row) =>
      Effect.suspend(() => {
        if (rows.has(row.id)) {
          return Effect.fail(new InboxError({ reason: "invalid", message: `A delivery with id ${row.id} exists.` }))
        }
        rows.set(row.id, row)
        return Effect.void
      }),
    get: (id) => Effect.sync(() => rows.get(id)),
    claim: (now, limit, leaseUntil) =>
      Effect.sync(() =>
        ordered()
          .filter((row) => isDue(row, now))
          .sort((a, b) => a.nextAttemptAt - b.nextAttemptAt)
          .slice(0, limit)
          .map((row) => {
            const claimed: Row = { ...row, status: "processing", attempts: row.attempts + 1, leaseUntil }
            rows.set(row.id, claimed)
            return claimed
          })
      ),
    update: (id, from, change) =>
      Effect.sync(() => {
        const row = rows.get(id)
        if (row === undefined || !from.includes(row.status)) return false
        const updated: Row = {
          ...row,
          status: change.status,
          leaseUntil: null,
          ...(change.nextAttemptAt !== undefined ? { nextAttemptAt: change.nextAttemptAt } : {}),
          ...(change.attempts !== undefined ? { attempts: change.attempts } : {}),
          ...(change.deadReason !== undefined ? { deadReason: change.deadReason } : {}),
          ...(change.lastError !== undefined ? { lastError: change.lastError } : {})
        }
        rows.set(id, updated)
        return true
      }),
    list: (status) => Effect.sync(() => ordered().filter((row) => row.status === status)),
    purge: (status, before) =>
      Effect.sync(() => {
        let purged = 0
        for (const row of [...rows.values()]) {
          if (row.status === status && row.receivedAt < before) {
            rows.delete(row.id)
            purged += 1
          }
        }
        return purged
      }),
    remove: (id, from) =>
      Effect.sync(() => {
        const row = rows.get(id)
        return row !== undefined && from.includes(row.status) && rows.delete(id)
      }),
    lastReceived: () =>
      Effect.sync(() => {
        const latest = new Map<string, number>()
        for (const row of rows.values()) {
          latest.set(row.channel, Math.max(latest.get(row.channel) ?? row.receivedAt, row.receivedAt))
        }
        return [...latest]
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
          .map(([channel, receivedAt]) => ({ channel, receivedAt }))
      })
  }
}
