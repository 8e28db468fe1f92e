import { describe, expect, it } from "@effect/vitest"
import {
  Actor,
  Calendar,
  Command,
  Deadline,
  IdentityVault,
  Lifecycle,
  LocalDate,
  Tip,
  TipEvent,
  Unit,
  UnitChange,
  UnitHierarchy
} from "@tinbao/core"
import { DateTime, Effect, Either, FastCheck, Option, Schema } from "effect"
import * as Arbitraries from "../src/Arbitraries.js"
import * as NinhBinh from "../src/NinhBinh.js"

const day = LocalDate.unsafeMake
const ids = NinhBinh.unitIds
const unknown = Unit.UnitId.make("ca-khong-ton-tai")
// The Ninh Bình units close and merge during the sequences (city police on 1 March 2025, wards on 1 July 2025),
// so that assignments, transfers and escalations meet units that are no longer active.
const hierarchy = NinhBinh.hierarchy()
const unitAt = (unit: Unit.UnitId, date: LocalDate.LocalDate) =>
  Option.getOrUndefined(UnitHierarchy.get(hierarchy, unit, date))
const actor = Actor.make("pt-officer", ids.province, [
  "officer",
  "leader",
  "viewer",
  "identity_custodian",
  "administrator"
])

// Before a police year starts, before Tết, before the city police closes, before 30 April, before the wards merge.
const starts = [
  "2024-12-14T16:30:00Z",
  "2025-01-20T09:30:00Z",
  "2025-02-26T03:00:00Z",
  "2025-04-25T23:00:00Z",
  "2025-06-25T02:00:00Z"
]
const scenario = FastCheck.constantFrom(...starts.map((s) => DateTime.unsafeMake(s))).chain((start) =>
  FastCheck.tuple(
    Arbitraries.tipReceived({ units: [ids.vanGiang, ids.ninhTien, ids.ninhPhuc], at: start }),
    Arbitraries.commandSequence({
      units: [ids.province, ids.city, ids.vanGiang, ids.ninhTien, ids.ninhPhuc, ids.hoaLu, ids.choRong, unknown],
      start,
      minLength: 15,
      maxLength: 40
    })
  )
)

const codec = <A, I>(schema: Schema.Schema<A, I>) => {
  const encode = Schema.encodeSync(schema)
  const decode = Schema.decodeUnknownSync(schema)
  return (value: A): A => decode(JSON.parse(JSON.stringify(encode(value))))
}
const roundTrip = {
  command: codec(Command.Command),
  event: codec(TipEvent.TipEvent),
  change: codec(UnitChange.UnitChange),
  identity: codec(IdentityVault.Identity)
}

describe("Lifecycle, on random command sequences", () => {
  it.effect(
    "never leaves the transition graph, and folding its events is deterministic",
    () =>
      Effect.gen(function* () {
        const calendar = yield* Calendar.HolidayCalendar
        const reached = new Set<Tip.Status>()
        const broken = new Set<Lifecycle.Rule>()
        let accepted = 0
        FastCheck.assert(
          FastCheck.property(scenario, ([receipt, commands]) => {
            const log: Array<TipEvent.TipEvent> = [receipt]
            let state = Tip.fold(log)!
            reached.add(state.status)
            for (const { at, command } of commands) {
              expect(roundTrip.command(command)).toEqual(command)
              const allowed = Lifecycle.target(command._tag, state.status)
              const context = { now: at, actor, calendar, policy: Deadline.defaultPolicy, unitAt }
              const decided = Lifecycle.decide(state, command, context)
              if (Either.isRight(decided)) {
                expect(allowed).toBeDefined()
                expect(decided.right.length).toBeGreaterThan(0)
                for (const event of decided.right) {
                  expect(event.tip).toBe(state.id)
                  expect(roundTrip.event(event)).toEqual(event)
                  state = Tip.evolve(state, event)
                  log.push(event)
                }
                expect(state.status).toBe(allowed)
                accepted++
              } else {
                const violation = decided.left
                expect(violation).toBeInstanceOf(Lifecycle.RuleViolation)
                expect([violation.tip, violation.command]).toEqual([state.id, command._tag])
                expect(violation.message.length).toBeGreaterThan(0)
                // The graph's verdict comes first: a forbidden edge is always reported as such, and only then.
                expect(violation.rule === "transition_not_allowed").toBe(allowed === undefined)
                broken.add(violation.rule)
              }
              reached.add(state.status)
              // A rejected command appended nothing, so this also shows that deciding left the state as it was.
              expect(Tip.fold(log)).toEqual(state)
              expect(state.version).toBe(log.length)
            }
          }),
          { numRuns: 200 }
        )
        // Without these, the property could pass by never getting anywhere.
        expect([...reached].sort()).toEqual([...Tip.Status.literals].sort())
        for (const rule of [
          "transition_not_allowed",
          "already_acknowledged",
          "same_unit",
          "unit_not_active",
          "no_parent_unit",
          "no_transfer_pending",
          "outcome_not_of_track",
          "wrong_track",
          "transfer_pending"
        ] as const) {
          expect(broken).toContain(rule)
        }
        expect(accepted).toBeGreaterThan(1000)
      }).pipe(Effect.provide(Calendar.layerVietnam)),
    60_000
  )
})

describe("Arbitraries", () => {
  it("draws unit trees that the hierarchy accepts, no deeper than asked", () => {
    for (const maxDepth of [1, 3, 5]) {
      FastCheck.assert(
        FastCheck.property(Arbitraries.unitTree({ maxDepth, idPrefix: `d${maxDepth}` }), (changes) => {
          const built = UnitHierarchy.fromChanges(changes)
          expect(Either.isRight(built)).toBe(true)
          const h = Either.getOrThrow(built)
          const date = day("2024-01-01")
          for (const change of changes) {
            expect(UnitHierarchy.ancestors(h, change.id, date).length).toBeLessThan(maxDepth)
            expect(roundTrip.change(change)).toEqual(change)
          }
          const roots = UnitHierarchy.tree(h, date).map((n) => n.unit.kind)
          expect(roots.filter((k) => k !== "partner")).toEqual([maxDepth === 5 ? "ministry" : "province"])
        }),
        { numRuns: 50 }
      )
    }
    expect(() => Arbitraries.unitTree({ maxDepth: 6 })).toThrow(/maxDepth/)
  })

  it("draws identities, aliases and receipts that their schemas accept", () => {
    FastCheck.assert(
      FastCheck.property(
        Arbitraries.identity,
        Arbitraries.alias,
        Arbitraries.tipReceived({ units: [ids.vanGiang, ids.ninhTien] }),
        (identity, alias, receipt) => {
          expect(roundTrip.identity(identity)).toEqual(identity)
          expect(Schema.is(IdentityVault.AliasId)(alias)).toBe(true)
          expect(roundTrip.event(receipt)).toEqual(receipt)
        }
      ),
      { numRuns: 200 }
    )
  })

  it("draws command sequences whose times move forward", () => {
    const start = DateTime.unsafeMake("2025-07-01T02:00:00Z")
    FastCheck.assert(
      FastCheck.property(Arbitraries.commandSequence({ units: [ids.hoaLu], start, minLength: 1 }), (commands) => {
        let previous = start
        for (const { at } of commands) {
          expect(DateTime.greaterThan(at, previous)).toBe(true)
          previous = at
        }
      }),
      { numRuns: 100 }
    )
  })
})
