/**
 * The labels the page shows for the core's values (statuses, channels, categories, legal types, roles, outcomes,
 * the kinds of change to a unit) and the lifecycle's graph, read from @tinbao/core at build time and bundled as the module "tinbao:core": the page
 * labels values exactly as the core does, and the browser never loads the core (or Effect) itself.
 */
import { Actor, Category, Lifecycle, Statistics, Tip, TipEvent, UnitChange } from "@tinbao/core"
import { SchemaAST } from "effect"
import type * as esbuild from "esbuild"

export const core = {
  statuses: Tip.statusLabels,
  channels: Statistics.channelLabels,
  categories: Object.fromEntries([...Category.taxonomy()].map(([id, category]) => [id, category.label])),
  legalTypes: Category.legalTypeLabels,
  roles: Actor.roleLabels,
  outcomes: Statistics.outcomeLabels,
  unitChanges: UnitChange.tagLabels,
  graph: Lifecycle.graph,
  // The values a resolution's outcome and a suspension's or non-prosecution's ground may take.
  outcomeKinds: TipEvent.Outcome.members.flatMap((member) => {
    const tag = SchemaAST.isTypeLiteral(member.ast)
      ? member.ast.propertySignatures.find((p) => p.name === "_tag")?.type
      : undefined
    return tag !== undefined && SchemaAST.isLiteral(tag) ? [String(tag.literal)] : []
  }),
  // Which outcomes each legal type's track allows, so that Resolve offers only those.
  outcomesByLegalType: Object.fromEntries(
    Object.keys(Category.legalTypeLabels).map((type) => [
      type,
      Lifecycle.outcomesOf[Category.trackOf(type as Category.LegalType)]
    ])
  ),
  suspensionGrounds: TipEvent.SuspensionGround.literals,
  nonProsecutionGrounds: TipEvent.NonProsecutionGround.literals
}

/** The esbuild plugin that answers `import core from "tinbao:core"` with {@link core} as JSON. */
export const coreModule: esbuild.Plugin = {
  name: "tinbao-core",
  setup(build) {
    build.onResolve({ filter: /^tinbao:core$/ }, () => ({ path: "core", namespace: "tinbao" }))
    build.onLoad({ filter: /.*/, namespace: "tinbao" }, () => ({ contents: JSON.stringify(core), loader: "json" }))
  }
}
