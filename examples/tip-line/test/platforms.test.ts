import { readFileSync, statSync, writeFileSync } from "node:fs"
import { describe, expect, it } from "@effect/vitest"
import { Unit } from "@tinbao/core"
import { ZaloBot, ZaloOa } from "@tinbao/zalo"
import { Effect, Either, Redacted } from "effect"
import * as Config from "../src/config.js"
import * as Http from "../src/http.js"
import * as Secrets from "../src/secrets.js"
import { acknowledgement, dataDir, get, postTo, start, startFresh, theTip, tipsOf, webForm } from "./helpers.js"

const hoaLu = Unit.UnitId.make("ca-p-hoa-lu")

const botMessage = (id: string, user: string, text: string) => ({
  ok: true,
  result: {
    event_name: "message.text.received",
    message: {
      message_id: id,
      date: Date.now(),
      text,
      from: { id: user, display_name: "Trần Thị B", is_bot: false },
      chat: { id: user, chat_type: "PRIVATE" }
    }
  }
})

describe("the platforms' webhook paths", () => {
  it("a channel's path is its platform's own; the rest keep the core's", () => {
    expect(Http.webhookPath("web:ca-p-hoa-lu")).toBe("/webhooks/web/ca-p-hoa-lu")
    expect(Http.webhookPath("zalo-oa:2071450329")).toBe("/webhooks/zalo/2071450329")
    expect(Http.webhookPath("zalo-bot:ca-p-hoa-lu")).toBe("/webhooks/zalo-bot/ca-p-hoa-lu")
    expect(Http.webhookPath("facebook")).toBe("/webhooks/facebook")
  })

  it.scopedLive(
    "a web form and a Zalo OA post to their platform's path; an unknown account there is 404, unsigned is refused",
    () =>
      Effect.gen(function* () {
        const { running, secrets } = yield* startFresh()
        const web = yield* postTo(
          running,
          "/webhooks/web/ca-p-hoa-lu",
          webForm(secrets.web.secret, "wf-p-1", "u-1", "Mất trộm xe đạp")
        )
        expect(web.status).toBe(200)
        const { tip } = yield* theTip(running, hoaLu)
        expect(tip.channelId).toBe("web:ca-p-hoa-lu")
        const unknown = yield* postTo(
          running,
          "/webhooks/web/no-such-unit",
          webForm(secrets.web.secret, "wf-p-2", "u-1", "Tin")
        )
        expect(unknown.status).toBe(404)
        const forged = yield* postTo(
          running,
          "/webhooks/web/ca-p-hoa-lu",
          webForm("not-the-site-secret-at-all", "wf-p-3", "u-1", "Tin")
        )
        expect([401, 403]).toContain(forged.status)
        // The Facebook handshake reads the query of the URL it was called at.
        const token = encodeURIComponent(secrets.facebook.verifyToken)
        const handshake = yield* get(
          `${running.url}/webhooks/facebook?hub.mode=subscribe&hub.challenge=42&hub.verify_token=${token}`
        )
        expect(handshake).toEqual({ status: 200, body: "42" })
        expect(yield* tipsOf(running, hoaLu)).toHaveLength(1)
      }),
    30_000
  )

  it.scopedLive(
    "a Zalo OA group message (GMF) becomes a tip of the OA's ward, acknowledged in the group",
    () =>
      Effect.gen(function* () {
        const { running, secrets } = yield* startFresh()
        const delivery = ZaloOa.delivery(Redacted.make(secrets.zalo.oaSecretKey), {
          app_id: "sandbox-zalo-app",
          event_name: "user_send_group_text",
          timestamp: String(Date.now()),
          sender: { id: "7001" },
          recipient: { id: "group-to-dan-pho-3" },
          message: { msg_id: "zalo-group-msg-1", text: "Có người lạ dò xét nhà trong ngõ 12" }
        })
        const answer = yield* postTo(running, "/webhooks/zalo/sandbox-ca-p-hoa-lu", delivery)
        expect(answer.status).toBe(200)
        const { tip } = yield* theTip(running, hoaLu)
        expect(tip.channelId).toBe("zalo-oa:sandbox-ca-p-hoa-lu")
        const acknowledged = yield* acknowledgement(running, "zalo")
        expect(acknowledged).toMatchObject({ from: "sandbox-ca-p-hoa-lu", to: "group-to-dan-pho-3" })
        expect(acknowledged.text).toContain(tip.code)
      }),
    30_000
  )
})

describe("the Zalo bots", () => {
  it.scopedLive(
    "in sandbox mode each ward has a bot: a message with the secret token becomes a tip, acknowledged by sendMessage",
    () =>
      Effect.gen(function* () {
        const { running, secrets } = yield* startFresh()
        const bots = running.platforms.find((p) => p.label === "Zalo bots")!
        expect(bots.bound).toContainEqual({ channel: "zalo-bot:sandbox-ca-p-hoa-lu", unit: hoaLu })
        const secret = Redacted.make(secrets.zaloBot.secretToken)
        const path = "/webhooks/zalo-bot/sandbox-ca-p-hoa-lu"
        const wrong = yield* postTo(
          running,
          path,
          ZaloBot.delivery(Redacted.make("not-the-secret-token"), botMessage("b-0", "u-9", "Tin"))
        )
        expect([401, 403]).toContain(wrong.status)
        const body = botMessage("b-1", "9911", "Có vụ trộm chó ở thôn Đông")
        expect((yield* postTo(running, path, ZaloBot.delivery(secret, body))).status).toBe(200)
        // A redelivery, the same body again, makes no second tip.
        expect((yield* postTo(running, path, ZaloBot.delivery(secret, body))).status).toBe(200)
        const { tip } = yield* theTip(running, hoaLu)
        expect(tip.channelId).toBe("zalo-bot:sandbox-ca-p-hoa-lu")
        expect(tip.channel).toBe("zalo")
        const acknowledged = yield* acknowledgement(running, "zalo-bot")
        expect(acknowledged).toMatchObject({ from: "sandbox-ca-p-hoa-lu", to: "9911" })
        expect(acknowledged.text).toContain(tip.code)
      }),
    30_000
  )

  it("configured from ZALO_BOTS, ZALO_BOT_SECRET_TOKEN and ZALO_BOT_API_URL: all of them or none", () => {
    const problem = (env: Record<string, string>) =>
      Either.match(Config.fromEnv(env, "/srv"), { onLeft: (e) => e.message, onRight: () => "" })
    const all = {
      ZALO_BOTS: "ca-p-hoa-lu=1234567:abcdefgh-secret",
      ZALO_BOT_SECRET_TOKEN: "bot-secret-token",
      ZALO_BOT_API_URL: "http://127.0.0.1:9"
    }
    const config = Either.getOrThrow(Config.fromEnv(all, "/srv"))
    expect(config.zaloBots?.bots.map((b) => b.unit)).toEqual(["ca-p-hoa-lu"])
    expect(Redacted.value(config.zaloBots!.bots[0]!.token)).toBe("1234567:abcdefgh-secret")
    expect(problem({ ZALO_BOTS: all.ZALO_BOTS })).toContain("ZALO_BOT_SECRET_TOKEN, ZALO_BOT_API_URL")
    const short = problem({ ...all, ZALO_BOTS: "ca-p-hoa-lu=q7z:w" })
    expect(short).toContain("ZALO_BOTS")
    expect(short).not.toContain("q7z")
    expect(problem({ ...all, ZALO_BOTS: "ca-p-hoa-lu=1234567:aaaaaaaa,ca-p-hoa-lu=7654321:bbbbbbbb" })).toContain(
      "twice"
    )
    expect(problem({ ...all, ZALO_BOT_SECRET_TOKEN: "short" })).toContain("ZALO_BOT_SECRET_TOKEN")
  })

  it.scopedLive(
    "configured bots are the channels zalo-bot:<unit>, bound to their units; a unit that takes no tips is refused",
    () =>
      Effect.gen(function* () {
        const bots = {
          ZALO_BOT_SECRET_TOKEN: "bot-secret-token",
          ZALO_BOT_API_URL: "http://127.0.0.1:9"
        }
        const refused = yield* Effect.flip(
          Effect.scoped(start({ DATA_DIR: dataDir(), ...bots, ZALO_BOTS: "ca-p-van-giang=1234567:aaaaaaaa" }))
        )
        expect(refused.message).toContain("ZALO_BOTS names ca-p-van-giang")
        const running = yield* start({ DATA_DIR: dataDir(), ...bots, ZALO_BOTS: "ca-p-hoa-lu=1234567:aaaaaaaa" })
        const platform = running.platforms.find((p) => p.label === "Zalo bots")!
        expect(platform).toMatchObject({ sandbox: false, credentials: false })
        expect(platform.bound).toEqual([{ channel: "zalo-bot:ca-p-hoa-lu", unit: hoaLu }])
        const answer = yield* postTo(
          running,
          "/webhooks/zalo-bot/ca-p-hoa-lu",
          ZaloBot.delivery(Redacted.make("bot-secret-token"), botMessage("b-2", "9912", "Tin báo qua bot"))
        )
        expect(answer.status).toBe(200)
        const { tip } = yield* theTip(running, hoaLu)
        expect(tip.channelId).toBe("zalo-bot:ca-p-hoa-lu")
      }),
    30_000
  )
})

describe("the secrets file", () => {
  it.effect("a file from before the Zalo bots is completed: its secrets kept, the bots' made, mode 0600", () =>
    Effect.gen(function* () {
      const dir = dataDir()
      const first = yield* Secrets.load(dir)
      const file = Secrets.fileOf(dir)
      const { zaloBot: _, ...old } = first
      writeFileSync(file, JSON.stringify(old), { mode: 0o600 })
      const completed = yield* Secrets.load(dir)
      expect(completed.vault).toEqual(first.vault)
      expect(completed.facebook).toEqual(first.facebook)
      expect(completed.zaloBot.secretToken.length).toBeGreaterThanOrEqual(8)
      expect(JSON.parse(readFileSync(file, "utf8")).zaloBot).toEqual(completed.zaloBot)
      expect(statSync(file).mode & 0o777).toBe(0o600)
      // Read again, it is the same: nothing new is made.
      expect(yield* Secrets.load(dir)).toEqual(completed)
      // Without `create`, a data folder without secrets is an error that says what to do.
      const missing = yield* Effect.flip(Secrets.load(dataDir(), { create: false }))
      expect(missing.message).toContain("start the server")
    })
  )
})
