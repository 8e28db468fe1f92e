// Intake's evidence on SQLite and PostgreSQL: a tip and the evidence records of its photos commit in one block, so
// that a block that fails after requesting them leaves neither, and the message delivered again takes both in, once;
// then the evidence worker keeps the photo and the hook's event is read back from the tip store.
import { createHash } from "node:crypto"
import { SqlClient } from "@effect/sql/SqlClient"
import { describe, expect, it } from "@effect/vitest"
import {
  Actor,
  Binding,
  Calendar,
  Evidence,
  InboundMessage,
  Intake,
  MediaStore,
  Outbox,
  Tips,
  UnitDirectory
} from "@tinbao/core"
import { NinhBinh } from "@tinbao/testkit"
import { DateTime, Effect, Layer, Redacted } from "effect"
import { backends } from "./backends.js"
import { count, vaultConfig } from "./fixtures.js"

const unit = NinhBinh.unitIds.ninhTien
const CHANNEL = `zalo-oa:${unit}`
const reader = Actor.make("can-bo-ninh-tien", unit, ["officer"])
// A PNG's signature and a little more: what the worker reads a file's type from.
const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...new Array<number>(24).fill(7)])
const photoUrl = "http://127.0.0.1:9/anh-hien-truong.png?oh=signature"

const message = InboundMessage.InboundMessage.make({
  kind: "message",
  channel: CHANNEL,
  platformMessageId: "msg-anh-1",
  conversation: { kind: "group", id: "nhom-an-ninh-to-5" },
  sender: Redacted.make({ platformUserId: "user-8842113" }),
  text: "Xe tải đâm xe máy ở ngã ba, em gửi ảnh",
  attachments: [{ _tag: "Media", media: "image", url: photoUrl }],
  sentAt: DateTime.unsafeNow()
})

// The outbox fails the first acknowledgement: the last write of intake's block, after the tip and its records.
const failFirstAcknowledgement = Layer.effect(
  Outbox.Outbox,
  Effect.gen(function* () {
    const real = yield* Outbox.Outbox
    let failed = false
    return {
      ...real,
      enqueue: (entry) =>
        failed
          ? real.enqueue(entry)
          : Effect.suspend(() => {
              failed = true
              return Effect.fail(new Outbox.OutboxError({ reason: "unavailable", message: "The outbox is away." }))
            })
    }
  })
)

for (const backend of backends()) {
  describe(`Intake's evidence on ${backend.name}`, () => {
    it.live("commits a tip with its photos' records, or neither; a redelivery takes both in once", () =>
      Effect.gen(function* () {
        yield* (yield* UnitDirectory.UnitDirectory).record(NinhBinh.changes)
        yield* (yield* Binding.Bindings).bind(Binding.Binding.make({ channel: CHANNEL, unit }))
        const intake = yield* Intake.Intake
        const failure = yield* Effect.flip(intake.handle(message, "zalo"))
        expect(failure._tag).toBe("OutboxError")
        // Rolled back whole: no tip, no record.
        expect([yield* count("tip_events"), yield* count("evidence")]).toEqual([0, 0])

        const outcome = yield* intake.handle(message, "zalo")
        if (outcome._tag !== "Created") throw new Error(`expected a new tip, got ${outcome._tag}`)
        const tip = outcome.tip
        expect((yield* intake.handle(message, "zalo"))._tag).toBe("Duplicate")
        const sql = yield* SqlClient
        const rows = yield* sql<{ tip: string; original_url: string; status: string }>`
          SELECT tip, original_url, status FROM evidence`
        expect(rows.map((r) => ({ ...r }))).toEqual([{ tip: tip.id, original_url: photoUrl, status: "pending" }])

        // The worker keeps the photo (a fetch of our own stands for the platform's CDN); the event it leaves is read
        // back from the tip store.
        const counts = yield* Evidence.runOnce({
          onSettled: intake.evidenceSettled,
          retrieval: { fetch: async () => new Response(png, { status: 200 }) }
        })
        expect(counts).toMatchObject({ claimed: 1, stored: 1, recorded: 1 })
        const tips = yield* Tips.Tips
        const events = yield* tips.history(reader, tip.id)
        const kept = events.filter((e) => e._tag === "EvidenceStored")
        expect(kept).toHaveLength(1)
        expect(kept[0]!.item).toMatchObject({
          hash: createHash("sha256").update(png).digest("hex"),
          size: png.length,
          mediaType: "image/png",
          originalUrl: photoUrl
        })
        expect((yield* tips.get(reader, tip.id)).evidence).toEqual({ pending: 0, stored: 1, notRetrieved: 0 })
        expect((yield* tips.evidence(reader, tip.id)).map((f) => f.status)).toEqual(["stored"])
      }).pipe(
        Effect.provide(
          Intake.layer().pipe(
            Layer.provide(failFirstAcknowledgement),
            Layer.provideMerge(Tips.layer()),
            Layer.provideMerge(Calendar.layerVietnam),
            Layer.provideMerge(MediaStore.layerMemory),
            Layer.provideMerge(backend.fresh()(vaultConfig()))
          )
        )
      )
    )

    it.live("keeps one record for a link sent twice in a message, under group commit too", () =>
      Effect.gen(function* () {
        yield* (yield* UnitDirectory.UnitDirectory).record(NinhBinh.changes)
        yield* (yield* Binding.Bindings).bind(Binding.Binding.make({ channel: CHANNEL, unit }))
        const intake = yield* Intake.Intake
        const twice = InboundMessage.InboundMessage.make({
          ...message,
          platformMessageId: "msg-anh-2",
          attachments: [...message.attachments, ...message.attachments]
        })
        // Taken in at once with other reporters' messages, whose blocks group commit puts in its batch: there the
        // records' rows go in with the batch, the repeated link fails that insert, and the batch runs again
        // carefully, each block on its own.
        const others = ["3", "4", "5"].map((n) =>
          InboundMessage.InboundMessage.make({
            ...message,
            platformMessageId: `msg-${n}`,
            sender: Redacted.make({ platformUserId: `user-${n}` }),
            attachments: []
          })
        )
        const outcomes = yield* Effect.all(
          [twice, ...others].map((m) => intake.handle(m, "zalo")),
          { concurrency: "unbounded" }
        )
        const outcome = outcomes[0]!
        if (outcome._tag !== "Created" && outcome._tag !== "Appended") throw new Error(`got ${outcome._tag}`)
        expect(yield* count("evidence")).toBe(1)
        expect(outcome.tip.attachments).toBeGreaterThanOrEqual(2)
        expect(outcome.tip.evidence.pending).toBe(1)
      }).pipe(
        Effect.provide(
          Intake.layer().pipe(
            Layer.provideMerge(Tips.layer()),
            Layer.provideMerge(Calendar.layerVietnam),
            Layer.provideMerge(backend.fresh()(vaultConfig()))
          )
        )
      )
    )
  })
}
