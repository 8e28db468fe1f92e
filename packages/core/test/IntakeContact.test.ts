// A reporter shares a phone and an address after the tip (Zalo's `user_submit_info`): intake adds them to the sealed
// identity of the conversation's tip, which an identity custodian reveals, and records only which fields came.
import { describe, expect, it } from "@effect/vitest"
import { DateTime, Effect, Logger, Redacted, TestClock } from "effect"
import * as Binding from "../src/Binding.js"
import * as IdentityVault from "../src/IdentityVault.js"
import * as InboundMessage from "../src/InboundMessage.js"
import * as Intake from "../src/Intake.js"
import * as Outbox from "../src/Outbox.js"
import * as Tips from "../src/Tips.js"
import { actors, ids, inbound, monday, recordUnits, secretName, secretUserId } from "./fixtures.js"

const CHANNEL = "zalo-oa:207145032978"
const phone = "0987654321"
const address = "Xóm 3, thôn Đông, xã Ninh Tiến"

const contact = (at: number, platformUserId = secretUserId) =>
  InboundMessage.InboundMessage.make({
    kind: "contact",
    channel: CHANNEL,
    conversation: InboundMessage.direct(platformUserId),
    sender: Redacted.make({ platformUserId, displayName: secretName, phone, address }),
    sentAt: DateTime.unsafeMake(at)
  })

const setup = Effect.gen(function* () {
  yield* TestClock.setTime(monday)
  yield* recordUnits
  yield* (yield* Binding.Bindings).bind(Binding.Binding.make({ channel: CHANNEL, unit: ids.commune }))
  const intake = yield* Intake.Intake
  const outcome = yield* intake.handle(inbound(CHANNEL), "zalo")
  if (outcome._tag !== "Created") throw new Error(`expected a new tip, got ${outcome._tag}`)
  return { intake, tip: outcome.tip, tips: yield* Tips.Tips }
})

describe("Intake of shared contact details", () => {
  it.effect("adds them to the tip's sealed identity, and records only which fields came", () => {
    const logged: Array<string> = []
    const capture = Logger.make((options) => void logged.push(Logger.jsonLogger.log(options)))
    return Effect.gen(function* () {
      const { intake, tip, tips } = yield* setup
      yield* TestClock.adjust("2 days")
      const shared = yield* intake.handle(contact(monday + 172_800_000), "zalo")
      expect(shared._tag).toBe("ContactShared")
      expect(shared._tag === "ContactShared" && shared.tip.id).toBe(tip.id)
      // A redelivery adds nothing.
      expect(yield* intake.handle(contact(monday + 172_800_000), "zalo")).toEqual({ _tag: "Duplicate", tip: tip.id })

      const events = yield* tips.history(actors.communeLeader, tip.id)
      const recorded = events.filter((e) => e._tag === "ReporterContactShared")
      expect(recorded.map((e) => e.fields)).toEqual([["phone", "address"]])
      const version = (yield* tips.get(actors.communeLeader, tip.id)).version
      const identity = Redacted.value(yield* tips.revealIdentity(actors.custodian, tip.id, version, "Cần gọi lại"))
      expect(identity).toMatchObject({ platformUserId: secretUserId, displayName: secretName, phone, address })

      const outbox = yield* Outbox.Outbox
      const stored = JSON.stringify([events, yield* tips.history(actors.communeLeader, tip.id), yield* outbox.list()])
      for (const secret of [phone, address]) {
        expect(stored).not.toContain(secret)
        expect(logged.join("\n")).not.toContain(secret)
      }
    }).pipe(Effect.provide(Logger.replace(Logger.defaultLogger, capture)), Effect.provide(Intake.layerMemory()))
  })

  it.effect("never revives an erased identity, and keeps nothing without a tip", () =>
    Effect.gen(function* () {
      const { intake, tip, tips } = yield* setup
      const vault = yield* IdentityVault.IdentityVault
      yield* vault.forget(tip.alias)
      expect(yield* intake.handle(contact(monday + 1000), "zalo")).toEqual({
        _tag: "Ignored",
        reason: "contact_erased"
      })
      const refused = yield* Effect.flip(vault.amend(tip.alias, Redacted.make({ phone })))
      expect(refused.reason).toBe("forgotten")
      expect(refused.message).not.toContain(phone)
      expect((yield* Effect.flip(vault.reveal(tip.alias))).reason).toBe("forgotten")
      expect((yield* tips.history(actors.communeLeader, tip.id)).some((e) => e._tag === "ReporterContactShared")).toBe(
        false
      )

      expect(yield* intake.handle(contact(monday + 2000, "zalo-user-khac"), "zalo")).toEqual({
        _tag: "Ignored",
        reason: "contact_without_tip"
      })
    }).pipe(Effect.provide(Intake.layerMemory()))
  )
})
