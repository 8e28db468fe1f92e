// The messaging conformance suite (outbox, inbox, intake ledger, bindings, conversation activity) on the core's
// memory layers: once as users get them, once assembled from the public encoded stores so that probes can read
// and write their rows. Then what only the memory stores and `makeEncoded` do. Each build of these layers is a
// fresh store, as the suite requires.
import { describe, expect, it } from "@effect/vitest"
import { MessagingSuite } from "@tinbao/testkit/vitest"
import { Context, Effect, Layer, Schema } from "effect"
import * as Binding from "../src/Binding.js"
import * as ConversationActivity from "../src/ConversationActivity.js"
import { AliasId } from "../src/IdentityVault.js"
import * as Inbox from "../src/Inbox.js"
import * as IntakeLedger from "../src/IntakeLedger.js"
import * as Outbox from "../src/Outbox.js"

const small = Layer.mergeAll(IntakeLedger.layerMemory, Binding.layerMemory, ConversationActivity.layerMemory)

MessagingSuite.suite("memory layers", Layer.mergeAll(Outbox.layerMemory, Inbox.layerMemory, small))

class MemoryRows extends Context.Tag("test/MemoryRows")<
  MemoryRows,
  { readonly outbox: Outbox.Encoded; readonly inbox: Inbox.Encoded }
>() {}

const rows = Layer.sync(MemoryRows, () => ({ outbox: Outbox.makeMemoryEncoded(), inbox: Inbox.makeMemoryEncoded() }))
const ports = Layer.mergeAll(
  Layer.effect(
    Outbox.Outbox,
    Effect.map(MemoryRows, (r) => Outbox.makeEncoded(r.outbox))
  ),
  Layer.effect(
    Inbox.Inbox,
    Effect.map(MemoryRows, (r) => Inbox.makeEncoded(r.inbox))
  ),
  small
)

MessagingSuite.suite("memory stores with probes", Layer.provideMerge(ports, rows), {
  probes: {
    outboxRows: () => Effect.flatMap(MemoryRows, (r) => r.outbox.list()),
    writeOutboxRow: (row) => Effect.flatMap(MemoryRows, (r) => r.outbox.insert(row as Outbox.Row)),
    writeInboxRow: (row) => Effect.flatMap(MemoryRows, (r) => r.inbox.insert(row as Inbox.Row))
  }
})

const alias = Schema.decodeSync(AliasId)("AL-0123456789ABCDEF")

const message = (key: string, overrides: Partial<Outbox.Message> = {}): Outbox.Message => ({
  key,
  channel: "zalo-oa:207145032978",
  conversation: { kind: "direct", id: "843009701254" },
  recipient: alias,
  text: "Công an phường đã nhận tin báo của bạn, mã NINHTIEN-2024-0026.",
  ...overrides
})

describe("Outbox.makeEncoded over the memory store", () => {
  it.effect("writes an entry as a flat row: the alias for a direct conversation, epoch milliseconds, nulls", () =>
    Effect.gen(function* () {
      const store = Outbox.makeMemoryEncoded()
      yield* Outbox.makeEncoded(store).enqueue(message("a"))
      expect(yield* store.get("a")).toEqual({
        key: "a",
        channel: "zalo-oa:207145032978",
        conversationKind: "direct",
        conversationId: alias,
        recipient: alias,
        text: "Công an phường đã nhận tin báo của bạn, mã NINHTIEN-2024-0026.",
        replyTo: null,
        humanAgent: false,
        public: false,
        tip: null,
        createdAt: 0,
        attempts: 0,
        nextAttemptAt: 0,
        leaseUntil: null,
        status: "pending",
        platformMessageId: null,
        errorReason: null,
        errorMessage: null
      })
    })
  )

  it.effect("shares one store between layers built from it", () =>
    Effect.gen(function* () {
      const store = Outbox.makeMemoryEncoded()
      yield* Effect.provide(
        Effect.flatMap(Outbox.Outbox, (o) => o.enqueue(message("a"))),
        Layer.succeed(Outbox.Outbox, Outbox.makeEncoded(store))
      )
      const listed = yield* Effect.provide(
        Effect.flatMap(Outbox.Outbox, (o) => o.list()),
        Layer.succeed(Outbox.Outbox, Outbox.makeEncoded(store))
      )
      expect(listed.map((e) => e.key)).toEqual(["a"])
    })
  )
})
