import { describe, expect, it } from "@effect/vitest"
import { DateTime, Either } from "effect"
import * as Actor from "../src/Actor.js"
import * as Calendar from "../src/Calendar.js"
import { CategoryId, type LegalType } from "../src/Category.js"
import type { Command } from "../src/Command.js"
import * as Deadline from "../src/Deadline.js"
import { AliasId } from "../src/IdentityVault.js"
import * as Lifecycle from "../src/Lifecycle.js"
import * as LocalDate from "../src/LocalDate.js"
import * as Tip from "../src/Tip.js"
import * as TipEvent from "../src/TipEvent.js"
import { Unit, UnitId } from "../src/Unit.js"
import { DAY, monday } from "./fixtures.js"

const commune = UnitId.make("xa")
const province = UnitId.make("tinh")
const units = new Map([
  [
    province,
    Unit.make({
      id: province,
      kind: "province",
      name: { vi: "Tỉnh", en: "Province" },
      validFrom: LocalDate.unsafeMake("2020-01-01")
    })
  ],
  [
    commune,
    Unit.make({
      id: commune,
      kind: "commune",
      name: { vi: "Xã", en: "Commune" },
      parent: province,
      validFrom: LocalDate.unsafeMake("2020-01-01")
    })
  ]
])
const actor = Actor.make("all", "tinh", ["officer", "leader", "identity_custodian"])
const at = (millis: number) => DateTime.unsafeMake(millis)
const context = (millis: number): Lifecycle.Context => ({
  now: at(millis),
  actor,
  calendar: Calendar.vietnam,
  policy: Deadline.defaultPolicy,
  unitAt: (id) => units.get(id)
})

const received = (legalType: LegalType) =>
  Tip.fold([
    new TipEvent.TipReceived({
      tip: Tip.TipId.make("tip_1"),
      at: at(monday),
      by: actor.id,
      unit: commune,
      code: "XA-2024-0001",
      registerNumber: 1,
      registerYear: 2024,
      channel: "zalo",
      reporterKind: "individual",
      alias: AliasId.make("AL-0123456789ABCDEF"),
      legalType,
      category: CategoryId.make("crime"),
      summary: "…"
    })
  ])!

/** Applies commands in order, each at its time, failing the test on a violation. */
const apply = (tip: Tip.Tip, steps: ReadonlyArray<readonly [number, Command]>) =>
  steps.reduce((state, [millis, command]) => {
    const result = Lifecycle.decide(state, command, context(millis))
    if (Either.isLeft(result)) throw new Error(result.left.message)
    return result.right.reduce(Tip.evolve, state)
  }, tip)

const violation = (tip: Tip.Tip, command: Command, millis = monday) => {
  const result = Lifecycle.decide(tip, command, context(millis))
  return Either.isLeft(result) ? result.left.rule : "allowed"
}

describe("Lifecycle", () => {
  it("declares a target for every edge and none outside the graph", () => {
    expect(Lifecycle.target("Resolve", "verifying")).toBe("resolved")
    expect(Lifecycle.target("Resolve", "received")).toBeUndefined()
    expect(Lifecycle.target("Acknowledge", "received")).toBe("acknowledged")
    expect(Lifecycle.target("Acknowledge", "verifying")).toBe("verifying")
    expect(Lifecycle.target("Reopen", "resolved")).toBe("verifying")
  })

  it("refuses commands the graph does not allow from the state", () => {
    const tip = received("to_giac")
    expect(violation(tip, { _tag: "Resolve", outcome: { _tag: "Prosecuted" } })).toBe("transition_not_allowed")
    expect(violation(tip, { _tag: "Restore", reason: "x" })).toBe("transition_not_allowed")
    expect(violation(tip, { _tag: "Reopen", reason: "x" })).toBe("transition_not_allowed")
  })

  it("allows only the outcomes of the tip's track", () => {
    const criminal = apply(received("to_giac"), [[monday, { _tag: "Accept" }]])
    expect(violation(criminal, { _tag: "Resolve", outcome: { _tag: "Handled", summary: "x" } })).toBe(
      "outcome_not_of_track"
    )
    const feedback = apply(received("phan_anh"), [[monday, { _tag: "Accept" }]])
    expect(violation(feedback, { _tag: "Resolve", outcome: { _tag: "Prosecuted" } })).toBe("outcome_not_of_track")
    expect(violation(feedback, { _tag: "Resolve", outcome: { _tag: "Referred", agency: "UBND xã" } })).toBe("allowed")
    expect(violation(feedback, { _tag: "Suspend", ground: "a", reason: "x" }, monday + 40 * DAY)).toBe("wrong_track")
    expect(violation(feedback, { _tag: "ExtendVerification", reason: "x" })).toBe("wrong_track")
  })

  it("extends a denunciation at most twice, 30 days each", () => {
    let tip = apply(received("to_cao"), [[monday, { _tag: "Accept" }]])
    const due = () => Deadline.of(tip, { now: at(monday), calendar: Calendar.vietnam, policy: Deadline.defaultPolicy })
    const first = due().find((d) => d.kind === "resolution")!.dueAt
    tip = apply(tip, [
      [monday + DAY, { _tag: "ExtendVerification", reason: "Phức tạp" }],
      [monday + 2 * DAY, { _tag: "ExtendVerification", reason: "Đặc biệt phức tạp" }]
    ])
    const extended = due().find((d) => d.kind === "resolution")!.dueAt
    expect(DateTime.distance(first, extended)).toBe(60 * DAY)
    expect(violation(tip, { _tag: "ExtendVerification", reason: "x" })).toBe("extension_already_used")
  })

  it("reopens a decided tip with a one-month deadline and keeps the first decision for verification", () => {
    const tip = apply(received("tin_bao"), [
      [monday, { _tag: "Accept" }],
      [monday + 5 * DAY, { _tag: "Resolve", outcome: { _tag: "NotProsecuted", ground: "no_crime" } }],
      [monday + 60 * DAY, { _tag: "Reopen", reason: "Có tình tiết mới" }]
    ])
    expect(tip.status).toBe("verifying")
    expect(tip.outcome).toBeUndefined()
    const deadlines = Deadline.of(tip, {
      now: at(monday + 61 * DAY),
      calendar: Calendar.vietnam,
      policy: Deadline.defaultPolicy
    })
    expect(deadlines.find((d) => d.kind === "verification")?.status).toBe("met")
    expect(deadlines.find((d) => d.kind === "restoration")?.status).toBe("pending")
  })

  it("marks the acknowledgement late after three working days", () => {
    // received Monday 4 March 2024 at 09:00: three working days end at 24:00 on Thursday 7 March
    const tip = received("to_giac")
    const due = Deadline.of(tip, { now: at(monday), calendar: Calendar.vietnam, policy: Deadline.defaultPolicy })[0]!
    expect(DateTime.formatIso(due.dueAt)).toBe("2024-03-07T17:00:00.000Z")
    const late = apply(tip, [[monday + 4 * DAY, { _tag: "Acknowledge" }]])
    const after = Deadline.of(late, {
      now: at(monday + 4 * DAY),
      calendar: Calendar.vietnam,
      policy: Deadline.defaultPolicy
    })[0]!
    expect(after.status).toBe("met_late")
    expect(violation(late, { _tag: "Acknowledge" })).toBe("transition_not_allowed")
    const accepted = apply(late, [[monday + 5 * DAY, { _tag: "Accept" }]])
    expect(violation(accepted, { _tag: "Acknowledge" })).toBe("already_acknowledged")
  })

  it("tracks on-site dispatch and arrival", () => {
    const tip = received("to_giac")
    expect(violation(tip, { _tag: "ArriveOnSite" })).toBe("not_dispatched")
    const dispatched = apply(tip, [
      [monday, { _tag: "MarkUrgent", reason: "Đang xảy ra" }],
      [monday + 60_000, { _tag: "Dispatch", team: "Tổ trực ban" }],
      [monday + 20 * 60_000, { _tag: "ArriveOnSite" }]
    ])
    expect(dispatched.urgent).toBe(true)
    expect(dispatched.dispatches[0]?.arrivedAt).toEqual(at(monday + 20 * 60_000))
    expect(violation(dispatched, { _tag: "ArriveOnSite" })).toBe("already_arrived")
  })

  it("folds deterministically and counts versions", () => {
    const events: Array<TipEvent.TipEvent> = []
    let tip = received("to_giac")
    for (const [millis, command] of [
      [monday, { _tag: "Acknowledge" }],
      [monday + DAY, { _tag: "Accept" }],
      [monday + 2 * DAY, { _tag: "AddNote", text: "Đã liên hệ" }]
    ] as const) {
      const result = Lifecycle.decide(tip, command, context(millis))
      if (Either.isLeft(result)) throw result.left
      events.push(...result.right)
      tip = result.right.reduce(Tip.evolve, tip)
    }
    expect(tip.version).toBe(4)
    expect(() => Tip.evolve(undefined, events[0]!)).toThrow(/before TipReceived/)
  })
})
