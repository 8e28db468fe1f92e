// Text the database cannot store (a NUL character): the ports' invalid input, the same on SQLite and PostgreSQL, never
// "unavailable" and never run again; in a group commit, its own block's error while its neighbours are stored.
import { SqlClient } from "@effect/sql/SqlClient"
import { describe, expect, it } from "@effect/vitest"
import {
  ConversationActivity,
  Inbox,
  IntakeLedger,
  Register,
  type Tip,
  TipStore,
  Transaction,
  Unit
} from "@tinbao/core"
import { NinhBinh } from "@tinbao/testkit"
import { Cause, Effect, Exit, Option } from "effect"
import { isInvalidText } from "../src/internal/sqlErrors.js"
import { backends } from "./backends.js"
import { count, entry, received, receivedAt, vaultConfig } from "./fixtures.js"

const unit = NinhBinh.unitIds.ninhTien
const refused = "A value holds text the database cannot store (a NUL character, or one its encoding lacks)."

const delivery = {
  method: "POST",
  url: "https://tinbao.example/webhooks/fb-page:1",
  headers: { "content-type": "application/json" },
  body: new TextEncoder().encode('{"object":"page","entry":[]}')
}

// A port's error as the test compares it: its tag, reason and message.
const described = (error: { readonly _tag: string; readonly reason: string; readonly message: string }) => [
  error._tag,
  error.reason,
  error.message
]

for (const backend of backends()) {
  describe(`text the database cannot store, on ${backend.name}`, () => {
    it.live("is each port's bad input, worded without the value, and nothing is stored", () =>
      Effect.gen(function* () {
        const ledger = yield* IntakeLedger.IntakeLedger
        const activity = yield* ConversationActivity.ConversationActivity
        const register = yield* Register.Register
        const store = yield* TipStore.TipStore
        const inbox = yield* Inbox.Inbox
        const errors = [
          yield* Effect.flip(ledger.put("msg:bad\u0000id", entry(1))),
          yield* Effect.flip(ledger.getAll(["msg:bad\u0000id"])),
          yield* Effect.flip(activity.recordInbound("web:x", { kind: "direct", id: "bad\u0000id" }, receivedAt)),
          yield* Effect.flip(register.assign({ unit, unitTag: "NTIEN", tipId: "tip-\u0000", receivedAt })),
          yield* Effect.flip(
            store.append([
              {
                tip: "T-\u0000" as Tip.TipId,
                expectedVersion: 0,
                events: [received("T-\u0000" as Tip.TipId, Unit.UnitId.make("ca-phuong-nam-thanh"), "Trộm xe", true)]
              }
            ])
          ),
          yield* Effect.flip(inbox.store("fb-page:1\u0000", delivery, receivedAt))
        ]
        // The ledger, the activity and the register have no reason for bad input but "corrupt"; none is retried.
        expect(errors.map(described)).toEqual([
          ["IntakeLedgerError", "corrupt", refused],
          ["IntakeLedgerError", "corrupt", refused],
          ["ConversationActivityError", "corrupt", refused],
          ["RegisterError", "corrupt", refused],
          // The core's own check of the event refuses it before it reaches the database.
          ["TipStoreError", "invalid", expect.stringMatching(/^An event to append is malformed: 0\.tip: .*NUL/)],
          ["InboxError", "invalid", refused]
        ])
        for (const table of ["intake_ledger", "conversation_activity", "register_counters", "tip_events", "inbox"]) {
          expect([table, yield* count(table)]).toEqual([table, 0])
        }
      }).pipe(Effect.provide(backend.fresh()(vaultConfig())))
    )

    it.live("in a group commit fails its own block alone, once, and its neighbours are stored", () =>
      Effect.gen(function* () {
        const ledger = yield* IntakeLedger.IntakeLedger
        const activity = yield* ConversationActivity.ConversationActivity
        const runs = Array.from({ length: 12 }, () => 0)
        // Block 4's ledger entry is left to the batch and refused as the batch writes it; block 7's update is a
        // template statement, refused on the transaction's connection.
        const exits = yield* Effect.forEach(
          Array.from({ length: 12 }, (_, n) => n),
          (n) =>
            Transaction.atomically(
              Effect.gen(function* () {
                runs[n]!++
                yield* activity.recordInbound("web:x", { kind: "group", id: `g-${n}` }, receivedAt)
                yield* ledger.put(n === 4 ? "msg:bad\u0000id" : `msg:${n}`, entry(n))
                if (n === 7) yield* activity.recordReply("web:x", { kind: "group", id: "bad\u0000id" }, receivedAt)
              }),
              { key: "one batch" }
            ).pipe(Effect.exit),
          { concurrency: "unbounded" }
        )
        expect(exits.flatMap((exit, n) => (Exit.isFailure(exit) ? [n] : []))).toEqual([4, 7])
        const errorOf = (
          exit: Exit.Exit<unknown, { readonly _tag: string; readonly reason: string; readonly message: string }>
        ) => (Exit.isFailure(exit) ? Option.map(Cause.failureOption(exit.cause), described) : Option.none())
        expect(errorOf(exits[4]!)).toEqual(Option.some(["IntakeLedgerError", "corrupt", refused]))
        expect(errorOf(exits[7]!)).toEqual(Option.some(["ConversationActivityError", "corrupt", refused]))
        // Run at most twice: once in the batch without savepoints, once carefully; never again as a lost try.
        expect(Math.max(...runs)).toBeLessThanOrEqual(2)
        expect(yield* count("intake_ledger")).toBe(10)
        expect(yield* count("conversation_activity")).toBe(10)
      }).pipe(Effect.provide(backend.fresh()(vaultConfig())))
    )

    if (backend.name === "postgresql") {
      it.live("refused by PostgreSQL itself (a read outside a transaction, a bad encoding) is bad input too", () =>
        Effect.gen(function* () {
          const sql = yield* SqlClient
          const activity = yield* ConversationActivity.ConversationActivity
          const store = yield* TipStore.TipStore
          // A template read outside a transaction reaches the database, which refuses the NUL (22021).
          const errors = [
            yield* Effect.flip(activity.get("web:x", { kind: "direct", id: "bad\u0000id" })),
            yield* Effect.flip(store.get("T-\u0000" as Tip.TipId))
          ]
          expect(errors.map(described)).toEqual([
            ["ConversationActivityError", "corrupt", refused],
            ["TipStoreError", "invalid", refused]
          ])
          // What PostgreSQL answers for a character its encoding lacks (22P05), read the same way.
          const untranslatable = yield* Effect.flip(sql`SELECT ${'"\\u0000"'}::jsonb AS j`)
          expect(isInvalidText(untranslatable)).toBe(true)
          expect(isInvalidText(yield* Effect.flip(sql`SELECT 1 / 0 AS n`))).toBe(false)
        }).pipe(Effect.provide(backend.fresh()(vaultConfig())))
      )
    }
  })
}
