/**
 * The Ninh Bình demo: builds the units of the seed programme, runs one police statistical year of tips
 * through the lifecycle (Ninh Tiến commune gets 26 tips, all resolved), and prints a report per unit.
 *
 *   npm start -- --seed 2023 --year 2023
 */
import { LocalDate, StatisticalPeriod, Tips, UnitDirectory } from "@tinbao/core"
import { NinhBinh } from "@tinbao/testkit"
import { DateTime, Effect } from "effect"
import { parseArgs } from "node:util"
import * as SimClock from "./clock.js"
import * as Random from "./random.js"
import { report } from "./report.js"
import { plan } from "./simulate.js"
import { run } from "./run.js"

const { values } = parseArgs({
  options: { seed: { type: "string", default: "2023" }, year: { type: "string", default: "2023" } },
  strict: true
})
const seed = Number(values.seed)
const year = Number(values.year)
if (!Number.isInteger(seed) || !Number.isInteger(year) || year < 2021 || year > 2100) {
  console.error("Usage: npm start -- [--seed <integer>] [--year <police statistical year, 2021–2100>]")
  process.exit(2)
}

const clock = SimClock.make()

const program = Effect.gen(function* () {
  const directory = yield* UnitDirectory.UnitDirectory
  yield* directory.record(NinhBinh.allChanges)
  const hierarchy = yield* directory.hierarchy
  const tips = yield* Tips.Tips
  const root = NinhBinh.unitIds.province
  const planned = plan(Random.make(seed), hierarchy, year, { root, ninhTien: NinhBinh.unitIds.ninhTien })
  const reader = planned.staff.handler(root)
  // The report is as of the end of the statistical year: what was planned for later has not happened yet.
  const yearEnd = DateTime.toEpochMillis(LocalDate.endOf(StatisticalPeriod.policeYear(year).last))
  const ids = yield* run(tips, reader, planned.steps.filter((s) => s.at < yearEnd), clock.set)
  clock.set(yearEnd)
  const { lines } = yield* report(tips, hierarchy, reader, year, planned.highlights, ids)
  console.log(lines.join("\n"))
})

Effect.runPromise(program.pipe(Effect.provide(Tips.layerMemory()), Effect.withClock(clock.clock))).catch((error) => {
  console.error(error)
  process.exit(1)
})
