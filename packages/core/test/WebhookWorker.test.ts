import { inspect } from "node:util"
import { describe, expect, it } from "@effect/vitest"
import { Data, DateTime, Deferred, Effect, Layer, Logger, Redacted, TestClock } from "effect"
import { type ChannelAdapter, ChannelError, type RawDelivery } from "../src/Channel.js"
import * as Channels from "../src/Channels.js"
import { InboundMessage } from "../src/InboundMessage.js"
import * as Inbox from "../src/Inbox.js"
import * as Webhook from "../src/Webhook.js"

const ID = "web:worker"
const USER = "843009701254"

// A trusting adapter: the body is a list of `type:id` words. "reaction" is unknown until `learned` is set; a
// stored delivery marked "stale" no longer verifies (a signature window that closed).
const state = { learned: false }
const adapter: ChannelAdapter = {
  id: ID,
  platform: "web",
  capabilities: {
    groups: false,
    comments: false,
    attachments: false,
    location: false,
    replyWindow: { _tag: "None" },
    maxTextLength: 4000
  },
  send: () => Effect.die("not used"),
  receive: (delivery) =>
    Effect.gen(function* () {
      const words = new TextDecoder().decode(delivery.body).split(" ")
      if (words.includes("stale")) {
        return yield* new ChannelError({ channel: ID, reason: "bad_signature", message: "The timestamp is too old." })
      }
      const known = (type: string) => type === "message" || (state.learned && type === "reaction")
      const messages = words
        .filter((w) => known(w.split(":")[0]!))
        .map(
          (w) =>
            new InboundMessage({
              kind: "message",
              channel: ID,
              platformMessageId: w,
              conversation: { kind: "direct", id: USER },
              sender: Redacted.make({ platformUserId: USER }),
              text: w,
              sentAt: DateTime.unsafeMake(0)
            })
        )
      const unsupported = words.filter((w) => !known(w.split(":")[0]!)).map((w) => w.split(":")[0]!)
      return { answer: { status: 200, body: "ok" }, messages, unsupported }
    })
}

class IntakeDown extends Data.TaggedError("IntakeDown")<{ readonly reason: string; readonly message: string }> {}

const lines: Array<string> = []
const capture = Logger.replace(
  Logger.defaultLogger,
  Logger.make(({ message }) => {
    lines.push(inspect(message, { depth: 10 }))
  })
)

const layer = Layer.mergeAll(Inbox.layerMemory, Channels.layer([adapter]), capture)

const delivery = (text: string): RawDelivery => ({
  method: "POST",
  url: `/webhooks/${ID}`,
  headers: { "content-type": "application/json" },
  body: new TextEncoder().encode(text)
})

describe("Webhook worker", () => {
  it.scoped("keeps a delivery whose processing failed, and retries it until it succeeds", () =>
    Effect.gen(function* () {
      lines.length = 0
      let failures = 2
      const seen: Array<string> = []
      const webhook = yield* Webhook.make({
        worker: false,
        retry: { baseMillis: 1000, jitter: 0 },
        process: (messages) =>
          failures-- > 0
            ? Effect.fail(new IntakeDown({ reason: "unavailable", message: `could not seal ${USER}` }))
            : Effect.sync(() => {
                seen.push(...messages.map((m) => m.text!))
              })
      })
      const inbox = yield* Inbox.Inbox
      const id = yield* inbox.store(ID, delivery("message:1"), yield* DateTime.now)
      expect(yield* webhook.drain).toMatchObject({ claimed: 1, retried: 1 })
      const entry = (yield* inbox.get(id))!
      expect(entry).toMatchObject({ status: "pending", lastError: "IntakeDown (unavailable)", attempts: 1 })
      expect(DateTime.toEpochMillis(entry.nextAttemptAt)).toBe(1000)
      yield* TestClock.adjust("999 millis")
      expect(yield* webhook.drain).toMatchObject({ claimed: 0 })
      yield* TestClock.adjust("1 millis")
      expect(yield* webhook.drain).toMatchObject({ claimed: 1, retried: 1 })
      expect((yield* inbox.get(id))?.attempts).toBe(2)
      yield* TestClock.adjust("1999 millis")
      expect(yield* webhook.drain).toMatchObject({ claimed: 0 })
      yield* TestClock.adjust("1 millis")
      expect(yield* webhook.drain).toMatchObject({ claimed: 1, done: 1 })
      expect(seen).toEqual(["message:1"])
      expect((yield* inbox.get(id))?.status).toBe("done")
      const logged = lines.join("\n")
      expect(logged).toContain("processing_failed")
      expect(logged).toContain("IntakeDown (unavailable)")
      expect(logged).not.toContain(USER)
    }).pipe(Effect.provide(layer))
  )

  it.scoped("processes in the background as soon as a delivery is stored", () =>
    Effect.gen(function* () {
      const got = yield* Deferred.make<ReadonlyArray<string>>()
      const webhook = yield* Webhook.make({
        pollMillis: 60_000,
        process: (messages) =>
          Effect.asVoid(
            Deferred.succeed(
              got,
              messages.map((m) => m.text!)
            )
          )
      })
      yield* webhook.accept(ID, delivery("message:1 message:2"))
      expect(yield* Deferred.await(got)).toEqual(["message:1", "message:2"])
    }).pipe(Effect.provide(layer))
  )

  it.scoped("replays a dead letter: back among the dead while unknown, done once understood", () =>
    Effect.gen(function* () {
      state.learned = false
      const seen: Array<string> = []
      const webhook = yield* Webhook.make({
        worker: false,
        process: (messages) => Effect.asVoid(Effect.sync(() => seen.push(...messages.map((m) => m.text!))))
      })
      const inbox = yield* Inbox.Inbox
      yield* webhook.accept(ID, delivery("message:1 reaction:2"))
      expect(yield* webhook.drain).toMatchObject({ done: 1 })
      const [copy] = yield* inbox.deadLetters()
      expect(copy?.deadReason).toBe("unsupported events: reaction")
      yield* inbox.replay(copy!.id)
      expect(yield* webhook.drain).toMatchObject({ claimed: 1, dead: 1 })
      expect((yield* inbox.deadLetters()).map((e) => e.id)).toEqual([copy!.id])
      state.learned = true
      yield* inbox.replay(copy!.id)
      expect(yield* webhook.drain).toMatchObject({ claimed: 1, done: 1 })
      expect(yield* inbox.deadLetters()).toEqual([])
      // Intake de-duplicates by platform message id: message:1 reaching it twice is harmless.
      expect(seen).toEqual(["message:1", "message:1", "message:1", "reaction:2"])
    }).pipe(Effect.provide(layer))
  )

  it.scoped("makes a dead letter of a stored delivery that no longer verifies or has no adapter", () =>
    Effect.gen(function* () {
      const webhook = yield* Webhook.make({ worker: false, process: () => Effect.void })
      const inbox = yield* Inbox.Inbox
      const now = yield* DateTime.now
      const stale = yield* inbox.store(ID, delivery("message:1 stale"), now)
      const orphan = yield* inbox.store("zalo-oa:gone", delivery("message:1"), now)
      expect(yield* webhook.drain).toMatchObject({ claimed: 2, dead: 2 })
      expect((yield* inbox.get(stale))?.deadReason).toBe("bad_signature: The timestamp is too old.")
      expect((yield* inbox.get(orphan))?.deadReason).toBe("no adapter is configured for channel zalo-oa:gone")
    }).pipe(Effect.provide(layer))
  )

  it.scoped("hands one channel's deliveries to the processor in the order they came", () =>
    Effect.gen(function* () {
      const seen: Array<string> = []
      const webhook = yield* Webhook.make({
        worker: false,
        process: (messages) =>
          Effect.zipRight(
            Effect.yieldNow(),
            Effect.asVoid(Effect.sync(() => seen.push(...messages.map((m) => m.text!))))
          )
      })
      for (let i = 1; i <= 5; i++) {
        yield* webhook.accept(ID, delivery(`message:${i}`))
        yield* TestClock.adjust("1 millis")
      }
      expect(yield* webhook.drain).toMatchObject({ done: 5 })
      expect(seen).toEqual(["message:1", "message:2", "message:3", "message:4", "message:5"])
    }).pipe(Effect.provide(layer))
  )
})
