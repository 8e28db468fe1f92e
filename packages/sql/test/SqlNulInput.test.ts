// A NUL character (U+0000) in a delivery, on memory, SQLite and PostgreSQL alike: PostgreSQL cannot store it in
// text, so the core's input schemas refuse it, and a stored delivery carrying one in an id, a name or a text becomes
// a dead letter with a bad-request reason at once, never a storage error retried forever; nothing of it is stored.
import { describe, expect, it } from "@effect/vitest"
import {
  Actor,
  Binding,
  Calendar,
  type Channel,
  Channels,
  InboundMessage,
  Inbox,
  Intake,
  MediaStore,
  Tips,
  UnitDirectory,
  Webhook
} from "@tinbao/core"
import { FakeChannel, NinhBinh } from "@tinbao/testkit"
import { DateTime, Effect, Either, Layer } from "effect"
import { backends } from "./backends.js"
import { vaultConfig } from "./fixtures.js"

const unit = NinhBinh.unitIds.ninhTien
const CHANNEL = `zalo-oa:${unit}`
const USER = "0912345678"
const NAME = "Nguyễn Văn Bí Mật"
const fake = FakeChannel.make({ id: CHANNEL })
// An adapter that builds its messages without validation, a NUL in their text: the core checks them itself.
const LAX = `${CHANNEL}:lax`
const laxFake = FakeChannel.make({ id: LAX })
const lax: Channel.ChannelAdapter = {
  ...laxFake.adapter,
  decode: (delivery) =>
    Either.map(laxFake.adapter.decode(delivery), (decoded) => ({
      ...decoded,
      messages: decoded.messages.map((m) => InboundMessage.InboundMessage.make({ ...m, text: `${m.text}\u0000` }, true))
    }))
}
const officer = Actor.make("can-bo-ninh-tien", unit, ["officer"])

const event = (id: string, change: Partial<FakeChannel.Event> = {}): FakeChannel.Event => ({
  type: "message",
  id,
  from: USER,
  name: NAME,
  text: "Có người lạ đột nhập kho hàng",
  ...change
})

// Each delivery breaks the rule in one place, which its dead letter names: the platform's message id, the sender's
// id (the direct conversation's too), their name, the text, a group's id.
const carrying: ReadonlyArray<readonly [FakeChannel.Event, string]> = [
  [event("msg-nul-1\u0000"), "platformMessageId"],
  [event("msg-nul-2", { from: `${USER}\u0000` }), "conversation.id"],
  [event("msg-nul-3", { name: `${NAME}\u0000` }), "sender.displayName"],
  [event("msg-nul-4", { text: "Có người lạ\u0000 đột nhập" }), "text"],
  [event("msg-nul-5", { group: "nhom\u0000-to-5" }), "conversation.id"]
]

const memory = {
  name: "memory",
  layer: () => Layer.mergeAll(Intake.layerMemory(), Inbox.layerMemory, MediaStore.layerMemory)
}

const stored = backends().map((backend) => ({
  name: backend.name,
  layer: () =>
    Intake.layer().pipe(
      Layer.provideMerge(Tips.layer()),
      Layer.provideMerge(Calendar.layerVietnam),
      Layer.provideMerge(MediaStore.layerMemory),
      Layer.provideMerge(backend.fresh()(vaultConfig()))
    )
}))

for (const backend of [memory, ...stored]) {
  describe(`A NUL character in a delivery, on ${backend.name}`, () => {
    it.live("makes a dead letter with a bad-request reason at once, and takes nothing in", () =>
      Effect.gen(function* () {
        yield* (yield* UnitDirectory.UnitDirectory).record(NinhBinh.changes)
        yield* (yield* Binding.Bindings).bind(Binding.Binding.make({ channel: CHANNEL, unit }))
        const webhook = yield* Webhook.make({ worker: false, process: Intake.process })
        const inbox = yield* Inbox.Inbox
        const now = yield* DateTime.now
        // Stored as a delivery that arrived before the rule, or through an adapter whose `verify` does not decode.
        const ids = yield* Effect.forEach(carrying, ([e]) =>
          Effect.flatMap(fake.delivery([e]), (delivery) => inbox.store(CHANNEL, delivery, now))
        )
        expect(yield* webhook.drain).toEqual({ claimed: 5, done: 0, retried: 0, dead: 5 })
        for (const [index, id] of ids.entries()) {
          const entry = (yield* inbox.get(id))!
          expect(entry.status).toBe("dead")
          expect(entry.deadReason).toMatch(/^bad_request: /)
          expect(entry.deadReason).toContain(`${carrying[index]![1]}: `)
          expect(entry.deadReason).not.toContain(USER)
          expect(entry.deadReason).not.toContain("Nguyễn")
          expect(entry.deadReason).not.toContain("\u0000")
        }
        const reader = (yield* Tips.Tips).list
        expect(yield* reader(officer)).toEqual([])

        // The same delivery without the NUL is taken in.
        const clean = yield* inbox.store(CHANNEL, yield* fake.delivery([event("msg-clean")]), now)
        expect(yield* webhook.drain).toMatchObject({ claimed: 1, done: 1 })
        expect((yield* inbox.get(clean))?.status).toBe("done")
        expect(yield* reader(officer)).toHaveLength(1)
      }).pipe(Effect.scoped, Effect.provide(Layer.merge(backend.layer(), Channels.layer([fake.adapter, lax]))))
    )

    it.live("refuses a message built without validation: typed from intake, a dead letter from the worker", () =>
      Effect.gen(function* () {
        yield* (yield* UnitDirectory.UnitDirectory).record(NinhBinh.changes)
        yield* (yield* Binding.Bindings).bind(Binding.Binding.make({ channel: LAX, unit }))
        const intake = yield* Intake.Intake
        const delivery = yield* fake.delivery([event("msg-lax-1")])
        const [built] = Either.getOrThrow(lax.decode(delivery)).messages
        const error = yield* Effect.flip(intake.handle(built!, "zalo"))
        expect(error._tag).toBe("ParseError")
        expect(error.message).toContain("text")
        expect(error.message).not.toContain("Có người lạ")

        const webhook = yield* Webhook.make({ worker: false, process: Intake.process })
        const inbox = yield* Inbox.Inbox
        const id = yield* inbox.store(LAX, delivery, yield* DateTime.now)
        expect(yield* webhook.drain).toEqual({ claimed: 1, done: 0, retried: 0, dead: 1 })
        expect((yield* inbox.get(id))?.deadReason).toBe(
          "bad_request: message 1 of the delivery is not valid: text: Expected a string without NUL characters (U+0000)"
        )
        expect(yield* (yield* Tips.Tips).list(officer)).toEqual([])
      }).pipe(Effect.scoped, Effect.provide(Layer.merge(backend.layer(), Channels.layer([fake.adapter, lax]))))
    )
  })
}
