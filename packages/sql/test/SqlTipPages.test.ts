// What only the SQL tip store does for pages; what pages give is checked by the storage conformance suite. Here:
// migration 9 fills the page columns of tips stored before it, and each page is read from an index in its order
// (the query plans of both databases, over 20,000 rows).
import { SqlClient } from "@effect/sql/SqlClient"
import { describe, expect, it } from "@effect/vitest"
import { Actor, Category, IdentityVault, Tip, TipEvent, TipStore, Unit } from "@tinbao/core"
import { DateTime, Effect } from "effect"
import { FEW_UNITS, pageStatement } from "../src/internal/tipListing.js"
import { backends } from "./backends.js"
import { pageColumns, undoTipPages, vaultConfig } from "./fixtures.js"

const by = Actor.ActorId.make("sql-test")
const unit = Unit.UnitId.make("cong-an-phuong-nam-thanh")

const entered = (tip: Tip.TipId, number: number, channelId: string) =>
  new TipEvent.TipReceived({
    tip,
    at: DateTime.unsafeMake(Date.UTC(2025, 3, 2, 2, number)),
    by,
    unit,
    code: `NAMTHANH-2025-${String(number).padStart(4, "0")}`,
    registerNumber: number,
    registerYear: 2025,
    channel: channelId.startsWith("web") ? "web" : "zalo",
    channelId,
    reporterKind: "individual",
    alias: IdentityVault.AliasId.make("AL-0123456789ABCDEF"),
    legalType: "to_giac",
    category: Category.CategoryId.make("crime"),
    summary: "Người dân phản ánh có nhóm thanh niên tụ tập đánh bạc tại nhà văn hoá tổ dân phố 3."
  })

// 20,000 index rows of 12 units, two register years, numbered per unit; no events, which pages do not read.
const manyRows = Effect.flatMap(SqlClient, (sql) =>
  sql.onDialectOrElse({
    pg: () =>
      Effect.zipRight(
        sql.unsafe(`INSERT INTO tips (tip, unit, received_at, open, register_year, register_number, status, channel,
          channel_id, category)
          SELECT 'tip_' || lpad(i::text, 8, '0'), 'u' || (i % 12), i * 1000, 1, 2025 + i / 10000, i / 12, 'received',
            'zalo', NULL, 'crime' FROM generate_series(1, 20000) i`),
        sql.unsafe("ANALYZE tips")
      ),
    orElse: () =>
      sql.unsafe(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)
        INSERT INTO tips (tip, unit, received_at, open, register_year, register_number, status, channel, channel_id,
          category)
        SELECT printf('tip_%08d', i), 'u' || (i % 12), i * 1000, 1, 2025 + i / 10000, i / 12, 'received', 'zalo',
          NULL, 'crime' FROM n`)
  })
)

const planOf = (q: TipStore.EncodedPageQuery) =>
  Effect.flatMap(SqlClient, (sql) => {
    const [text, params] = pageStatement(sql, q).compile()
    const explain = sql.onDialectOrElse({ pg: () => "EXPLAIN ", orElse: () => "EXPLAIN QUERY PLAN " })
    return Effect.map(sql.unsafe<Record<string, unknown>>(`${explain}${text}`, params), (rows) =>
      rows.map((row) => String(row["QUERY PLAN"] ?? row.detail)).join("\n")
    )
  })

for (const backend of backends()) {
  describe(`SqlTipStore pages on ${backend.name}`, () => {
    it.effect("fills the page columns of the tips stored before 9_tip_pages, folded from their events", () =>
      Effect.gen(function* () {
        const open = backend.fresh()
        const [first, second, third] = [Tip.makeId(), Tip.makeId(), Tip.makeId()]
        // The database as the release before left it: tips stored, no page columns or indexes, migration 9 not run.
        yield* Effect.gen(function* () {
          const store = yield* TipStore.TipStore
          yield* store.append([{ tip: first, expectedVersion: 0, events: [entered(first, 1, "zalo-oa:1")] }])
          yield* store.append([{ tip: second, expectedVersion: 0, events: [entered(second, 2, "web:site")] }])
          yield* store.append([{ tip: third, expectedVersion: 0, events: [entered(third, 3, "zalo-oa:1")] }])
          const at = DateTime.unsafeMake(Date.UTC(2025, 3, 3))
          yield* store.append([
            {
              tip: second,
              expectedVersion: 1,
              events: [
                new TipEvent.Acknowledged({ tip: second, at, by }),
                new TipEvent.Categorized({ tip: second, at, by, category: Category.CategoryId.make("fire") })
              ]
            }
          ])
          yield* undoTipPages
        }).pipe(Effect.provide(open(vaultConfig())))
        yield* Effect.gen(function* () {
          const store = yield* TipStore.TipStore
          const page = (query: Omit<TipStore.PageQuery, "limit">) =>
            Effect.map(store.page({ ...query, limit: 10 }), (p) => p.tips.map((t) => t.id))
          expect(yield* page({ units: [unit] })).toEqual([third, second, first])
          expect(yield* page({ units: [unit], status: ["acknowledged"] })).toEqual([second])
          expect(yield* page({ units: [unit], category: Category.CategoryId.make("fire") })).toEqual([second])
          expect(yield* page({ channel: "zalo" })).toEqual([third, first])
          const rows = yield* Effect.flatMap(
            SqlClient,
            (sql) =>
              sql<
                Record<string, unknown>
              >`SELECT ${sql.literal(pageColumns.join(", "))} FROM tips ORDER BY register_number`
          )
          expect(rows.map((row) => pageColumns.map((column) => row[column]).map(String))).toEqual([
            ["2025", "1", "received", "zalo", "zalo-oa:1", "crime"],
            ["2025", "2", "acknowledged", "web", "web:site", "fire"],
            ["2025", "3", "received", "zalo", "zalo-oa:1", "crime"]
          ])
        }).pipe(Effect.provide(open(vaultConfig())))
      })
    )

    it.effect("reads a page from an index in the pages' order, never sorting the matching rows", () =>
      Effect.gen(function* () {
        yield* manyRows
        const after = { registerYear: 2025, registerNumber: 700, tip: "tip_00008400" }
        // One of the few units has no tips: read from the pages' index, its page would run through every older tip.
        const few = ["u0", "u1", "nobody"]
        const many = Array.from({ length: FEW_UNITS + 4 }, (_, i) => `u${i}`)
        const perUnit = yield* planOf({ units: few, open: true, after, limit: 51 })
        const firstPerUnit = yield* planOf({ units: few, limit: 51 })
        const everyUnit = yield* planOf({ units: many, status: ["received"], after, limit: 51 })
        const window = yield* planOf({ receivedFrom: 1000, receivedBefore: 15_000_000, limit: 51 })
        if (backend.name === "sqlite") {
          // Each unit's rows from its index, from the key; the merge sorts at most 3 × 51 rows, never the table's.
          expect(
            perUnit.match(
              /SEARCH tips USING (COVERING )?INDEX tips_unit_register \(unit>\? AND \(unit,register_year,register_number,tip\)<\(\?,\?,\?,\?\)\)/g
            )
          ).toHaveLength(3)
          expect(
            firstPerUnit.match(/SEARCH tips USING (COVERING )?INDEX tips_unit_register \(unit=\?\)/g)
          ).toHaveLength(3)
          for (const plan of [perUnit, firstPerUnit]) expect(plan).not.toMatch(/SCAN tips|tips_received|tips_register/)
          expect(everyUnit).toContain(
            "SEARCH tips USING INDEX tips_register ((register_year,register_number,tip)<(?,?,?))"
          )
          expect(window).toContain("SCAN tips USING INDEX tips_register")
          for (const plan of [everyUnit, window]) expect(plan).not.toContain("TEMP B-TREE")
        } else {
          for (const plan of [perUnit, firstPerUnit]) {
            expect(plan.match(/Index (Only )?Scan Backward using tips_unit_register/g)).toHaveLength(3)
            expect(plan).not.toMatch(/using tips_register|Seq Scan/)
          }
          expect(perUnit).toContain(
            "Index Cond: ((unit >= 'nobody'::text) AND (ROW(unit, register_year, register_number, tip) < ROW('nobody'::text, 2025, 700, 'tip_00008400'::text)))"
          )
          expect(everyUnit).toContain("Index Scan Backward using tips_register")
          expect(window).toContain("Index Scan Backward using tips_register")
          for (const plan of [everyUnit, window]) expect(plan).not.toMatch(/\bSort\b|Seq Scan/)
        }
      }).pipe(Effect.provide(backend.fresh()(vaultConfig())))
    )
  })
}
