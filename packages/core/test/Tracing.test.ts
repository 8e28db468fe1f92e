import { NodeSdk } from "@effect/opentelemetry"
import { describe, expect, it } from "@effect/vitest"
import { SpanStatusCode } from "@opentelemetry/api"
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base"
import { FakeChannel } from "@tinbao/testkit"
import { Effect, Layer, Redacted, TestClock } from "effect"
import * as Binding from "../src/Binding.js"
import { CategoryId } from "../src/Category.js"
import type { RawDelivery } from "../src/Channel.js"
import * as Channels from "../src/Channels.js"
import * as Dispatcher from "../src/Dispatcher.js"
import * as Inbox from "../src/Inbox.js"
import * as Intake from "../src/Intake.js"
import * as Statistics from "../src/Statistics.js"
import * as Tips from "../src/Tips.js"
import * as Webhook from "../src/Webhook.js"
import { actors, ids, monday, recordUnits } from "./fixtures.js"

// A police website's "gửi tin báo" form, as the fake channel speaks it: the reporter's name, id and phone number,
// and the form's secret, must never show in a span.
const FORM = "web:ninh-tien"
const SECRET = "form-secret-5e1f0c"
const SENDER = "web-visitor-7731"
const NAME = "Trần Thị Kín Đáo"
const PHONE = "0987654321"
const TEXT = `Có người bán ma túy ở bãi đất trống cuối thôn, gọi tôi số ${PHONE}`
const NOTE = `Đã gọi lại cho ${NAME}`

const form = FakeChannel.make({
  id: FORM,
  platform: { id: "web", label: { vi: "Biểu mẫu web", en: "Web form" } },
  secret: Redacted.make(SECRET)
})

// A layer per test, each with its own exporter: the SDK shuts its exporter down with the layer.
const traced = (exporter: InMemorySpanExporter) =>
  Layer.mergeAll(
    Intake.layerMemory(),
    Inbox.layerMemory,
    Channels.layer([form.adapter]),
    NodeSdk.layer(() => ({
      resource: { serviceName: "tinbao-test" },
      spanProcessor: new SimpleSpanProcessor(exporter)
    }))
  ).pipe(Layer.provideMerge(Statistics.layerMemory().pipe(Layer.provideMerge(Tips.layerMemory()))))

const named = (spans: ReadonlyArray<ReadableSpan>, name: string, command?: string) =>
  spans.filter((s) => s.name === name && (command === undefined || s.attributes["tinbao.command"] === command))

const one = (spans: ReadonlyArray<ReadableSpan>, name: string, command?: string) => {
  const found = named(spans, name, command)
  expect(found, `${name} ${command ?? ""}`).toHaveLength(1)
  return found[0]!
}

const isChildOf = (child: ReadableSpan, parent: ReadableSpan) =>
  child.parentSpanContext?.spanId === parent.spanContext().spanId

// Everything a span says besides its timing: its name, attributes, status and its events' names and attributes.
const said = (span: ReadableSpan): ReadonlyArray<string> => [
  span.name,
  span.status.message ?? "",
  ...Object.entries(span.attributes).map(([k, v]) => `${k}=${String(v)}`),
  ...span.events.flatMap((e) => [e.name, ...Object.entries(e.attributes ?? {}).map(([k, v]) => `${k}=${String(v)}`)])
]

// Nothing that names the reporter, says what they wrote, or could forge a delivery, in any span.
const expectNothingSecret = (spans: ReadonlyArray<ReadableSpan>, delivery: RawDelivery) => {
  const signature = delivery.headers[FakeChannel.headers.signature]!
  const forbidden = [SENDER, NAME, PHONE, TEXT, NOTE, "bãi đất trống", SECRET, signature, signature.slice(7)]
  expect(spans.length).toBeGreaterThan(0)
  for (const span of spans) {
    for (const text of said(span)) {
      for (const word of forbidden) expect(text, `${span.name}: ${text}`).not.toContain(word)
    }
  }
}

describe("Tracing", () => {
  it.scoped(
    "traces a web form's tip from the webhook to the statistics, with ids and outcomes but no identity or secret",
    () => {
      const exporter = new InMemorySpanExporter()
      return Effect.gen(function* () {
        yield* TestClock.setTime(monday)
        yield* recordUnits
        const bindings = yield* Binding.Bindings
        yield* bindings.bind(Binding.Binding.make({ channel: FORM, unit: ids.commune }))
        const intake = yield* Intake.Intake
        const tips = yield* Tips.Tips
        const webhook = yield* Webhook.make({
          worker: false,
          process: (messages) => Effect.forEach(messages, (m) => intake.handle(m, "web"), { discard: true })
        })

        const delivery = yield* form.delivery([{ type: "message", id: "form-1", from: SENDER, name: NAME, text: TEXT }])
        expect((yield* webhook.accept(FORM, delivery)).status).toBe(200)
        expect(yield* webhook.drain).toMatchObject({ claimed: 1, done: 1 })
        const [tip] = yield* tips.list(actors.communeLeader)
        const noted = yield* tips.execute(actors.communeLeader, {
          tip: tip!.id,
          expectedVersion: tip!.version,
          command: { _tag: "AddNote", text: NOTE }
        })
        expect(
          yield* Dispatcher.runOnce({
            // The acknowledgement went out: intake marks the tip acknowledged, under the send's span.
            onSent: ({ key, channel, tip, platformMessageId }) =>
              intake.delivered({ key, channel, tip: tip!, platformMessageId: platformMessageId! })
          })
        ).toMatchObject({ sent: 1 })
        const engine = yield* Statistics.StatisticsEngine
        yield* engine.queryAs(actors.communeLeader, {
          root: ids.commune,
          period: { _tag: "CalendarYear", year: 2024 },
          groupBy: ["channel"]
        })

        const spans = exporter.getFinishedSpans()
        const receive = one(spans, "tinbao.webhook.receive")
        expect(receive.attributes).toMatchObject({
          "tinbao.channel.id": FORM,
          "tinbao.platform": "web",
          "tinbao.webhook.status": 200
        })
        const process = one(spans, "tinbao.webhook.process")
        expect(process.attributes).toMatchObject({
          "tinbao.channel.id": FORM,
          "tinbao.webhook.attempt": 1,
          "tinbao.webhook.messages": 1,
          "tinbao.webhook.outcome": "processed"
        })
        const taken = one(spans, "tinbao.intake")
        expect(isChildOf(taken, process)).toBe(true)
        expect(taken.attributes).toMatchObject({
          "tinbao.channel.id": FORM,
          "tinbao.platform": "web",
          "tinbao.message.kind": "message",
          "tinbao.intake.outcome": "Created",
          "tinbao.tip.id": tip!.id,
          "tinbao.unit.id": ids.commune
        })
        const received = one(spans, "tinbao.command", "Receive")
        expect(isChildOf(received, taken)).toBe(true)
        expect(received.attributes).toMatchObject({ "tinbao.tip.id": tip!.id, "tinbao.unit.id": ids.commune })
        expect(one(spans, "tinbao.command", "AddNote").attributes).toMatchObject({
          "tinbao.tip.id": tip!.id,
          "tinbao.tip.version": noted.version
        })
        const send = one(spans, "tinbao.outbox.send")
        expect(send.attributes).toMatchObject({
          "tinbao.channel.id": FORM,
          "tinbao.platform": "web",
          "tinbao.outbox.attempt": 1,
          "tinbao.outbox.outcome": "sent",
          "tinbao.tip.id": tip!.id
        })
        expect(isChildOf(one(spans, "tinbao.command", "Acknowledge"), send)).toBe(true)
        expect(one(spans, "tinbao.statistics.query").attributes).toMatchObject({
          "tinbao.unit.id": ids.commune,
          "tinbao.statistics.period": "CalendarYear",
          "tinbao.statistics.group_by": "channel"
        })

        expectNothingSecret(spans, delivery)
      }).pipe(Effect.provide(traced(exporter)))
    }
  )

  it.scoped("marks a refused delivery and a refused command in their spans, still without identity or secret", () => {
    const exporter = new InMemorySpanExporter()
    return Effect.gen(function* () {
      yield* TestClock.setTime(monday)
      yield* recordUnits
      const tips = yield* Tips.Tips
      const webhook = yield* Webhook.make({ worker: false, process: () => Effect.void })
      // Signed an hour ago: outside the form's five minutes.
      const stale = form.signedAt(
        [{ type: "message", id: "form-2", from: SENDER, name: NAME, text: TEXT }],
        monday / 1000 - 3600
      )
      expect((yield* webhook.accept(FORM, stale)).status).toBe(401)
      const tip = yield* tips.receive(actors.communeLeader, {
        unit: ids.commune,
        channel: "web",
        channelId: FORM,
        identity: Redacted.make({ channel: FORM, platformUserId: SENDER, displayName: NAME, phone: PHONE }),
        reporterKind: "individual",
        legalType: "to_giac",
        category: CategoryId.make("drugs"),
        summary: TEXT
      })
      const refused = yield* Effect.flip(
        tips.execute(actors.communeLeader, {
          tip: tip.id,
          expectedVersion: tip.version + 1,
          command: { _tag: "AddNote", text: NOTE }
        })
      )
      expect(refused._tag).toBe("VersionConflict")

      const spans = exporter.getFinishedSpans()
      expect(one(spans, "tinbao.webhook.receive").attributes).toMatchObject({ "tinbao.webhook.status": 401 })
      const command = one(spans, "tinbao.command", "AddNote")
      expect(command.attributes["tinbao.tip.id"]).toBe(tip.id)
      expect(command.status.code).toBe(SpanStatusCode.ERROR)
      expect(command.attributes["tinbao.tip.version"]).toBeUndefined()
      expectNothingSecret(spans, stale)
    }).pipe(Effect.provide(traced(exporter)))
  })
})
