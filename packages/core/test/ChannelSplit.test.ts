import { describe, expect, it } from "@effect/vitest"
import { DateTime, Either } from "effect"
import * as Channel from "../src/Channel.js"
import * as ConversationActivity from "../src/ConversationActivity.js"

const capabilities: Channel.Capabilities = {
  groups: true,
  comments: false,
  attachments: true,
  location: true,
  replyWindow: { _tag: "Quota", replies: 8, withinHours: 48 },
  groupReplyWindow: { _tag: "None" },
  maxTextLength: 6000,
  partLength: 2000
}

describe("Channel.splitText", () => {
  it("cuts at a line break or a space in the last half of a part, else at the limit, keeping every word", () => {
    const words = "Công an phường Đông Thành thông báo. ".repeat(120)
    const parts = Channel.splitText(words, 2000)
    expect(parts.length).toBe(3)
    for (const part of parts) expect(part.length).toBeLessThanOrEqual(2000)
    expect(parts.join(" ").trim().replace(/\s+/g, " ")).toBe(words.trim().replace(/\s+/g, " "))
    const lines = `${"a".repeat(1500)}\n${"b".repeat(1000)}`
    expect(Channel.splitText(lines, 2000)).toEqual(["a".repeat(1500), "b".repeat(1000)])
    expect(Channel.splitText("x".repeat(4001), 2000).map((p) => p.length)).toEqual([2000, 2000, 1])
    expect(Channel.splitText("ngắn", 2000)).toEqual(["ngắn"])
  })

  it("never cuts a surrogate pair", () => {
    const emoji = "😀".repeat(1500)
    const parts = Channel.splitText(emoji, 2000)
    expect(parts.join("")).toBe(emoji)
    for (const part of parts) expect(part).not.toMatch(/^[\uDC00-\uDFFF]|[\uD800-\uDBFF]$/)
  })

  it("counts the messages of a reply, and the window of each conversation kind", () => {
    expect(Channel.messagesFor(capabilities, "x".repeat(2000))).toBe(1)
    expect(Channel.messagesFor(capabilities, "x".repeat(2001))).toBe(2)
    const { partLength: _, groupReplyWindow: __, ...plain } = capabilities
    expect(Channel.messagesFor(plain, "x".repeat(5000))).toBe(1)
    expect(Channel.replyWindowOf(capabilities, "direct")._tag).toBe("Quota")
    expect(Channel.replyWindowOf(capabilities, "group")._tag).toBe("None")
    expect(Channel.replyWindowOf(plain, "group")._tag).toBe("Quota")
  })
})

describe("ConversationActivity.checkWindow with parts", () => {
  const now = DateTime.unsafeMake(1_735_718_400_000)
  const activity = { lastInboundAt: DateTime.subtract(now, { hours: 2 }), repliesSince: 6 }
  it("allows a reply whose parts fit in the quota, and says how many are left when they do not", () => {
    expect(Either.isRight(ConversationActivity.checkWindow(capabilities.replyWindow, activity, now, false, 2))).toBe(
      true
    )
    const refused = ConversationActivity.checkWindow(capabilities.replyWindow, activity, now, false, 3)
    expect(refused).toEqual(Either.left(expect.stringMatching(/goes as 3 messages, and only 2 of the 8 replies/)))
    const full = ConversationActivity.checkWindow(
      capabilities.replyWindow,
      { ...activity, repliesSince: 8 },
      now,
      false
    )
    expect(full).toEqual(Either.left(expect.stringMatching(/8 replies .* are used up/)))
  })
})
