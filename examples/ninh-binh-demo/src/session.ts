import { SqlClient } from "@effect/sql/SqlClient"
import { LocalDate, Register, Tip, UnitDirectory, UnitHierarchy } from "@tinbao/core"
import { Data, Effect, type Layer, Option, Schema } from "effect"
import * as SimClock from "./clock.js"
import { type Options, type Ran, reportYear, type StorageServices, services, simulateYear } from "./demo.js"
import type { Units } from "./units.js"

/** The database already holds something else than the run asked for: the officer is told what, and `--fresh`. */
export class UsedDatabase extends Data.TaggedError("UsedDatabase")<{ readonly message: string }> {}

const Tally = Schema.Struct({
  deliveries: Schema.Number,
  created: Schema.Number,
  duplicates: Schema.Number,
  appended: Schema.Number,
  // Runs recorded before the demo had an inbox purged nothing.
  purged: Schema.optionalWith(Schema.Number, { default: () => 0 }),
  replied: Schema.optional(Schema.Number),
  privateReplies: Schema.optional(Schema.Number)
})
// The web forms' counts, and the Zalo OAs' and fanpages' beside them (absent in a run stored before the demo had
// them).
const Counts = Schema.Struct({ ...Tally.fields, zalo: Schema.optional(Tally), facebook: Schema.optional(Tally) })
const RunRow = Schema.Struct({
  seed: Schema.Union(Schema.Number, Schema.NumberFromString),
  year: Schema.Union(Schema.Number, Schema.NumberFromString),
  ids: Schema.parseJson(Schema.Array(Schema.Tuple(Schema.Number, Tip.TipId))),
  counts: Schema.parseJson(Counts)
})
const RunRows = Schema.Array(RunRow)

// The demo's own table: what the simulation leaves besides tinbao's data (the planned tips' ids and intake's
// counts), written once the year has run, so that a run stopped halfway leaves no record.
const ensureTable = (sql: SqlClient) =>
  sql`CREATE TABLE IF NOT EXISTS ninh_binh_demo_runs (seed INTEGER NOT NULL, year INTEGER NOT NULL,
    ids TEXT NOT NULL, counts TEXT NOT NULL)`

const again = "Run again with --fresh to drop the demo's data and start over."

/** What is stored already: nothing, or a finished run (honestly there: units recorded, tips registered). */
const inspect = (sql: SqlClient, units: Units) =>
  Effect.gen(function* () {
    const directory = yield* UnitDirectory.UnitDirectory
    const changes = yield* directory.changes
    const rows = yield* Effect.flatMap(
      sql`SELECT seed, year, ids, counts FROM ninh_binh_demo_runs`,
      Schema.decodeUnknown(RunRows)
    )
    if (changes.length === 0 && rows.length === 0) return Option.none()
    const row = rows[0]
    if (row === undefined || rows.length > 1) {
      return yield* new UsedDatabase({
        message: `The database holds tinbao data but no finished demo run (a run stopped halfway, or other data). ${again}`
      })
    }
    const hierarchy = yield* directory.hierarchy
    const unitsThere =
      changes.length === units.changes.length &&
      Option.isSome(UnitHierarchy.get(hierarchy, units.ninhTien, LocalDate.fromParts(row.year, 6, 1)))
    const register = yield* Register.Register
    const entries = yield* Effect.forEach(units.localUnitIds, (unit) => register.entries(unit, row.year))
    if (!unitsThere || entries.every((e) => e.length === 0)) {
      return yield* new UsedDatabase({
        message: `The database has a record of the run for seed ${row.seed}, year ${row.year}, but not its units and registered tips. ${again}`
      })
    }
    return Option.some(row)
  })

/** How the report was made: by simulating the year now, or from what an earlier run stored. */
export type Source = "simulated" | "stored"

/**
 * Runs the demo on durable storage once: the first run on a database simulates the year and records it; a later
 * run with the same seed and year reports from what is stored (simulating again would count everything twice).
 */
export const runOrReuse = <E>(options: Options, storage: Layer.Layer<StorageServices | SqlClient, E>) => {
  const clock = SimClock.make()
  return Effect.gen(function* () {
    const sql = yield* SqlClient
    yield* ensureTable(sql)
    const stored = yield* inspect(sql, options.units)
    if (Option.isSome(stored)) {
      const row = stored.value
      if (row.seed !== options.seed || row.year !== options.year) {
        return yield* new UsedDatabase({
          message: `The database already holds the demo run for --seed ${row.seed} --year ${row.year}, not for --seed ${options.seed} --year ${options.year}. Run with those, or run again with --fresh to drop the demo's data and start over.`
        })
      }
      const { zalo, facebook, ...counts } = row.counts
      const none = { deliveries: 0, created: 0, duplicates: 0, appended: 0, purged: 0 }
      const ran: Ran = { ids: new Map(row.ids), counts, zalo: zalo ?? none, facebook: facebook ?? none }
      return { source: "stored" as Source, ...(yield* reportYear(options, clock, ran)) }
    }
    const ran = yield* simulateYear(options, clock)
    yield* sql`INSERT INTO ninh_binh_demo_runs ${sql.insert({
      seed: options.seed,
      year: options.year,
      ids: JSON.stringify([...ran.ids]),
      counts: JSON.stringify({ ...ran.counts, zalo: ran.zalo, facebook: ran.facebook })
    })}`
    return { source: "simulated" as Source, ...(yield* reportYear(options, clock, ran)) }
  }).pipe(Effect.provide(services<SqlClient, E>(storage)), Effect.withClock(clock.clock))
}
