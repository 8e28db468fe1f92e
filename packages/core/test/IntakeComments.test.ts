// Comments on a page's posts: a comment taken down, hidden or shown again is recorded on its tip, which keeps what it
// said; an edited comment (or a message quoting the reporter's own) continues the same reporter's tip; an officer may
// answer a comment in its thread for everyone to see, and nothing else goes public.
import { describe, expect, it } from "@effect/vitest"
import { FakeChannel } from "@tinbao/testkit"
import { DateTime, Effect, Layer, Redacted, TestClock } from "effect"
import * as Binding from "../src/Binding.js"
import * as Channels from "../src/Channels.js"
import * as Dispatcher from "../src/Dispatcher.js"
import * as InboundMessage from "../src/InboundMessage.js"
import * as Inbox from "../src/Inbox.js"
import * as Intake from "../src/Intake.js"
import * as Outbox from "../src/Outbox.js"
import type { Tip } from "../src/Tip.js"
import type * as TipEvent from "../src/TipEvent.js"
import * as Tips from "../src/Tips.js"
import * as Webhook from "../src/Webhook.js"
import { actors, ids, monday, recordUnits } from "./fixtures.js"

const PAGE = "fb-page:1048576001"
const POST = "1048576001_1221316769"
const ALICE = "77889900112"
const BINH = "77889900113"
const text = "Có vụ trộm xe ở đường Lê Lợi tối qua"

const comment = (fields: Partial<ConstructorParameters<typeof InboundMessage.InboundMessage>[0]> = {}) =>
  InboundMessage.InboundMessage.make({
    kind: "comment",
    channel: PAGE,
    platformMessageId: "c1",
    conversation: { kind: "post", id: POST },
    sender: Redacted.make({ platformUserId: ALICE, displayName: "Nguyễn Văn A" }),
    text,
    sentAt: DateTime.unsafeMake(monday),
    ...fields
  })

const removal = (replyTo: string | undefined, payload: string | undefined) =>
  comment({
    kind: "removed",
    platformMessageId: undefined,
    text: undefined,
    ...(replyTo !== undefined ? { replyTo } : {}),
    ...(payload !== undefined ? { payload } : {})
  })

const setup = Effect.gen(function* () {
  yield* TestClock.setTime(monday)
  yield* recordUnits
  yield* (yield* Binding.Bindings).bind(Binding.Binding.make({ channel: PAGE, unit: ids.commune }))
  return { intake: yield* Intake.Intake, tips: yield* Tips.Tips, outbox: yield* Outbox.Outbox }
})

const created = (o: Intake.Outcome): Tip => {
  if (o._tag !== "Created") throw new Error(`expected a new tip, got ${o._tag}`)
  return o.tip
}

// What a tip is apart from its log's length and last time.
const stateOf = ({ version: _, lastEventAt: __, ...rest }: Tip) => rest

const removals = (events: ReadonlyArray<TipEvent.TipEvent>) =>
  events.flatMap((e) => (e._tag === "ReporterMessageRemoved" ? [[e.platformMessageId, e.how, e.by]] : []))

describe("Intake of a comment taken down", () => {
  it.effect(
    "records it on the tip, which keeps its text, status and deadlines; the same removal again is a duplicate",
    () =>
      Effect.gen(function* () {
        const { intake, tips } = yield* setup
        const tip = created(yield* intake.handle(comment(), "facebook"))
        yield* TestClock.adjust("1 hour")
        const before = yield* tips.get(actors.communeLeader, tip.id)
        const deadlines = yield* tips.deadlines(actors.communeLeader, tip.id)

        const hidden = yield* intake.handle(removal("c1", "hide"), "facebook")
        expect(hidden._tag === "MessageRemoved" && hidden.tip.id).toBe(tip.id)
        expect(yield* intake.handle(removal("c1", "hide"), "facebook")).toEqual({ _tag: "Duplicate", tip: tip.id })
        expect((yield* intake.handle(removal("c1", "unhide"), "facebook"))._tag).toBe("MessageRemoved")
        expect((yield* intake.handle(removal("c1", "hide"), "facebook"))._tag).toBe("MessageRemoved")
        expect((yield* intake.handle(removal("c1", "remove"), "facebook"))._tag).toBe("MessageRemoved")
        expect(yield* intake.handle(removal("c1", "remove"), "facebook")).toEqual({ _tag: "Duplicate", tip: tip.id })

        const after = yield* tips.get(actors.communeLeader, tip.id)
        expect(stateOf(after)).toEqual(stateOf(before))
        expect(after.summary).toBe(text)
        expect(after.version).toBe(before.version + 4)
        expect(yield* tips.deadlines(actors.communeLeader, tip.id)).toEqual(deadlines)
        expect(removals(yield* tips.history(actors.communeLeader, tip.id))).toEqual([
          ["c1", "hidden", Intake.actorId],
          ["c1", "unhidden", Intake.actorId],
          ["c1", "hidden", Intake.actorId],
          ["c1", "removed", Intake.actorId]
        ])
      }).pipe(Effect.provide(Intake.layerMemory()))
  )

  it.effect("records it on the tip a follow-up joined, even once the tip is closed", () =>
    Effect.gen(function* () {
      const { intake, tips } = yield* setup
      const tip = created(yield* intake.handle(comment(), "facebook"))
      yield* TestClock.adjust("2 minutes")
      const more = yield* intake.handle(comment({ platformMessageId: "c2", text: "Xe Wave màu đỏ" }), "facebook")
      expect(more._tag === "Appended" && more.tip.id).toBe(tip.id)
      const open = yield* tips.get(actors.communeLeader, tip.id)
      const closed = yield* tips.execute(actors.communeLeader, {
        tip: tip.id,
        expectedVersion: open.version,
        command: { _tag: "Reject", rejection: { _tag: "OutOfScope", reason: "Không thuộc thẩm quyền" } }
      })
      const outcome = yield* intake.handle(removal("c2", "remove"), "facebook")
      expect(outcome._tag === "MessageRemoved" && outcome.tip.status).toBe("rejected")
      expect(outcome._tag === "MessageRemoved" && stateOf(outcome.tip)).toEqual(stateOf(closed))
      const events = yield* tips.history(actors.communeLeader, tip.id)
      expect(removals(events)).toEqual([["c2", "removed", Intake.actorId]])
      expect(events.some((e) => e._tag === "FollowUpAppended" && e.text === "Xe Wave màu đỏ")).toBe(true)
    }).pipe(Effect.provide(Intake.layerMemory()))
  )

  it.effect("ignores a removal of a message no tip was made of, and one that names no message or action", () =>
    Effect.gen(function* () {
      const { intake, tips } = yield* setup
      const tip = created(yield* intake.handle(comment(), "facebook"))
      const ignored = (reason: string) => ({ _tag: "Ignored", reason })
      expect(yield* intake.handle(removal("c-unknown", "remove"), "facebook")).toEqual(ignored("removed_unknown"))
      expect(yield* intake.handle(removal(undefined, "remove"), "facebook")).toEqual(ignored("removed_malformed"))
      for (const payload of [undefined, "delete", "constructor"]) {
        expect(yield* intake.handle(removal("c1", payload), "facebook")).toEqual(ignored("removed_malformed"))
      }
      expect(removals(yield* tips.history(actors.communeLeader, tip.id))).toEqual([])
    }).pipe(Effect.provide(Intake.layerMemory()))
  )
})

describe("Intake of a message that names the reporter's own earlier one", () => {
  it.effect(
    "joins an edited comment to its commenter's tip after the quiet period; another commenter's is their own",
    () =>
      Effect.gen(function* () {
        const { intake } = yield* setup
        const tip = created(yield* intake.handle(comment(), "facebook"))
        yield* TestClock.adjust("2 hours")
        const edited = yield* intake.handle(
          comment({ platformMessageId: "c1#edit:abc", replyTo: "c1", text: `${text}, khoảng 22 giờ` }),
          "facebook"
        )
        expect(edited._tag === "Appended" && [edited.tip.id, edited.by, edited.tip.followUps]).toEqual([
          tip.id,
          "reply",
          1
        ])
        const answer = yield* intake.handle(
          comment({
            platformMessageId: "c3",
            replyTo: "c1",
            sender: Redacted.make({ platformUserId: BINH }),
            text: "Tôi cũng thấy chiếc xe đó"
          }),
          "facebook"
        )
        expect(created(answer).id).not.toBe(tip.id)
      }).pipe(Effect.provide(Intake.layerMemory()))
  )

  it.effect("joins a direct message quoting the reporter's own message to its tip", () =>
    Effect.gen(function* () {
      const { intake } = yield* setup
      const direct = { conversation: InboundMessage.direct(ALICE), kind: "message" as const }
      const tip = created(yield* intake.handle(comment({ ...direct, platformMessageId: "m_1" }), "facebook"))
      yield* TestClock.adjust("1 day")
      const quoted = yield* intake.handle(
        comment({ ...direct, platformMessageId: "m_2", replyTo: "m_1", text: "Bổ sung: biển số 35B1-123.45" }),
        "facebook"
      )
      expect(quoted._tag === "Appended" && [quoted.tip.id, quoted.by]).toEqual([tip.id, "reply"])
    }).pipe(Effect.provide(Intake.layerMemory()))
  )
})

describe("An officer's public reply to a comment", () => {
  it.effect("is recorded and queued as public; the acknowledgement and a plain reply are private", () =>
    Effect.gen(function* () {
      const { intake, outbox, tips } = yield* setup
      const tip = created(yield* intake.handle(comment(), "facebook"))
      const said = "Công an xã đã tiếp nhận, mời bạn nhắn tin riêng cho trang."
      const after = yield* intake.reply(actors.communeLeader, tip.id, tip.version, said, { public: true })
      const plain = yield* intake.reply(actors.communeLeader, tip.id, after.version, "Cảm ơn bạn.")
      expect(plain.repliesToReporter).toBe(2)
      const messaged = (yield* tips.history(actors.communeLeader, tip.id)).flatMap((e) =>
        e._tag === "ReporterMessaged" ? [e] : []
      )
      expect(messaged.map((e) => [e.key, e.public])).toEqual([
        [`reply:${tip.id}:2`, true],
        [`reply:${tip.id}:3`, undefined]
      ])
      const entries = yield* outbox.list()
      expect(entries.map((e) => [e.key, e.public, e.conversation.kind, e.replyTo])).toEqual([
        [`ack:${tip.id}`, false, "post", "c1"],
        [`reply:${tip.id}:2`, true, "post", "c1"],
        [`reply:${tip.id}:3`, false, "post", "c1"]
      ])
    }).pipe(Effect.provide(Intake.layerMemory()))
  )

  it.effect("is refused on a tip that did not come from a comment, and nothing is recorded or queued", () =>
    Effect.gen(function* () {
      const { intake, outbox, tips } = yield* setup
      const tip = created(
        yield* intake.handle(comment({ kind: "message", conversation: InboundMessage.direct(ALICE) }), "facebook")
      )
      const refused = yield* Effect.flip(
        intake.reply(actors.communeLeader, tip.id, tip.version, "Xin chào", { public: true })
      )
      expect(refused._tag === "RuleViolation" && [refused.rule, refused.message]).toEqual([
        "public_reply_not_comment",
        `Tip ${tip.code} did not come from a comment: a reply to it can only go to the reporter in private.`
      ])
      expect((yield* tips.get(actors.communeLeader, tip.id)).version).toBe(tip.version)
      expect((yield* outbox.list()).map((e) => e.key)).toEqual([`ack:${tip.id}`])
      // Said outright, a private reply still goes.
      const after = yield* intake.reply(actors.communeLeader, tip.id, tip.version, "Xin chào", { public: false })
      expect(after.repliesToReporter).toBe(1)
    }).pipe(Effect.provide(Intake.layerMemory()))
  )

  it.scoped(
    "reaches the adapter as public through the webhook, intake and the dispatcher; the acknowledgement does not",
    () => {
      const fake = FakeChannel.make({
        id: PAGE,
        platform: { id: "facebook", label: { vi: "Facebook", en: "Facebook" } },
        capabilities: { comments: true }
      })
      const event = (fields: Partial<FakeChannel.Event>): FakeChannel.Event => ({
        type: "comment",
        id: "c1",
        from: ALICE,
        text,
        time: monday,
        post: POST,
        ...fields
      })
      return Effect.gen(function* () {
        const { intake, tips } = yield* setup
        const webhook = yield* Webhook.make({ process: Intake.process, worker: false })
        const deliver = (events: ReadonlyArray<FakeChannel.Event>) =>
          Effect.flatMap(fake.delivery(events), (d) => webhook.accept(PAGE, d))
        yield* deliver([event({})])
        expect(yield* webhook.drain).toMatchObject({ done: 1, dead: 0 })
        yield* TestClock.adjust("1 hour")
        yield* deliver([
          event({ id: "c1#edit:abc", replyTo: "c1", text: `${text}, khoảng 22 giờ` }),
          { type: "removed", id: "c1#hide", from: ALICE, time: monday, post: POST, replyTo: "c1", payload: "hide" }
        ])
        expect(yield* webhook.drain).toMatchObject({ done: 1, dead: 0 })
        const [tip] = yield* tips.list(actors.communeLeader)
        expect(tip).toMatchObject({ followUps: 1, summary: text })
        expect(removals(yield* tips.history(actors.communeLeader, tip!.id))).toEqual([["c1", "hidden", Intake.actorId]])

        yield* intake.reply(actors.communeLeader, tip!.id, tip!.version, "Công an xã đã tiếp nhận.", { public: true })
        expect(yield* Dispatcher.runOnce()).toMatchObject({ sent: 2, failed: 0 })
        expect(fake.sent.map((m) => [m.key, m.public, m.humanAgent, m.conversation.kind, m.replyTo])).toEqual([
          [`ack:${tip!.id}`, false, false, "post", "c1"],
          [`reply:${tip!.id}:${tip!.version + 1}`, true, true, "post", "c1"]
        ])
      }).pipe(Effect.provide(Layer.mergeAll(Intake.layerMemory(), Inbox.layerMemory, Channels.layer([fake.adapter]))))
    }
  )
})
