import { describe, expect, it } from "@effect/vitest"
import { Channel, InboundMessage } from "@tinbao/core"
import { DateTime, Effect, Exit, Redacted } from "effect"
import * as FakePlatform from "../src/FakePlatform.js"
import { alterOneByte, capabilityProblems } from "../src/internal/channelSuiteChecks.js"
import { assertNoLeaks, observation, observe } from "../src/internal/channelSuiteObserve.js"

const secret = Redacted.make("cs-secret-7c0d5e9a41b2f3c8")
const sender = { platformUserId: "cs-user-5f3a9c1e77", displayName: "Trần Thị Mai" }
const message = new InboundMessage.InboundMessage({
  kind: "message",
  channel: "web:test",
  platformMessageId: "m-1",
  conversation: { kind: "group", id: "g-1" },
  sender: Redacted.make(sender),
  attachments: [],
  sentAt: DateTime.unsafeMake(1735718400000)
})
const received: Channel.Received = {
  answer: { status: 200, headers: {}, body: "" },
  messages: [message],
  unsupported: []
}

describe("FakePlatform", () => {
  it.scopedLive("records requests, answers from its script, then 599, and refuses a malformed answer", () =>
    Effect.gen(function* () {
      const platform = yield* FakePlatform.make
      yield* platform.respondWith({ status: 202, body: { id: "a" } })
      const first = yield* Effect.promise(() => fetch(`${platform.url}/x?y=1`, { method: "PUT", body: "hi" }))
      expect([first.status, yield* Effect.promise(() => first.json())]).toEqual([202, { id: "a" }])
      const second = yield* Effect.promise(() => fetch(platform.url))
      expect(second.status).toBe(599)
      const recorded = yield* platform.requests
      expect(recorded.map((r) => [r.method, r.path, r.body])).toEqual([
        ["PUT", "/x?y=1", "hi"],
        ["GET", "/", ""]
      ])
      expect(Exit.isFailure(yield* Effect.exit(platform.respondWith({ status: 700 })))).toBe(true)
    })
  )

  it.live("stops listening when its scope closes", () =>
    Effect.gen(function* () {
      const url = yield* Effect.scoped(Effect.map(FakePlatform.make, (p) => p.url))
      const after = yield* Effect.exit(Effect.tryPromise(() => fetch(url)))
      expect(Exit.isFailure(after)).toBe(true)
    })
  )
})

describe("ChannelSuite checks", () => {
  it.live("catch an adapter that logs a sender's identity or puts a secret in an error", () =>
    Effect.gen(function* () {
      const leaky = Effect.tap(Effect.succeed(received), (r) =>
        Effect.logDebug(`from ${JSON.stringify(Redacted.value(r.messages[0].sender))}`)
      )
      const observed = observation()
      yield* observe(observed, leaky)
      expect(() => assertNoLeaks(observed, [])).toThrow(/identity "cs-user-5f3a9c1e77" in a log line/)
      const quiet = observation()
      yield* observe(quiet, Effect.succeed(received))
      expect(() => assertNoLeaks(quiet, [])).not.toThrow()
      const failing = observation()
      yield* observe(
        failing,
        Effect.fail(
          new Channel.ChannelError({ channel: "x", reason: "permanent", message: `key ${Redacted.value(secret)}` })
        )
      )
      expect(() => assertNoLeaks(failing, [Redacted.value(secret)])).toThrow(/secret #1/)
      expect(() => assertNoLeaks(observation(), [Redacted.value(secret)])).not.toThrow()
    })
  )

  it("alter one character within its alphabet, and find unsound capabilities", () => {
    expect(alterOneByte("sha256=0af")).toBe("sha256=0a0")
    expect(alterOneByte("abcZ==")).toBe("abcG==")
    const bad: Channel.Capabilities = {
      groups: false,
      comments: false,
      attachments: false,
      location: false,
      replyWindow: { _tag: "Hours", hours: 24, humanAgentHours: 1 },
      maxTextLength: 0
    }
    expect(capabilityProblems({ id: " ", platform: "web", capabilities: bad } as Channel.ChannelAdapter)).toHaveLength(
      3
    )
  })
})
