// What only the SQL inbox does; its behaviour is checked by the messaging conformance suite in
// SqlMessaging.test.ts, and its sealing in SqlInboxSealed.test.ts. Here: two app instances (two connection pools)
// on one database, and the wording of a plain row whose headers column is not JSON.
import { SqlClient } from "@effect/sql/SqlClient"
import { describe, expect, it } from "@effect/vitest"
import { type Channel, Channels, Inbox, Webhook } from "@tinbao/core"
import { SqlInbox } from "@tinbao/sql"
import { FakeChannel } from "@tinbao/testkit"
import { Postgres } from "@tinbao/testkit/vitest"
import { DateTime, Effect, Exit, Layer } from "effect"
import { backends, pgCheck } from "./backends.js"
import { commitsDuring } from "./commits.js"
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

    it.live("stores deliveries that arrive together with fewer commits, and fails a duplicate id alone", () => {
      const config = vaultConfig()
      return Effect.gen(function* () {
        const store = yield* SqlInbox.makeEncodedStore(config.vault)
        const row = (n: number, id = `IB-${n.toString(16).padStart(32, "0")}`): Inbox.Row => ({
          id,
          channel: CHANNEL,
          method: "POST",
          url: `https://tinbao.example/webhooks/${CHANNEL}?n=${n}`,
          headers: { "content-type": "application/json" },
          body: Buffer.from(`{"n":${n}}`).toString("base64"),
          receivedAt: 1_000 + n,
          status: "pending",
          attempts: 0,
          nextAttemptAt: 1_000 + n,
          leaseUntil: null,
          deadReason: null,
          lastError: null
        })
        const taken = row(0)
        yield* store.insert(taken)
        // 50 at once, the 21st with the id stored above.
        const rows = Array.from({ length: 50 }, (_, n) => (n === 20 ? row(100 + n, taken.id) : row(100 + n)))
        const [exits, commits] = yield* commitsDuring(
          Effect.forEach(rows, (r) => Effect.exit(store.insert(r)), { concurrency: "unbounded" })
        )
        expect(exits.flatMap((exit, n) => (Exit.isFailure(exit) ? [n] : []))).toEqual([20])
        const duplicate = yield* Effect.flip(exits[20]!)
        expect([duplicate.reason, duplicate.message]).toEqual(["invalid", `A delivery with id ${taken.id} exists.`])
        // One commit a delivery without group commit; a few batches with it.
        expect(commits).toBeGreaterThan(0)
        expect(commits).toBeLessThan(10)
        for (const r of rows.filter((_, n) => n !== 20)) expect((yield* store.get(r.id))?.url).toBe(r.url)
        // The stored row is the first one, untouched by the duplicate.
        expect((yield* store.get(taken.id))?.url).toBe(taken.url)
        expect((yield* store.list("pending")).length).toBe(50)
      }).pipe(Effect.provide(backend.fresh()(config)))
    })

    it.live("marks a worker round's deliveries done with one commit, not one each", () => {
      const fake = FakeChannel.make({ id: "web:round" })
      const taken: Array<string> = []
      return Effect.gen(function* () {
        const inbox = yield* Inbox.Inbox
        const webhook = yield* Webhook.make({
          worker: false,
          batchSize: 20,
          process: (messages) =>
            Effect.sync(() => {
              taken.push(...messages.map((m) => m.text!))
            })
        })
        const ids = yield* Effect.forEach(
          Array.from({ length: 20 }, (_, n) => n),
          (n) =>
            Effect.flatMap(
              fake.delivery([{ type: "message", id: `m${n}`, from: `user-${n}`, text: `tin ${n}` }]),
              (d) => Effect.flatMap(DateTime.now, (now) => inbox.store(fake.adapter.id, d, now))
            )
        )
        const [counts, commits] = yield* commitsDuring(webhook.drain)
        expect(counts).toMatchObject({ claimed: 20, done: 20, retried: 0, dead: 0 })
        // Each once. Different reporters' deliveries are taken in together (stored in the same millisecond, they
        // have no order between them on PostgreSQL), so only their set is fixed.
        expect(taken.toSorted()).toEqual(ids.map((_, n) => `tin ${n}`).toSorted())
        // The claim, then the marks in a batch per committer: 21 commits when each was marked alone.
        expect(commits).toBeLessThan(10)
        for (const id of ids) expect((yield* inbox.get(id))?.status).toBe("done")
      }).pipe(
        Effect.scoped,
        Effect.provide(Layer.merge(backend.fresh()(vaultConfig()), Channels.layer([fake.adapter])))
      )
    })

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
