import { randomBytes } from "node:crypto"
import { SqlClient } from "@effect/sql/SqlClient"
import * as SqliteClient from "@effect/sql-sqlite-node/SqliteClient"
import { describe, expect, it } from "@effect/vitest"
import { IdentityVault, Register, Tip, TipStore, Unit, UnitDirectory } from "@tinbao/core"
import { SqlMigrations, SqlStorage } from "@tinbao/sql"
import { NinhBinh } from "@tinbao/testkit"
import { Config, ConfigProvider, Effect, Layer, Redacted } from "effect"
import { backends } from "./backends.js"
import { randomKey, received, receivedAt, vaultConfig } from "./fixtures.js"

const reporter: IdentityVault.Identity = {
  channel: "zalo-oa:4318097521",
  platformUserId: "8123456789012345",
  displayName: "Trần Văn Bình",
  phone: "0912345678"
}

const seal = Effect.flatMap(IdentityVault.IdentityVault, (vault) => vault.seal(Redacted.make(reporter)))
const reveal = (alias: IdentityVault.AliasId) =>
  Effect.flatMap(IdentityVault.IdentityVault, (vault) => vault.reveal(alias))

// The vault key that wrapped the alias's data key.
const keyIdOf = (alias: IdentityVault.AliasId) =>
  Effect.flatMap(
    SqlClient,
    (sql) => sql<{ key_id: string }>`SELECT key_id FROM vault_keys WHERE alias = ${alias}`
  ).pipe(Effect.map((rows) => rows[0]?.key_id))

for (const backend of backends()) {
  describe(`SqlStorage on ${backend.name}`, () => {
    it.effect("refuses to open a vault row with a wrong key, and never returns garbage", () =>
      Effect.gen(function* () {
        const open = backend.fresh()
        const k1 = randomKey()
        const alias = yield* Effect.provide(seal, open(vaultConfig({ k1 })))
        const wrong = yield* Effect.flip(Effect.provide(reveal(alias), open(vaultConfig({ k1: randomKey() }))))
        expect(wrong).toBeInstanceOf(IdentityVault.IdentityVaultError)
        expect(wrong.reason).toBe("corrupt")
        expect(wrong.message).toContain(`vault key "k1"`)
        expect(wrong.message).not.toContain(reporter.displayName!)
        const missing = yield* Effect.flip(Effect.provide(reveal(alias), open(vaultConfig({ k2: k1 }, "k2"))))
        expect([missing.reason, missing.message]).toEqual([
          "corrupt",
          `the sealed identity under ${alias} cannot be opened: its data key was wrapped with vault key "k1", which is not configured`
        ])
      })
    )

    it.effect("rotates keys: new rows use the current key, old rows still open with theirs", () =>
      Effect.gen(function* () {
        const open = backend.fresh()
        const [k1, k2] = [randomKey(), randomKey()]
        const old = yield* Effect.provide(seal, open(vaultConfig({ k1 })))
        const rotated = open(vaultConfig({ k1, k2 }, "k2"))
        yield* Effect.gen(function* () {
          const fresh = yield* seal
          expect(yield* keyIdOf(old)).toBe("k1")
          expect(yield* keyIdOf(fresh)).toBe("k2")
          expect(Redacted.value(yield* reveal(old))).toEqual(reporter)
          expect(Redacted.value(yield* reveal(fresh))).toEqual(reporter)
        }).pipe(Effect.provide(rotated))
      })
    )

    it.effect(
      "refuses keys that are not 32 bytes or not random, naming the key and the rule, never the key",
      () =>
        Effect.gen(function* () {
          // One database for every case: the key is checked as the vault starts, after migrating.
          const open = backend.fresh()
          const refused = (key: string) =>
            Effect.map(Effect.flip(Effect.provide(seal, open(vaultConfig({ k1: Redacted.make(key) })))), (e) => {
              expect(e._tag === "IdentityVaultError" && e.reason).toBe("key_refused")
              expect(e.message).not.toContain(key)
              return e.message
            })
          const hexOf = (bytes: Array<number>) => Buffer.from(bytes).toString("hex")
          const random16 = Array.from(randomBytes(16))
          expect(yield* refused("c2hvcnQ=")).toBe(
            `vault key "k1" is refused by the rule "length": it is 5 bytes long, and it must be exactly 32. Make a key with \`npx tinbao keys generate\`.`
          )
          expect(yield* refused("not a key at all")).toContain(`vault key "k1" is refused by the rule "encoding"`)
          expect(yield* refused("ab".repeat(32))).toContain(`rule "few_distinct_bytes": it has 1 distinct byte values`)
          expect(yield* refused(Buffer.alloc(32, 0x41).toString("base64"))).toContain(`rule "few_distinct_bytes"`)
          expect(yield* refused(hexOf([...random16, ...random16]))).toContain(
            `rule "repeating": it repeats a block of 16`
          )
          expect(yield* refused(hexOf(Array.from({ length: 32 }, (_, i) => i)))).toContain(`rule "steps"`)
          const absent = yield* Effect.flip(Effect.provide(seal, open(vaultConfig({ k1: randomKey() }, "k9"))))
          expect([absent.reason, absent.message]).toEqual([
            "unavailable",
            `the current vault key id "k9" is not among the keys given`
          ])
          const hex = Redacted.make(randomBytes(32).toString("hex"))
          const alias = yield* Effect.provide(seal, open(vaultConfig({ k1: hex })))
          expect(alias).toMatch(/^AL-/)
        }),
      30_000
    )

    it.effect("refuses a new tip whose id is taken, and leaves its rows as they were", () =>
      Effect.gen(function* () {
        const tip = Tip.makeId()
        const receivedIn = (unit: string, summary: string) => received(tip, Unit.UnitId.make(unit), summary)
        const rowsOf = Effect.flatMap(SqlClient, (sql) =>
          Effect.all([
            sql<{ unit: string; n: unknown }>`SELECT unit, (SELECT count(*) FROM tip_events) AS n FROM tips`,
            sql<{ unit: string; category: string }>`SELECT unit, category FROM stat_tips`
          ])
        )
        yield* Effect.gen(function* () {
          const store = yield* TipStore.TipStore
          yield* store.append([{ tip, expectedVersion: 0, events: [receivedIn("ca-phuong-nam-thanh", "Trộm xe")] }])
          const before = yield* rowsOf
          const again = yield* Effect.flip(
            store.append([{ tip, expectedVersion: 0, events: [receivedIn("ca-phuong-thanh-binh", "Khác")] }])
          )
          expect(again._tag === "TipStoreError" && again.reason).toBe("conflict")
          const after = yield* rowsOf
          expect(after).toEqual(before)
          expect(after[0].map((r) => [r.unit, Number(r.n)])).toEqual([["ca-phuong-nam-thanh", 1]])
          expect(after[1].map((r) => r.unit)).toEqual(["ca-phuong-nam-thanh"])
        }).pipe(Effect.provide(backend.fresh()(vaultConfig())))
      })
    )

    it.effect("refuses to start on a database whose schema is newer than the code", () =>
      Effect.gen(function* () {
        const open = backend.fresh()
        const next = SqlMigrations.latest + 1
        yield* Effect.flatMap(
          SqlClient,
          (sql) => sql`INSERT INTO ${sql(SqlMigrations.table)} (migration_id, name) VALUES (${next}, 'from_the_future')`
        ).pipe(Effect.provide(open(vaultConfig())))
        const error = yield* Effect.flip(Effect.provide(seal, open(vaultConfig())))
        expect(error._tag === "SqlStorageError" && error.reason).toBe("newer_schema")
        expect(error.message).toBe(
          `The database schema is at version ${next}, newer than this version of @tinbao/sql knows (${SqlMigrations.latest}). Upgrade @tinbao/sql; it will not start on a newer schema.`
        )
      })
    )

    it.effect("keeps everything when the database is opened again", () =>
      Effect.gen(function* () {
        const open = backend.fresh()
        const config = vaultConfig()
        const tip = Tip.makeId()
        const unit = Unit.UnitId.make("ca-phuong-nam-thanh")
        const at = receivedAt
        const event = received(tip, unit, "Phản ánh có người lạ đột nhập kho hàng ở tổ dân phố 5.")
        const written = yield* Effect.gen(function* () {
          yield* Effect.flatMap(TipStore.TipStore, (s) => s.append([{ tip, expectedVersion: 0, events: [event] }]))
          const entry = yield* Effect.flatMap(Register.Register, (r) =>
            r.assign({ unit, unitTag: "NAMTHANH", tipId: tip, receivedAt: at })
          )
          yield* Effect.flatMap(UnitDirectory.UnitDirectory, (d) => d.record(NinhBinh.changes))
          return { entry, alias: yield* seal }
        }).pipe(Effect.provide(open(config)))
        yield* Effect.gen(function* () {
          const state = yield* Effect.flatMap(TipStore.TipStore, (s) => s.get(tip))
          expect(state?.version).toBe(1)
          expect(state?.unit).toBe(unit)
          const register = yield* Register.Register
          expect(yield* register.entries(unit, 2025)).toEqual([written.entry])
          const next = yield* register.assign({ unit, unitTag: "NAMTHANH", tipId: Tip.makeId(), receivedAt: at })
          expect(next.code).toBe("NAMTHANH-2025-0002")
          expect(yield* Effect.flatMap(UnitDirectory.UnitDirectory, (d) => d.changes)).toEqual(NinhBinh.changes)
          expect(Redacted.value(yield* reveal(written.alias))).toEqual(reporter)
        }).pipe(Effect.provide(open(config)))
      })
    )
  })
}

describe("SqlStorage.layerConfig", () => {
  it.effect("reads the vault keys from configuration and refuses a missing one", () =>
    Effect.gen(function* () {
      const config = Config.all({
        vault: Config.all({
          keys: Config.all({ k1: Config.redacted("VAULT_KEY_K1") }),
          currentKeyId: Config.string("VAULT_CURRENT_KEY_ID"),
          fingerprintKey: Config.redacted("FINGERPRINT_KEY")
        })
      })
      const client = SqliteClient.layer({ filename: ":memory:" })
      const storage = SqlStorage.layerConfig(config).pipe(Layer.provide(client))
      const env = (entries: ReadonlyArray<[string, string]>) =>
        Layer.setConfigProvider(ConfigProvider.fromMap(new Map(entries)))
      const key = Redacted.value(randomKey())
      const alias = yield* seal.pipe(
        Effect.provide(storage),
        Effect.provide(
          env([
            ["VAULT_KEY_K1", key],
            ["VAULT_CURRENT_KEY_ID", "k1"],
            ["FINGERPRINT_KEY", Redacted.value(randomKey())]
          ])
        )
      )
      expect(alias).toMatch(/^AL-/)
      const error = yield* Effect.flip(
        seal.pipe(Effect.provide(storage), Effect.provide(env([["VAULT_CURRENT_KEY_ID", "k1"]])))
      )
      expect(error._tag).toBe("ConfigError")
    })
  )
})

describe("SqlStorage.layerSqlite", () => {
  it.effect(
    "opens the file in WAL mode, synchronous FULL unless told otherwise, checkpointed every 10,000 pages, with secure_delete",
    () =>
      Effect.gen(function* () {
        const sql = yield* SqlClient
        const pragma = (name: string) =>
          Effect.map(sql.unsafe<Record<string, unknown>>(`PRAGMA ${name}`), (rows) => Object.values(rows[0]!)[0])
        expect(yield* pragma("journal_mode")).toBe("wal")
        // 2 is FULL.
        expect(yield* pragma("synchronous")).toBe(2)
        expect(yield* pragma("wal_autocheckpoint")).toBe(10_000)
        expect(yield* pragma("busy_timeout")).toBe(5000)
        // What a delete or an update frees is zeroed, so that an erased identity's key does not stay in the file.
        expect(yield* pragma("secure_delete")).toBe(1)
      }).pipe(Effect.provide(backends()[0]!.fresh()(vaultConfig())))
  )
})
