import { describe, expect, it } from "@effect/vitest"
import { Schema } from "effect"
import * as Tip from "../src/Tip.js"

describe("Tip.makeId", () => {
  it("makes valid ids, all distinct, that sort in the order they were made", () => {
    const ids: Array<string> = []
    // Across several milliseconds: ids of one millisecond share their first 16 characters.
    const until = Date.now() + 5
    while (Date.now() <= until || ids.length < 10_000) ids.push(Tip.makeId())
    expect(new Set(ids).size).toBe(ids.length)
    for (const id of ids) {
      expect(id).toMatch(/^tip_[0-9a-f]{32}$/)
      expect(Schema.is(Tip.TipId)(id)).toBe(true)
    }
    // Within a millisecond the order is random; across milliseconds, later ids sort later.
    const millis = (id: string) => Number.parseInt(id.slice(4, 16), 16)
    for (let i = 1; i < ids.length; i++) expect(millis(ids[i]!)).toBeGreaterThanOrEqual(millis(ids[i - 1]!))
    expect(millis(ids.at(-1)!)).toBeGreaterThan(millis(ids[0]!))
    const sorted = [...ids].sort()
    for (let i = 1; i < sorted.length; i++) expect(millis(sorted[i]!)).toBeGreaterThanOrEqual(millis(sorted[i - 1]!))
    expect(Math.abs(millis(ids[0]!) - Date.now())).toBeLessThan(60_000)
  })
})
