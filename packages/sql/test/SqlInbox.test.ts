// What only the SQL inbox does; its behaviour is checked by the messaging conformance suite in
// SqlMessaging.test.ts, and its sealing in SqlInboxSealed.test.ts. Here: two app instances (two connection pools)
// on one database, and the wording of a plain row whose headers column is not JSON.
import { SqlClient } from "@effect/sql/SqlClient"
import { describe, expect, it } from "@effect/vitest"
import { type Channel, Inbox } from "@tinbao/core"
import { Postgres } from "@tinbao/testkit/vitest"
import { DateTime, Effect } from "effect"
import { backends, pgCheck } from "./backends.js"
import { vaultConfig } from "./fixtures.js"

const CHANNEL = "fb-page:1048576001"

const delivery: Channel.RawDelivery = {
  method: "POST",
  url: "https://tinbao.example/webhooks/fb-page:1048576001",
  headers: { "content-type": "application/json", "x-hub-signature-256": "sha256=00ff" },
  body: new TextEncoder().encode('{"object":"page","entry":[]}')
}

const exec = (statement: string) => Effect.flatMap(SqlClient, (sql) => sql.unsafe(statement))

for (const backend of backends()) {
  describe(`SqlInbox on ${backend.name}`, () => {
    it.effect("names the table and the column of headers that are not JSON, without their value", () =>
      Effect.gen(function* () {
        const inbox = yield* Inbox.Inbox
        const id = yield* inbox.store(CHANNEL, delivery, yield* DateTime.now)
        // A plain row, as the release before the sealed inbox stored them.
        yield* exec(`UPDATE inbox SET headers = 'Bearer secret-token', key_id = NULL WHERE id = '${id}'`)
        const headers = yield* Effect.flip(inbox.get(id))
        expect([headers.reason, headers.message]).toEqual([
          "corrupt",
          "A stored row of the table inbox is not valid: check headers."
        ])
      }).pipe(Effect.provide(backend.fresh()(vaultConfig())))
    )

    it.effect("gives two instances claiming in parallel each delivery once", () =>
      Effect.gen(function* () {
        const open = backend.fresh()
        const config = vaultConfig()
        const [one, two] = [open(config), open(config)]
        const now = yield* DateTime.now
        const ids = yield* Effect.provide(
          Effect.flatMap(Inbox.Inbox, (inbox) =>
            Effect.forEach(Array.from({ length: 60 }), () => inbox.store(CHANNEL, delivery, now))
          ),
          one
        )
        const drain = Effect.flatMap(Inbox.Inbox, (inbox) =>
          Effect.gen(function* () {
            const claimed: Array<string> = []
            while (true) {
              const batch = yield* inbox.claim(now, 5, 60_000)
              if (batch.length === 0) return claimed
              claimed.push(...batch.map((e) => e.id))
            }
          })
        )
        const [a, b] = yield* Effect.all([Effect.provide(drain, one), Effect.provide(drain, two)], {
          concurrency: 2
        })
        expect([...a, ...b].sort()).toEqual([...ids].sort())
      })
    )
  })
}

// Without a server: a failing test under CI=true, else one skipped test naming the host and port.
Postgres.registerStandIn(pgCheck)
