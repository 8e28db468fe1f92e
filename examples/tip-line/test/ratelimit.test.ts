import { describe, expect, it } from "@effect/vitest"
import * as RateLimit from "../src/ratelimit.js"

describe("the login limiter", () => {
  it("refuses a key after 5 failures within 15 minutes, until the oldest is 15 minutes old", () => {
    let now = 1_000_000
    const limiter = RateLimit.make(() => now)
    const user = ["user:lan", "address:one"]
    for (let i = 0; i < 4; i++) {
      expect(limiter.wait(user)).toBe(0)
      limiter.fail(user)
      now += 60_000
    }
    expect(limiter.wait(user)).toBe(0)
    limiter.fail(user)
    // 5 failures, the first 4 minutes ago: 11 minutes to wait.
    expect(limiter.wait(user)).toBe(11 * 60)
    // The same user from another address is refused too; another user from another address is not.
    expect(limiter.wait(["user:lan", "address:two"])).toBe(11 * 60)
    expect(limiter.wait(["user:minh", "address:two"])).toBe(0)
    now += 11 * 60_000
    expect(limiter.wait(user)).toBe(0)
  })
})
