import { SqlClient } from "@effect/sql/SqlClient"
import { describe, expect, it } from "@effect/vitest"
import {
  Actor,
  Binding,
  Calendar,
  Category,
  type IdentityVault,
  InboundMessage,
  Intake,
  IntakeLedger,
  Outbox,
  Register,
  type Tip,
  TipStore,
  Tips,
  Transaction,
  UnitDirectory
} from "@tinbao/core"
import { SqlIdentityVault, SqlTipStore } from "@tinbao/sql"
import { NinhBinh } from "@tinbao/testkit"
import {
  Cause,
  Clock,
  Context,
  Data,
  DateTime,
  Effect,
  Exit,
  Fiber,
  FiberRef,
  HashMap,
  Layer,
  Option,
  Redacted,
  Ref,
  Scope
} from "effect"
import { withGathering } from "../src/internal/later.js"
import { prepareInsert } from "../src/internal/prepared.js"
import { backends } from "./backends.js"
import { commitsDuring } from "./commits.js"
import { count, entry, vaultConfig } from "./fixtures.js"

class Boom extends Data.TaggedError("Boom")<{ readonly n: number }> {}

// A service only the callers have, for the blocks that run on a committer's fiber.
class Caller extends Context.Tag("test/Caller")<Caller, number>() {}

// A clock that stands still at `millis`.
const standingClock = (millis: number): Clock.Clock => ({
  [Clock.ClockTypeId]: Clock.ClockTypeId,
  unsafeCurrentTimeMillis: () => millis,
  currentTimeMillis: Effect.succeed(millis),
  unsafeCurrentTimeNanos: () => BigInt(millis) * 1_000_000n,
  currentTimeNanos: Effect.succeed(BigInt(millis) * 1_000_000n),
  sleep: () => Effect.void
})

const unit = NinhBinh.unitIds.ninhTien
const officer = Actor.make("can-bo-ninh-tien", unit, ["officer", "leader"])
const receiveInput: Tips.Receive = {
  unit,
  channel: "zalo",
  channelId: "oa-ninh-tien",
  identity: Redacted.make({ channel: "oa-ninh-tien", platformUserId: "zalo-user-1" }),
  reporterKind: "individual",
  legalType: "to_giac",
  category: Category.CategoryId.make("stolen_property"),
  summary: "Mất trộm xe máy trước cửa nhà văn hoá thôn."
}

const recordUnits = Effect.flatMap(UnitDirectory.UnitDirectory, (d) => d.record(NinhBinh.changes))

// Tip events a store wrote, and then the disk went away before the caller heard back.
const storeThatFailsAfterWriting = Layer.effect(
  TipStore.TipStore,
  Effect.map(SqlTipStore.make, (store) =>
    TipStore.TipStore.of({
      ...store,
      append: (batch) =>
        Effect.zipRight(
          store.append(batch),
          new TipStore.TipStoreError({ reason: "unavailable", message: "The disk went away." })
        )
    })
  )
)

for (const backend of backends()) {
  // Tips over a fresh database of the backend, with the Vietnamese calendar.
  const withTips = () =>
    Tips.layer().pipe(Layer.provideMerge(Calendar.layerVietnam), Layer.provideMerge(backend.fresh()(vaultConfig())))

  describe(`SqlTransaction on ${backend.name}`, () => {
    it.live("stores the blocks of a batch together, except the one that failed, whose caller gets its own error", () =>
      Effect.gen(function* () {
        const ledger = yield* IntakeLedger.IntakeLedger
        const runs = Array.from({ length: 40 }, () => 0)
        const exits = yield* Effect.forEach(
          Array.from({ length: 40 }, (_, n) => n),
          (n) =>
            Transaction.atomically(
              Effect.gen(function* () {
                runs[n]!++
                yield* ledger.put(`a:${n}`, entry(n))
                yield* ledger.put(`b:${n}`, entry(n))
                if (n % 13 === 7) return yield* new Boom({ n })
                return n
              })
            ).pipe(Effect.exit),
          { concurrency: "unbounded" }
        )
        const failed = exits.flatMap((exit, n) => (exit._tag === "Failure" ? [n] : []))
        expect(failed).toEqual([7, 20, 33])
        expect(yield* count("intake_ledger")).toBe(2 * (40 - 3))
        for (const n of failed) {
          expect((yield* ledger.get(`a:${n}`))._tag).toBe("None")
          expect(String(exits[n])).toContain("Boom")
          expect(runs[n]).toBe(1)
        }
        // A failure undoes its batch: the blocks before it in the batch run again, once, and are stored once.
        expect(Math.max(...runs)).toBeLessThanOrEqual(2)
        expect(runs.filter((r) => r === 2).length).toBeGreaterThan(0)
      }).pipe(Effect.provide(backend.fresh()(vaultConfig())))
    )

    it.live("joins a nested block to the outer one: the outer failure undoes both", () =>
      Effect.gen(function* () {
        const ledger = yield* IntakeLedger.IntakeLedger
        const error = yield* Effect.flip(
          Transaction.atomically(
            Effect.gen(function* () {
              yield* Transaction.atomically(ledger.put("inner", entry(1)))
              yield* ledger.put("outer", entry(2))
              return yield* new Boom({ n: 0 })
            })
          )
        )
        expect(error._tag).toBe("Boom")
        expect(yield* count("intake_ledger")).toBe(0)
      }).pipe(Effect.provide(backend.fresh()(vaultConfig())))
    )

    it.live("runs a batch again when a block lost to another transaction, and stores it once", () =>
      Effect.gen(function* () {
        const ledger = yield* IntakeLedger.IntakeLedger
        let runs = 0
        const block = Effect.gen(function* () {
          runs++
          yield* ledger.put(`attempt:${runs}`, entry(runs))
          // What a driver reports for a deadlock: the database picked this transaction to give up.
          if (runs === 1) return yield* Effect.fail({ code: "40P01", message: "deadlock detected" })
          return runs
        })
        expect(yield* Transaction.atomically(block)).toBe(2)
        expect(yield* count("intake_ledger")).toBe(1)
        expect((yield* ledger.get("attempt:1"))._tag).toBe("None")
      }).pipe(Effect.provide(backend.fresh()(vaultConfig())))
    )

    it.live("gives up after the retries, with the block's own error and nothing stored", () =>
      Effect.gen(function* () {
        const ledger = yield* IntakeLedger.IntakeLedger
        let runs = 0
        const error = yield* Effect.flip(
          Transaction.atomically(
            Effect.zipRight(
              Effect.suspend(() => ledger.put(`attempt:${++runs}`, entry(runs))),
              Effect.fail({ code: "SQLITE_BUSY", message: "database is locked" })
            )
          )
        )
        expect(error).toEqual({ code: "SQLITE_BUSY", message: "database is locked" })
        expect(runs).toBe(3)
        expect(yield* count("intake_ledger")).toBe(0)
      }).pipe(Effect.provide(backend.fresh()({ ...vaultConfig(), groupCommit: { retries: 2 } })))
    )

    it.live("receives a tip atomically: a failure after the append leaves no register number and no sealed alias", () =>
      Effect.gen(function* () {
        yield* recordUnits
        const tips = yield* Tips.Tips
        const error = yield* Effect.flip(tips.receive(officer, receiveInput))
        expect(error._tag).toBe("TipStoreError")
        expect(yield* count("register_entries")).toBe(0)
        expect(yield* count("vault")).toBe(0)
        expect(yield* count("tip_events")).toBe(0)
      }).pipe(
        Effect.provide(
          Tips.layer().pipe(
            Layer.provide(storeThatFailsAfterWriting),
            Layer.provideMerge(Calendar.layerVietnam),
            Layer.provideMerge(backend.fresh()(vaultConfig()))
          )
        )
      )
    )

    it.live("takes a message in atomically: when the acknowledgement cannot be queued, no tip is left behind", () =>
      Effect.gen(function* () {
        yield* recordUnits
        yield* Effect.flatMap(Binding.Bindings, (b) => b.bind(new Binding.Binding({ channel: "web:ninh-tien", unit })))
        const intake = yield* Intake.Intake
        const message = InboundMessage.InboundMessage.make({
          kind: "message",
          channel: "web:ninh-tien",
          platformMessageId: "m-1",
          conversation: InboundMessage.direct("reporter-1"),
          sender: Redacted.make({ platformUserId: "reporter-1" }),
          text: "Có người lạ đột nhập kho hợp tác xã",
          sentAt: DateTime.unsafeMake(Date.UTC(2024, 2, 4, 2))
        })
        const error = yield* Effect.flip(intake.handle(message, "web"))
        expect(error._tag).toBe("OutboxError")
        for (const table of ["tip_events", "register_entries", "vault", "intake_ledger", "outbox"]) {
          expect([table, yield* count(table)]).toEqual([table, 0])
        }
      }).pipe(
        Effect.provide(
          Intake.layer().pipe(
            Layer.provide(
              Layer.succeed(
                Outbox.Outbox,
                Outbox.Outbox.of({
                  ...Outbox.makeEncoded(Outbox.makeMemoryEncoded()),
                  enqueue: () => new Outbox.OutboxError({ reason: "unavailable", message: "The outbox is full." })
                })
              )
            ),
            Layer.provideMerge(Tips.layer()),
            Layer.provideMerge(Calendar.layerVietnam),
            Layer.provideMerge(backend.fresh()(vaultConfig()))
          )
        )
      )
    )

    it.live("writes the rows blocks leave to their batch with it, and none of a block that failed", () =>
      Effect.gen(function* () {
        yield* recordUnits
        const tips = yield* Tips.Tips
        const tables = ["tip_events", "register_entries", "vault", "tips", "stat_tips"]
        // A new tip's sealed identity, register entry, listing row and statistics row are left to the batch; its
        // event is written by the block.
        yield* Effect.forEach(
          Array.from({ length: 20 }, () => receiveInput),
          (input) => Transaction.atomically(tips.receive(officer, input), { key: unit }),
          { concurrency: "unbounded", discard: true }
        )
        for (const table of tables) expect([table, yield* count(table)]).toEqual([table, 20])
        const exits = yield* Effect.forEach(
          Array.from({ length: 30 }, (_, n) => n),
          (n) =>
            Transaction.atomically(
              Effect.zipRight(tips.receive(officer, receiveInput), n % 11 === 4 ? new Boom({ n }) : Effect.succeed(n)),
              { key: unit }
            ).pipe(Effect.exit),
          { concurrency: "unbounded" }
        )
        expect(exits.flatMap((exit, n) => (exit._tag === "Failure" ? [n] : []))).toEqual([4, 15, 26])
        for (const table of tables) expect([table, yield* count(table)]).toEqual([table, 20 + 27])
      }).pipe(Effect.provide(withTips()))
    )

    it.live(
      "runs a batch again carefully when the rows its blocks left cannot be written: only their block fails",
      () =>
        Effect.gen(function* () {
          const store = yield* SqlIdentityVault.makeStore(vaultConfig().vault)
          const alias = "AL-ABCDEFGHJKMNPQRS" as IdentityVault.AliasId
          const identity = (n: number) => Redacted.make(JSON.stringify({ channel: "web:x", platformUserId: `u-${n}` }))
          // Two blocks seal under one alias, in one batch (one key, one committer): left to the batch, the second row
          // breaks its multi-row insert.
          const exits = yield* Effect.forEach(
            [1, 2],
            (n) =>
              Transaction.atomically(Effect.as(store.put(alias, identity(n)), n), { key: alias }).pipe(Effect.exit),
            { concurrency: "unbounded" }
          )
          expect(exits.map((exit) => exit._tag).sort()).toEqual(["Failure", "Success"])
          expect(yield* count("vault")).toBe(1)
        }).pipe(Effect.provide(backend.fresh()(vaultConfig())))
    )

    it.live("seals the identities left to a batch as it writes them, each under its own alias and nonce", () =>
      Effect.gen(function* () {
        const sql = yield* SqlClient
        const store = yield* SqlIdentityVault.makeStore(vaultConfig().vault)
        const aliases = Array.from({ length: 6 }, (_, n) => `AL-ABCDEFGHJKMNPQ${"RSTVWX"[n]}0` as IdentityVault.AliasId)
        const identity = (n: number) => JSON.stringify({ channel: "web:x", platformUserId: `u-${n}` })
        const ledger = yield* IntakeLedger.IntakeLedger
        // One key, one committer, one batch; with a ledger entry each, so that on PostgreSQL the batch writes both
        // tables in one statement.
        yield* Effect.forEach(
          aliases,
          (alias, n) =>
            Transaction.atomically(
              Effect.zipRight(ledger.put(alias, entry(n)), store.put(alias, Redacted.make(identity(n)))),
              { key: "vault" }
            ),
          { concurrency: "unbounded", discard: true }
        )
        const opened = yield* Effect.forEach(aliases, (alias) => store.get(alias))
        expect(
          opened.map((found) =>
            Option.isSome(found) && found.value._tag === "Sealed" ? Redacted.value(found.value.identity) : undefined
          )
        ).toEqual(aliases.map((_, n) => identity(n)))
        const rows = yield* sql.unsafe<{ iv: string; ciphertext: string }>("SELECT iv, ciphertext FROM vault")
        expect(new Set(rows.map((row) => row.iv)).size).toBe(aliases.length)
        expect(
          rows.some((row) => row.ciphertext.includes("u-") || Buffer.from(row.ciphertext, "base64").includes("u-"))
        ).toBe(false)
      }).pipe(Effect.provide(backend.fresh()(vaultConfig())))
    )

    it.live("answers an acknowledgement queued twice in one batch as queued before, and stores it once", () =>
      Effect.gen(function* () {
        const outbox = yield* Outbox.Outbox
        const alias = "AL-ABCDEFGHJKMNPQRS" as IdentityVault.AliasId
        const message = (key: string, text: string): Outbox.Message => ({
          key,
          channel: "web:x",
          conversation: { kind: "direct", id: alias },
          recipient: alias,
          text
        })
        // One key, one committer, one batch: the first enqueue of "twice" leaves its row to the batch, and the
        // second's row then breaks the batch's insert; run again carefully, the second finds the first's row.
        const enqueued = yield* Effect.forEach(
          Array.from({ length: 12 }, (_, n) => n),
          (n) =>
            Transaction.atomically(outbox.enqueue(message(n % 5 === 2 ? "twice" : `once:${n}`, `tin ${n}`)), {
              key: "outbox"
            }),
          { concurrency: "unbounded" }
        )
        const twice = enqueued.filter((e) => e.entry.key === "twice")
        expect(twice.map((e) => [e.created, e.entry.text])).toEqual([
          [true, "tin 2"],
          [false, "tin 2"]
        ])
        expect(enqueued.filter((e) => e.created).length).toBe(11)
        expect(yield* count("outbox")).toBe(11)
      }).pipe(Effect.provide(backend.fresh()(vaultConfig())))
    )

    it.live("gives a tip registered twice in one batch its one entry, and keeps the register gapless", () =>
      Effect.gen(function* () {
        const register = yield* Register.Register
        const receivedAt = DateTime.unsafeMake(Date.UTC(2024, 5, 1, 3))
        const assign = (tipId: string, at = unit) =>
          Transaction.atomically(register.assign({ unit: at, unitTag: "NTIEN", tipId, receivedAt }), { key: unit })
        // Tip 3 twice (the same entry back), and once into another unit (refused); in one batch, each entry left
        // to it, so the batch runs again carefully, where each block sees what the ones before it wrote.
        const exits = yield* Effect.forEach(
          ["tip-1", "tip-2", "tip-3", "tip-4", "tip-3", "tip-5", "tip-3"],
          (tip, n) => Effect.exit(n === 6 ? assign(tip, NinhBinh.unitIds.ninhSon) : assign(tip)),
          { concurrency: "unbounded" }
        )
        expect(exits.map((exit) => exit._tag)).toEqual([
          "Success",
          "Success",
          "Success",
          "Success",
          "Success",
          "Success",
          "Failure"
        ])
        const codes = exits.map((exit) => (exit._tag === "Success" ? exit.value.code : undefined))
        expect(codes[4]).toBe(codes[2])
        const entries = yield* register.entries(unit, 2024)
        expect(entries.map((e) => [e.number, e.tipId])).toEqual([
          [1, "tip-1"],
          [2, "tip-2"],
          [3, "tip-3"],
          [4, "tip-4"],
          [5, "tip-5"]
        ])
      }).pipe(Effect.provide(backend.fresh()(vaultConfig())))
    )

    it.live("reads back in a later block of a batch the ledger entries an earlier one left to it", () =>
      Effect.gen(function* () {
        const ledger = yield* IntakeLedger.IntakeLedger
        yield* ledger.put("stored", entry(100))
        // One key, one committer, one batch: each block puts its entry and reads every key so far, left to the
        // batch or stored before it.
        const seen = yield* Effect.forEach(
          [1, 2, 3, 4],
          (n) =>
            Transaction.atomically(
              Effect.zipRight(
                ledger.putAll([[n === 3 ? "k1" : `k${n}`, entry(n)]]),
                ledger.getAll(["stored", "k1", "k2", "k4"])
              ),
              { key: "ledger" }
            ),
          { concurrency: "unbounded" }
        )
        expect(seen.map((found) => Object.fromEntries([...found].map(([key, e]) => [key, e.at])))).toEqual([
          { stored: 100, k1: 1 },
          { stored: 100, k1: 1, k2: 2 },
          { stored: 100, k1: 3, k2: 2 },
          { stored: 100, k1: 3, k2: 2, k4: 4 }
        ])
        const stored = yield* ledger.getAll(["stored", "k1", "k2", "k4"])
        expect(Object.fromEntries([...stored].map(([key, e]) => [key, e.at]))).toEqual({
          stored: 100,
          k1: 3,
          k2: 2,
          k4: 4
        })
        expect(yield* count("intake_ledger")).toBe(4)
      }).pipe(Effect.provide(backend.fresh()(vaultConfig())))
    )

    it.live("refuses a ledger entry that does not encode, in a batch only its own block, and stores the others", () =>
      Effect.gen(function* () {
        const ledger = yield* IntakeLedger.IntakeLedger
        // Not an entry: `at` is no number (a caller that cast its way past the types).
        const bad = { tip: "T-x", at: "yesterday" } as unknown as IntakeLedger.Entry
        const alone = yield* Effect.flip(ledger.put("alone", bad))
        expect([alone._tag, alone.reason]).toEqual(["IntakeLedgerError", "corrupt"])
        // One key, one committer, one batch: the bad entry is left to the batch like the others, fails its write,
        // and the batch runs again carefully, where only its own block fails, with the same error.
        const exits = yield* Effect.forEach(
          [0, 1, 2, 3],
          (n) =>
            Transaction.atomically(ledger.put(`k${n}`, n === 2 ? bad : entry(n)), { key: "ledger" }).pipe(Effect.exit),
          { concurrency: "unbounded" }
        )
        expect(exits.map((exit) => exit._tag)).toEqual(["Success", "Success", "Failure", "Success"])
        const failure = exits[2]!._tag === "Failure" ? Cause.failureOption(exits[2]!.cause) : Option.none()
        expect(Option.map(failure, (e) => (e as IntakeLedger.IntakeLedgerError).reason)).toEqual(Option.some("corrupt"))
        const stored = yield* ledger.getAll(["alone", "k0", "k1", "k2", "k3"])
        expect([...stored.keys()].sort()).toEqual(["k0", "k1", "k3"])
      }).pipe(Effect.provide(backend.fresh()(vaultConfig())))
    )

    it.live("numbers a unit's entries on from its counter within a batch, gapless within and across batches", () =>
      Effect.gen(function* () {
        const sql = yield* SqlClient
        const register = yield* Register.Register
        const receivedAt = DateTime.unsafeMake(Date.UTC(2024, 5, 1, 3))
        const other = NinhBinh.unitIds.ninhSon
        const assign = (n: number) =>
          Transaction.atomically(
            register.assign({
              unit: n % 3 === 0 ? other : unit,
              unitTag: n % 3 === 0 ? "NSON" : "NTIEN",
              tipId: `tip-${n}`,
              receivedAt
            }),
            { key: "register" }
          )
        const counters = Effect.map(
          sql.unsafe<{ unit: string; last: number | string }>("SELECT unit, last FROM register_counters"),
          (rows) => Object.fromEntries(rows.map((c) => [c.unit, Number(c.last)]))
        )
        // Two batches of interleaved units, one after the other; the counters are stored after each.
        yield* Effect.forEach(
          Array.from({ length: 12 }, (_, n) => n),
          assign,
          { concurrency: "unbounded" }
        )
        expect(yield* counters).toEqual({ [unit]: 8, [other]: 4 })
        yield* Effect.forEach(
          Array.from({ length: 6 }, (_, n) => 12 + n),
          assign,
          { concurrency: "unbounded" }
        )
        const numbers = (at: typeof unit) =>
          Effect.map(register.entries(at, 2024), (entries) => entries.map((e) => e.number))
        expect(yield* numbers(unit)).toEqual(Array.from({ length: 12 }, (_, n) => n + 1))
        expect(yield* numbers(other)).toEqual(Array.from({ length: 6 }, (_, n) => n + 1))
        expect(yield* counters).toEqual({ [unit]: 12, [other]: 6 })
      }).pipe(Effect.provide(backend.fresh()(vaultConfig())))
    )

    it.live("runs a batch again carefully when a nested savepoint writes what the block left to the batch", () =>
      Effect.gen(function* () {
        const sql = yield* SqlClient
        const ledger = yield* IntakeLedger.IntakeLedger
        const register = yield* Register.Register
        const receivedAt = DateTime.unsafeMake(Date.UTC(2024, 5, 1, 3))
        const assign = (tipId: string) => register.assign({ unit, unitTag: "NTIEN", tipId, receivedAt })
        const [kept, undone, numbered] = yield* Effect.all(
          [
            // The savepoint's entry is the later one, and it stands.
            Transaction.atomically(
              Effect.gen(function* () {
                yield* ledger.put("kept", entry(1))
                yield* sql.withTransaction(ledger.put("kept", entry(2)))
                return yield* ledger.get("kept")
              })
            ),
            // The savepoint is rolled back: the block's own entry stands.
            Transaction.atomically(
              Effect.gen(function* () {
                yield* ledger.put("undone", entry(3))
                yield* Effect.ignore(
                  sql.withTransaction(Effect.zipRight(ledger.put("undone", entry(4)), Effect.fail(0)))
                )
                return yield* ledger.get("undone")
              })
            ),
            // A number taken in a savepoint after the block took one.
            Transaction.atomically(
              Effect.gen(function* () {
                const first = yield* assign("tip-a")
                const second = yield* sql.withTransaction(assign("tip-b"))
                return [first.number, second.number]
              })
            )
          ],
          { concurrency: "unbounded" }
        )
        expect(Option.map(kept, (e) => e.at)).toEqual(Option.some(2))
        expect(Option.map(undone, (e) => e.at)).toEqual(Option.some(3))
        expect(numbered).toEqual([1, 2])
        expect(Option.map(yield* ledger.get("kept"), (e) => e.at)).toEqual(Option.some(2))
        expect(Option.map(yield* ledger.get("undone"), (e) => e.at)).toEqual(Option.some(3))
        const third = yield* Transaction.atomically(assign("tip-c"))
        expect(third.number).toBe(3)
        const entries = yield* register.entries(unit, 2024)
        expect(entries.map((e) => [e.number, e.tipId])).toEqual([
          [1, "tip-a"],
          [2, "tip-b"],
          [3, "tip-c"]
        ])
      }).pipe(Effect.provide(backend.fresh()(vaultConfig())))
    )

    it.live(
      "asks for care from the batch, not through its blocks: a block that catches the ask still gets its result",
      () =>
        Effect.gen(function* () {
          const sql = yield* SqlClient
          const ledger = yield* IntakeLedger.IntakeLedger
          const register = yield* Register.Register
          const receivedAt = DateTime.unsafeMake(Date.UTC(2024, 5, 1, 3))
          const assign = (tipId: string) => register.assign({ unit, unitTag: "NTIEN", tipId, receivedAt })
          // Each nested write asks for the batch to run carefully, and the block catches whatever it ends in, failure
          // or defect: its caller must still get what the write gives when run carefully, not the ask.
          const outcome = <A>(exit: Exit.Exit<A, unknown>) =>
            Exit.isSuccess(exit) ? exit.value : Cause.pretty(exit.cause)
          const [numbers, kept] = yield* Effect.all(
            [
              Transaction.atomically(
                Effect.gen(function* () {
                  const first = yield* assign("tip-a")
                  const second = yield* Effect.exit(sql.withTransaction(assign("tip-b")))
                  return [first.number, outcome(Exit.map(second, (e) => e.number))]
                })
              ),
              Transaction.atomically(
                Effect.gen(function* () {
                  yield* ledger.put("kept", entry(1))
                  return outcome(
                    yield* Effect.exit(sql.withTransaction(Effect.as(ledger.put("kept", entry(2)), "stored")))
                  )
                })
              )
            ],
            { concurrency: "unbounded" }
          )
          expect(numbers).toEqual([1, 2])
          expect(kept).toBe("stored")
          expect(Option.map(yield* ledger.get("kept"), (e) => e.at)).toEqual(Option.some(2))
          expect((yield* register.entries(unit, 2024)).map((e) => [e.number, e.tipId])).toEqual([
            [1, "tip-a"],
            [2, "tip-b"]
          ])
        }).pipe(Effect.provide(backend.fresh()(vaultConfig())))
    )

    it.live("gives a block that dies its own defect, once, and never takes the defect for an ask for care", () =>
      Effect.gen(function* () {
        const ledger = yield* IntakeLedger.IntakeLedger
        const bug = new Error("a bug in block 2")
        const runs = [0, 0, 0, 0, 0]
        // One key, one committer, one batch.
        const exits = yield* Effect.forEach(
          runs.keys(),
          (n) =>
            Transaction.atomically(
              Effect.gen(function* () {
                runs[n]!++
                yield* ledger.put(`k${n}`, entry(n))
                if (n === 2) throw bug
                return n
              }),
              { key: "ledger" }
            ).pipe(Effect.exit),
          { concurrency: "unbounded" }
        )
        expect(exits.map((exit) => exit._tag)).toEqual(["Success", "Success", "Failure", "Success", "Success"])
        const failed = exits[2]!
        // The defect itself, as the block threw it (Effect may hand on a copy that carries its spans).
        const defect = Exit.isFailure(failed) ? Option.getOrUndefined(Cause.dieOption(failed.cause)) : undefined
        expect([defect instanceof Error, (defect as Error | undefined)?.message]).toEqual([true, bug.message])
        // Had the defect been taken for an ask for care, block 2 would have run again, carefully.
        expect(runs[2]).toBe(1)
        expect(Math.max(...runs)).toBeLessThanOrEqual(2)
        const stored = yield* ledger.getAll(["k0", "k1", "k2", "k3", "k4"])
        expect([...stored.keys()].sort()).toEqual(["k0", "k1", "k3", "k4"])
      }).pipe(Effect.provide(backend.fresh()(vaultConfig())))
    )

    it.live("keeps a new tip's events with its batch, where its block and the later ones read and extend them", () =>
      Effect.gen(function* () {
        yield* recordUnits
        const sql = yield* SqlClient
        const tips = yield* Tips.Tips
        const note = (tip: Tip.Tip, text: string) =>
          tips.execute(officer, { tip: tip.id, expectedVersion: tip.version, command: { _tag: "AddNote", text } })
        const first = yield* Ref.make(Option.none<Tip.Tip>())
        // One key, one committer, one batch: a tip received and noted in one block, another received in the next,
        // and the first tip read, noted, and noted again at a version it has left behind, in the third.
        const [a, , [noted, stale]] = yield* Effect.all(
          [
            Transaction.atomically(
              Effect.gen(function* () {
                const tip = yield* note(yield* tips.receive(officer, receiveInput), "ghi chú 1")
                yield* Ref.set(first, Option.some(tip))
                return tip
              }),
              { key: unit }
            ),
            Transaction.atomically(tips.receive(officer, receiveInput), { key: unit }),
            Transaction.atomically(
              Effect.gen(function* () {
                const tip = yield* Effect.flatMap(Ref.get(first), (known) =>
                  tips.get(officer, Option.getOrThrow(known).id)
                )
                const noted = yield* note(tip, "ghi chú 2")
                return [noted, yield* Effect.flip(note(tip, "ghi chú 3"))] as const
              }),
              { key: unit }
            )
          ],
          { concurrency: "unbounded" }
        )
        expect(a.version).toBe(2)
        expect(noted.version).toBe(3)
        expect(stale._tag).toBe("VersionConflict")
        const history = yield* tips.history(officer, a.id)
        expect(history.map((e) => e._tag)).toEqual(["TipReceived", "NoteAdded", "NoteAdded"])
        const stored = yield* sql.unsafe<{ version: number | string }>(
          `SELECT version FROM tip_events WHERE tip = '${a.id}' ORDER BY position`
        )
        expect(stored.map((row) => Number(row.version))).toEqual([1, 2, 3])
        expect(yield* count("tip_events")).toBe(4)
        expect(yield* count("tips")).toBe(2)
      }).pipe(Effect.provide(withTips()))
    )

    it.live("runs a batch again carefully when a new tip of the batch is extended in a nested savepoint", () =>
      Effect.gen(function* () {
        yield* recordUnits
        const sql = yield* SqlClient
        const tips = yield* Tips.Tips
        const tip = yield* Transaction.atomically(
          Effect.gen(function* () {
            const tip = yield* tips.receive(officer, receiveInput)
            return yield* sql.withTransaction(
              tips.execute(officer, {
                tip: tip.id,
                expectedVersion: tip.version,
                command: { _tag: "AddNote", text: "ghi chú" }
              })
            )
          })
        )
        expect(tip.version).toBe(2)
        expect((yield* tips.history(officer, tip.id)).map((e) => e._tag)).toEqual(["TipReceived", "NoteAdded"])
        expect(yield* count("tip_events")).toBe(2)
      }).pipe(Effect.provide(withTips()))
    )

    it.live("does the work blocks leave for the flush first, and runs the batch again carefully when it fails", () =>
      Effect.gen(function* () {
        const sql = yield* SqlClient
        yield* sql.unsafe("CREATE TABLE marks (k TEXT PRIMARY KEY)")
        const marks = prepareInsert(sql, "marks", ["k"])
        const runs: Array<string> = []
        // Block 3's work fails: at the flush, which then runs the batch again carefully, and in its block there.
        const work = (n: number) =>
          n === 3 ? Effect.fail(new Boom({ n })) : Effect.sync(() => runs.push(`${n}`)).pipe(Effect.as({ k: `k${n}` }))
        const block = (n: number) =>
          withGathering((batch, own) =>
            batch !== undefined && own
              ? Effect.sync(() => batch.atFlush(Effect.map(work(n), (row) => batch.leave(marks, row))))
              : Effect.flatMap(work(n), (row) => marks([row]))
          )
        const exits = yield* Effect.forEach(
          [0, 1, 2, 3, 4],
          (n) => Transaction.atomically(block(n), { key: "marks" }).pipe(Effect.exit),
          { concurrency: "unbounded" }
        )
        expect(exits.map((exit) => exit._tag)).toEqual(["Success", "Success", "Success", "Failure", "Success"])
        // At the flush, 0, 1 and 2 before 3 failed; then each in its own block.
        expect(runs).toEqual(["0", "1", "2", "0", "1", "2", "4"])
        const stored = yield* sql.unsafe<{ k: string }>("SELECT k FROM marks ORDER BY k")
        expect(stored.map((row) => row.k)).toEqual(["k0", "k1", "k2", "k4"])
      }).pipe(Effect.provide(backend.fresh()(vaultConfig())))
    )

    it.live("writes at once what a block writes in a nested savepoint, so that rolling that back undoes it", () =>
      Effect.gen(function* () {
        const sql = yield* SqlClient
        const store = yield* SqlIdentityVault.makeStore(vaultConfig().vault)
        const sealed = (alias: string, n: number) =>
          store.put(
            alias as IdentityVault.AliasId,
            Redacted.make(JSON.stringify({ channel: "web:x", platformUserId: `u-${n}` }))
          )
        yield* Transaction.atomically(
          Effect.gen(function* () {
            yield* sealed("AL-ABCDEFGHJKMNPQRS", 1)
            // Rolled back, and the block goes on.
            yield* Effect.ignore(sql.withTransaction(Effect.zipRight(sealed("AL-ABCDEFGHJKMNPQRT", 2), Effect.fail(0))))
          })
        )
        expect(yield* count("vault")).toBe(1)
      }).pipe(Effect.provide(backend.fresh()(vaultConfig())))
    )

    it.live("tells callers still waiting when storage closes, instead of leaving them waiting", () =>
      Effect.gen(function* () {
        const scope = yield* Scope.make()
        // One committer, so that the blocks queued behind the running one are still waiting when storage closes.
        const config = { ...vaultConfig(), groupCommit: { committers: 1 } }
        const services = yield* Layer.buildWithScope(backend.fresh()(config), scope)
        const transaction = Context.get(services, Transaction.Transaction)
        const ledger = Context.get(services, IntakeLedger.IntakeLedger)
        const running = yield* Effect.fork(
          transaction.atomically(Effect.zipRight(ledger.put("a", entry(1)), Effect.sleep("2 seconds")))
        )
        yield* Effect.sleep("100 millis")
        const queued = yield* Effect.fork(
          Effect.all(
            Array.from({ length: 8 }, (_, n) => transaction.atomically(ledger.put(`b:${n}`, entry(n)))),
            { concurrency: "unbounded" }
          )
        )
        yield* Effect.sleep("100 millis")
        yield* Scope.close(scope, Exit.void)
        for (const exit of [yield* Fiber.await(running), yield* Fiber.await(queued)]) {
          expect(exit._tag).toBe("Failure")
          expect(String(exit)).toContain("TransactionError")
        }
      }).pipe(Effect.timeout("10 seconds"))
    )

    it.live("runs each block of a batch with its own caller's services, clock and log annotations", () =>
      Effect.gen(function* () {
        const ledger = yield* IntakeLedger.IntakeLedger
        const callers = Array.from({ length: 30 }, (_, n) => n)
        const seen = yield* Effect.forEach(
          callers,
          (n) =>
            Transaction.atomically(
              Effect.gen(function* () {
                yield* ledger.put(`k:${n}`, entry(n))
                const annotations = yield* FiberRef.get(FiberRef.currentLogAnnotations)
                return [yield* Caller, yield* Clock.currentTimeMillis, HashMap.get(annotations, "caller")] as const
              })
            ).pipe(
              Effect.provideService(Caller, n),
              Effect.withClock(standingClock(1_000 + n)),
              Effect.annotateLogs("caller", n)
            ),
          { concurrency: "unbounded" }
        )
        expect(seen).toEqual(callers.map((n) => [n, 1_000 + n, Option.some(n)]))
        // A block whose caller set none of them sees the live clock and no annotation.
        const [now, annotated] = yield* Transaction.atomically(
          Effect.all([Clock.currentTimeMillis, Effect.map(FiberRef.get(FiberRef.currentLogAnnotations), HashMap.size)])
        )
        expect(now).toBeGreaterThan(Date.UTC(2026, 0, 1))
        expect(annotated).toBe(0)
        expect(yield* count("intake_ledger")).toBe(callers.length)
      }).pipe(Effect.provide(backend.fresh()(vaultConfig())))
    )

    if (backend.name === "sqlite") {
      it.live("commits blocks whose callers come in on consecutive turns of the event loop together", () =>
        Effect.gen(function* () {
          const ledger = yield* IntakeLedger.IntakeLedger
          // The first caller comes in at once, the others on the next turn of the loop, as webhook requests that
          // came in while a statement held the loop do.
          const turn = Effect.async<void>((resume) => {
            setImmediate(() => resume(Effect.void))
          })
          const [, commits] = yield* commitsDuring(
            Effect.forEach(
              Array.from({ length: 30 }, (_, n) => n),
              (n) =>
                Effect.zipRight(n === 0 ? Effect.void : turn, Transaction.atomically(ledger.put(`k:${n}`, entry(n)))),
              { concurrency: "unbounded" }
            )
          )
          // One commit a caller when a batch closed with the blocks queued in its first instant.
          expect(commits).toBeGreaterThan(0)
          expect(commits).toBeLessThan(10)
          expect(yield* count("intake_ledger")).toBe(30)
        }).pipe(Effect.provide(backend.fresh()(vaultConfig())))
      )
    }

    if (backend.name === "postgresql") {
      it.live("commits blocks that arrive together in fewer transactions than blocks", () =>
        Effect.gen(function* () {
          const sql = yield* SqlClient
          const ledger = yield* IntakeLedger.IntakeLedger
          const txids = yield* Effect.forEach(
            Array.from({ length: 60 }, (_, n) => n),
            (n) =>
              Transaction.atomically(
                Effect.zipRight(
                  ledger.put(`k:${n}`, entry(n)),
                  Effect.map(sql<{ id: string }>`SELECT txid_current()::text AS id`, (rows) => rows[0]!.id)
                )
              ),
            { concurrency: "unbounded" }
          )
          expect(new Set(txids).size).toBeLessThan(txids.length)
          expect(yield* count("intake_ledger")).toBe(60)
        }).pipe(Effect.provide(backend.fresh()(vaultConfig())))
      )
    }
  })
}
