import { createRequire } from "node:module"
import { SqlClient } from "@effect/sql/SqlClient"
import { describe, expect, it } from "@effect/vitest"
import { ConversationActivity, IntakeLedger, Transaction } from "@tinbao/core"
import { SqlStorage } from "@tinbao/sql"
import { Cause, Data, DateTime, Effect, Exit, Layer, Option } from "effect"
import { inline } from "../src/internal/ahead.js"
import { backends, createSchema, dropSchema, freshSchemaName, host, pgReachable, port } from "./backends.js"
import { count, entry, vaultConfig } from "./fixtures.js"

class Boom extends Data.TaggedError("Boom")<{ readonly n: number }> {}

// Strings a platform may send as ids, written into statements as literals on PostgreSQL.
const hostile = [
  "it's",
  "back\\slash\\'",
  "$1 and ? and $$dollar$$",
  "'); DROP TABLE vault; --",
  "E'\\x00'",
  "Phường Ninh Khánh 🚔",
  "\\",
  "''"
]

// Every statement the pg driver is asked to send, while `record` is on.
const pgQueries = (() => {
  const pg = createRequire(import.meta.url)("pg") as { Client: { prototype: { query: (...a: unknown[]) => unknown } } }
  const texts: Array<string> = []
  let on = false
  const original = pg.Client.prototype.query
  pg.Client.prototype.query = function (this: unknown, ...args: Array<unknown>) {
    if (on) texts.push(typeof args[0] === "string" ? args[0] : String((args[0] as { text?: string }).text))
    return original.apply(this, args)
  }
  return {
    during: <A, E, R>(effect: Effect.Effect<A, E, R>) =>
      Effect.acquireUseRelease(
        Effect.sync(() => {
          texts.length = 0
          on = true
        }),
        () => Effect.map(effect, (a) => [a, [...texts]] as const),
        () =>
          Effect.sync(() => {
            on = false
          })
      )
  }
})()

const at = (millis: number) => DateTime.unsafeMake(millis)

// A batch that sends a write ahead with a read: afterwards the connection's session is known (pg's pool hands the
// connection released last to the next batch that runs alone).
const warmUp = Effect.gen(function* () {
  const activity = yield* ConversationActivity.ConversationActivity
  const ledger = yield* IntakeLedger.IntakeLedger
  yield* Transaction.atomically(
    Effect.zipRight(activity.recordInbound("web:warm", { kind: "group", id: "warm" }, at(1)), ledger.getAll(["warm"]))
  )
})

describe("inline", () => {
  it("writes values in as literals that PostgreSQL reads back as they were", () => {
    expect(inline("INSERT INTO t VALUES (?, ?, ?, ?)", ["it's", "a\\b", 42, null])).toBe(
      "INSERT INTO t VALUES (E'it''s', E'a\\\\b', '42', NULL)"
    )
    // A value's own question marks are not parameters.
    expect(inline("SELECT ? WHERE k = ?", ["?", "$1"])).toBe("SELECT E'?' WHERE k = E'$1'")
  })

  it("refuses what a literal cannot carry, and values that do not match the parameters", () => {
    expect(inline("SELECT ?", ["a\u0000b"])).toBeUndefined()
    expect(inline("SELECT ?", [Number.NaN])).toBeUndefined()
    expect(inline("SELECT ?", [Number.POSITIVE_INFINITY])).toBeUndefined()
    expect(inline("SELECT ?, ?", ["a"])).toBeUndefined()
    expect(inline("SELECT ?", ["a", "b"])).toBeUndefined()
  })
})

for (const backend of backends()) {
  describe(`writes sent ahead on ${backend.name}`, () => {
    it.live("reach the database in the order of the code, whatever the values hold", () =>
      Effect.gen(function* () {
        const activity = yield* ConversationActivity.ConversationActivity
        const ledger = yield* IntakeLedger.IntakeLedger
        const seen = yield* Effect.forEach(
          hostile,
          (id, n) =>
            Transaction.atomically(
              Effect.gen(function* () {
                const conversation = { kind: "direct" as const, id }
                const sql = yield* SqlClient
                yield* activity.recordInbound(`web:${id}`, conversation, at(1000 + n))
                // A later time recorded in a savepoint that is rolled back leaves the first one: the first write goes
                // before the savepoint is taken.
                yield* Effect.exit(
                  sql.withTransaction(
                    Effect.zipRight(activity.recordInbound(`web:${id}`, conversation, at(9000 + n)), new Boom({ n }))
                  )
                )
                yield* activity.recordInbound(`web:${id}`, conversation, at(500 + n))
                const found = yield* ledger.getAll([`msg:${id}`])
                yield* ledger.put(`msg:${id}`, entry(n))
                // A template statement reads what the writes left waiting wrote.
                const read = yield* activity.get(`web:${id}`, conversation)
                return [found.size, read?.lastInboundAt] as const
              })
            ),
          { concurrency: "unbounded" }
        )
        expect(seen).toEqual(hostile.map((_, n) => [0, at(1000 + n)]))
        for (const [n, id] of hostile.entries()) {
          const stored = yield* activity.get(`web:${id}`, { kind: "direct", id })
          expect(stored?.lastInboundAt).toEqual(at(1000 + n))
          expect(yield* ledger.get(`msg:${id}`)).toEqual(Option.some(entry(n)))
        }
      }).pipe(Effect.provide(backend.fresh()(vaultConfig())))
    )

    it.live("are stored when nothing follows them in their block", () =>
      Effect.gen(function* () {
        const activity = yield* ConversationActivity.ConversationActivity
        yield* Effect.forEach(
          [1, 2, 3],
          (n) => Transaction.atomically(activity.recordInbound("web:x", { kind: "group", id: `g-${n}` }, at(n))),
          { concurrency: "unbounded", discard: true }
        )
        for (const n of [1, 2, 3]) {
          expect((yield* activity.get("web:x", { kind: "group", id: `g-${n}` }))?.lastInboundAt).toEqual(at(n))
        }
      }).pipe(Effect.provide(backend.fresh()(vaultConfig())))
    )

    it.live("that fail give their own block its own error, and the rest of the batch is stored", () =>
      Effect.gen(function* () {
        const activity = yield* ConversationActivity.ConversationActivity
        const ledger = yield* IntakeLedger.IntakeLedger
        // PostgreSQL refuses a NUL character in text; SQLite would store it, and is refused it the same way.
        const ids = ["fine-1", "bad\u0000id", "fine-2"]
        const exits = yield* Effect.forEach(
          ids,
          (id, n) =>
            Transaction.atomically(
              Effect.zipRight(
                activity.recordInbound("web:y", { kind: "group", id }, at(n)),
                ledger.put(`k:${n}`, entry(n))
              )
            ).pipe(Effect.exit),
          { concurrency: "unbounded" }
        )
        expect(exits.flatMap((exit, n) => (exit._tag === "Failure" ? [n] : []))).toEqual([1])
        // Bad input, not an outage: the port has no reason for it but "corrupt", and nothing retries that.
        const error = Exit.isFailure(exits[1]!) ? Cause.failureOption(exits[1].cause) : Option.none()
        expect(Option.map(error, (e) => [e._tag, e.reason])).toEqual(
          Option.some(["ConversationActivityError", "corrupt"])
        )
        for (const n of [0, 2]) expect((yield* ledger.get(`k:${n}`))._tag).toBe("Some")
        expect((yield* ledger.get("k:1"))._tag).toBe("None")
      }).pipe(Effect.provide(backend.fresh()(vaultConfig())))
    )

    if (backend.name === "postgresql") {
      it.live("go with the block's next statement, and BEGIN with the batch's first", () =>
        Effect.gen(function* () {
          const activity = yield* ConversationActivity.ConversationActivity
          const ledger = yield* IntakeLedger.IntakeLedger
          // The session's encoding is asked once, the first time a connection has something to send ahead.
          const [, asked] = yield* pgQueries.during(warmUp)
          expect(asked).toContain("SELECT current_setting('client_encoding') AS encoding")
          for (const [n, id] of hostile.entries()) {
            const [found, texts] = yield* pgQueries.during(
              Transaction.atomically(
                Effect.gen(function* () {
                  yield* activity.recordInbound(`web:${id}`, { kind: "direct", id }, at(1))
                  const found = yield* ledger.getAll([`msg:${id}`, `thread:${id}`])
                  yield* ledger.put(`msg:${id}`, entry(n))
                  return found
                })
              )
            )
            // BEGIN, the write and the read in one message; the batch's rows; COMMIT. The values written in as
            // literals were read as they were, or the message would have failed and the batch run again.
            expect(texts.length).toBe(3)
            const [first, rows, last] = texts as [string, string, string]
            expect(first.startsWith("BEGIN")).toBe(true)
            expect(first.indexOf("INSERT INTO conversation_activity")).toBeLessThan(first.indexOf("FROM intake_ledger"))
            expect(rows).toContain("INSERT INTO intake_ledger")
            expect(last).toBe("COMMIT")
            expect(found.size).toBe(0)
            expect((yield* activity.get(`web:${id}`, { kind: "direct", id }))?.lastInboundAt).toEqual(at(1))
            expect(yield* ledger.get(`msg:${id}`)).toEqual(Option.some(entry(n)))
          }
        }).pipe(Effect.provide(backend.fresh()(vaultConfig())))
      )

      it.live("roll a failed batch back only when its BEGIN went, and leave every connection clean", () =>
        Effect.gen(function* () {
          const activity = yield* ConversationActivity.ConversationActivity
          const ledger = yield* IntakeLedger.IntakeLedger
          // A block that fails before any statement: nothing reached the database, nothing to roll back.
          const [early, none] = yield* pgQueries.during(
            Effect.exit(Transaction.atomically(Effect.zipRight(ledger.put("early", entry(1)), new Boom({ n: 1 }))))
          )
          expect(early._tag).toBe("Failure")
          expect(none).toEqual([])
          // A block that fails after its BEGIN went with a read: ROLLBACK.
          const [late, texts] = yield* pgQueries.during(
            Effect.exit(
              Transaction.atomically(
                Effect.gen(function* () {
                  yield* activity.recordInbound("web:late", { kind: "group", id: "g" }, at(1))
                  yield* ledger.getAll(["late"])
                  yield* ledger.put("late", entry(2))
                  return yield* new Boom({ n: 2 })
                })
              )
            )
          )
          expect(late._tag).toBe("Failure")
          expect(texts.at(-1)).toBe("ROLLBACK")
          // Every pooled connection is usable afterwards: none was handed back inside a transaction.
          yield* Effect.forEach(
            Array.from({ length: 12 }, (_, n) => n),
            (n) => Transaction.atomically(ledger.put(`after:${n}`, entry(n))),
            { concurrency: "unbounded", discard: true }
          )
          expect(yield* count("intake_ledger")).toBe(12)
          expect(yield* activity.get("web:late", { kind: "group", id: "g" })).toBeUndefined()
        }).pipe(Effect.provide(backend.fresh()(vaultConfig())))
      )
    }
  })
}

// A crafted id for a session in GBK with `backslash_quote = on`: "中" ends in the byte 0xAD, which GBK reads with the
// next byte, the backslash doubled before the quote, as one character. Written in as a literal, the escaped quote
// then closes the literal, and the rest runs as SQL: a table made, a row of the attacker's, and the statement's own
// remainder taken up by a comment and by the injected upsert (the statement goes on over three more lines).
const crafted =
  "中\\', 1, 0); CREATE TABLE pwned (x int); " +
  "INSERT INTO conversation_activity (channel, conversation_kind, conversation_id, last_inbound, replies) " +
  "VALUES ($$web:x$$, $$direct$$, $$planted$$, 1, 0) ON CONFLICT (channel, conversation_kind, conversation_id) --"

// BEGIN, the write and the read in one message.
const sentAhead = (text: string) => /^BEGIN;\n.*INSERT INTO conversation_activity.*FROM intake_ledger/s.test(text)

if (pgReachable) {
  describe("writes sent ahead on a PostgreSQL session that is not UTF-8", () => {
    // One connection, so that a session setting made through the client is the transactions' own.
    const schema = freshSchemaName()
    const options = encodeURIComponent(`-c search_path=${schema} -c backslash_quote=on`)
    const storage = Layer.unwrapEffect(
      Effect.as(
        Effect.promise(() => createSchema(schema)),
        SqlStorage.layerPg({
          url: `postgres://postgres@${host}:${port}/test?options=${options}`,
          maxConnections: 1,
          ...vaultConfig()
        })
      )
    )

    it.live("go one by one with parameters, so that a crafted id is stored as it is and runs nothing", () =>
      Effect.gen(function* () {
        const sql = yield* SqlClient
        const activity = yield* ConversationActivity.ConversationActivity
        const ledger = yield* IntakeLedger.IntakeLedger
        const block = (id: string, n: number) =>
          Transaction.atomically(
            Effect.zipRight(activity.recordInbound("web:x", { kind: "direct", id }, at(n)), ledger.getAll([`m:${n}`]))
          )
        // On UTF-8, the write goes ahead with the read and BEGIN.
        const [, utf8] = yield* pgQueries.during(block("plain", 1))
        expect(utf8.some(sentAhead)).toBe(true)

        yield* sql`SET client_encoding = 'GBK'`
        const [, gbk] = yield* pgQueries.during(block(crafted, 2))
        const [table] = yield* sql<{ readonly found: string | null }>`SELECT to_regclass('pwned')::text AS found`
        expect(table?.found).toBeNull()
        expect(yield* activity.get("web:x", { kind: "direct", id: "planted" })).toBeUndefined()
        // Read back through the same session, the id is the one given.
        expect((yield* activity.get("web:x", { kind: "direct", id: crafted }))?.lastInboundAt).toEqual(at(2))
        // BEGIN alone, then each statement with its values as parameters: none is written into a text.
        expect(gbk[0]).toBe("BEGIN")
        expect(gbk.some(sentAhead)).toBe(false)
        expect(gbk.some((text) => text.includes("pwned"))).toBe(false)

        // Back on UTF-8 (the session reports it), writes go ahead again.
        yield* sql`SET client_encoding = 'UTF8'`
        const [, again] = yield* pgQueries.during(block("plain-again", 3))
        expect(again.some(sentAhead)).toBe(true)
      }).pipe(Effect.provide(storage), Effect.ensuring(Effect.promise(() => dropSchema(schema))))
    )
  })
}
