/**
 * The in-memory evidence records. Each method runs in one synchronous step, which is what makes `claim` atomic
 * here; a database gets the same from one conditional `UPDATE`.
 *
 * @internal
 */
import { Effect, Layer } from "effect"
import type { Encoded, Row } from "../../Evidence.js"
import { EvidenceRecords } from "./model.js"
import { makeEncoded } from "./records.js"

const isFetch = (row: Row) => row.status === "pending" || row.status === "fetching"

/**
 * Due: pending and due, fetching with an expired lease, or settled, not recorded and not leased. Every due row is
 * unrecorded, which lets a database index the few unrecorded rows alone.
 *
 * @internal
 */
export const isDue = (row: Row, now: number): boolean =>
  !row.recorded &&
  ((row.status === "pending" && row.nextAttemptAt <= now) ||
    (row.status !== "pending" && row.leaseUntil !== null && row.leaseUntil <= now) ||
    ((row.status === "stored" || row.status === "not_retrieved") && row.leaseUntil === null))

const byDue = (a: Row, b: Row) => a.nextAttemptAt - b.nextAttemptAt || a.requestedAt - b.requestedAt

/** @internal */
export const makeMemoryEncoded = (): Encoded => {
  // A Map keeps insertion order: the order the records were requested in.
  const rows = new Map<string, Row>()
  return {
    insert: (row) =>
      Effect.sync(() => {
        const existing = rows.get(row.id)
        if (existing !== undefined) return { row: existing, inserted: false }
        rows.set(row.id, row)
        return { row, inserted: true }
      }),
    get: (id) => Effect.sync(() => rows.get(id)),
    byTip: (tip) => Effect.sync(() => [...rows.values()].filter((row) => row.tip === tip)),
    claim: (now, limit, leaseUntil) =>
      Effect.sync(() =>
        [...rows.values()]
          .filter((row) => isDue(row, now))
          .sort(byDue)
          .slice(0, limit)
          .map((row) => {
            const claimed: Row = isFetch(row)
              ? { ...row, status: "fetching", attempts: row.attempts + 1, leaseUntil }
              : { ...row, leaseUntil }
            rows.set(row.id, claimed)
            return claimed
          })
      ),
    settle: (id, attempt, settlement) =>
      Effect.sync(() => {
        const row = rows.get(id)
        if (row === undefined || row.status !== "fetching" || row.attempts !== attempt) return undefined
        const { keepLease, ...columns } = settlement
        const settled: Row = {
          ...row,
          ...columns,
          nextAttemptAt: settlement.nextAttemptAt ?? row.nextAttemptAt,
          leaseUntil: keepLease ? row.leaseUntil : null
        }
        rows.set(id, settled)
        return settled
      }),
    markRecorded: (id) =>
      Effect.sync(() => {
        const row = rows.get(id)
        if (row === undefined || isFetch(row)) return undefined
        const recorded: Row = { ...row, recorded: true, leaseUntil: null }
        rows.set(id, recorded)
        return recorded
      })
  }
}

/** @internal */
export const layerMemory: Layer.Layer<EvidenceRecords> = Layer.sync(EvidenceRecords, () =>
  makeEncoded(makeMemoryEncoded())
)
