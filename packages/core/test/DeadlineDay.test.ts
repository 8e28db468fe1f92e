import { describe, expect, it } from "@effect/vitest"
import { DateTime } from "effect"
import * as Actor from "../src/Actor.js"
import * as Calendar from "../src/Calendar.js"
import { CategoryId } from "../src/Category.js"
import * as Deadline from "../src/Deadline.js"
import { AliasId } from "../src/IdentityVault.js"
import * as LocalDate from "../src/LocalDate.js"
import * as Tip from "../src/Tip.js"
import * as TipEvent from "../src/TipEvent.js"
import { Unit, UnitId } from "../src/Unit.js"
import { monday } from "./fixtures.js"

const commune = Unit.make({
  id: UnitId.make("xa"),
  kind: "commune",
  name: { vi: "Công an xã", en: "Commune police" },
  parent: UnitId.make("tinh"),
  validFrom: LocalDate.unsafeMake("2020-01-01")
})

// Received on Monday 4 March 2024 at 09:00 in Vietnam, at a commune, on the criminal track.
const tip = Tip.fold([
  new TipEvent.TipReceived({
    tip: Tip.TipId.make("tip_1"),
    at: DateTime.unsafeMake(monday),
    by: Actor.make("officer", "tinh", ["officer"]).id,
    unit: commune.id,
    code: "XA-2024-0001",
    registerNumber: 1,
    registerYear: 2024,
    channel: "zalo",
    reporterKind: "individual",
    alias: AliasId.make("AL-0123456789ABCDEF"),
    legalType: "tin_bao",
    category: CategoryId.make("crime"),
    summary: "…"
  })
])!

const deadlines = Deadline.byKind(
  Deadline.of(tip, {
    now: DateTime.unsafeMake(monday),
    calendar: Calendar.vietnam,
    policy: Deadline.defaultPolicy,
    receivingUnit: commune
  })
)

describe("Deadline by kind and by last day", () => {
  it("gives each deadline under its kind, and none for a kind that does not apply", () => {
    expect(deadlines.acknowledgement?.kind).toBe("acknowledgement")
    expect(deadlines.transfer?.kind).toBe("transfer")
    expect(deadlines.verification?.kind).toBe("verification")
    expect(deadlines.resolution).toBeUndefined()
    expect(Deadline.byKind([])).toEqual({})
  })

  it("reads a period ending at midnight as 24:00 of the day before", () => {
    // Three working days end at 24:00 on Thursday 7 March, the instant 00:00 on Friday 8 March.
    const ack = deadlines.acknowledgement!
    expect(LocalDate.ofInstant(ack.dueAt)).toBe("2024-03-08")
    expect(Deadline.lastDay(ack)).toBe("2024-03-07")
    expect(Deadline.dueLabel(ack)).toEqual({ vi: "24 giờ ngày 07/03/2024", en: "24:00 on 2024-03-07" })
  })

  it("reads a period ending within a day at its hour, on that day", () => {
    // 24 hours to transfer: 09:00 on Tuesday 5 March.
    const transfer = deadlines.transfer!
    expect(Deadline.lastDay(transfer)).toBe("2024-03-05")
    expect(Deadline.dueLabel(transfer)).toEqual({ vi: "9 giờ ngày 05/03/2024", en: "09:00 on 2024-03-05" })
    const halfPast = { ...transfer, dueAt: DateTime.add(transfer.dueAt, { minutes: 330, seconds: 20 }) }
    expect(Deadline.dueLabel(halfPast)).toEqual({ vi: "14 giờ 30 phút ngày 05/03/2024", en: "14:30 on 2024-03-05" })
    const justAfterMidnight = {
      ...transfer,
      dueAt: DateTime.add(LocalDate.startOf(LocalDate.unsafeMake("2024-03-06")), { seconds: 30 })
    }
    expect(Deadline.lastDay(justAfterMidnight)).toBe("2024-03-06")
    expect(Deadline.dueLabel(justAfterMidnight)).toEqual({ vi: "0 giờ ngày 06/03/2024", en: "00:00 on 2024-03-06" })
  })
})
