import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { quickstart } from "../src/quickstart.js"

describe("quickstart", () => {
  it.live("receives and acknowledges a tip, as the README shows", () =>
    Effect.gen(function* () {
      const { code, deadlines, status } = yield* quickstart
      expect(code).toMatch(/^NINHTIEN-\d{4}-0001$/)
      expect(status).toBe("acknowledged")
      expect(deadlines.map((d) => [d.kind, d.status])).toContainEqual(["acknowledgement", "met"])
    })
  )
})
