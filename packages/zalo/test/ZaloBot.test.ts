import { FetchHttpClient } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { FakePlatform } from "@tinbao/testkit"
import { ChannelSuite } from "@tinbao/testkit/vitest"
import { Effect, Redacted, Tracer } from "effect"
import * as ZaloBot from "../src/ZaloBot.js"
import { botIncomingCases, botOutgoingCases, botToken, botUser, makeBotWith, secretToken } from "./botCases.js"

ChannelSuite.suite("ZaloBot", {
  make: (url) => makeBotWith(ZaloBot)(url),
  signatureHeader: ZaloBot.secretHeader,
  incoming: botIncomingCases(ZaloBot),
  outgoing: botOutgoingCases,
  secrets: [Redacted.value(botToken), Redacted.value(secretToken)]
})

describe("ZaloBot", () => {
  it.scopedLive("sends a photo by its URL with a caption, and takes groups when told", () =>
    Effect.gen(function* () {
      const platform = yield* FakePlatform.make
      yield* platform.respondWith({ status: 200, body: { ok: true, result: { message_id: "bot-photo-1" } } })
      const bot = yield* makeBotWith(ZaloBot)(platform.url)
      const direct = { kind: "direct" as const, id: Redacted.make(botUser) }
      expect(yield* bot.sendPhoto(direct, "https://f.zalo.example/notice.jpg", "Thông báo")).toBe("bot-photo-1")
      const [request] = yield* platform.requests
      expect(request!.path).toBe(`/bot${Redacted.value(botToken)}/sendPhoto`)
      expect(JSON.parse(request!.body)).toEqual({
        chat_id: botUser,
        photo: "https://f.zalo.example/notice.jpg",
        caption: "Thông báo"
      })
      const grouped = yield* makeBotWith(ZaloBot)(platform.url, { groups: true })
      const delivery = ZaloBot.delivery(secretToken, {
        event_name: "message.text.received",
        message: {
          message_id: "g1",
          date: 1750316139000,
          text: "Nhóm",
          from: { id: botUser },
          chat: { id: "grp-b0t-77", chat_type: "GROUP" }
        }
      })
      const decoded = yield* grouped.decode(delivery)
      expect(decoded.messages.map((m) => m.conversation)).toEqual([{ kind: "group", id: "grp-b0t-77" }])
    })
  )

  it.scopedLive("records no span, and so no URL holding its token, for its calls", () =>
    Effect.gen(function* () {
      const platform = yield* FakePlatform.make
      yield* platform.respondWith({ status: 200, body: { ok: true, result: { message_id: "bot-traced" } } })
      const bot = yield* makeBotWith(ZaloBot)(platform.url)
      const native = yield* Effect.tracer
      const names: Array<string> = []
      const tracer = Tracer.make({
        span: (...args) => {
          names.push(args[0])
          return native.span(...args)
        },
        context: native.context
      })
      const direct = { kind: "direct" as const, id: Redacted.make(botUser) }
      yield* bot.sendPhoto(direct, "https://f.zalo.example/notice.jpg").pipe(Effect.withTracer(tracer))
      expect(names.filter((n) => n.startsWith("http.client"))).toEqual([])
    })
  )

  it.effect("refuses a configuration with a short secret token, naming the field and not its value", () =>
    Effect.gen(function* () {
      const made = ZaloBot.make({
        id: "zalo-bot:test",
        token: botToken,
        secretToken: Redacted.make("short"),
        apiUrl: "http://127.0.0.1:9"
      })
      const error = yield* Effect.flip(Effect.provide(made, FetchHttpClient.layer))
      expect([error.reason, error.message]).toEqual([
        "permanent",
        "the Zalo bot's configuration is invalid at secretToken"
      ])
    })
  )
})
