import { LocalDate, StatisticalPeriod, Tips, UnitDirectory } from "@tinbao/core"
import { NinhBinh } from "@tinbao/testkit"
import { DateTime, Effect } from "effect"
import * as SimClock from "./clock.js"
import * as Random from "./random.js"
import { report } from "./report.js"
import { run } from "./run.js"
import { plan } from "./simulate.js"

/**
 * Builds the Ninh Bình units, runs one police statistical year of tips through the lifecycle and
 * returns the report. Deterministic for a seed.
 */
export const demo = (options: { readonly seed: number; readonly year: number }) => {
  const clock = SimClock.make()
  return Effect.gen(function* () {
    const directory = yield* UnitDirectory.UnitDirectory
    yield* directory.record(NinhBinh.allChanges)
    const hierarchy = yield* directory.hierarchy
    const tips = yield* Tips.Tips
    const root = NinhBinh.unitIds.province
    const planned = plan(Random.make(options.seed), hierarchy, options.year, {
      root,
      ninhTien: NinhBinh.unitIds.ninhTien
    })
    const reader = planned.staff.handler(root)
    // The report is as of the end of the statistical year: what was planned for later has not happened yet.
    const yearEnd = DateTime.toEpochMillis(LocalDate.endOf(StatisticalPeriod.policeYear(options.year).last))
    const ids = yield* run(
      tips,
      reader,
      planned.steps.filter((s) => s.at < yearEnd),
      clock.set
    )
    clock.set(yearEnd)
    return yield* report(tips, hierarchy, reader, options.year, planned.highlights, ids)
  }).pipe(Effect.provide(Tips.layerMemory()), Effect.withClock(clock.clock))
}
