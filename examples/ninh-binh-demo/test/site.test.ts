import { describe, expect, it } from "@effect/vitest"
import { Channel, InboundMessage } from "@tinbao/core"
import { WebFormChannel } from "@tinbao/web"
import { Effect, Redacted } from "effect"
import * as Photos from "../src/photos.js"
import * as Site from "../src/site.js"

const secret = Redacted.make("site-test-secret-4b1e9d07")
const reply = (key: string) =>
  new Channel.OutboundMessage({
    key,
    channel: "web:ca-x-ninh-tien",
    conversation: InboundMessage.direct("reporter-7f2a"),
    text: "Công an xã đã nhận tin báo của bạn."
  })

describe("the stand-in police website", () => {
  it.scopedLive("takes signed replies once per key, and refuses those signed with another secret", () =>
    Effect.gen(function* () {
      const site = yield* Site.make(secret)
      const adapter = (key: Redacted.Redacted<string>) =>
        Effect.orDie(WebFormChannel.make({ id: "web:ca-x-ninh-tien", secret: key, endpoint: `${site.url}/replies` }))
      const genuine = yield* adapter(secret)
      expect(yield* genuine.send(reply("ack-1"))).toBe("site-1")
      expect(yield* genuine.send(reply("ack-1"))).toBe("site-1")
      expect(yield* genuine.send(reply("ack-2"))).toBe("site-2")
      const forger = yield* adapter(Redacted.make("not-the-site-secret-93c"))
      const refused = yield* Effect.flip(forger.send(reply("ack-3")))
      expect(refused.platformCode).toBe("signature_mismatch")
      expect(site.replies.map((r) => [r.id, r.key, r.conversation])).toEqual([
        ["site-1", "ack-1", "reporter-7f2a"],
        ["site-2", "ack-2", "reporter-7f2a"]
      ])
    })
  )

  it.scopedLive("serves the forms' photos for the evidence worker, and a 404 for a link that expired", () =>
    Effect.gen(function* () {
      const site = yield* Site.make(secret)
      const get = (name: string) =>
        Effect.promise(async () => {
          const response = await fetch(site.photo(name))
          return { status: response.status, bytes: new Uint8Array(await response.arrayBuffer()) }
        })
      const [name, bytes] = Object.entries(Photos.served)[0]!
      expect(yield* get(name)).toEqual({ status: 200, bytes })
      expect(Photos.names).toContain("anh-het-han.jpg")
      expect((yield* get("anh-het-han.jpg")).status).toBe(404)
      expect(site.photo(name).startsWith(`${site.url}/media/`)).toBe(true)
    })
  )
})
