import { createHmac } from "node:crypto"
import { describe, expect, it } from "@effect/vitest"
import { stripeOf } from "../src/internal/intake/service.js"

// Intake takes one message per reporter and conversation at a time, behind 64 striped locks. Keys of a direct
// conversation repeat the reporter's fingerprint; a weak hash put 500 reporters on 4 stripes, so concurrent
// deliveries waited for each other. Every stripe should be in use, none crowded.
describe("intake's striped locks", () => {
  it("spreads 2,000 reporters' thread keys over all 64 stripes", () => {
    const counts = new Array<number>(64).fill(0)
    for (let i = 0; i < 2000; i++) {
      const fingerprint = createHmac("sha256", "k").update(`u-${i}`).digest("base64url")
      const stripe = stripeOf(`thread:zalo-oa:4318097521:${fingerprint}:${fingerprint}`)
      expect(stripe).toBeGreaterThanOrEqual(0)
      expect(stripe).toBeLessThan(64)
      counts[stripe]!++
    }
    expect(counts.every((n) => n > 0)).toBe(true)
    // 2,000 / 64 ≈ 31 per stripe; a fair hash stays well under twice that.
    expect(Math.max(...counts)).toBeLessThan(62)
  })
})
