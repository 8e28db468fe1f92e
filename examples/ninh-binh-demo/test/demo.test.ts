import { describe, expect, it } from "@effect/vitest"
import { NinhBinh } from "@tinbao/testkit"
import { Effect } from "effect"
import { demo } from "../src/demo.js"
import * as Units from "../src/units.js"

describe("ninh-binh-demo", () => {
  it.live(
    "runs the 2023 statistical year: Ninh Tiến receives and resolves 26 tips, web, Zalo and Facebook tips go through the inbox and intake",
    () =>
      Effect.gen(function* () {
        const options = { seed: 2023, year: 2023, units: yield* Units.load() }
        const { byUnit, lines, total } = yield* demo(options)
        const text = lines.join("\n")
        const ninhTien = byUnit.groups.find((g) => g.key.unit === NinhBinh.unitIds.ninhTien)!
        expect(ninhTien.measures).toMatchObject({
          receivedInPeriod: 26,
          resolvedOfReceived: 26,
          resolutionRate: 1,
          openAtEnd: 0
        })
        expect(byUnit.groups.length).toBe(14)
        expect(total.receivedInPeriod).toBe(byUnit.groups.reduce((s, g) => s + g.measures.receivedInPeriod, 0))
        expect(total.receivedInPeriod).toBeGreaterThan(150)
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
        expect(text).toMatch(/(\d+) new tips, (\d+) redeliveries absorbed, (\d+) follow-up messages joined/)
        const [, created, absorbed, joined] = /(\d+) new tips, (\d+) redeliveries absorbed, (\d+) follow-up/.exec(text)!
        expect(Number(created)).toBeGreaterThan(20)
        expect(Number(absorbed)).toBe(Number(created))
        expect(Number(joined)).toBeGreaterThan(0)
        // The Zalo tips came to the wards' OAs as signed deliveries, each redelivered once and absorbed.
        const [, zaloDeliveries, zaloCreated, zaloAbsorbed] =
          /Zalo OAs: (\d+) signed deliveries,\n {2}(\d+) new tips, (\d+) redeliveries absorbed/.exec(text)!
        expect(Number(zaloCreated)).toBeGreaterThan(50)
        expect(Number(zaloAbsorbed)).toBe(Number(zaloCreated))
        expect(Number(zaloDeliveries)).toBe(2 * Number(zaloCreated))
        const [, acknowledged] = /(\d+) acknowledgements taken by Zalo/.exec(text)!
        expect(Number(acknowledged)).toBe(Number(zaloCreated))
        // The Facebook tips came to the wards' fanpages as signed Messenger and comment deliveries, each redelivered
        // once; a commenter's edit joined their tip; each tip acknowledged on Messenger or by a private reply.
        const [, fbDeliveries, fbCreated, fbAbsorbed, fbEdits] =
          /fanpages: (\d+) signed deliveries,\n {2}(\d+) new tips, (\d+) redeliveries absorbed .*, (\d+) edited comments joined/.exec(
            text
          )!
        expect(Number(fbCreated)).toBeGreaterThan(10)
        expect(Number(fbAbsorbed)).toBe(Number(fbCreated))
        expect(Number(fbEdits)).toBeGreaterThan(0)
        expect(Number(fbDeliveries)).toBe(2 * Number(fbCreated) + Number(fbEdits))
        const [, fbAcknowledged, onMessenger, privately] =
          /(\d+) acknowledgements taken by Facebook: (\d+) on Messenger within 24 hours, (\d+) private replies/.exec(
            text
          )!
        expect(Number(fbAcknowledged)).toBe(Number(fbCreated))
        expect(Number(privately)).toBe(Number(fbEdits))
        expect(Number(onMessenger)).toBeGreaterThan(0)
        // The deliveries went through the inbox, whose retention purged those older than 7 days (not the last week's).
        const [, deliveries] = /(\d+) deliveries,/.exec(text)!
        const [, purged] = /(\d+) raw deliveries \(web, Zalo and Facebook\) purged 7 days after they arrived/.exec(
          text
        )!
        expect(Number(purged)).toBeGreaterThan(0)
        expect(Number(purged)).toBeLessThan(Number(deliveries) + Number(zaloDeliveries) + Number(fbDeliveries))
        // The web tips' photos: kept from the site, or not retrieved where the link had expired (one in four).
        const [, kept, lost] = /photos attached: (\d+) đã lưu \/ kept, .*; (\d+) không lấy được/.exec(text)!
        expect(Number(kept)).toBeGreaterThan(0)
        expect(Number(lost)).toBeGreaterThan(0)
        expect(Number(kept)).toBeGreaterThan(Number(lost))
        const again = yield* demo(options)
        expect(again.lines).toEqual(lines)
      }),
    120_000
  )

  it.live(
    "runs the years of the 2025 restructuring and after: each ward takes tips while it holds, the report counts them by the wards of the year's end",
    () =>
      Effect.gen(function* () {
        const units = yield* Units.load()
        const merged = [
          "Công an phường Hoa Lư",
          "Công an phường Nam Hoa Lư",
          "Công an phường Tây Hoa Lư",
          "Công an phường Đông Hoa Lư"
        ]
        for (const year of [2025, 2026]) {
          const { byUnit, lines, total } = yield* demo({ seed: 2023, year, units })
          expect(byUnit.groups.map((g) => g.label.vi)).toEqual(merged)
          expect(total.receivedInPeriod).toBeGreaterThan(40)
          // No tip is left with a unit that closed: every one received before the merger was decided before it.
          expect(total.openAtEnd).toBeLessThan(total.receivedInPeriod / 10)
          const text = lines.join("\n")
          if (year === 2025) expect(text).toContain("no ward or commune held the whole year")
          else expect(text).toContain("IdentityRevealed")
        }
      }),
    120_000
  )
})
