import { SqliteClient } from "@effect/sql-sqlite-node"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Accounts from "../src/accounts.js"
import * as RateLimit from "../src/ratelimit.js"

const database = SqliteClient.layer({ filename: ":memory:" })

describe("the login limiter", () => {
  it.effect("refuses a key after 5 failures within 15 minutes, until the oldest is 15 minutes old", () =>
    Effect.gen(function* () {
      yield* Accounts.migrate
      let now = 1_000_000
      const limiter = RateLimit.make(() => now)
      const user = ["user:lan", "address:one"]
      for (let i = 0; i < 4; i++) {
        expect(yield* limiter.wait(user)).toBe(0)
        yield* limiter.fail(user)
        now += 60_000
      }
      expect(yield* limiter.wait(user)).toBe(0)
      yield* limiter.fail(user)
      // 5 failures, the first 4 minutes ago: 11 minutes to wait.
      expect(yield* limiter.wait(user)).toBe(11 * 60)
      // The same user from another address is refused too; another user from another address is not.
      expect(yield* limiter.wait(["user:lan", "address:two"])).toBe(11 * 60)
      expect(yield* limiter.wait(["user:minh", "address:two"])).toBe(0)
      now += 11 * 60_000
      expect(yield* limiter.wait(user)).toBe(0)
    }).pipe(Effect.provide(database))
  )

  it.effect("counts the failures of every instance on one database, and forgets those past the window", () =>
    Effect.gen(function* () {
      yield* Accounts.migrate
      let now = 5_000_000
      // Two servers behind one load balancer: an attacker alternating between them gets 5 tries, not 10.
      const first = RateLimit.make(() => now)
      const second = RateLimit.make(() => now)
      const keys = ["user:lan", "address:one"]
      for (let i = 0; i < 5; i++) {
        yield* (i % 2 === 0 ? first : second).fail(keys)
        now += 1_000
      }
      expect(yield* first.wait(keys)).toBeGreaterThan(0)
      expect(yield* second.wait(keys)).toBeGreaterThan(0)
      now += 15 * 60_000
      yield* first.fail(["user:minh"])
      const sql = yield* SqliteClient.SqliteClient
      const rows = yield* sql<{ readonly key: string }>`SELECT key FROM staff_login_failures`
      expect(rows.map((row) => row.key)).toEqual(["user:minh"])
    }).pipe(Effect.provide(database))
  )
})
