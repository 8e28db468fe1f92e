// `forget` erases for real: after it (and a checkpoint on SQLite, `SqlIdentityVault.shred` on PostgreSQL), the raw
// database files, searched byte by byte with the vault keys in hand, give up nothing of a forgotten reporter, while
// every other reporter is still recovered from them, which shows the search would have found it.
import { randomBytes } from "node:crypto"
import { mkdtempSync, rmSync, statSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as Migrator from "@effect/sql/Migrator"
import { SqlClient } from "@effect/sql/SqlClient"
import * as PgClient from "@effect/sql-pg/PgClient"
import * as SqliteClient from "@effect/sql-sqlite-node/SqliteClient"
import { afterAll, describe, expect, it } from "@effect/vitest"
import { IdentityVault, Transaction } from "@tinbao/core"
import { SqlIdentityVault, SqlMigrations, SqlStorage } from "@tinbao/sql"
import { Deferred, Effect, Either, Fiber, Layer, Redacted } from "effect"
import * as cipher from "../src/internal/vaultCipher.js"
import { createSchema, dropSchema, freshSchemaName, inSchema, pgCheck } from "./backends.js"
import { randomKey, vaultConfig } from "./fixtures.js"
import { pgFiles, recover, sqliteFiles } from "./forensics.js"

type Keys = Record<string, Redacted.Redacted<string>>

const people: ReadonlyArray<IdentityVault.Identity> = [
  {
    channel: "zalo-oa:4318097521",
    platformUserId: "8123456789012345",
    displayName: "Nguyễn Thị Hoa",
    phone: "0912345678"
  },
  {
    channel: "zalo-oa:4318097521",
    platformUserId: "7011223344556677",
    displayName: "Trần Văn Bình",
    phone: "0987654321"
  },
  {
    channel: "facebook:1029384756",
    platformUserId: "psid-5566778899",
    displayName: "Lê Minh Tuấn",
    phone: "0977000111"
  },
  { channel: "web:congan-ninhbinh", platformUserId: "form-20250402-0017", displayName: "Phạm Thu Hà" }
]

const valuesOf = (person: IdentityVault.Identity): ReadonlyArray<string> =>
  [person.platformUserId, person.displayName, person.phone].filter((v): v is string => v !== undefined)

/**
 * The files searched with the keys: every kept reporter is recovered, nothing of a forgotten one is, and no
 * reporter's id, name or phone is in the files as it is.
 */
const expectErased = (
  files: ReadonlyArray<Buffer>,
  keys: Keys,
  aliases: ReadonlyArray<string>,
  forgotten: ReadonlyArray<IdentityVault.Identity>,
  kept: ReadonlyArray<IdentityVault.Identity>
) => {
  const { plaintexts } = recover(files, keys, aliases)
  const revealed = plaintexts.map((text) => JSON.parse(text) as unknown)
  for (const person of kept) expect(revealed).toContainEqual(person)
  for (const person of forgotten) {
    for (const value of valuesOf(person)) expect(plaintexts.filter((text) => text.includes(value))).toEqual([])
  }
  for (const person of [...forgotten, ...kept]) {
    for (const value of valuesOf(person)) {
      const bytes = Buffer.from(value, "utf8")
      expect(files.some((file) => file.includes(bytes))).toBe(false)
    }
  }
}

// Other tests share the PostgreSQL database, and their transactions hold erased rows back for a while (see `shred`).
const shred = (full = false) => SqlIdentityVault.shred({ full, wait: "2 minutes" })

const vault = IdentityVault.IdentityVault
const seal = (person: IdentityVault.Identity) => Effect.flatMap(vault, (v) => v.seal(Redacted.make(person)))
const reveal = (alias: IdentityVault.AliasId) =>
  Effect.flatMap(vault, (v) => Effect.map(v.reveal(alias), Redacted.value))
const forget = (alias: IdentityVault.AliasId) => Effect.flatMap(vault, (v) => v.forget(alias))

interface Db {
  /** Storage on the database. */
  readonly open: (keys: Keys, current?: string) => ReturnType<typeof SqlStorage.layerSqlite>
  /** A bare client on it, without migrating. */
  readonly client: Layer.Layer<SqlClient, unknown>
  /** Its files as they are on disk now. */
  readonly files: Effect.Effect<ReadonlyArray<Buffer>>
  /** What makes a forget reach the files: a checkpoint on SQLite, `shred` on PostgreSQL. */
  readonly afterForget: Effect.Effect<void, unknown, SqlClient>
}

const dir = mkdtempSync(join(tmpdir(), "tinbao-erasure-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
let made = 0

const sqlite = (): Db => {
  const filename = join(dir, `vault-${++made}.db`)
  return {
    open: (keys, current = "k1") => SqlStorage.layerSqlite({ filename, ...vaultConfig(keys, current) }),
    client: SqliteClient.layer({ filename }),
    files: Effect.sync(() => sqliteFiles(filename)),
    afterForget: Effect.flatMap(SqlClient, (sql) => sql`PRAGMA wal_checkpoint(TRUNCATE)`)
  }
}

const schemas: Array<string> = []
afterAll(() => Promise.all(schemas.map(dropSchema)))

const pg = (): Db => {
  const schema = freshSchemaName()
  schemas.push(schema)
  const created = Effect.promise(() => createSchema(schema)).pipe(Effect.cached, Effect.runSync)
  const url = inSchema(schema)
  return {
    open: (keys, current = "k1") =>
      Layer.unwrapEffect(Effect.as(created, SqlStorage.layerPg({ url, ...vaultConfig(keys, current) }))),
    client: Layer.unwrapEffect(Effect.as(created, PgClient.layer({ url: Redacted.make(url) }))),
    files: Effect.promise(() => pgFiles(schema)),
    afterForget: shred()
  }
}

const databases: ReadonlyArray<readonly [string, () => Db]> = pgCheck.reachable
  ? [
      ["SQLite", sqlite],
      ["PostgreSQL", pg]
    ]
  : [["SQLite", sqlite]]

// An alias as the vault makes them: "AL-" and 16 characters of Crockford's base32.
const freshAlias = () =>
  IdentityVault.AliasId.make(
    `AL-${[...randomBytes(16)].map((b) => "0123456789ABCDEFGHJKMNPQRSTVWXYZ"[b & 31]).join("")}`
  )

// The vault as `@tinbao/sql` 0.1 left it: migrations 1 to 4, identities sealed with the vault key itself, and one
// forgotten there, whose ciphertext 0.1 nulled in place (SQLite without `secure_delete` leaves it in freed space).
const writeAsRelease01 = (keys: Keys, sealed: ReadonlyArray<IdentityVault.Identity>, erased: IdentityVault.Identity) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient
    const release01 = Object.fromEntries(
      Object.entries(SqlMigrations.migrations).filter(([id]) => Number.parseInt(id, 10) <= 4)
    )
    yield* Migrator.make({})({ loader: Migrator.fromRecord(release01), table: SqlMigrations.table })
    const ring = Either.getOrThrow(cipher.keyring(keys, "k1"))
    const write = (person: IdentityVault.Identity) =>
      Effect.gen(function* () {
        const alias = freshAlias()
        const { keyId, iv, ciphertext, tag } = cipher.seal(ring, alias, JSON.stringify(person))
        yield* sql`INSERT INTO vault (alias, key_id, iv, ciphertext, tag, forgotten)
          VALUES (${alias}, ${keyId}, ${iv}, ${ciphertext}, ${tag}, 0)`
        return alias
      })
    const aliases = yield* Effect.forEach(sealed, write)
    const gone = yield* write(erased)
    yield* sql`UPDATE vault SET key_id = NULL, iv = NULL, ciphertext = NULL, tag = NULL, forgotten = 1
      WHERE alias = ${gone}`
    return { aliases, gone }
  })

for (const [name, database] of databases) {
  describe(`the identity vault on ${name}: forget erases`, () => {
    it.live(
      "after forget, the raw files recover nothing of the forgotten with the vault key, and the others still",
      () =>
        Effect.gen(function* () {
          const db = database()
          const keys = { k1: randomKey() }
          yield* Effect.gen(function* () {
            // Two sealed in one group commit batch (with the batch's rows), two on their own.
            const batched = yield* Effect.forEach(
              people.slice(0, 2),
              (person) => Transaction.atomically(seal(person)),
              { concurrency: "unbounded" }
            )
            const alone = yield* Effect.forEach(people.slice(2), seal)
            const aliases = [...batched, ...alone]
            yield* forget(aliases[0]!)
            yield* forget(aliases[3]!)
            yield* db.afterForget
            expectErased(yield* db.files, keys, aliases, [people[0]!, people[3]!], [people[1]!, people[2]!])
            expect(yield* reveal(aliases[1]!)).toEqual(people[1])
            expect(yield* reveal(aliases[2]!)).toEqual(people[2])
            const gone = yield* Effect.flip(reveal(aliases[0]!))
            expect(gone.reason).toBe("forgotten")
          }).pipe(Effect.provide(db.open(keys)))
        }),
      180_000
    )

    it.live(
      "identities sealed by 0.1 get a data key as the vault starts, and shred({ full }) erases what 0.1 left",
      () =>
        Effect.gen(function* () {
          const db = database()
          const keys = { k1: randomKey() }
          const { aliases, gone } = yield* writeAsRelease01(keys, people.slice(0, 3), people[3]!).pipe(
            Effect.provide(db.client),
            Effect.scoped
          )
          yield* Effect.gen(function* () {
            const sql = yield* SqlClient
            for (const [i, alias] of aliases.entries()) expect(yield* reveal(alias)).toEqual(people[i])
            expect((yield* Effect.flip(reveal(gone))).reason).toBe("forgotten")
            const rows = yield* sql<{ alias: string; key_id: string | null; wrapped: string | null }>`
              SELECT v.alias, v.key_id, k.key_id AS wrapped FROM vault v LEFT JOIN vault_keys k ON k.alias = v.alias
              ORDER BY v.alias`
            expect(rows.every((row) => row.key_id === null)).toBe(true)
            expect(
              rows
                .filter((row) => row.wrapped === "k1")
                .map((row) => row.alias)
                .sort()
            ).toEqual([...aliases].sort())
            yield* forget(aliases[0]!)
            yield* shred(true)
            expectErased(yield* db.files, keys, [...aliases, gone], [people[0]!, people[3]!], [people[1]!, people[2]!])
          }).pipe(Effect.provide(db.open(keys)))
        }),
      180_000
    )

    it.live(
      "rewrap moves every data key to the current vault key: the old key can go, and copies made before open with no key kept",
      () =>
        Effect.gen(function* () {
          const db = database()
          const [k0, k1, k2] = [randomKey(), randomKey(), randomKey()]
          const first = yield* Effect.provide(Effect.forEach(people.slice(0, 2), seal), db.open({ k1 }))
          const lost = yield* Effect.provide(seal(people[2]!), db.open({ k0, k1 }, "k0"))
          const copy = yield* Effect.provide(Effect.zipRight(shred(), db.files), db.client.pipe(Layer.orDie))
          expect(recover(copy, { k1 }, first).plaintexts).toHaveLength(2)
          const rotated = { k1, k2 }
          const third = yield* Effect.gen(function* () {
            const alias = yield* seal(people[3]!)
            yield* forget(first[1]!)
            // k0 is gone already: the identity it held is reported, not lost in silence.
            expect(yield* SqlIdentityVault.rewrap({ keys: rotated, currentKeyId: "k2" })).toEqual({
              rewrapped: 1,
              left: { k0: 1 }
            })
            yield* shred()
            return alias
          }).pipe(Effect.provide(db.open(rotated, "k2")))
          yield* Effect.gen(function* () {
            expect(yield* reveal(first[0]!)).toEqual(people[0])
            expect(yield* reveal(third)).toEqual(people[3])
            expect((yield* Effect.flip(reveal(lost))).reason).toBe("corrupt")
            // No key opens it, and it is erased all the same.
            yield* forget(lost)
            expect((yield* Effect.flip(reveal(lost))).reason).toBe("forgotten")
            const now = yield* db.files
            expectErased(now, { k2 }, [...first, third], [people[1]!], [people[0]!, people[3]!])
            // The copy taken before, with k1 destroyed: nothing opens, the forgotten reporter included.
            expect(recover(copy, { k2 }, [...first, lost, third])).toEqual({ plaintexts: [], dataKeys: 0 })
          }).pipe(Effect.provide(db.open({ k2 }, "k2")))
        }),
      180_000
    )
  })
}

if (pgCheck.reachable) {
  describe("SqlIdentityVault.shred on PostgreSQL", () => {
    it.live(
      "waits for the transactions that could still see an erased row, and refuses when they outlast `wait`",
      () =>
        Effect.gen(function* () {
          const db = pg()
          const keys = { k1: randomKey() }
          yield* Effect.gen(function* () {
            const aliases = yield* Effect.forEach(people.slice(0, 2), seal)
            const began = yield* Deferred.make<void>()
            const end = yield* Deferred.make<void>()
            // Another session's transaction, begun before the forget: PostgreSQL keeps the erased row for it.
            const other = yield* Effect.flatMap(SqlClient, (sql) =>
              sql.withTransaction(
                Effect.zipRight(
                  sql`SELECT pg_current_xact_id()`,
                  Effect.zipRight(Deferred.succeed(began, undefined), Deferred.await(end))
                )
              )
            ).pipe(Effect.provide(db.client), Effect.scoped, Effect.fork)
            yield* Deferred.await(began)
            yield* forget(aliases[0]!)
            const refused = yield* Effect.flip(SqlIdentityVault.shred({ wait: "300 millis" }))
            expect(refused.reason).toBe("unavailable")
            expect(refused.message).toContain("PostgreSQL keeps the erased rows while")
            expect(recover(yield* db.files, keys, aliases).plaintexts).toContainEqual(JSON.stringify(people[0]))
            yield* Deferred.succeed(end, undefined)
            yield* Fiber.join(other)
            yield* shred()
            expectErased(yield* db.files, keys, aliases, [people[0]!], [people[1]!])
          }).pipe(Effect.provide(db.open(keys)))
        }),
      180_000
    )
  })
}

describe("SqlIdentityVault.shred on SQLite", () => {
  it.effect("empties the write-ahead log", () =>
    Effect.gen(function* () {
      const filename = join(dir, "shred.db")
      yield* Effect.gen(function* () {
        const alias = yield* seal(people[0]!)
        yield* forget(alias)
        expect(statSync(`${filename}-wal`).size).toBeGreaterThan(0)
        yield* SqlIdentityVault.shred()
        expect(statSync(`${filename}-wal`).size).toBe(0)
      }).pipe(Effect.provide(SqlStorage.layerSqlite({ filename, ...vaultConfig() })))
    })
  )
})
