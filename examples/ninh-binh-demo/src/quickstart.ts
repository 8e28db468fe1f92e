/**
 * The README's quick example: one commune, one tip received over Zalo and acknowledged.
 */
import { Actor, Category, LocalDate, Tips, Unit, UnitChange, UnitDirectory } from "@tinbao/core"
import { Effect, Redacted } from "effect"

export const quickstart = Effect.gen(function* () {
  const units = yield* UnitDirectory.UnitDirectory
  const established = { effectiveDate: LocalDate.unsafeMake("2025-07-01"), legalBasis: "Nghị quyết 1674/NQ-UBTVQH15" }
  yield* units.record([
    UnitChange.Established.make({
      ...established,
      id: Unit.UnitId.make("ca-tinh-ninh-binh"),
      kind: "province",
      name: { vi: "Công an tỉnh Ninh Bình", en: "Ninh Bình provincial police" }
    }),
    UnitChange.Established.make({
      ...established,
      id: Unit.UnitId.make("ca-xa-ninh-tien"),
      kind: "commune",
      name: { vi: "Công an xã Ninh Tiến", en: "Ninh Tiến commune police" },
      parent: Unit.UnitId.make("ca-tinh-ninh-binh")
    })
  ])

  const tips = yield* Tips.Tips
  const officer = Actor.make("can-bo-01", "ca-xa-ninh-tien", ["officer", "leader"])
  const tip = yield* tips.receive(officer, {
    unit: Unit.UnitId.make("ca-xa-ninh-tien"),
    channel: "zalo",
    // sealed in the identity vault at once: the tip keeps only an alias
    identity: Redacted.make({ channel: "oa-ninh-tien", platformUserId: "8842113", displayName: "Nguyễn Văn A" }),
    reporterKind: "individual",
    legalType: "to_giac",
    category: Category.CategoryId.make("stolen_property"),
    summary: "Mất trộm xe máy trước cửa nhà văn hoá thôn."
  })
  const acknowledged = yield* tips.execute(officer, {
    tip: tip.id,
    expectedVersion: tip.version,
    command: { _tag: "Acknowledge" }
  })
  const deadlines = yield* tips.deadlines(officer, tip.id)
  return { code: tip.code, status: acknowledged.status, deadlines }
}).pipe(Effect.provide(Tips.layerMemory()))
