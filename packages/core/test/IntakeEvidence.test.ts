// Intake's evidence end to end, on the memory layers: a reporter's photo, served by a local HTTP server on 127.0.0.1,
// is attached to the tip as evidence and its record requested with the tip; the evidence worker keeps the file, and
// `Intake.evidenceSettled` records it on the tip (hash, size, type read from the bytes, link). A link that keeps
// failing ends as "not retrieved" on the tip, which stays whole and visible. The evidence list and the files are
// scoped as the tip is; only the system records evidence; the hook records once however often it runs.
import { createHash } from "node:crypto"
import { describe, expect, it } from "@effect/vitest"
import { DateTime, Effect, Layer, TestClock } from "effect"
import * as Actor from "../src/Actor.js"
import * as Binding from "../src/Binding.js"
import * as Evidence from "../src/Evidence.js"
import * as Intake from "../src/Intake.js"
import * as MediaStore from "../src/MediaStore.js"
import type * as Tip from "../src/Tip.js"
import type * as TipEvent from "../src/TipEvent.js"
import * as Tips from "../src/Tips.js"
import { closedPort, png, send, serve } from "./evidenceFiles.js"
import { actors, ids, inbound, type MessageFields, monday, recordUnits } from "./fixtures.js"

const CHANNEL = "zalo-oa:207145032978"
// A platform's links carry their signature in the query string: it must never reach a message or a log.
const signature = "oh=00_AYBSIGNATURE&oe=67A1B2C3"
const policy = { baseMillis: 1_000, factor: 2, maxDelayMillis: 60_000, maxAttempts: 3, jitter: 0 }

const layer = Layer.mergeAll(Intake.layerMemory(), MediaStore.layerMemory)

const message = (fields: MessageFields = {}) =>
  inbound(CHANNEL, { text: "Xe tải đâm xe máy ở ngã ba Ninh Tiến, có ảnh", ...fields })

const photos = (...urls: ReadonlyArray<string>) =>
  urls.map((url) => ({ _tag: "Media" as const, media: "image" as const, url }))

const setup = Effect.gen(function* () {
  yield* TestClock.setTime(monday)
  yield* recordUnits
  yield* (yield* Binding.Bindings).bind(Binding.Binding.make({ channel: CHANNEL, unit: ids.commune }))
  const intake = yield* Intake.Intake
  return {
    intake,
    tips: yield* Tips.Tips,
    records: yield* Evidence.EvidenceRecords,
    work: Evidence.runOnce({ policy, onSettled: intake.evidenceSettled })
  }
})

const created = (o: Intake.Outcome) => {
  if (o._tag !== "Created") throw new Error(`expected a new tip, got ${o._tag}`)
  return o.tip
}

/** A tip made of a message with one photo, which a local server serves at `/photo.png`. */
const withPhoto = (intake: Intake.Intake["Type"]) =>
  Effect.gen(function* () {
    const site = yield* serve({ "/photo.png": send(200, png) })
    const tip = created(yield* intake.handle(message({ attachments: photos(site.url("/photo.png")) }), "zalo"))
    return { site, tip }
  })

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex")

const evidenceEvents = (events: ReadonlyArray<TipEvent.TipEvent>) =>
  events.filter((e) => e._tag === "EvidenceStored" || e._tag === "EvidenceNotRetrieved")

const stored = (events: ReadonlyArray<TipEvent.TipEvent>) =>
  events.filter((e): e is TipEvent.EvidenceStored => e._tag === "EvidenceStored")

const counts = (pending: number, kept: number, notRetrieved: number): Tip.EvidenceCounts => ({
  pending,
  stored: kept,
  notRetrieved
})

describe("Intake and evidence", () => {
  it.scoped("keeps a reporter's photo and records it on the tip: hash, size, type read from the bytes, link", () =>
    Effect.gen(function* () {
      const { intake, tips, records, work } = yield* setup
      // A PNG under a .jpg name, called text/plain by its server: the bytes decide.
      const site = yield* serve({ "/hien-truong.jpg": send(200, png, { "content-type": "text/plain" }) })
      const url = site.url(`/hien-truong.jpg?${signature}`)
      const tip = created(yield* intake.handle(message({ attachments: photos(url) }), "zalo"))
      // The tip is taken in at once; its file is still to fetch.
      expect(tip.evidence).toEqual(counts(1, 0, 0))
      expect(site.hits("/hien-truong.jpg")).toBe(0)
      expect(yield* tips.evidence(actors.communeLeader, tip.id)).toEqual([
        { originalUrl: url, declaredAs: "image", attachedAt: DateTime.unsafeMake(monday), status: "pending" }
      ])
      expect((yield* records.byTip(tip.id)).map((r) => [r.originalUrl, r.status])).toEqual([[url, "pending"]])

      yield* TestClock.adjust("1 minute")
      expect(yield* work).toMatchObject({ claimed: 1, stored: 1, recorded: 1, unrecorded: 0 })
      const events = yield* tips.history(actors.communeLeader, tip.id)
      const [kept] = stored(events)
      expect(evidenceEvents(events)).toHaveLength(1)
      expect(kept).toMatchObject({
        by: Intake.evidenceActorId,
        at: DateTime.unsafeMake(monday + 60_000),
        item: { hash: sha256(png), size: png.length, mediaType: "image/png", originalUrl: url }
      })
      const after = yield* tips.get(actors.communeLeader, tip.id)
      expect(after.evidence).toEqual(counts(0, 1, 0))
      expect(after.attachments).toBe(1)
      expect(after.status).toBe(tip.status)
      expect(yield* tips.evidence(actors.communeLeader, tip.id)).toEqual([
        {
          originalUrl: url,
          declaredAs: "image",
          attachedAt: DateTime.unsafeMake(monday),
          status: "stored",
          item: kept!.item,
          recordedAt: kept!.at
        }
      ])
      // The bytes, read through the tip, are the bytes the reporter sent.
      const file = yield* Tips.readEvidence(actors.communeLeader, tip.id, kept!.item.hash)
      expect(Buffer.from(file!.bytes).equals(Buffer.from(png))).toBe(true)
      expect(file!.item).toEqual(kept!.item)
      expect((yield* records.byTip(tip.id)).map((r) => [r.status, r.recorded])).toEqual([["stored", true]])
      // Nothing is left to do: no second fetch, no second event.
      yield* TestClock.adjust("1 day")
      expect((yield* work).claimed).toBe(0)
      expect(site.hits("/hien-truong.jpg")).toBe(1)
    }).pipe(Effect.provide(layer))
  )

  it.scoped("ends a link that keeps failing as not retrieved on the tip, which stays whole and visible", () =>
    Effect.gen(function* () {
      const { intake, tips, work } = yield* setup
      const site = yield* serve({ "/busy.jpg": send(503, "busy") })
      const busy = site.url(`/busy.jpg?${signature}`)
      const down = `http://127.0.0.1:${yield* closedPort}/down.jpg?${signature}`
      const tip = created(yield* intake.handle(message({ attachments: photos(busy, down) }), "zalo"))
      expect(tip.evidence).toEqual(counts(2, 0, 0))
      // Retried with backoff until the attempts run out: the tip is there, unchanged, all the while.
      for (let round = 0; round < policy.maxAttempts; round++) {
        yield* work
        expect((yield* tips.get(actors.communeLeader, tip.id)).summary).toBe(tip.summary)
        yield* TestClock.adjust("1 minute")
      }
      expect(site.hits("/busy.jpg")).toBe(policy.maxAttempts)
      const after = yield* tips.get(actors.communeLeader, tip.id)
      expect(after.evidence).toEqual(counts(0, 0, 2))
      expect(after).toMatchObject({ code: tip.code, unit: tip.unit, status: tip.status, summary: tip.summary })
      expect((yield* tips.list(actors.communeLeader)).map((t) => t.id)).toEqual([tip.id])
      const files = yield* tips.evidence(actors.communeLeader, tip.id)
      expect(files.map((f) => [f.originalUrl, f.status, f.status === "not_retrieved" && f.reason])).toEqual([
        [busy, "not_retrieved", "server_error"],
        [down, "not_retrieved", "network"]
      ])
      const events = yield* tips.history(actors.communeLeader, tip.id)
      expect(evidenceEvents(events).map((e) => e.by)).toEqual([Intake.evidenceActorId, Intake.evidenceActorId])
      for (const file of files) {
        if (file.status !== "not_retrieved") continue
        expect(file.message).toContain("Gave up after 3 attempts")
        expect(file.message).not.toContain("SIGNATURE")
      }
    }).pipe(Effect.provide(layer))
  )

  it.scoped("records a photo kept after its tip was closed: it is still the tip's evidence", () =>
    Effect.gen(function* () {
      const { intake, tips, work } = yield* setup
      const { tip } = yield* withPhoto(intake)
      const closed = yield* tips.execute(actors.communeLeader, {
        tip: tip.id,
        expectedVersion: tip.version,
        command: { _tag: "Reject", rejection: { _tag: "OutOfScope", reason: "Tai nạn giao thông: chuyển CSGT." } }
      })
      expect(closed.status).toBe("rejected")
      expect(yield* work).toMatchObject({ stored: 1, recorded: 1 })
      const after = yield* tips.get(actors.communeLeader, tip.id)
      expect(after.status).toBe("rejected")
      expect(after.evidence).toEqual(counts(0, 1, 0))
    }).pipe(Effect.provide(layer))
  )

  it.scoped("records once: the hook run again after a crash, or twice at once, adds no second event", () =>
    Effect.gen(function* () {
      const { intake, tips, records } = yield* setup
      const { site, tip } = yield* withPhoto(intake)
      // The event is recorded, then the worker dies before its bookkeeping: the hook's failure stands for that.
      const crashing = (entry: Evidence.Entry) =>
        Effect.zipRight(intake.evidenceSettled(entry), Effect.fail("killed before markRecorded"))
      expect(yield* Evidence.runOnce({ policy, onSettled: crashing })).toMatchObject({ stored: 1, unrecorded: 1 })
      // The record comes back once its lease ends, for the hook alone: the file is not fetched again.
      yield* TestClock.adjust("3 minutes")
      expect(yield* Evidence.runOnce({ policy, onSettled: intake.evidenceSettled })).toMatchObject({
        claimed: 1,
        recorded: 1
      })
      expect(site.hits("/photo.png")).toBe(1)
      const [entry] = yield* records.byTip(tip.id)
      expect(entry).toMatchObject({ status: "stored", recorded: true })
      // Twice at once: one of them meets the other's event (a version conflict), reads the log again, and stops.
      yield* Effect.all([intake.evidenceSettled(entry!), intake.evidenceSettled(entry!)], { concurrency: 2 })
      const events = yield* tips.history(actors.communeLeader, tip.id)
      expect(stored(events)).toHaveLength(1)
      expect((yield* tips.get(actors.communeLeader, tip.id)).evidence).toEqual(counts(0, 1, 0))
    }).pipe(Effect.provide(layer))
  )

  it.scoped("gives the evidence list and files only to those who may read the tip, as Tips.get does", () =>
    Effect.gen(function* () {
      const { intake, tips, work } = yield* setup
      const { tip } = yield* withPhoto(intake)
      yield* work
      const hash = stored(yield* tips.history(actors.communeLeader, tip.id))[0]!.item.hash
      // An officer of another unit: the tip does not exist for them, nor its evidence.
      const refusals: ReadonlyArray<
        Effect.Effect<unknown, Tips.TipsError | MediaStore.MediaStoreError, MediaStore.MediaStore | Tips.Tips>
      > = [
        tips.get(actors.wardOfficer, tip.id),
        tips.evidence(actors.wardOfficer, tip.id),
        Tips.readEvidence(actors.wardOfficer, tip.id, hash)
      ]
      for (const refused of refusals) {
        const error = yield* Effect.flip(refused)
        expect(error._tag).toBe("TipNotFound")
      }
      // Those who read the tip read its evidence: a viewer of the unit, a leader of the province above it.
      for (const reader of [actors.communeViewer, actors.provinceLeader]) {
        expect((yield* tips.evidence(reader, tip.id)).map((f) => f.status)).toEqual(["stored"])
        expect((yield* Tips.readEvidence(reader, tip.id, hash))?.bytes.length).toBe(png.length)
      }
      // A hash that is not one of the tip's files is no way in.
      const other = MediaStore.Hash.make(sha256(new Uint8Array([1, 2, 3])))
      expect(yield* Tips.readEvidence(actors.communeLeader, tip.id, other)).toBeUndefined()
    }).pipe(Effect.provide(layer))
  )

  it.effect("lets only the system attach evidence or record what came of it", () =>
    Effect.gen(function* () {
      const { intake, tips } = yield* setup
      const tip = created(yield* intake.handle(message(), "zalo"))
      const item = new Evidence.Item({
        hash: MediaStore.Hash.make(sha256(png)),
        size: png.length,
        mediaType: "image/png",
        originalUrl: "http://127.0.0.1/forged.png",
        storedAt: DateTime.unsafeMake(monday)
      })
      const leader = Actor.make("can-bo-ninh-tien", ids.commune, ["officer", "leader", "viewer", "administrator"])
      for (const command of [
        { _tag: "RecordEvidence", result: { _tag: "Stored", item } },
        { _tag: "AttachEvidence", url: "http://127.0.0.1/forged.png", mediaType: "image" }
      ] as const) {
        const error = yield* Effect.flip(tips.execute(leader, { tip: tip.id, expectedVersion: tip.version, command }))
        expect(error._tag === "AccessDenied" && error.reason).toBe("role")
      }
      expect((yield* tips.get(leader, tip.id)).evidence).toEqual(counts(0, 0, 0))
    }).pipe(Effect.provide(layer))
  )

  it.effect("records a link no worker could fetch as not retrieved at once; links and places are no evidence", () =>
    Effect.gen(function* () {
      const { intake, tips, records } = yield* setup
      const tip = created(
        yield* intake.handle(
          message({
            attachments: [
              { _tag: "Media", media: "image", url: "zalo-file://anh-hien-truong" },
              { _tag: "Link", url: "http://127.0.0.1/bai-bao" },
              { _tag: "Location", latitude: 20.25, longitude: 105.97 }
            ]
          }),
          "zalo"
        )
      )
      expect(tip.attachments).toBe(3)
      expect(tip.evidence).toEqual(counts(0, 0, 1))
      expect(yield* records.byTip(tip.id)).toEqual([])
      expect(yield* tips.evidence(actors.communeLeader, tip.id)).toMatchObject([
        { originalUrl: "zalo-file://anh-hien-truong", status: "not_retrieved", reason: "invalid_url" }
      ])
    }).pipe(Effect.provide(layer))
  )

  it.effect("joins a follow-up's photo to the tip's evidence, and requests nothing twice on a redelivery", () =>
    Effect.gen(function* () {
      const { intake, records } = yield* setup
      const tip = created(yield* intake.handle(message(), "zalo"))
      yield* TestClock.adjust("2 minutes")
      const photo = message({ text: undefined, attachments: photos("http://127.0.0.1/anh-2.jpg") })
      const appended = yield* intake.handle(photo, "zalo")
      expect(appended._tag === "Appended" && appended.tip.evidence).toEqual(counts(1, 0, 0))
      expect((yield* intake.handle(photo, "zalo"))._tag).toBe("Duplicate")
      expect((yield* records.byTip(tip.id)).map((r) => r.originalUrl)).toEqual(["http://127.0.0.1/anh-2.jpg"])
    }).pipe(Effect.provide(layer))
  )

  it.scoped("counts a link sent twice to a tip as one evidence file, kept once", () =>
    Effect.gen(function* () {
      const { intake, tips, work } = yield* setup
      const site = yield* serve({ "/photo.png": send(200, png) })
      const url = site.url("/photo.png")
      // Twice in one message, and again in a follow-up: one record, one evidence file, three attachments.
      const tip = created(yield* intake.handle(message({ attachments: photos(url, url) }), "zalo"))
      yield* TestClock.adjust("2 minutes")
      const again = yield* intake.handle(message({ text: undefined, attachments: photos(url) }), "zalo")
      expect(again._tag).toBe("Appended")
      expect(yield* work).toMatchObject({ claimed: 1, stored: 1, recorded: 1 })
      const after = yield* tips.get(actors.communeLeader, tip.id)
      expect(after.attachments).toBe(3)
      expect(after.evidence).toEqual(counts(0, 1, 0))
      expect((yield* tips.evidence(actors.communeLeader, tip.id)).map((f) => f.status)).toEqual(["stored"])
      expect(site.hits("/photo.png")).toBe(1)
    }).pipe(Effect.provide(layer))
  )

  it.effect("records nothing for a record still pending", () =>
    Effect.gen(function* () {
      const { intake, tips, records } = yield* setup
      const tip = created(yield* intake.handle(message({ attachments: photos("http://127.0.0.1/a.jpg") }), "zalo"))
      const [pending] = yield* records.byTip(tip.id)
      yield* intake.evidenceSettled(pending!)
      expect((yield* tips.get(actors.communeLeader, tip.id)).version).toBe(tip.version)
    }).pipe(Effect.provide(layer))
  )
})
