import { inspect } from "node:util"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, Layer, Logger, Redacted, Schema, TestClock } from "effect"
import * as Command from "../src/Command.js"
import type { Tip } from "../src/Tip.js"
import * as Tips from "../src/Tips.js"
import { UnitId } from "../src/Unit.js"
import {
  actors,
  DAY,
  identity,
  ids,
  monday,
  receiveInput,
  recordUnits,
  secretName,
  secretPhone,
  secretUserId
} from "./fixtures.js"

const setup = Effect.gen(function* () {
  yield* TestClock.setTime(monday)
  yield* recordUnits
  return yield* Tips.Tips
})

const run = (
  tips: Tips.Tips["Type"],
  actor: (typeof actors)[keyof typeof actors],
  tip: Tip,
  command: Command.Command
) => tips.execute(actor, { tip: tip.id, expectedVersion: tip.version, command })

const live = Tips.layerMemory()

describe("Tips", () => {
  it.effect("receives a tip into the unit's register, under an alias", () =>
    Effect.gen(function* () {
      const tips = yield* setup
      const tip = yield* tips.receive(actors.communeLeader, receiveInput())
      expect(tip.status).toBe("received")
      expect(tip.registerNumber).toBe(1)
      expect(tip.registerYear).toBe(2024)
      expect(tip.code).toMatch(/-2024-0001$/)
      expect(tip.version).toBe(1)
      const second = yield* tips.receive(actors.communeLeader, receiveInput())
      expect(second.registerNumber).toBe(2)
      const text = JSON.stringify(yield* tips.history(actors.communeLeader, tip.id))
      for (const secret of [secretName, secretPhone, secretUserId]) expect(text).not.toContain(secret)
    }).pipe(Effect.provide(live))
  )

  it.effect("numbers concurrent intake without gaps, per unit", () =>
    Effect.gen(function* () {
      const tips = yield* setup
      const received = yield* Effect.all(
        Array.from({ length: 120 }, (_, i) =>
          tips.receive(actors.provinceLeader, receiveInput({ unit: i % 3 === 0 ? ids.ward : ids.commune }))
        ),
        { concurrency: "unbounded" }
      )
      for (const unit of [ids.ward, ids.commune]) {
        const numbers = received.filter((t) => t.unit === unit).map((t) => t.registerNumber)
        expect(numbers.toSorted((a, b) => a - b)).toEqual(Array.from({ length: numbers.length }, (_, i) => i + 1))
      }
      expect(new Set(received.map((t) => t.code)).size).toBe(120)
    }).pipe(Effect.provide(live))
  )

  it.effect("runs the criminal track to a decision with every deadline met", () =>
    Effect.gen(function* () {
      const tips = yield* setup
      let tip = yield* tips.receive(actors.communeLeader, receiveInput())
      tip = yield* run(tips, actors.communeLeader, tip, { _tag: "Acknowledge" })
      yield* TestClock.adjust("2 hours")
      tip = yield* run(tips, actors.communeLeader, tip, { _tag: "Accept" })
      yield* TestClock.adjust("10 days")
      tip = yield* run(tips, actors.communeLeader, tip, {
        _tag: "Resolve",
        outcome: { _tag: "NotProsecuted", ground: "not_a_crime" }
      })
      expect(tip.status).toBe("resolved")
      const deadlines = yield* tips.deadlines(actors.communeLeader, tip.id)
      expect(deadlines.map((d) => [d.kind, d.status])).toEqual([
        ["acknowledgement", "met"],
        ["transfer", "met"],
        ["verification", "met"]
      ])
    }).pipe(Effect.provide(live))
  )

  it.effect("refuses a stale command and changes nothing", () =>
    Effect.gen(function* () {
      const tips = yield* setup
      const tip = yield* tips.receive(actors.communeLeader, receiveInput())
      yield* run(tips, actors.communeLeader, tip, { _tag: "Acknowledge" })
      const stale = yield* Effect.flip(run(tips, actors.communeLeader, tip, { _tag: "Accept" }))
      expect(stale._tag).toBe("VersionConflict")
      expect(stale.message).toContain("reload")
      expect((yield* tips.history(actors.communeLeader, tip.id)).length).toBe(2)
    }).pipe(Effect.provide(live))
  )

  it.effect("lets exactly one of several concurrent commands on one version win", () =>
    Effect.gen(function* () {
      const tips = yield* setup
      const tip = yield* tips.receive(actors.communeLeader, receiveInput())
      const results = yield* Effect.all(
        Array.from({ length: 20 }, (_, i) =>
          Effect.either(run(tips, actors.communeLeader, tip, { _tag: "AddNote", text: `ghi chú ${i}` }))
        ),
        { concurrency: "unbounded" }
      )
      expect(results.filter(Either.isRight).length).toBe(1)
      expect((yield* tips.history(actors.communeLeader, tip.id)).length).toBe(2)
    }).pipe(Effect.provide(live))
  )

  it.effect("suspends only after the verification period, then restores with a one-month deadline", () =>
    Effect.gen(function* () {
      const tips = yield* setup
      let tip = yield* tips.receive(actors.communeLeader, receiveInput())
      tip = yield* run(tips, actors.communeLeader, tip, { _tag: "Accept" })
      const early = yield* Effect.flip(
        run(tips, actors.communeLeader, tip, { _tag: "Suspend", ground: "a", reason: "Chờ định giá" })
      )
      expect(early._tag === "RuleViolation" && early.rule).toBe("suspension_before_expiry")
      yield* TestClock.adjust(21 * DAY)
      tip = yield* run(tips, actors.communeLeader, tip, {
        _tag: "Suspend",
        ground: "a",
        reason: "Chờ kết quả định giá tài sản"
      })
      expect(tip.status).toBe("suspended")
      yield* TestClock.adjust("3 hours")
      tip = yield* run(tips, actors.communeLeader, tip, { _tag: "NotifySuspension" })
      yield* TestClock.adjust(40 * DAY)
      tip = yield* run(tips, actors.communeLeader, tip, { _tag: "Restore", reason: "Đã có kết quả định giá" })
      const deadlines = yield* tips.deadlines(actors.communeLeader, tip.id)
      const byKind = Object.fromEntries(deadlines.map((d) => [d.kind, d.status]))
      expect(byKind).toMatchObject({ verification: "met", suspension_notice: "met", restoration: "pending" })
      yield* TestClock.adjust(32 * DAY)
      const later = yield* tips.deadlines(actors.communeLeader, tip.id)
      expect(later.find((d) => d.kind === "restoration")?.status).toBe("missed")
    }).pipe(Effect.provide(live))
  )

  it.effect("transfers up the tree and keeps the time at each unit", () =>
    Effect.gen(function* () {
      const tips = yield* setup
      let tip = yield* tips.receive(actors.communeLeader, receiveInput())
      const dissolved = yield* Effect.flip(
        run(tips, actors.communeLeader, tip, {
          _tag: "RequestTransfer",
          to: ids.closed,
          reason: "Không thuộc thẩm quyền"
        })
      )
      expect(dissolved._tag === "RuleViolation" && dissolved.rule).toBe("unit_not_active")
      yield* TestClock.adjust("5 hours")
      tip = yield* run(tips, actors.communeLeader, tip, { _tag: "Escalate", reason: "Vụ việc nghiêm trọng" })
      expect(tip.pendingTransfer?.to).toBe(ids.province)
      const wrongUnit = yield* Effect.flip(run(tips, actors.communeLeader, tip, { _tag: "AcceptTransfer" }))
      expect(wrongUnit._tag).toBe("AccessDenied")
      yield* TestClock.adjust("1 hour")
      tip = yield* run(tips, actors.provinceLeader, tip, { _tag: "AcceptTransfer" })
      expect(tip.unit).toBe(ids.province)
      expect(tip.status).toBe("verifying")
      expect(tip.custody.map((c) => c.unit)).toEqual([ids.commune, ids.province])
      // the commune that received the tip can still follow it
      expect((yield* tips.get(actors.communeLeader, tip.id)).unit).toBe(ids.province)
      const deadlines = yield* tips.deadlines(actors.provinceLeader, tip.id)
      expect(deadlines.find((d) => d.kind === "transfer")?.status).toBe("met")
    }).pipe(Effect.provide(live))
  )

  it.effect("gives the remote commune 48 hours to transfer", () =>
    Effect.gen(function* () {
      const tips = yield* setup
      const leader = { ...actors.provinceLeader }
      const tip = yield* tips.receive(leader, receiveInput({ unit: ids.remote }))
      yield* TestClock.adjust("30 hours")
      const deadlines = yield* tips.deadlines(leader, tip.id)
      expect(deadlines.find((d) => d.kind === "transfer")?.status).toBe("pending")
      yield* TestClock.adjust("20 hours")
      const later = yield* tips.deadlines(leader, tip.id)
      expect(later.find((d) => d.kind === "transfer")?.status).toBe("missed")
    }).pipe(Effect.provide(live))
  )

  it.effect("hides tips outside the actor's scope", () =>
    Effect.gen(function* () {
      const tips = yield* setup
      const tip = yield* tips.receive(actors.communeLeader, receiveInput())
      const read = yield* Effect.flip(tips.get(actors.wardOfficer, tip.id))
      expect(read._tag).toBe("TipNotFound")
      const act = yield* Effect.flip(run(tips, actors.wardOfficer, tip, { _tag: "Accept" }))
      expect(act._tag).toBe("TipNotFound")
      expect(yield* tips.list(actors.wardOfficer)).toEqual([])
      expect((yield* tips.list(actors.provinceLeader)).map((t) => t.id)).toEqual([tip.id])
      const intoOther = yield* Effect.flip(tips.receive(actors.wardOfficer, receiveInput()))
      expect(intoOther._tag).toBe("AccessDenied")
      const listOther = yield* Effect.flip(tips.list(actors.wardOfficer, { unit: ids.commune }))
      expect(listOther._tag).toBe("AccessDenied")
    }).pipe(Effect.provide(live))
  )

  it.effect("pages the tips of the actor's scope newest first, filtered, with the key of the next page", () =>
    Effect.gen(function* () {
      const tips = yield* setup
      const inCommune = yield* Effect.forEach([1, 2, 3], () => tips.receive(actors.communeLeader, receiveInput()))
      const inWard = yield* tips.receive(actors.provinceLeader, receiveInput({ unit: ids.ward }))
      const acknowledged = yield* run(tips, actors.communeLeader, inCommune[1]!, { _tag: "Acknowledge" })
      // Register numbers are per unit: the ward's first tip (1) comes after the commune's 1 only by its id.
      const all = yield* tips.page(actors.provinceLeader, { limit: 10 })
      const newest = [
        inCommune[2]!,
        inCommune[1]!,
        ...[inCommune[0]!, inWard].toSorted((a, b) => (a.id < b.id ? 1 : -1))
      ]
      expect(all.tips.map((t) => t.id)).toEqual(newest.map((t) => t.id))
      expect(all.next).toBeUndefined()
      const first = yield* tips.page(actors.provinceLeader, { limit: 2 })
      expect(first.tips.map((t) => t.id)).toEqual(newest.slice(0, 2).map((t) => t.id))
      expect(first.next).toEqual({ registerYear: 2024, registerNumber: 2, id: acknowledged.id })
      const second = yield* tips.page(actors.provinceLeader, { limit: 2, after: first.next! })
      expect(second.tips.map((t) => t.id)).toEqual(newest.slice(2).map((t) => t.id))
      expect(second.next).toBeUndefined()
      expect((yield* tips.page(actors.provinceLeader, { limit: 10, status: ["acknowledged"] })).tips).toEqual([
        acknowledged
      ])
      expect((yield* tips.page(actors.provinceLeader, { limit: 10, unit: ids.ward })).tips).toEqual([inWard])
      expect((yield* tips.page(actors.wardOfficer, { limit: 10 })).tips).toEqual([inWard])
      const outside = yield* Effect.flip(tips.page(actors.wardOfficer, { unit: ids.commune, limit: 10 }))
      expect(outside._tag).toBe("AccessDenied")
      const zero = yield* Effect.flip(tips.page(actors.provinceLeader, { limit: 0 }))
      expect(zero._tag === "TipStoreError" && zero.reason).toBe("invalid")
    }).pipe(Effect.provide(live))
  )

  it.effect("checks roles: a viewer cannot act", () =>
    Effect.gen(function* () {
      const tips = yield* setup
      const tip = yield* tips.receive(actors.communeLeader, receiveInput())
      const denied = yield* Effect.flip(run(tips, actors.communeViewer, tip, { _tag: "Accept" }))
      expect(denied._tag === "AccessDenied" && denied.reason).toBe("role")
      expect((yield* tips.get(actors.communeViewer, tip.id)).version).toBe(1)
    }).pipe(Effect.provide(live))
  )

  it.effect("reveals an identity only to a custodian with a reason, records it, and never logs it", () => {
    const logged: Array<string> = []
    const capture = Logger.make(({ annotations, message }) => {
      logged.push(inspect({ message, annotations: [...annotations] }, { depth: 10 }))
    })
    return Effect.gen(function* () {
      const tips = yield* setup
      const tip = yield* tips.receive(actors.communeLeader, receiveInput())
      const denied = yield* Effect.flip(tips.revealIdentity(actors.provinceLeader, tip.id, tip.version, "Cần xác minh"))
      expect(denied._tag).toBe("AccessDenied")
      expect(denied.message).toContain("Người quản lý danh tính")
      const revealed = yield* tips.revealIdentity(actors.custodian, tip.id, tip.version, "Triệu tập người làm chứng")
      expect(Redacted.value(revealed).displayName).toBe(secretName)
      const history = yield* tips.history(actors.custodian, tip.id)
      expect(history.at(-1)?._tag).toBe("IdentityRevealed")
      const everything = [
        String(revealed),
        JSON.stringify(revealed),
        inspect(revealed),
        JSON.stringify(history),
        inspect(denied),
        ...logged
      ].join("\n")
      expect(logged.length).toBeGreaterThan(0)
      for (const secret of [secretName, secretPhone, secretUserId]) expect(everything).not.toContain(secret)
    }).pipe(Effect.provide(Layer.merge(live, Logger.replace(Logger.defaultLogger, capture))))
  })

  it.effect("merges a duplicate into another tip, linking both ways", () =>
    Effect.gen(function* () {
      const tips = yield* setup
      const first = yield* tips.receive(actors.communeLeader, receiveInput())
      const again = yield* tips.receive(actors.communeLeader, receiveInput())
      const self = yield* Effect.flip(run(tips, actors.communeLeader, again, { _tag: "MergeInto", target: again.id }))
      expect(self._tag === "RuleViolation" && self.rule).toBe("duplicate_of_itself")
      const merged = yield* run(tips, actors.communeLeader, again, { _tag: "MergeInto", target: first.id })
      expect(merged.status).toBe("rejected")
      expect(merged.rejection).toEqual({ _tag: "Duplicate", of: first.id })
      expect((yield* tips.get(actors.communeLeader, first.id)).duplicates).toEqual([again.id])
    }).pipe(Effect.provide(live))
  )

  it.effect("extends verification for a complex case and checks the procuracy's extension", () =>
    Effect.gen(function* () {
      const tips = yield* setup
      let tip = yield* tips.receive(actors.communeLeader, receiveInput())
      tip = yield* run(tips, actors.communeLeader, tip, { _tag: "Accept" })
      tip = yield* run(tips, actors.communeLeader, tip, { _tag: "ExtendVerification", reason: "Nhiều địa điểm" })
      const twice = yield* Effect.flip(
        run(tips, actors.communeLeader, tip, { _tag: "ExtendVerification", reason: "Lần nữa" })
      )
      expect(twice._tag === "RuleViolation" && twice.rule).toBe("extension_already_used")
      // received 2024-03-04: two months end on 2024-05-04 (a Saturday), moved to Monday 2024-05-06
      const grant = (requestedOn: string, until: string) =>
        run(tips, actors.communeLeader, tip, {
          _tag: "GrantProcuracyExtension",
          requestedOn: requestedOn as never,
          until: until as never,
          decision: "Quyết định gia hạn của VKS"
        })
      const late = yield* Effect.flip(grant("2024-05-03", "2024-06-30"))
      expect(late._tag === "RuleViolation" && late.rule).toBe("procuracy_request_too_late")
      const long = yield* Effect.flip(grant("2024-04-20", "2024-08-30"))
      expect(long._tag === "RuleViolation" && long.rule).toBe("extension_too_long")
      tip = yield* grant("2024-04-20", "2024-07-01")
      expect(tip.procuracyExtendedUntil).toBe("2024-07-01")
    }).pipe(Effect.provide(live))
  )

  it.effect("keeps recommendations to prosecute for state agencies in writing", () =>
    Effect.gen(function* () {
      const tips = yield* setup
      const refused = yield* Effect.flip(
        tips.receive(actors.communeLeader, receiveInput({ legalType: "kien_nghi_khoi_to" }))
      )
      expect(refused._tag === "RuleViolation" && refused.rule).toBe("written_agency_only")
      const tip = yield* tips.receive(
        actors.communeLeader,
        receiveInput({ legalType: "kien_nghi_khoi_to", reporterKind: "state_agency", channel: "post" })
      )
      expect(tip.legalType).toBe("kien_nghi_khoi_to")
    }).pipe(Effect.provide(live))
  )

  it.effect("rejects unknown units and malformed commands with typed errors", () =>
    Effect.gen(function* () {
      const tips = yield* setup
      const unknown = yield* Effect.flip(
        tips.receive(actors.provinceLeader, receiveInput({ unit: UnitId.make("khong-ton-tai") }))
      )
      expect(unknown._tag).toBe("UnitRuleError")
      const dissolved = yield* Effect.flip(tips.receive(actors.provinceLeader, receiveInput({ unit: ids.closed })))
      expect(dissolved._tag).toBe("UnitRuleError")
      const malformed = Schema.decodeUnknownEither(Command.Envelope)({
        tip: "tip_1",
        expectedVersion: 0,
        command: { _tag: "Suspend", ground: "d" }
      })
      expect(Either.isLeft(malformed)).toBe(true)
      const tooLong = yield* Effect.flip(
        tips.receive(actors.provinceLeader, receiveInput({ summary: "x".repeat(20001) }))
      )
      expect(tooLong._tag).toBe("ParseError")
      const tip = yield* tips.receive(actors.provinceLeader, receiveInput())
      expect(tip.registerNumber).toBe(1)
      const emptyReason = yield* Effect.flip(run(tips, actors.provinceLeader, tip, { _tag: "AddNote", text: "   " }))
      expect(emptyReason._tag).toBe("ParseError")
      expect((yield* tips.history(actors.provinceLeader, tip.id)).length).toBe(1)
    }).pipe(Effect.provide(live))
  )

  it.effect("identity is sealed in the vault", () =>
    Effect.gen(function* () {
      const tips = yield* setup
      const tip = yield* tips.receive(actors.communeLeader, receiveInput({ identity }))
      expect(tip.alias).toMatch(/^AL-/)
    }).pipe(Effect.provide(live))
  )
})
