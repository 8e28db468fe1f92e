/**
 * The small stores of the messaging suite that intake and the dispatcher keep beside the outbox and the inbox:
 * the intake ledger (what was taken in, into which tip), the bindings (which unit owns a channel or one of its
 * conversations) and each conversation's activity (the reply window).
 *
 * @internal
 */
import { expect } from "@effect/vitest"
import { Binding, ConversationActivity, IntakeLedger, type Tip, type Unit } from "@tinbao/core"
import { DateTime, Effect, Option } from "effect"
import { type Context, test } from "./messagingFixtures.js"

const oa = "zalo-oa:4318097521"
const unit = (id: string) => id as Unit.UnitId
const at = (millis: number) => DateTime.unsafeMake(millis)

/** @internal */
export const intakeTests = <R>(ctx: Context<R>): void => {
  test(ctx, "intake ledger: gets what was put, and a second put replaces it", {}, () =>
    Effect.gen(function* () {
      const ledger = yield* IntakeLedger.IntakeLedger
      expect(yield* ledger.get("msg:1")).toEqual(Option.none())
      const entry: IntakeLedger.Entry = {
        tip: "T-0001" as Tip.TipId,
        at: 1_735_718_400_000,
        fingerprint: "FP-abc",
        conversation: { kind: "group", id: "612389004551" },
        replyTo: "mid-7"
      }
      yield* ledger.put("msg:1", entry)
      expect(yield* ledger.get("msg:1")).toEqual(Option.some(entry))
      yield* ledger.put("msg:1", { tip: "T-0002" as Tip.TipId, at: 5 })
      expect(yield* ledger.get("msg:1")).toEqual(Option.some({ tip: "T-0002", at: 5 }))
      expect(yield* ledger.get("msg:2")).toEqual(Option.none())
    })
  )

  test(ctx, "intake ledger: gets and puts several keys at once; of one key put twice, the later wins", {}, () =>
    Effect.gen(function* () {
      const ledger = yield* IntakeLedger.IntakeLedger
      const tip = (n: number) => `T-000${n}` as Tip.TipId
      expect(yield* ledger.getAll([])).toEqual(new Map())
      yield* ledger.putAll([])
      yield* ledger.put("thread:1", { tip: tip(1), at: 1 })
      yield* ledger.putAll([
        ["msg:1", { tip: tip(2), at: 2, fingerprint: "FP-abc" }],
        ["thread:1", { tip: tip(2), at: 2 }],
        ["msg:1", { tip: tip(3), at: 3, conversation: { kind: "direct", id: "FP-abc" } }]
      ])
      expect(yield* ledger.getAll(["msg:1", "thread:1", "msg:9"])).toEqual(
        new Map([
          ["msg:1", { tip: tip(3), at: 3, conversation: { kind: "direct", id: "FP-abc" } }],
          ["thread:1", { tip: tip(2), at: 2 }]
        ])
      )
      expect(yield* ledger.get("thread:1")).toEqual(Option.some({ tip: tip(2), at: 2 }))
      // Twelve keys in one read, and a key asked twice is answered once.
      const keys = Array.from({ length: 12 }, (_, n) => `k:${n}`)
      yield* ledger.putAll(keys.map((key, n) => [key, { tip: tip(n % 10), at: n }] as const))
      const found = yield* ledger.getAll([...keys, "k:0"])
      expect([...found.keys()].sort()).toEqual([...keys].sort())
      expect(found.get("k:11")).toEqual({ tip: tip(1), at: 11 })
    })
  )

  test(ctx, "bindings: a conversation's own binding before its channel's; replace, unbind, list", {}, () =>
    Effect.gen(function* () {
      const bindings = yield* Binding.Bindings
      const bind = (conversation: string | undefined, to: string) =>
        bindings.bind(
          new Binding.Binding({ channel: oa, unit: unit(to), ...(conversation !== undefined ? { conversation } : {}) })
        )
      expect(yield* bindings.resolve(oa, "g-1")).toEqual(Option.none())
      yield* bind(undefined, "ninh-binh")
      yield* bind("g-1", "ninh-tien")
      expect(yield* bindings.resolve(oa, "g-1")).toEqual(
        Option.some(new Binding.Binding({ channel: oa, conversation: "g-1", unit: unit("ninh-tien") }))
      )
      expect(yield* bindings.resolve(oa, "g-2")).toEqual(
        Option.some(new Binding.Binding({ channel: oa, unit: unit("ninh-binh") }))
      )
      expect(yield* bindings.resolve("fb-page:1048576001", "g-1")).toEqual(Option.none())
      yield* bind("g-1", "ninh-phong")
      expect(Option.map(yield* bindings.resolve(oa, "g-1"), (b) => b.unit)).toEqual(Option.some("ninh-phong"))
      expect((yield* bindings.list).map((b) => [b.channel, b.conversation, b.unit])).toEqual([
        [oa, undefined, "ninh-binh"],
        [oa, "g-1", "ninh-phong"]
      ])
      yield* bindings.unbind(oa, "g-1")
      yield* bindings.unbind(oa, "g-9")
      expect(Option.map(yield* bindings.resolve(oa, "g-1"), (b) => b.unit)).toEqual(Option.some("ninh-binh"))
      yield* bindings.unbind(oa)
      expect(yield* bindings.list).toEqual([])
      expect(yield* bindings.resolve(oa, "g-1")).toEqual(Option.none())
    })
  )

  test(ctx, "conversation activity: the window follows the latest message and replies are counted", {}, () =>
    Effect.gen(function* () {
      const activity = yield* ConversationActivity.ConversationActivity
      // A direct conversation is recorded under the reporter's vault fingerprint (ConversationActivity.directKey).
      const direct = { kind: "direct", id: "FP-5d1c0a7e" } as const
      expect(yield* activity.get(oa, direct)).toBeUndefined()
      yield* activity.recordReply(oa, direct, at(500))
      expect(yield* activity.get(oa, direct)).toBeUndefined()
      yield* activity.recordInbound(oa, direct, at(1_000))
      yield* activity.recordReply(oa, direct, at(2_000))
      yield* activity.recordReply(oa, direct, at(3_000))
      yield* activity.recordReply(oa, direct, at(999))
      expect(yield* activity.get(oa, direct)).toEqual({ lastInboundAt: at(1_000), repliesSince: 2 })
      // An older delivery arriving late changes nothing; a newer one reopens the window and resets the count.
      yield* activity.recordInbound(oa, direct, at(900))
      expect(yield* activity.get(oa, direct)).toEqual({ lastInboundAt: at(1_000), repliesSince: 2 })
      yield* activity.recordInbound(oa, direct, at(4_000))
      expect(yield* activity.get(oa, direct)).toEqual({ lastInboundAt: at(4_000), repliesSince: 0 })
      const group = { kind: "group", id: "612389004551" } as const
      yield* activity.recordInbound(oa, group, at(10))
      expect(yield* activity.get(oa, group)).toEqual({ lastInboundAt: at(10), repliesSince: 0 })
      expect(yield* activity.get("fb-page:1", group)).toBeUndefined()
      expect(yield* activity.get(oa, { kind: "post", id: "612389004551" })).toBeUndefined()
      expect(yield* activity.get(oa, direct)).toEqual({ lastInboundAt: at(4_000), repliesSince: 0 })
    })
  )
}
