import { inspect } from "node:util"
import { describe, expect, it } from "@effect/vitest"
import { FakeChannel } from "@tinbao/testkit"
import { Data, DateTime, Deferred, Effect, Either, Layer, Logger, TestClock } from "effect"
import type * as Channel from "../src/Channel.js"
import * as Channels from "../src/Channels.js"
import * as InboundMessage from "../src/InboundMessage.js"
import * as Inbox from "../src/Inbox.js"
import * as Webhook from "../src/Webhook.js"

const ID = "web:worker"
const USER = "843009701254"

// "reaction" events are unknown until `learned` is set. Signatures are good for 5 minutes, as the web form's are.
const state = { learned: false }
const fake = FakeChannel.make({
  id: ID,
  toleranceSeconds: 300,
  understands: (type) => type === "message" || (state.learned && type === "reaction")
})

const events = (...words: ReadonlyArray<string>): ReadonlyArray<FakeChannel.Event> =>
  words.map((word) => ({ type: word.split(":")[0]!, id: word, from: USER, text: word }))

class IntakeDown extends Data.TaggedError("IntakeDown")<{ readonly reason: string; readonly message: string }> {}

const lines: Array<string> = []
const capture = Logger.replace(
  Logger.defaultLogger,
  Logger.make(({ message }) => {
    lines.push(inspect(message, { depth: 10 }))
  })
)

const layer = Layer.mergeAll(Inbox.layerMemory, Channels.layer([fake.adapter]), capture)

const delivery = (...words: ReadonlyArray<string>) => fake.delivery(events(...words))

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
      const id = yield* inbox.store(ID, yield* delivery("message:1"), yield* DateTime.now)
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

  it.scoped("gives up on a delivery after 20 failed attempts: a dead letter with its last error", () =>
    Effect.gen(function* () {
      lines.length = 0
      const webhook = yield* Webhook.make({
        worker: false,
        retry: { jitter: 0 },
        process: () => Effect.fail(new IntakeDown({ reason: "unavailable", message: `could not seal ${USER}` }))
      })
      const inbox = yield* Inbox.Inbox
      const id = yield* inbox.store(ID, yield* delivery("message:1"), yield* DateTime.now)
      for (let attempt = 1; attempt < 20; attempt++) {
        expect(yield* webhook.drain).toMatchObject({ claimed: 1, retried: 1, dead: 0 })
        yield* TestClock.adjust("5 minutes")
      }
      expect(yield* inbox.get(id)).toMatchObject({ status: "pending", attempts: 19 })
      expect(yield* webhook.drain).toMatchObject({ claimed: 1, retried: 0, dead: 1 })
      expect(yield* inbox.get(id)).toMatchObject({
        status: "dead",
        attempts: 20,
        deadReason: "processing failed 20 times, the last with IntakeDown (unavailable)",
        lastError: "IntakeDown (unavailable)"
      })
      yield* TestClock.adjust("1 day")
      expect(yield* webhook.drain).toMatchObject({ claimed: 0 })
      expect(lines.join("\n")).toContain("dead_letter")
      expect(lines.join("\n")).not.toContain(USER)
    }).pipe(Effect.provide(layer))
  )

  it.scoped(
    "takes its number of attempts from retry.maxAttempts, and gives a replayed delivery all of them again",
    () =>
      Effect.gen(function* () {
        let failures = 3
        const webhook = yield* Webhook.make({
          worker: false,
          retry: { baseMillis: 1000, jitter: 0, maxAttempts: 2 },
          process: () =>
            failures-- > 0 ? Effect.fail(new IntakeDown({ reason: "transient", message: "down" })) : Effect.void
        })
        const inbox = yield* Inbox.Inbox
        const id = yield* inbox.store(ID, yield* delivery("message:1"), yield* DateTime.now)
        expect(yield* webhook.drain).toMatchObject({ retried: 1 })
        yield* TestClock.adjust("1 second")
        expect(yield* webhook.drain).toMatchObject({ dead: 1 })
        expect((yield* inbox.get(id))?.deadReason).toBe(
          "processing failed 2 times, the last with IntakeDown (transient)"
        )
        yield* inbox.replay(id)
        expect(yield* webhook.drain).toMatchObject({ retried: 1 })
        yield* TestClock.adjust("1 second")
        expect(yield* webhook.drain).toMatchObject({ done: 1 })
        expect(yield* inbox.get(id)).toMatchObject({ status: "done", attempts: 2 })
        for (const maxAttempts of [0, 1.5]) {
          const error = yield* Effect.flip(
            Webhook.make({ worker: false, retry: { maxAttempts }, process: () => Effect.void })
          )
          expect(error).toMatchObject({ _tag: "WebhookError", reason: "invalid" })
        }
      }).pipe(Effect.provide(layer))
  )

  it.scoped("gives up on a delivery whose worker stopped on it every time, without processing it again", () =>
    Effect.gen(function* () {
      let processed = 0
      const webhook = yield* Webhook.make({
        worker: false,
        retry: { maxAttempts: 3 },
        leaseMillis: 1000,
        process: () => Effect.sync(() => void processed++)
      })
      const inbox = yield* Inbox.Inbox
      const id = yield* inbox.store(ID, yield* delivery("message:1"), yield* DateTime.now)
      // Three workers claim it and stop before they settle it (a crash on this delivery): each lease runs out.
      for (let i = 0; i < 3; i++) {
        expect(yield* inbox.claim(yield* DateTime.now, 1, 1000)).toHaveLength(1)
        yield* TestClock.adjust("1 second")
      }
      expect(yield* webhook.drain).toMatchObject({ claimed: 1, dead: 1, done: 0 })
      expect(processed).toBe(0)
      expect(yield* inbox.get(id)).toMatchObject({
        status: "dead",
        attempts: 4,
        deadReason: "processing did not finish in 3 attempts: the worker stopped or lost its lease each time"
      })
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
      yield* webhook.accept(ID, yield* delivery("message:1", "message:2"))
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
      yield* webhook.accept(ID, yield* delivery("message:1", "reaction:2"))
      // Its message taken in, the delivery is kept for its unknown event.
      expect(yield* webhook.drain).toMatchObject({ claimed: 1, dead: 1 })
      const [kept] = yield* inbox.deadLetters()
      expect(kept?.deadReason).toBe("unsupported events: reaction")
      yield* inbox.replay(kept!.id)
      expect(yield* webhook.drain).toMatchObject({ claimed: 1, dead: 1 })
      expect((yield* inbox.deadLetters()).map((e) => e.id)).toEqual([kept!.id])
      state.learned = true
      // Replayed long after its signature's 5 minutes: it is decoded, never verified again.
      yield* TestClock.adjust("3 days")
      yield* inbox.replay(kept!.id)
      expect(yield* webhook.drain).toMatchObject({ claimed: 1, done: 1 })
      expect(yield* inbox.deadLetters()).toEqual([])
      // Intake de-duplicates by platform message id: message:1 reaching it three times is harmless.
      expect(seen).toEqual(["message:1", "message:1", "message:1", "reaction:2"])
    }).pipe(Effect.provide(layer))
  )

  it.scoped("takes in a delivery processed 2 hours after it arrived, its signature's 5 minutes long past", () =>
    Effect.gen(function* () {
      const seen: Array<string> = []
      const webhook = yield* Webhook.make({
        worker: false,
        process: (messages) => Effect.asVoid(Effect.sync(() => seen.push(...messages.map((m) => m.text!))))
      })
      const arrived = yield* delivery("message:1")
      expect((yield* webhook.accept(ID, arrived)).status).toBe(200)
      // An outage, a backlog: the worker gets to it two hours later, when verify would refuse it as stale.
      yield* TestClock.adjust("2 hours")
      expect((yield* Effect.flip(fake.adapter.verify(arrived))).reason).toBe("bad_signature")
      expect(yield* webhook.drain).toMatchObject({ claimed: 1, done: 1, dead: 0 })
      expect(seen).toEqual(["message:1"])
    }).pipe(Effect.provide(layer))
  )

  it.scoped("makes a dead letter at once of a stored delivery that does not decode or has no adapter", () =>
    Effect.gen(function* () {
      const webhook = yield* Webhook.make({ worker: false, process: () => Effect.void })
      const inbox = yield* Inbox.Inbox
      const now = yield* DateTime.now
      const garbled = yield* inbox.store(ID, { ...(yield* delivery("message:1")), body: new Uint8Array([0x7b]) }, now)
      const crashing = yield* inbox.store(ID, yield* delivery("crash:1"), now)
      const orphan = yield* inbox.store("zalo-oa:gone", yield* delivery("message:1"), now)
      expect(yield* webhook.drain).toMatchObject({ claimed: 3, dead: 3, retried: 0 })
      expect((yield* inbox.get(garbled))?.deadReason).toBe("bad_request: the body is not valid JSON (is it truncated?)")
      expect((yield* inbox.get(crashing))?.deadReason).toBe("the adapter of channel web:worker failed unexpectedly")
      expect((yield* inbox.get(orphan))?.deadReason).toBe("no adapter is configured for channel zalo-oa:gone")
      expect(lines.join("\n")).not.toContain(USER)
    }).pipe(Effect.provide(layer))
  )

  it.scoped(
    "makes a bad-request dead letter of a delivery whose message breaks its schema, however the adapter built it",
    () =>
      Effect.gen(function* () {
        const seen: Array<string> = []
        // One adapter lets the message's constructor throw, as an adapter that does not catch it would; the other builds
        // its message without validation. Both carry a NUL character, which PostgreSQL cannot store.
        const nul = (m: InboundMessage.InboundMessage) => ({ ...m, text: `${m.text}\u0000` })
        const building = (name: string, build: (m: InboundMessage.InboundMessage) => InboundMessage.InboundMessage) =>
          ({
            ...fake.adapter,
            id: `${ID}:${name}`,
            decode: (d) =>
              Either.map(fake.adapter.decode(d), (decoded) => ({ ...decoded, messages: decoded.messages.map(build) }))
          }) satisfies Channel.ChannelAdapter
        const throwing = building("throwing", (m) => new InboundMessage.InboundMessage(nul(m)))
        const unchecked = building("unchecked", (m) => InboundMessage.InboundMessage.make(nul(m), true))
        yield* Effect.gen(function* () {
          const webhook = yield* Webhook.make({
            worker: false,
            process: (messages) => Effect.asVoid(Effect.sync(() => seen.push(...messages.map((m) => m.text!))))
          })
          const inbox = yield* Inbox.Inbox
          const now = yield* DateTime.now
          const thrown = yield* inbox.store(throwing.id, yield* delivery("message:1"), now)
          const built = yield* inbox.store(unchecked.id, yield* delivery("message:2"), now)
          expect(yield* webhook.drain).toMatchObject({ claimed: 2, dead: 2, retried: 0, done: 0 })
          expect((yield* inbox.get(thrown))?.deadReason).toBe(
            "bad_request: a message of the delivery is not valid: text: Expected a string without NUL characters (U+0000)"
          )
          expect((yield* inbox.get(built))?.deadReason).toBe(
            "bad_request: message 1 of the delivery is not valid: text: Expected a string without NUL characters (U+0000)"
          )
          expect(seen).toEqual([])
        }).pipe(Effect.provide(Layer.mergeAll(Inbox.layerMemory, Channels.layer([throwing, unchecked]), capture)))
      })
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
        yield* webhook.accept(ID, yield* delivery(`message:${i}`))
        yield* TestClock.adjust("1 millis")
      }
      expect(yield* webhook.drain).toMatchObject({ done: 5 })
      expect(seen).toEqual(["message:1", "message:2", "message:3", "message:4", "message:5"])
    }).pipe(Effect.provide(layer))
  )

  it.scoped("processes different reporters' deliveries at once, and one reporter's one after the other", () =>
    Effect.gen(function* () {
      const seen: Array<string> = []
      const webhook = yield* Webhook.make({
        worker: false,
        process: (messages) =>
          Effect.gen(function* () {
            const text = messages.map((m) => m.text!).join()
            seen.push(`start ${text}`)
            yield* Effect.yieldNow()
            seen.push(`end ${text}`)
          })
      })
      const from = (user: string, id: string) =>
        fake.delivery([{ type: "message", id, from: user, text: `${user}:${id}` }])
      for (const [user, id] of [
        ["a", "1"],
        ["b", "1"],
        ["a", "2"]
      ] as const) {
        yield* webhook.accept(ID, yield* from(user, id))
        yield* TestClock.adjust("1 millis")
      }
      expect(yield* webhook.drain).toMatchObject({ claimed: 3, done: 3 })
      // b's delivery started while a's first was in intake; a's second only once a's first had ended.
      expect(seen).toEqual(["start a:1", "start b:1", "end a:1", "end b:1", "start a:2", "end a:2"])
    }).pipe(Effect.provide(layer))
  )
})
