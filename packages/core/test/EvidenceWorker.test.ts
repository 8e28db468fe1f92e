// The evidence worker against a local HTTP server on 127.0.0.1, on the test clock: files fetched, kept in the media
// store and their records settled; failures retried with backoff until they pass or the attempts run out (then
// `not_retrieved`, visible); the follow-up hook run once per settled record, and again after it failed, never
// forgotten and never fetching the file twice.
import { createHash } from "node:crypto"
import { describe, expect, it } from "@effect/vitest"
import { Context, DateTime, Deferred, Effect, Layer, TestClock } from "effect"
import * as Evidence from "../src/Evidence.js"
import * as MediaStore from "../src/MediaStore.js"
import type { TipId } from "../src/Tip.js"
import { jpeg, png, send, serve } from "./evidenceFiles.js"

const tip = "tip_0193a1b2c3d4e5f60718293a4b5c" as TipId
const signature = "oh=00_AYBSIGNATURE&oe=67A1B2C3"
const policy = { baseMillis: 1_000, factor: 2, maxDelayMillis: 60_000, maxAttempts: 3, jitter: 0 }

class Told extends Context.Tag("test/Told")<Told, Array<Evidence.Entry>>() {}

const services = Layer.mergeAll(Evidence.layerMemory, MediaStore.layerMemory)

const request = (url: string) =>
  Effect.flatMap(Evidence.EvidenceRecords, (records) => Effect.map(records.request(tip, url), (r) => r.entry))

const current = (entry: Evidence.Entry) =>
  Effect.flatMap(Evidence.EvidenceRecords, (records) => Effect.map(records.get(entry.id), (e) => e!))

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex")

const zero = { claimed: 0, stored: 0, retried: 0, notRetrieved: 0, recorded: 0, unrecorded: 0, unsettled: 0 }

describe("Evidence.runOnce", () => {
  it.scoped("fetches, keeps and settles each due file, and tells the hook once", () =>
    Effect.gen(function* () {
      const site = yield* serve({
        "/photo.png": send(200, png, { "content-type": "image/png" }),
        "/photo.jpg": send(200, jpeg, { "content-type": "application/octet-stream" })
      })
      const a = yield* request(site.url(`/photo.png?${signature}`))
      const b = yield* request(site.url("/photo.jpg"))
      // The hook needs a service of its own, provided where the worker runs.
      const told: Array<Evidence.Entry> = []
      const onSettled = (entry: Evidence.Entry) =>
        Effect.flatMap(Told, (list) => Effect.sync(() => void list.push(entry)))
      const counts = yield* Evidence.runOnce({ policy, onSettled }).pipe(Effect.provideService(Told, told))
      expect(counts).toEqual({ ...zero, claimed: 2, stored: 2, recorded: 2 })
      const kept = yield* current(a)
      expect(kept).toMatchObject({ status: "stored", attempts: 1, recorded: true })
      expect(kept.leaseUntil).toBeUndefined()
      expect(kept.item).toMatchObject({
        hash: sha256(png),
        size: png.length,
        mediaType: "image/png",
        originalUrl: site.url(`/photo.png?${signature}`)
      })
      expect((yield* current(b)).item?.mediaType).toBe("image/jpeg")
      const media = yield* MediaStore.MediaStore
      expect(Buffer.from((yield* media.get(kept.item!.hash))!).equals(Buffer.from(png))).toBe(true)
      expect(told.map((e) => [e.id, e.status, e.recorded])).toEqual([
        [a.id, "stored", false],
        [b.id, "stored", false]
      ])
      // Nothing is due any more: no fetch, no hook.
      yield* TestClock.adjust("1 day")
      expect(yield* Evidence.runOnce({ policy, onSettled }).pipe(Effect.provideService(Told, told))).toEqual(zero)
      expect([site.hits("/photo.png"), site.hits("/photo.jpg"), told.length]).toEqual([1, 1, 2])
    }).pipe(Effect.provide(services))
  )

  it.scoped("retries a 503 after the backoff, then keeps the file", () =>
    Effect.gen(function* () {
      const site = yield* serve({
        "/flaky.png": (request, response, hit) =>
          hit === 1 ? send(503, "busy")(request, response, hit) : send(200, png)(request, response, hit)
      })
      const entry = yield* request(site.url(`/flaky.png?${signature}`))
      expect(yield* Evidence.runOnce({ policy })).toEqual({ ...zero, claimed: 1, retried: 1 })
      const waiting = yield* current(entry)
      expect(waiting).toMatchObject({ status: "pending", attempts: 1, lastError: { reason: "server_error" } })
      expect(waiting.lastError?.message).toContain("HTTP 503")
      expect(waiting.lastError?.message).not.toContain("SIGNATURE")
      // Not before its time.
      yield* TestClock.adjust("999 millis")
      expect((yield* Evidence.runOnce({ policy })).claimed).toBe(0)
      yield* TestClock.adjust("1 millis")
      expect(yield* Evidence.runOnce({ policy })).toEqual({ ...zero, claimed: 1, stored: 1 })
      const kept = yield* current(entry)
      expect(kept).toMatchObject({ status: "stored", attempts: 2, item: { hash: sha256(png) } })
      expect(kept.lastError).toBeUndefined()
      expect(site.hits("/flaky.png")).toBe(2)
    }).pipe(Effect.provide(services))
  )

  it.scoped("ends not_retrieved, visible, when the attempts run out, and tells the hook", () =>
    Effect.gen(function* () {
      const site = yield* serve({ "/down.jpg": send(503, "busy") })
      const entry = yield* request(site.url("/down.jpg"))
      const told: Array<Evidence.Entry> = []
      const onSettled = (e: Evidence.Entry) => Effect.sync(() => void told.push(e))
      expect((yield* Evidence.runOnce({ policy, onSettled })).retried).toBe(1)
      yield* TestClock.adjust("1 second")
      expect((yield* Evidence.runOnce({ policy, onSettled })).retried).toBe(1)
      yield* TestClock.adjust("2 seconds")
      expect(yield* Evidence.runOnce({ policy, onSettled })).toEqual({
        ...zero,
        claimed: 1,
        notRetrieved: 1,
        recorded: 1
      })
      const given = yield* current(entry)
      expect(given).toMatchObject({ status: "not_retrieved", attempts: 3, recorded: true })
      expect(given.lastError?.reason).toBe("server_error")
      expect(given.lastError?.message).toContain("Gave up after 3 attempts.")
      expect(told.map((e) => e.status)).toEqual(["not_retrieved"])
      const records = yield* Evidence.EvidenceRecords
      expect((yield* records.byTip(tip)).map((e) => e.status)).toEqual(["not_retrieved"])
      yield* TestClock.adjust("1 day")
      expect((yield* Evidence.runOnce({ policy, onSettled })).claimed).toBe(0)
      expect(site.hits("/down.jpg")).toBe(3)
    }).pipe(Effect.provide(services))
  )

  it.scoped("gives up at once on a link that is gone or a file that is not kept", () =>
    Effect.gen(function* () {
      const site = yield* serve({ "/page.jpg": send(200, "<html>log in</html>", { "content-type": "image/jpeg" }) })
      const gone = yield* request(site.url("/gone.jpg"))
      const page = yield* request(site.url("/page.jpg"))
      expect(yield* Evidence.runOnce({ policy })).toEqual({ ...zero, claimed: 2, notRetrieved: 2 })
      expect((yield* current(gone)).lastError?.reason).toBe("not_found")
      expect(yield* current(page)).toMatchObject({ attempts: 1, lastError: { reason: "unsupported_type" } })
    }).pipe(Effect.provide(services))
  )

  it.scoped("runs a failed hook again when the lease ends, without fetching the file again", () =>
    Effect.gen(function* () {
      const site = yield* serve({ "/photo.png": send(200, png) })
      const entry = yield* request(site.url("/photo.png"))
      let calls = 0
      const onSettled = (e: Evidence.Entry) =>
        Effect.suspend(() => {
          calls += 1
          return calls === 1 ? Effect.fail("the tip store is down") : Effect.sync(() => expect(e.status).toBe("stored"))
        })
      const options = { policy, onSettled, leaseMillis: 60_000 }
      expect(yield* Evidence.runOnce(options)).toEqual({ ...zero, claimed: 1, stored: 1, unrecorded: 1 })
      expect(yield* current(entry)).toMatchObject({ status: "stored", recorded: false })
      // Still leased to the round that failed: not yet.
      yield* TestClock.adjust("59 seconds")
      expect((yield* Evidence.runOnce(options)).claimed).toBe(0)
      yield* TestClock.adjust("1 second")
      expect(yield* Evidence.runOnce(options)).toEqual({ ...zero, claimed: 1, recorded: 1 })
      expect(yield* current(entry)).toMatchObject({ status: "stored", recorded: true, attempts: 1 })
      expect([calls, site.hits("/photo.png")]).toEqual([2, 1])
      yield* TestClock.adjust("1 day")
      expect((yield* Evidence.runOnce(options)).claimed).toBe(0)
      expect(calls).toBe(2)
    }).pipe(Effect.provide(services))
  )

  it.scoped("gives up without fetching when earlier attempts never finished", () =>
    Effect.gen(function* () {
      const site = yield* serve({ "/photo.png": send(200, png) })
      const entry = yield* request(site.url("/photo.png"))
      const records = yield* Evidence.EvidenceRecords
      // Three workers claimed it and stopped before settling it.
      for (let i = 0; i < 3; i++) {
        yield* records.claim(yield* DateTime.now, 1, 1_000)
        yield* TestClock.adjust("1 second")
      }
      expect(yield* Evidence.runOnce({ policy })).toEqual({ ...zero, claimed: 1, notRetrieved: 1 })
      const given = yield* current(entry)
      expect(given).toMatchObject({ status: "not_retrieved", attempts: 4, lastError: { reason: "interrupted" } })
      expect(given.lastError?.message).toContain("never finished (3 attempts)")
      expect(site.hits("/photo.png")).toBe(0)
    }).pipe(Effect.provide(services))
  )

  it.effect("refuses invalid options before claiming anything", () =>
    Effect.gen(function* () {
      const entry = yield* request("http://127.0.0.1:9/photo.png")
      for (const options of [
        { leaseMillis: 30_000 },
        { retrieval: { timeoutMillis: 200_000 } },
        { batchSize: 0 },
        { policy: { maxAttempts: 0 } },
        { retrieval: { maxBytes: -1 } }
      ]) {
        const error = yield* Effect.flip(Evidence.runOnce(options))
        expect(error.reason).toBe("invalid")
      }
      expect((yield* current(entry)).status).toBe("pending")
    }).pipe(Effect.provide(services))
  )
})

describe("Evidence.run", () => {
  it.scopedLive("keeps fetching in the background while its scope lives", () =>
    Effect.gen(function* () {
      const site = yield* serve({ "/photo.png": send(200, png) })
      const told = yield* Deferred.make<Evidence.Entry>()
      yield* Evidence.run({ pollMillis: 10, onSettled: (entry) => Deferred.succeed(told, entry) })
      const entry = yield* request(site.url("/photo.png"))
      const settled = yield* Deferred.await(told)
      expect([settled.id, settled.status]).toEqual([entry.id, "stored"])
    }).pipe(Effect.provide(services))
  )
})
