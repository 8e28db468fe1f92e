import { describe, expect, it } from "@effect/vitest"
import { NinhBinh } from "@tinbao/testkit"
import { Effect } from "effect"
import { demo } from "../src/demo.js"

describe("ninh-binh-demo", () => {
  it.effect(
    "runs the 2023 statistical year: Ninh Tiến receives and resolves 26 tips, the lifecycle cases show",
    () =>
      Effect.gen(function* () {
        const { lines, rows, total } = yield* demo({ seed: 2023, year: 2023 })
        const text = lines.join("\n")
        expect(rows.get(NinhBinh.unitIds.ninhTien)).toMatchObject({ received: 26, resolved: 26, rejected: 0, open: 0 })
        expect(rows.size).toBe(14)
        expect(total.received).toBe(total.resolved + total.rejected + total.open)
        expect(total.rejected).toBeGreaterThanOrEqual(1)
        for (const path of [
          "TransferRequested → TransferAccepted",
          "TransferRefused",
          "VerificationExtended → ProcuracyExtended",
          "Suspended → SuspensionNotified → Restored",
          "DuplicateMerged",
          "IdentityRevealed"
        ]) {
          expect(text).toContain(path)
        }
        const again = yield* demo({ seed: 2023, year: 2023 })
        expect(again.lines).toEqual(lines)
      }),
    60_000
  )
})
