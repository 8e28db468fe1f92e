import { describe, expect, it } from "@effect/vitest"
import { FakeChannel } from "@tinbao/testkit"
import { Effect, Option, Schema } from "effect"
import * as Channel from "../src/Channel.js"
import * as Channels from "../src/Channels.js"

const sms = { id: "sms", label: { vi: "Tin nhắn SMS", en: "SMS" } }
const zalo = { id: "zalo", label: { vi: "Zalo", en: "Zalo" } }
const adapter = (id: string, platform: Channel.Platform) => FakeChannel.make({ id, platform }).adapter

describe("Channels", () => {
  it.effect("finds adapters by id and lists each platform once, in the order its first adapter came", () =>
    Effect.gen(function* () {
      const channels = yield* Channels.make([
        adapter("sms:0912000111", sms),
        adapter("zalo-oa:1", zalo),
        adapter("sms:0912000222", sms)
      ])
      expect(channels.platforms).toEqual([sms, zalo])
      expect(Option.map(channels.get("zalo-oa:1"), (a) => a.platform.id)).toEqual(Option.some("zalo"))
      expect(Option.isNone(channels.get("fb-page:1"))).toBe(true)
    })
  )

  it.effect("refuses two adapters with one id, a malformed platform, and one platform labelled two ways", () =>
    Effect.gen(function* () {
      const twice = yield* Effect.flip(Channels.make([adapter("sms:1", sms), adapter("sms:1", sms)]))
      expect(twice).toMatchObject({ reason: "permanent", message: expect.stringContaining("sms:1") })
      for (const id of ["SMS", "s", "1sms", "sms-gateway", "a".repeat(33)]) {
        const malformed = yield* Effect.flip(Channels.make([adapter("x:1", { ...sms, id })]))
        expect(malformed.message, id).toContain("malformed platform")
      }
      const relabelled = { id: "sms", label: { vi: "Nhắn tin", en: "Text message" } }
      const conflict = yield* Effect.flip(Channels.make([adapter("sms:1", sms), adapter("sms:2", relabelled)]))
      expect(conflict.message).toContain("labels platform sms otherwise")
    })
  )

  it("says what a platform id is in a Schema", () => {
    const valid = Schema.is(Channel.PlatformId)
    expect(["sms", "zalo", "hotline_113", "in_person", `a${"b".repeat(31)}`].every(valid)).toBe(true)
    expect(["", "s", "Sms", "_sms", "sms gateway", `a${"b".repeat(32)}`].some(valid)).toBe(false)
  })
})
