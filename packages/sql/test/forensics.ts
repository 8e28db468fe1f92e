// What someone holding the database files and the vault keys can recover. The files are read byte by byte, so
// rows the database no longer shows (freed space, dead tuples, old pages in the log) are read too. Every 80
// characters of base64 are tried as a wrapped data key, under every vault key and alias. Then every 16 characters
// of base64 are taken as an IV, with the base64 just after it (or a few bytes on, past a column's header) as
// ciphertext, and opened with every vault key and data key found: AES-GCM's keystream is AES-CTR from the IV, so
// neither the tag nor the alias is needed to read a ciphertext, only to check it.
import { createCipheriv, createDecipheriv, type KeyObject } from "node:crypto"
import { existsSync, readFileSync } from "node:fs"
import { SqlClient } from "@effect/sql/SqlClient"
import * as PgClient from "@effect/sql-pg/PgClient"
import { Effect, Either, Redacted, Schema } from "effect"
import * as cipher from "../src/internal/vaultCipher.js"
import { host, port } from "./backends.js"

/** What the files give up: the identities' JSON opened, and how many data keys were unwrapped. */
export interface Recovered {
  readonly plaintexts: ReadonlyArray<string>
  readonly dataKeys: number
}

const runs = (text: string, least: number) =>
  [...text.matchAll(new RegExp(`[A-Za-z0-9+/]{${least},}`, "g"))].map((m) => ({ at: m.index, run: m[0] }))

// GCM with a 96-bit IV encrypts the first block with the counter IV ‖ 00000002.
const counter = (iv: Buffer) => Buffer.concat([iv, Buffer.from([0, 0, 0, 2])])

// The identity JSON as the vault writes it, up to its closing brace, when `bytes` open to one.
const identityIn = (bytes: Buffer): string | undefined => {
  const text = bytes.toString("utf8")
  const end = text.indexOf("}")
  if (end < 0) return undefined
  try {
    JSON.parse(text.slice(0, end + 1))
    return text.slice(0, end + 1)
  } catch {
    return undefined
  }
}

const start = Buffer.from('{"channel":"', "utf8")
const ciphertextAt = /[A-Za-z0-9+/]+={0,2}/y

export const recover = (
  files: ReadonlyArray<Buffer>,
  keys: Readonly<Record<string, Redacted.Redacted<string>>>,
  aliases: ReadonlyArray<string>
): Recovered => {
  const ring = Either.getOrThrow(cipher.keyring(keys, Object.keys(keys)[0]!))
  const texts = files.map((file) => file.toString("latin1"))
  const dataKeys = new Map<string, Buffer>()
  const tried = new Set<string>()
  for (const text of texts) {
    for (const { run } of runs(text, 80)) {
      for (let p = 0; p + 80 <= run.length; p++) {
        const wrapped = run.slice(p, p + 80)
        if (tried.has(wrapped)) continue
        tried.add(wrapped)
        for (const alias of aliases) {
          for (const keyId of ring.keys.keys()) {
            const key = cipher.unwrap(ring, alias, { keyId, wrapped })
            if (Either.isRight(key)) dataKeys.set(key.right.toString("hex"), key.right)
          }
        }
      }
    }
  }
  const openers: ReadonlyArray<KeyObject | Buffer> = [...ring.keys.values(), ...dataKeys.values()]
  const blocks = openers.map((key) => {
    const ecb = createCipheriv("aes-256-ecb", key, null)
    ecb.setAutoPadding(false)
    return { key, keystream: (iv: Buffer) => ecb.update(counter(iv)) }
  })
  const plaintexts = new Set<string>()
  for (const text of texts) {
    for (const { at, run } of runs(text, 16)) {
      for (let p = 0; p + 16 <= run.length; p++) {
        const iv = Buffer.from(run.slice(p, p + 16), "base64")
        const ciphertexts: Array<Buffer> = []
        for (let gap = 0; gap <= 8; gap++) {
          ciphertextAt.lastIndex = at + p + 16 + gap
          const found = ciphertextAt.exec(text)
          if (found !== null && found[0].length >= 24) ciphertexts.push(Buffer.from(found[0], "base64"))
        }
        if (ciphertexts.length === 0) continue
        for (const { key, keystream } of blocks) {
          const stream = keystream(iv)
          for (const ciphertext of ciphertexts) {
            let match = true
            for (let i = 0; i < start.length && match; i++) match = (ciphertext[i]! ^ stream[i]!) === start[i]
            if (!match) continue
            const decipher = createDecipheriv("aes-256-ctr", key, counter(iv))
            const opened = identityIn(Buffer.concat([decipher.update(ciphertext), decipher.final()]))
            if (opened !== undefined) plaintexts.add(opened)
          }
        }
      }
    }
  }
  return { plaintexts: [...plaintexts], dataKeys: dataKeys.size }
}

/** An SQLite database's files as they are on disk: the database, its write-ahead log and its shared memory. */
export const sqliteFiles = (filename: string): ReadonlyArray<Buffer> =>
  [filename, `${filename}-wal`, `${filename}-shm`].filter(existsSync).map((path) => readFileSync(path))

const Files = Schema.Array(Schema.Struct({ path: Schema.String, bytes: Schema.NullOr(Schema.Uint8ArrayFromSelf) }))

/**
 * The files of every table, index and TOAST table of a PostgreSQL schema, read by the server as superuser after
 * a CHECKPOINT has written its buffers out.
 */
export const pgFiles = (schema: string): Promise<ReadonlyArray<Buffer>> =>
  Effect.gen(function* () {
    const sql = yield* SqlClient
    yield* sql`CHECKPOINT`
    const rows = yield* sql`
      WITH own AS (
        SELECT c.oid, c.reltoastrelid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = ${schema}
      ), toast AS (
        SELECT t.oid FROM own JOIN pg_class t ON t.oid = own.reltoastrelid
        UNION SELECT i.indexrelid FROM own JOIN pg_index i ON i.indrelid = own.reltoastrelid
      ), every AS (SELECT oid FROM own UNION SELECT oid FROM toast)
      SELECT path, pg_read_binary_file(path, 0, (pg_stat_file(path, true)).size, true) AS bytes
      FROM (SELECT pg_relation_filepath(oid) AS path FROM every) files WHERE path IS NOT NULL`
    const files = yield* Schema.decodeUnknown(Files)(rows)
    return files.flatMap(({ bytes }) => (bytes === null ? [] : [Buffer.from(bytes)]))
  }).pipe(
    Effect.provide(PgClient.layer({ url: Redacted.make(`postgres://postgres@${host}:${port}/test`) })),
    Effect.scoped,
    Effect.runPromise
  )
