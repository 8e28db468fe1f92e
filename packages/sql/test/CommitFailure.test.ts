// A COMMIT that fails: run again when the database gave up on it because of another transaction, final otherwise,
// and the connection left clean either way.
import { SqlClient } from "@effect/sql/SqlClient"
import { describe, expect, it } from "@effect/vitest"
import { IntakeLedger, Register, Transaction } from "@tinbao/core"
import { NinhBinh } from "@tinbao/testkit"
import { DateTime, Effect } from "effect"
import { backends } from "./backends.js"
import { count, entry, vaultConfig } from "./fixtures.js"

const unit = NinhBinh.unitIds.ninhTien
const receivedAt = DateTime.unsafeMake(Date.UTC(2024, 5, 1, 3))

// On PostgreSQL, a constraint trigger checked at COMMIT that fails the first `times` commits writing the intake
// ledger with a serialisation failure (40001), as SERIALIZABLE does when it finds a conflict only at COMMIT. A
// sequence counts, since it is not rolled back with the transaction that fails.
const failCommits = (times: number) =>
  Effect.flatMap(SqlClient, (sql) =>
    Effect.all([
      sql`CREATE SEQUENCE commit_faults`,
      sql.unsafe(`CREATE FUNCTION fail_commit() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF nextval('commit_faults') <= ${times} THEN
            RAISE EXCEPTION 'could not serialize access' USING ERRCODE = '40001';
          END IF;
          RETURN NULL;
        END $$`),
      sql`CREATE CONSTRAINT TRIGGER fail_commit AFTER INSERT ON intake_ledger
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION fail_commit()`
    ])
  )

// A foreign key checked at COMMIT, on both databases: a child without its parent fails the COMMIT for good.
const deferredKey = Effect.flatMap(SqlClient, (sql) =>
  Effect.all([
    sql`CREATE TABLE parents (k TEXT PRIMARY KEY)`,
    sql`CREATE TABLE children (k TEXT REFERENCES parents (k) DEFERRABLE INITIALLY DEFERRED)`
  ])
)

for (const backend of backends()) {
  describe(`a failed COMMIT on ${backend.name}`, () => {
    it.live("that cannot succeed fails its batch's callers, stores nothing, and leaves the connection clean", () =>
      Effect.gen(function* () {
        const sql = yield* SqlClient
        const ledger = yield* IntakeLedger.IntakeLedger
        yield* deferredKey
        let runs = 0
        const error = yield* Effect.flip(
          Transaction.atomically(
            Effect.gen(function* () {
              runs++
              yield* ledger.put("orphaned", entry(1))
              yield* Effect.orDie(sql`INSERT INTO children (k) VALUES ('nobody')`)
            })
          )
        )
        expect([error._tag, error.reason]).toEqual(["TransactionError", "unavailable"])
        expect(runs).toBe(1)
        expect(yield* count("intake_ledger")).toBe(0)
        expect(yield* count("children")).toBe(0)
        // The next batches begin and commit: no transaction was left open on a connection (SQLite keeps a
        // transaction whose COMMIT failed open, and has one connection).
        yield* Effect.forEach([1, 2, 3], (n) => Transaction.atomically(ledger.put(`after:${n}`, entry(n))), {
          concurrency: "unbounded",
          discard: true
        })
        expect(yield* count("intake_ledger")).toBe(3)
      }).pipe(Effect.provide(backend.fresh()(vaultConfig())))
    )

    if (backend.name === "postgresql") {
      it.live("that lost to another transaction runs the batch again: every caller succeeds once", () =>
        Effect.gen(function* () {
          const sql = yield* SqlClient
          const ledger = yield* IntakeLedger.IntakeLedger
          const register = yield* Register.Register
          yield* failCommits(2)
          const runs = Array.from({ length: 20 }, () => 0)
          const numbers = yield* Effect.forEach(
            Array.from({ length: 20 }, (_, n) => n),
            (n) =>
              Transaction.atomically(
                Effect.gen(function* () {
                  runs[n]!++
                  yield* ledger.put(`k:${n}`, entry(n))
                  const entered = yield* register.assign({ unit, unitTag: "NTIEN", tipId: `tip-${n}`, receivedAt })
                  return entered.number
                }),
                { key: unit }
              ),
            { concurrency: "unbounded" }
          )
          // The faults fired: two COMMITs failed, and their batches ran again.
          const [faults] = yield* sql<{ readonly n: string }>`SELECT last_value::text AS n FROM commit_faults`
          expect(Number(faults?.n)).toBeGreaterThan(2)
          expect(Math.max(...runs)).toBeGreaterThan(1)
          // Each block stored once: every number once, the register gapless, one ledger entry each.
          expect([...numbers].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, n) => n + 1))
          expect((yield* register.entries(unit, 2024)).length).toBe(20)
          expect(yield* count("intake_ledger")).toBe(20)
        }).pipe(Effect.provide(backend.fresh()(vaultConfig())))
      )

      it.live("that keeps losing gives up after the retries, as contention, with nothing stored", () =>
        Effect.gen(function* () {
          const ledger = yield* IntakeLedger.IntakeLedger
          yield* failCommits(1000)
          let runs = 0
          const error = yield* Effect.flip(
            Transaction.atomically(Effect.suspend(() => ledger.put(`attempt:${++runs}`, entry(runs))))
          )
          expect([error._tag, error.reason]).toEqual(["TransactionError", "contention"])
          expect(runs).toBe(3)
          expect(yield* count("intake_ledger")).toBe(0)
        }).pipe(Effect.provide(backend.fresh()({ ...vaultConfig(), groupCommit: { retries: 2 } })))
      )
    }
  })
}
