// The suite itself runs on the memory layers in @tinbao/core's tests and on SQLite and PostgreSQL in @tinbao/sql's;
// here, what it refuses at registration.
import { describe, expect, it } from "@effect/vitest"
import { Binding, ConversationActivity, Inbox, IntakeLedger, Outbox } from "@tinbao/core"
import { MessagingSuite } from "@tinbao/testkit/vitest"
import { Layer } from "effect"

const memory = Layer.mergeAll(
  Outbox.layerMemory,
  Inbox.layerMemory,
  IntakeLedger.layerMemory,
  Binding.layerMemory,
  ConversationActivity.layerMemory
)

describe("MessagingSuite.suite", () => {
  it("refuses an unsupported capability without a reason, or with a blank one", () => {
    const noReason = { concurrentWriters: { supported: false } } as unknown as MessagingSuite.Capabilities
    expect(() => MessagingSuite.suite("no reason", memory, { capabilities: noReason })).toThrow(
      /capabilities are malformed/
    )
    const blank = { concurrentWriters: { supported: false, reason: "  " } }
    expect(() => MessagingSuite.suite("blank reason", memory, { capabilities: blank })).toThrow(/concurrentWriters/)
  })

  it("refuses a timeout that is not a positive, finite duration", () => {
    for (const timeout of [0, -5, "soon", Number.POSITIVE_INFINITY]) {
      expect(() => MessagingSuite.suite("bad timeout", memory, { timeout: timeout as never })).toThrow(
        /timeout must be a positive, finite duration/
      )
    }
  })
})
