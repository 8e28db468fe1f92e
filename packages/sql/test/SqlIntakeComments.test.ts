// Comments through intake on SQLite and PostgreSQL: an edited comment joins its commenter's tip, another commenter's
// answer makes a tip of its own, a comment hidden and taken down is recorded on its tip (once per change, under
// concurrent redeliveries), and an officer's public reply is stored public in the outbox, the acknowledgement not.
import { describe, expect, it } from "@effect/vitest"
import { Actor, Binding, Calendar, InboundMessage, Intake, Outbox, Tips, UnitDirectory } from "@tinbao/core"
import { NinhBinh } from "@tinbao/testkit"
import { DateTime, Effect, Layer, Redacted } from "effect"
import { backends } from "./backends.js"
import { vaultConfig } from "./fixtures.js"

const unit = NinhBinh.unitIds.ninhTien
const PAGE = "fb-page:1048576001"
const POST = "1048576001_1221316769"
const officer = Actor.make("can-bo-ninh-tien", unit, ["officer"])
const start = Date.parse("2025-04-02T02:00:00Z")

const comment = (fields: Partial<ConstructorParameters<typeof InboundMessage.InboundMessage>[0]>) =>
  InboundMessage.InboundMessage.make({
    kind: "comment",
    channel: PAGE,
    conversation: { kind: "post", id: POST },
    sender: Redacted.make({ platformUserId: "77889900112" }),
    sentAt: DateTime.unsafeMake(start),
    ...fields
  })

const removal = (replyTo: string, payload: string) =>
  comment({ kind: "removed", replyTo, payload, sentAt: DateTime.unsafeMake(start + 60_000) })

for (const backend of backends()) {
  describe(`Intake of comments on ${backend.name}`, () => {
    it.live("joins an edit, records removals once, and queues a public reply as public", () =>
      Effect.gen(function* () {
        yield* (yield* UnitDirectory.UnitDirectory).record(NinhBinh.changes)
        yield* (yield* Binding.Bindings).bind(Binding.Binding.make({ channel: PAGE, unit }))
        const intake = yield* Intake.Intake
        const tips = yield* Tips.Tips
        const first = yield* intake.handle(comment({ platformMessageId: "c1", text: "Có trộm xe" }), "facebook")
        if (first._tag !== "Created") throw new Error(`expected a new tip, got ${first._tag}`)
        const tip = first.tip
        // Quiet period 0: only the comment the edit names can join it to the tip.
        const edited = yield* intake.handle(
          comment({ platformMessageId: "c1#edit:abc", replyTo: "c1", text: "Có trộm xe máy" }),
          "facebook"
        )
        expect(edited._tag === "Appended" && [edited.tip.id, edited.by]).toEqual([tip.id, "reply"])
        const other = yield* intake.handle(
          comment({
            platformMessageId: "c2",
            replyTo: "c1",
            sender: Redacted.make({ platformUserId: "77889900113" }),
            text: "Tôi cũng thấy"
          }),
          "facebook"
        )
        expect(other._tag === "Created" && other.tip.id !== tip.id).toBe(true)

        const hides = yield* Effect.all(
          Array.from({ length: 4 }, () => intake.handle(removal("c1", "hide"), "facebook")),
          { concurrency: "unbounded" }
        )
        expect(hides.map((o) => o._tag).sort()).toEqual(["Duplicate", "Duplicate", "Duplicate", "MessageRemoved"])
        expect((yield* intake.handle(removal("c1", "remove"), "facebook"))._tag).toBe("MessageRemoved")
        expect((yield* intake.handle(removal("c9", "remove"), "facebook"))._tag).toBe("Ignored")
        const events = yield* tips.history(officer, tip.id)
        expect(
          events.flatMap((e) => (e._tag === "ReporterMessageRemoved" ? [[e.platformMessageId, e.how]] : []))
        ).toEqual([
          ["c1", "hidden"],
          ["c1", "removed"]
        ])

        const now = yield* tips.get(officer, tip.id)
        expect(now.summary).toBe("Có trộm xe")
        yield* intake.reply(officer, tip.id, now.version, "Công an xã đã tiếp nhận.", { public: true })
        const queued = (yield* (yield* Outbox.Outbox).list()).filter((e) => e.tip === tip.id)
        expect(queued.map((e) => [e.key.split(":")[0], e.public])).toEqual([
          ["ack", false],
          ["reply", true]
        ])
      }).pipe(
        Effect.provide(
          Intake.layer({ quietPeriod: 0 }).pipe(
            Layer.provideMerge(Tips.layer()),
            Layer.provideMerge(Calendar.layerVietnam),
            Layer.provideMerge(backend.fresh()(vaultConfig()))
          )
        )
      )
    )
  })
}
