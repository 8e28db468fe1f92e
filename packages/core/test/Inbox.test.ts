// What only the memory store and `Inbox.makeEncoded` do. The inbox's behaviour (store, claim, retry, dead
// letters, replay, purge, corrupt rows) is checked by the messaging conformance suite, run on the memory layers
// in Outbox.test.ts and on SQLite and PostgreSQL in @tinbao/sql.
import { describe, expect, it } from "@effect/vitest"
import { DateTime, Effect } from "effect"
import * as Inbox from "../src/Inbox.js"

const delivery = {
  method: "POST",
  url: "https://tinbao.example/webhooks/fb-page:1048576001",
  headers: { "content-type": "application/json", "x-hub-signature-256": "sha256=00ff" },
  body: new TextEncoder().encode("{}")
}

describe("Inbox.makeEncoded over the memory store", () => {
  it.effect("writes a delivery as a flat row, its body in base64", () =>
    Effect.gen(function* () {
      const store = Inbox.makeMemoryEncoded()
      const id = yield* Inbox.makeEncoded(store).store("fb-page:1048576001", delivery, DateTime.unsafeMake(5))
      expect(yield* store.get(id)).toEqual({
        id,
        channel: "fb-page:1048576001",
        method: "POST",
        url: delivery.url,
        headers: delivery.headers,
        body: "e30=",
        receivedAt: 5,
        status: "pending",
        attempts: 0,
        nextAttemptAt: 5,
        leaseUntil: null,
        deadReason: null,
        lastError: null
      })
    })
  )

  it.effect("refuses a second row with an id already stored", () =>
    Effect.gen(function* () {
      const store = Inbox.makeMemoryEncoded()
      const id = yield* Inbox.makeEncoded(store).store("fb-page:1048576001", delivery, DateTime.unsafeMake(5))
      const error = yield* Effect.flip(store.insert({ ...(yield* store.get(id))!, body: "e31=" }))
      expect([error.reason, error.message]).toEqual(["invalid", `A delivery with id ${id} exists.`])
      expect((yield* store.get(id))?.body).toBe("e30=")
    })
  )
})
