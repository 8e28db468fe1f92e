import { SqlClient } from "@effect/sql/SqlClient"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { prepareInsert } from "../src/internal/prepared.js"
import { backends } from "./backends.js"
import { vaultConfig } from "./fixtures.js"

const columns = Array.from({ length: 20 }, (_, c) => `c${c}`)

for (const backend of backends()) {
  describe(`prepareInsert on ${backend.name}`, () => {
    it.effect("writes more rows than one statement may carry parameters for, and returns all of them", () =>
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
      }).pipe(Effect.provide(backend.fresh()(vaultConfig())))
    )
  })
}
