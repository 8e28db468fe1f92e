import { describe, expect, it } from "@effect/vitest"
import { FakeChannel } from "@tinbao/testkit"
import { DateTime, Effect, FastCheck, Layer, Redacted, TestClock } from "effect"
import * as Binding from "../src/Binding.js"
import * as Channels from "../src/Channels.js"
import * as ConversationActivity from "../src/ConversationActivity.js"
import * as InboundMessage from "../src/InboundMessage.js"
import * as Intake from "../src/Intake.js"
import * as Outbox from "../src/Outbox.js"
import * as Tips from "../src/Tips.js"
import { actors, ids, inbound, type MessageFields, monday, recordUnits, secretName, secretUserId } from "./fixtures.js"

const CHANNEL = "zalo-oa:207145032978"

const layer = (options?: Intake.Options) => Intake.layerMemory(options)

const message = (fields: MessageFields = {}) => inbound(CHANNEL, fields)

const setup = Effect.gen(function* () {
  yield* TestClock.setTime(monday)
  yield* recordUnits
  const bindings = yield* Binding.Bindings
  yield* bindings.bind(Binding.Binding.make({ channel: CHANNEL, unit: ids.commune }))
  return { intake: yield* Intake.Intake, outbox: yield* Outbox.Outbox, tips: yield* Tips.Tips }
})

const created = (o: Intake.Outcome) => {
  if (o._tag !== "Created") throw new Error(`expected a new tip, got ${o._tag}`)
  return o.tip
}

describe("Intake", () => {
  it.effect("turns a message into a routed, categorised tip and queues an acknowledgement", () =>
    Effect.gen(function* () {
      const { intake, outbox } = yield* setup
      const tip = created(yield* intake.handle(message(), "zalo"))
      expect(tip.unit).toBe(ids.commune)
      expect(tip.category).toBe("drugs")
      expect(tip.channel).toBe("zalo")
      expect(tip.routedBy).toBe(`binding ${CHANNEL}`)
      const ack = (yield* outbox.get(`ack:${tip.id}`))!
      expect(ack.text).toContain(tip.code)
      expect(ack.text).toContain("Công an xã Ninh Tiến")
      expect(JSON.stringify(ack)).not.toContain(secretUserId)
      // the reply window opened under the key the dispatcher looks up, never the platform id
      const activity = yield* ConversationActivity.ConversationActivity
      const key = yield* ConversationActivity.directKey(CHANNEL, secretUserId)
      expect((yield* activity.get(CHANNEL, key))?.lastInboundAt).toEqual(DateTime.unsafeMake(monday))
      expect(yield* activity.get(CHANNEL, { kind: "direct", id: secretUserId })).toBeUndefined()
    }).pipe(Effect.provide(layer()))
  )

  it.effect("makes exactly one tip of a message delivered many times at once", () =>
    Effect.gen(function* () {
      const { intake, tips } = yield* setup
      const m = message()
      const outcomes = yield* Effect.all(
        Array.from({ length: 12 }, () => intake.handle(m, "zalo")),
        { concurrency: "unbounded" }
      )
      expect(outcomes.filter((o) => o._tag === "Created").length).toBe(1)
      expect(outcomes.filter((o) => o._tag === "Duplicate").length).toBe(11)
      expect((yield* tips.list(actors.provinceLeader)).length).toBe(1)
    }).pipe(Effect.provide(layer()))
  )

  it.effect("de-duplicates messages without a platform id by content within the window", () =>
    Effect.gen(function* () {
      const { intake } = yield* setup
      const first = yield* intake.handle(message({ platformMessageId: undefined }), "zalo")
      expect(first._tag).toBe("Created")
      expect((yield* intake.handle(message({ platformMessageId: undefined }), "zalo"))._tag).toBe("Duplicate")
      yield* TestClock.adjust("2 hours")
      expect((yield* intake.handle(message({ platformMessageId: undefined }), "zalo"))._tag).toBe("Created")
    }).pipe(Effect.provide(layer()))
  )

  it.effect("joins text, photo and location from one reporter within the quiet period", () =>
    Effect.gen(function* () {
      const { intake } = yield* setup
      const tip = created(yield* intake.handle(message(), "zalo"))
      yield* TestClock.adjust("2 minutes")
      const photo = yield* intake.handle(
        message({
          text: undefined,
          attachments: [{ _tag: "Media", media: "image", url: "https://f.zalo.example/a.jpg" }]
        }),
        "zalo"
      )
      yield* TestClock.adjust("3 minutes")
      const place = yield* intake.handle(
        message({ text: undefined, attachments: [{ _tag: "Location", latitude: 20.25, longitude: 105.97 }] }),
        "zalo"
      )
      expect(photo._tag === "Appended" && photo.by).toBe("quiet_period")
      expect(place._tag === "Appended" && place.tip.id).toBe(tip.id)
      expect(place._tag === "Appended" && place.tip.attachments).toBe(2)
      yield* TestClock.adjust("30 minutes")
      expect((yield* intake.handle(message({ text: "Một việc khác: có trộm xe" }), "zalo"))._tag).toBe("Created")
    }).pipe(Effect.provide(layer()))
  )

  it.effect("treats a message quoting the reporter's own code as a follow-up, not someone else's", () =>
    Effect.gen(function* () {
      const { intake } = yield* setup
      const tip = created(yield* intake.handle(message(), "zalo"))
      yield* TestClock.adjust("3 days")
      const mine = yield* intake.handle(message({ text: `Tin báo ${tip.code.toLowerCase()} đến đâu rồi ạ?` }), "zalo")
      expect(mine._tag === "Appended" && mine.by).toBe("code")
      expect(mine._tag === "Appended" && mine.tip.followUps).toBe(1)
      const stranger = yield* intake.handle(
        message({
          sender: Redacted.make({ platformUserId: "someone-else" }),
          conversation: InboundMessage.direct("someone-else"),
          text: `Tôi cũng biết vụ ${tip.code}`
        }),
        "zalo"
      )
      expect(stranger._tag).toBe("Created")
    }).pipe(Effect.provide(layer()))
  )

  it.effect("marks the tip acknowledged when the outbox delivers, and takes a reply to it as a follow-up", () =>
    Effect.gen(function* () {
      const { intake, tips } = yield* setup
      const tip = created(yield* intake.handle(message(), "zalo"))
      yield* intake.delivered({ key: `ack:${tip.id}`, channel: CHANNEL, tip: tip.id, platformMessageId: "oa-sent-1" })
      expect((yield* tips.get(actors.communeLeader, tip.id)).status).toBe("acknowledged")
      yield* TestClock.adjust("2 days")
      const answer = yield* intake.handle(message({ text: "Vâng, tôi gửi thêm ảnh", replyTo: "oa-sent-1" }), "zalo")
      expect(answer._tag === "Appended" && answer.by).toBe("reply")
    }).pipe(Effect.provide(layer()))
  )

  it.effect("ignores receipts and echoes, and reports unbound channels", () =>
    Effect.gen(function* () {
      const { intake } = yield* setup
      expect((yield* intake.handle(message({ kind: "delivery" }), "zalo"))._tag).toBe("Ignored")
      expect((yield* intake.handle(message({ kind: "echo" }), "zalo"))._tag).toBe("Ignored")
      expect((yield* intake.handle(message({ text: "   " }), "zalo"))._tag).toBe("Ignored")
      const unbound = yield* intake.handle(message({ channel: "fb-page:999" }), "facebook")
      expect(unbound).toEqual({ _tag: "Unrouted", channel: "fb-page:999" })
    }).pipe(Effect.provide(layer()))
  )

  it.effect("routes a bound group to its own unit, and by area before the binding", () =>
    Effect.gen(function* () {
      const { intake } = yield* setup
      const bindings = yield* Binding.Bindings
      yield* bindings.bind(Binding.Binding.make({ channel: CHANNEL, conversation: "group-7", unit: ids.ward }))
      const inGroup = created(yield* intake.handle(message({ conversation: { kind: "group", id: "group-7" } }), "zalo"))
      expect(inGroup.unit).toBe(ids.ward)
      expect(inGroup.routedBy).toBe(`binding ${CHANNEL}/group-7`)
    }).pipe(
      Effect.provide(
        layer({
          rules: [
            {
              _tag: "Area",
              unit: ids.remote,
              polygon: [
                [0, 0],
                [0, 1],
                [1, 1],
                [1, 0]
              ]
            },
            { _tag: "Binding" }
          ]
        })
      )
    )
  )

  it.effect("relays an officer's reply to the reporter without showing who they are", () =>
    Effect.gen(function* () {
      const { intake, outbox, tips } = yield* setup
      const tip = created(yield* intake.handle(message(), "zalo"))
      const after = yield* intake.reply(
        actors.communeLeader,
        tip.id,
        tip.version,
        "Cảm ơn bạn, chúng tôi đang xác minh."
      )
      expect(after.repliesToReporter).toBe(1)
      const queued = (yield* outbox.list()).filter((e) => e.key.startsWith("reply:"))
      expect(queued.length).toBe(1)
      expect(queued[0]!.humanAgent).toBe(true)
      const seen = JSON.stringify([after, yield* tips.history(actors.communeLeader, tip.id), queued])
      expect(seen).not.toContain(secretUserId)
      expect(seen).not.toContain(secretName)
      const inPerson = yield* tips.receive(actors.communeLeader, {
        unit: ids.commune,
        channel: "in_person",
        identity: Redacted.make({ channel: "in_person", platformUserId: "cccd-001" }),
        reporterKind: "individual",
        legalType: "to_giac",
        category: tip.category,
        summary: "Trình báo trực tiếp"
      })
      const refused = yield* Effect.flip(intake.reply(actors.communeLeader, inPerson.id, inPerson.version, "Xin chào"))
      expect(refused._tag === "RuleViolation" && refused.rule).toBe("no_reply_channel")
    }).pipe(Effect.provide(layer()))
  )

  it.effect("as the webhook's processor, keeps deliveries from unbound channels as dead letters", () =>
    Effect.gen(function* () {
      const { tips } = yield* setup
      const bound = yield* Intake.process([message()])
      expect(bound).toBeUndefined()
      expect((yield* tips.list(actors.provinceLeader)).map((t) => t.channel)).toEqual(["zalo"])
      const unbound = yield* Intake.process([message(), message({ channel: "fb-page:999" })])
      expect(unbound).toEqual({ deadLetter: "no unit is bound to channel fb-page:999" })
    }).pipe(
      Effect.provide(
        Layer.merge(
          layer(),
          Channels.layer([
            FakeChannel.make({ id: CHANNEL, platform: { id: "zalo", label: { vi: "Zalo", en: "Zalo" } } }).adapter,
            FakeChannel.make({
              id: "fb-page:999",
              platform: { id: "facebook", label: { vi: "Facebook", en: "Facebook" } }
            }).adapter
          ])
        )
      )
    )
  )

  it.effect("as the webhook's processor, takes the platform from the channel's adapter, and never guesses one", () =>
    Effect.gen(function* () {
      const platforms: Array<string> = []
      const intake = Intake.Intake.of({
        handle: (_, platform) =>
          Effect.sync(() => {
            platforms.push(platform)
            return { _tag: "Ignored", reason: "test" } as const
          }),
        delivered: () => Effect.void,
        reply: () => Effect.die("not used"),
        evidenceSettled: () => Effect.die("not used")
      })
      const sms = FakeChannel.make({
        id: "sms:0912000111",
        platform: { id: "sms", label: { vi: "Tin nhắn SMS", en: "SMS" } }
      })
      const channels = yield* Channels.make([sms.adapter])
      const run = (...messages: ReadonlyArray<InboundMessage.InboundMessage>) =>
        Intake.process(messages).pipe(
          Effect.provideService(Intake.Intake, intake),
          Effect.provideService(Channels.Channels, channels)
        )
      expect(yield* run(message({ channel: "sms:0912000111" }))).toBeUndefined()
      expect(platforms).toEqual(["sms"])
      expect(channels.platforms.map((p) => p.id)).toEqual(["sms"])
      // A channel without an adapter is no "web" channel: the delivery waits as a dead letter, none of it taken in.
      const orphan = yield* run(message({ channel: "sms:0912000111" }), message({ channel: "zalo-oa:gone" }))
      expect(orphan).toEqual({ deadLetter: "no adapter is configured for channel zalo-oa:gone" })
      expect(platforms).toEqual(["sms"])
    })
  )

  it.effect("property: random redeliveries make exactly one tip per distinct message", () =>
    Effect.gen(function* () {
      const samples = FastCheck.sample(
        FastCheck.tuple(
          FastCheck.integer({ min: 1, max: 25 }),
          FastCheck.array(FastCheck.nat(), { minLength: 0, maxLength: 60 })
        ),
        { numRuns: 15, seed: 42 }
      )
      for (const [distinct, picks] of samples) {
        const count = yield* Effect.gen(function* () {
          const { intake, tips } = yield* setup
          const base = Array.from({ length: distinct }, (_, i) =>
            message({
              sender: Redacted.make({ platformUserId: `user-${i % 4}` }),
              conversation: InboundMessage.direct(`user-${i % 4}`),
              text: `tin báo số ${i}`
            })
          )
          const deliveries = [...base, ...picks.map((p) => base[p % distinct]!)]
          yield* Effect.all(
            deliveries.map((m) => intake.handle(m, "zalo")),
            { concurrency: 8 }
          )
          return (yield* tips.list(actors.provinceLeader)).length
        }).pipe(Effect.provide(layer({ quietPeriod: 0 })))
        expect(count).toBe(distinct)
      }
    })
  )
})
