// A Zalo OA behind the webhook: a 1:1 tip goes to the OA's unit, a residential group's to the unit its group is
// bound to, and the acknowledgement is queued as a reply naming the reporter's message.
import { describe, expect, it } from "@effect/vitest"
import { Actor, Binding, Channels, Inbox, Intake, Outbox, Tips, UnitDirectory, Webhook } from "@tinbao/core"
import { NinhBinh } from "@tinbao/testkit"
import { Effect, Layer, TestClock } from "effect"
import * as ZaloOa from "../src/ZaloOa.js"
import { bodies, group } from "./fixtures.js"
import { channelId, makeWith, secretKey } from "./oaCases.js"

describe("ZaloOa behind the webhook", () => {
  const layer = Layer.mergeAll(
    Intake.layerMemory(),
    Inbox.layerMemory,
    Layer.effect(
      Channels.Channels,
      Effect.flatMap(makeWith(ZaloOa)("http://127.0.0.1:9"), (adapter) => Channels.make([adapter]))
    )
  )

  it.scoped("routes a 1:1 tip to the OA's unit and a group's tip to the group's unit, two hours after arrival", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(1735718400123 + 60_000)
      yield* Effect.flatMap(UnitDirectory.UnitDirectory, (d) => d.record(NinhBinh.allChanges))
      const bindings = yield* Binding.Bindings
      yield* bindings.bind(Binding.Binding.make({ channel: channelId, unit: NinhBinh.unitIds.vanGiang }))
      yield* bindings.bind(
        Binding.Binding.make({ channel: channelId, conversation: group, unit: NinhBinh.unitIds.ninhTien })
      )
      const webhook = yield* Webhook.make({ worker: false, process: Intake.process })
      for (const body of [bodies.text(), bodies.groupText(), bodies.text()]) {
        const answer = yield* webhook.accept(channelId, ZaloOa.delivery(secretKey, body))
        expect(answer.status).toBe(200)
      }
      yield* TestClock.adjust("2 hours")
      expect(yield* webhook.drain).toMatchObject({ claimed: 3, done: 3, dead: 0 })
      const leader = Actor.make("lanh-dao-tinh", NinhBinh.unitIds.province, ["officer", "leader"])
      const tips = yield* (yield* Tips.Tips).list(leader)
      expect(tips.map((t) => [t.channel, t.unit]).sort()).toEqual(
        [
          ["zalo", NinhBinh.unitIds.ninhTien],
          ["zalo", NinhBinh.unitIds.vanGiang]
        ].sort()
      )
      const queued = yield* (yield* Outbox.Outbox).list("pending")
      expect(queued.map((e) => [e.conversation.kind, e.replyTo]).sort()).toEqual(
        [
          ["direct", "b9f1c3a0d8e2"],
          ["group", "e03c9a"]
        ].sort()
      )
    }).pipe(Effect.provide(layer))
  )
})
