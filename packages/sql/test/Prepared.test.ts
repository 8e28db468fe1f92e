import { SqlClient } from "@effect/sql/SqlClient"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { insertAll, prepareByCount, prepareInsert, repeated } from "../src/internal/prepared.js"
import { backends } from "./backends.js"
import { vaultConfig } from "./fixtures.js"

// Each test migrates a fresh database first, which takes seconds on a loaded two-core machine.
const slow = { timeout: 30_000 }

const columns = Array.from({ length: 20 }, (_, c) => `c${c}`)

for (const backend of backends()) {
  describe(`prepareInsert on ${backend.name}`, () => {
    it.effect(
      "writes more rows than one statement may carry parameters for, and returns all of them",
      () =>
        Effect.gen(function* () {
          const sql = yield* SqlClient
          yield* sql.unsafe(`CREATE TABLE wide (${columns.map((c) => `${c} INTEGER`).join(", ")})`)
          const insert = prepareInsert(sql, "wide", columns, "RETURNING c0")
          // 2,000 rows of 20 columns: 40,000 parameters, more than SQLite's 32,766 a statement.
          const rows = Array.from({ length: 2000 }, (_, r) => Object.fromEntries(columns.map((c) => [c, r])))
          const returned = yield* sql.withTransaction(insert(rows))
          expect(returned.map((row) => Number((row as { c0: number | string }).c0))).toEqual(rows.map((_, r) => r))
          expect(yield* insert([])).toEqual([])
          const counted = yield* sql.unsafe<{ n: number | string }>("SELECT count(*) AS n FROM wide")
          expect(Number(counted[0]!.n)).toBe(2000)
        }).pipe(Effect.provide(backend.fresh()(vaultConfig()))),
      slow
    )
  })

  describe(`prepareByCount on ${backend.name}`, () => {
    it.effect(
      "makes each count's text once, when first run, up to 128, and larger ones at every run",
      () =>
        Effect.gen(function* () {
          const sql = yield* SqlClient
          yield* sql.unsafe("CREATE TABLE numbers (n INTEGER PRIMARY KEY)")
          yield* prepareInsert(sql, "numbers", ["n"])(Array.from({ length: 300 }, (_, n) => ({ n })))
          const made: Array<number> = []
          const select = prepareByCount(sql, (count) => {
            made.push(count)
            return `SELECT n FROM numbers WHERE n IN (${repeated(count)}) ORDER BY n`
          })
          expect(made).toEqual([])
          const run = (count: number) =>
            Effect.map(select(count)(Array.from({ length: count }, (_, n) => n)), (rows) =>
              rows.map((row) => Number((row as { n: number | string }).n))
            )
          for (const count of [1, 9, 40, 128, 129, 300]) {
            expect(yield* run(count)).toEqual(Array.from({ length: count }, (_, n) => n))
            expect(yield* run(count)).toEqual(Array.from({ length: count }, (_, n) => n))
          }
          expect(made).toEqual([1, 9, 40, 128, 129, 129, 300, 300])
        }).pipe(Effect.provide(backend.fresh()(vaultConfig()))),
      slow
    )
  })

  describe(`insertAll on ${backend.name}`, () => {
    it.effect(
      "writes several tables, on PostgreSQL in one statement, and any number of rows",
      () =>
        Effect.gen(function* () {
          const sql = yield* SqlClient
          const count = (table: string) =>
            Effect.map(sql.unsafe<{ n: number | string }>(`SELECT count(*) AS n FROM ${table}`), (r) => Number(r[0]!.n))
          yield* sql.unsafe("CREATE TABLE keys (k TEXT PRIMARY KEY)")
          yield* sql.unsafe("CREATE TABLE pairs (k TEXT PRIMARY KEY, v INTEGER)")
          const keys = prepareInsert(sql, "keys", ["k"])
          const pairs = prepareInsert(sql, "pairs", ["k", "v"], "ON CONFLICT (k) DO NOTHING")
          const strict = prepareInsert(sql, "pairs", ["k", "v"])
          yield* insertAll(sql, [
            [keys, [{ k: "a" }, { k: "b" }, { k: "c" }]],
            [
              pairs,
              [
                { k: "x", v: 1 },
                { k: "y", v: 2 }
              ]
            ],
            [strict, []]
          ])
          expect([yield* count("keys"), yield* count("pairs")]).toEqual([3, 2])
          // A taken key fails the write. On PostgreSQL the rows went in one statement, so none of them is stored; on
          // SQLite one insert after another, so the first table's is (a transaction around them undoes it).
          const failed = yield* Effect.exit(
            insertAll(sql, [
              [keys, [{ k: "d" }]],
              [strict, [{ k: "x", v: 3 }]]
            ])
          )
          expect(failed._tag).toBe("Failure")
          expect(yield* count("keys")).toBe(backend.name === "postgresql" ? 3 : 4)
          // More parameters than one statement takes: table after table, each in as many statements as it needs.
          yield* insertAll(sql, [
            [keys, Array.from({ length: 20_000 }, (_, i) => ({ k: `k${i}` }))],
            [pairs, Array.from({ length: 10_000 }, (_, i) => ({ k: `p${i}`, v: i }))]
          ])
          expect([yield* count("keys"), yield* count("pairs")]).toEqual([
            backend.name === "postgresql" ? 20_003 : 20_004,
            10_002
          ])
        }).pipe(Effect.provide(backend.fresh()(vaultConfig()))),
      slow
    )

    it.effect(
      "finishes the rows of an insert prepared with `finish` as it writes them, alone or with others",
      () =>
        Effect.gen(function* () {
          const sql = yield* SqlClient
          yield* sql.unsafe("CREATE TABLE words (k TEXT PRIMARY KEY, upper TEXT NOT NULL, length INTEGER NOT NULL)")
          yield* sql.unsafe("CREATE TABLE marks (k TEXT PRIMARY KEY)")
          let finished = 0
          const words = prepareInsert(
            sql,
            "words",
            ["k", "upper", "length"],
            "",
            (rows: ReadonlyArray<{ readonly word: string }>) => {
              finished += rows.length
              return rows.map(({ word }) => ({ k: word, upper: word.toUpperCase(), length: word.length }))
            }
          )
          const marks = prepareInsert(sql, "marks", ["k"])
          // Made but not run: nothing finished.
          const later = words([{ word: "chưa" }])
          expect(finished).toBe(0)
          yield* later
          // Alone (one table), and with another table (on PostgreSQL one statement).
          yield* insertAll(sql, [[words, [{ word: "tin" }]]])
          yield* insertAll(sql, [
            [marks, [{ k: "m" }]],
            [words, [{ word: "báo" }, { word: "mới" }]]
          ])
          expect(finished).toBe(4)
          const stored = yield* sql.unsafe<{ k: string; upper: string; length: number | string }>(
            "SELECT k, upper, length FROM words ORDER BY k"
          )
          expect(stored.map((row) => [row.k, row.upper, Number(row.length)])).toEqual([
            ["báo", "BÁO", 3],
            ["chưa", "CHƯA", 4],
            ["mới", "MỚI", 3],
            ["tin", "TIN", 3]
          ])
        }).pipe(Effect.provide(backend.fresh()(vaultConfig()))),
      slow
    )
  })
}
