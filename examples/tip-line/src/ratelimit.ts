/**
 * Login attempts, limited: 5 failures per user name or per client address within 15 minutes, and further attempts
 * are refused until the oldest of the last 5 is 15 minutes old. The failures are rows of the database
 * (`staff_login_failures`), so that instances behind one load balancer count them together and a restart keeps them.
 */
import { SqlClient, type SqlError } from "@effect/sql"
import { Effect } from "effect"

/** Failures allowed within the window. */
export const maxFailures = 5
const windowMs = 15 * 60_000

/** The limiter: `wait` is the seconds until the keys may try again (0: now); `fail` records a failure. */
export const make = (now: () => number = Date.now) => ({
  wait: (keys: ReadonlyArray<string>): Effect.Effect<number, SqlError.SqlError, SqlClient.SqlClient> =>
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      const at = now()
      const rows = yield* sql<{ readonly key: string; readonly at: number | string }>`
        SELECT key, at FROM staff_login_failures WHERE ${sql.in("key", keys)} AND at > ${at - windowMs}`
      const waits = keys.map((key) => {
        const times = rows
          .filter((row) => row.key === key)
          .map((row) => Number(row.at))
          .sort((a, b) => a - b)
        return times.length < maxFailures ? 0 : Math.ceil((times[times.length - maxFailures]! + windowMs - at) / 1000)
      })
      return Math.max(0, ...waits)
    }),
  // Failures older than the window are of no use: each new failure clears them, whoever's they were.
  fail: (keys: ReadonlyArray<string>): Effect.Effect<void, SqlError.SqlError, SqlClient.SqlClient> =>
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      const at = now()
      yield* sql`DELETE FROM staff_login_failures WHERE at <= ${at - windowMs}`
      yield* sql`INSERT INTO staff_login_failures ${sql.insert(keys.map((key) => ({ key, at })))}`
    })
})
