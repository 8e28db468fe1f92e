// Facebook behind the core's webhook and intake: Meta delivers at least once, so a batch posted again (even at the
// same moment) takes nothing in twice; and nothing that is kept as a dead letter or refused names a reporter.
import { inspect } from "node:util"
import { describe, expect, it } from "@effect/vitest"
import {
  Actor,
  Binding,
  Channels,
  type InboundMessage,
  Inbox,
  Intake,
  Tips,
  UnitDirectory,
  Webhook
} from "@tinbao/core"
import { NinhBinh } from "@tinbao/testkit"
import { Effect, Layer, Logger, LogLevel, Redacted, TestClock } from "effect"
import { appSecret, channelA, get, makeAdapters, pageTokenA, pageTokenB, signed, verifyToken } from "./inboundCases.js"
import { bodies, commenter, commenterName, olderCommenter, olderCommenterName, pageA, user } from "./inboundFixtures.js"

const layer = Layer.mergeAll(
  Intake.layerMemory(),
  Inbox.layerMemory,
  Layer.effect(
    Channels.Channels,
    Effect.flatMap(makeAdapters(), (adapters) => Channels.make(adapters.all))
  )
)

// Intake's outcome for every message the worker hands over, in order.
const recording =
  (outcomes: Array<Intake.Outcome["_tag"]>) => (messages: ReadonlyArray<InboundMessage.InboundMessage>) =>
    Effect.flatMap(Intake.Intake, (intake) =>
      Effect.forEach(messages, (m) => Effect.map(intake.handle(m, "facebook"), (o) => outcomes.push(o._tag)), {
        discard: true
      })
    )

const setUp = Effect.gen(function* () {
  yield* TestClock.setTime(1735718400123 + 60_000)
  yield* Effect.flatMap(UnitDirectory.UnitDirectory, (d) => d.record(NinhBinh.allChanges))
  yield* (yield* Binding.Bindings).bind(Binding.Binding.make({ channel: channelA, unit: NinhBinh.unitIds.vanGiang }))
})

const leader = Actor.make("lanh-dao-tinh", NinhBinh.unitIds.province, ["officer", "leader"])

const users = ["61000000101", "61000000202", "61000000303", "61000000404", "61000000505"]
const fiveMessages = {
  object: "page",
  entry: [
    {
      id: pageA,
      time: 1735718400900,
      messaging: users.map((id, i) => ({
        sender: { id },
        recipient: { id: pageA },
        timestamp: 1735718400123 + i,
        message: { mid: `m_Five000${i}`, text: `Tin báo số ${i + 1}: có trộm ở tổ ${i + 1}` }
      }))
    }
  ]
}

describe("Facebook behind the webhook", () => {
  it.scoped("takes a batch of 5 messages in once when it is posted 3 times at the same moment", () =>
    Effect.gen(function* () {
      yield* setUp
      const outcomes: Array<Intake.Outcome["_tag"]> = []
      const webhook = yield* Webhook.make({ worker: false, batchSize: 1, process: recording(outcomes) })
      const delivery = signed(fiveMessages)
      const answers = yield* Effect.all(
        [1, 2, 3].map(() => webhook.accept("facebook", delivery)),
        {
          concurrency: "unbounded"
        }
      )
      expect(answers.map((a) => [a.status, a.body])).toEqual(Array(3).fill([200, "EVENT_RECEIVED"]))
      const rounds = yield* Effect.all(
        [1, 2, 3].map(() => webhook.drain),
        { concurrency: "unbounded" }
      )
      expect(rounds.reduce((n, r) => n + r.done, 0)).toBe(3)
      expect(outcomes.filter((o) => o === "Created" || o === "Appended")).toHaveLength(5)
      expect(outcomes.filter((o) => o === "Duplicate")).toHaveLength(10)
      const tips = yield* (yield* Tips.Tips).list(leader)
      expect(tips).toHaveLength(5)
      expect(tips.map((t) => [t.channel, t.unit])).toEqual(Array(5).fill(["facebook", NinhBinh.unitIds.vanGiang]))
    }).pipe(Effect.provide(layer))
  )

  it.scoped(
    "appends an edited comment to its comment's tip once, and records its removal on the tip, which stays",
    () =>
      Effect.gen(function* () {
        yield* setUp
        const outcomes: Array<Intake.Outcome["_tag"]> = []
        const webhook = yield* Webhook.make({ worker: false, process: recording(outcomes) })
        const stream = [bodies.comment(), bodies.edited(), bodies.comment(), bodies.edited(), bodies.removed()]
        for (const body of [...stream, bodies.removed()]) {
          expect((yield* webhook.accept("facebook", signed(body))).status).toBe(200)
        }
        expect(yield* webhook.drain).toMatchObject({ claimed: 6, done: 6, dead: 0 })
        expect(outcomes).toEqual(["Created", "Appended", "Duplicate", "Duplicate", "MessageRemoved", "Duplicate"])
        const [tip] = yield* (yield* Tips.Tips).list(leader)
        const history = yield* (yield* Tips.Tips).history(leader, tip!.id)
        expect(history.map((e) => e._tag)).toEqual(["TipReceived", "FollowUpAppended", "ReporterMessageRemoved"])
        expect(tip!.status).toBe("received")
      }).pipe(Effect.provide(layer))
  )

  it.scoped("logs and keeps no reporter's id or name, and no secret, whatever it refuses or keeps", () => {
    const lines: Array<string> = []
    const capture = Logger.make<unknown, void>((o) => {
      lines.push(Logger.logfmtLogger.log(o), inspect(o.message, { depth: 8 }), inspect(o.annotations))
    })
    return Effect.gen(function* () {
      yield* setUp
      const webhook = yield* Webhook.make({ worker: false, process: Intake.process })
      const nul = bodies.comment()
      nul.entry[0]!.changes[0]!.value.from.name = `${commenterName}\u0000`
      const unsigned = { ...signed(bodies.comment()), headers: { "content-type": "application/json" } }
      const token = Redacted.value(verifyToken)
      const answers = yield* Effect.forEach(
        [
          signed(nul),
          signed(bodies.olderComment()),
          signed(bodies.oneMalformed()),
          signed(bodies.unknownEvent()),
          signed(bodies.otherPage()),
          unsigned,
          get(`hub.mode=subscribe&hub.challenge=7&hub.verify_token=${token}-wrong`),
          get(`hub.mode=subscribe&hub.challenge=%3Cb%3E&hub.verify_token=${token}`)
        ],
        (d) => webhook.accept("facebook", d)
      )
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 401, 403, 400])
      const drained = yield* webhook.drain
      expect(drained.dead).toBeGreaterThanOrEqual(4)
      const dead = yield* (yield* Inbox.Inbox).deadLetters()
      expect(lines.length).toBeGreaterThan(0)
      const kept = [...lines, ...answers.map((a) => a.body ?? ""), ...dead.map((d) => d.deadReason ?? "")].join("\n")
      expect(kept).toContain("entry.0.changes.0.value: the message is not valid")
      for (const identity of [
        commenter,
        commenterName,
        String(olderCommenter),
        olderCommenterName,
        user,
        Redacted.value(appSecret),
        token,
        pageTokenA,
        pageTokenB
      ]) {
        expect(kept).not.toContain(identity)
      }
    }).pipe(
      Effect.provide(layer),
      Effect.provide(Logger.replace(Logger.defaultLogger, capture)),
      Logger.withMinimumLogLevel(LogLevel.All)
    )
  })
})
