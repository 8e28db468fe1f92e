/**
 * Random unit hierarchies: a police tree from the ministry down to security teams, plus partner agencies beside
 * it, as the `Established` changes that build it, parents always before children.
 *
 * @internal
 */
import { LocalDate, Unit, UnitChange } from "@tinbao/core"
import { FastCheck } from "effect"
import { places } from "./arbitraryText.js"

/** The kinds each level may have, from the top. A tree of depth 5 stands under the ministry; a shallower one under a province. */
const levels: ReadonlyArray<ReadonlyArray<Unit.UnitKind>> = [
  ["ministry"],
  ["province"],
  ["ward", "commune", "special_zone"],
  ["residential_group", "post"],
  ["security_team"]
]

/** @internal */
export const maxDepth = levels.length

/** @internal */
export interface TreeOptions {
  readonly maxDepth?: number
  readonly maxUnits?: number
  readonly effectiveDate?: LocalDate.LocalDate
  readonly idPrefix?: string
  readonly legalBasis?: string
}

const node = FastCheck.record({
  parent: FastCheck.nat(),
  kind: FastCheck.nat(),
  place: FastCheck.nat({ max: places.length - 1 }),
  remote: FastCheck.boolean()
})

/** @internal */
export const unitTree = (options: TreeOptions = {}): FastCheck.Arbitrary<ReadonlyArray<UnitChange.Established>> => {
  const depth = options.maxDepth ?? maxDepth
  const size = options.maxUnits ?? 30
  if (!Number.isInteger(depth) || depth < 1 || depth > maxDepth) {
    throw new RangeError(`Arbitraries.unitTree: maxDepth must be an integer from 1 to ${maxDepth}, not ${depth}`)
  }
  if (!Number.isInteger(size) || size < 1) {
    throw new RangeError(`Arbitraries.unitTree: maxUnits must be a positive integer, not ${size}`)
  }
  const kinds = depth === maxDepth ? levels : levels.slice(1, 1 + depth)
  const common = {
    effectiveDate: options.effectiveDate ?? LocalDate.unsafeMake("2020-01-01"),
    legalBasis: options.legalBasis ?? "Quyết định thành lập (dữ liệu thử)"
  }
  const prefix = options.idPrefix ?? "u"
  return FastCheck.tuple(
    FastCheck.array(node, { maxLength: size - 1 }),
    FastCheck.nat({ max: Math.min(2, size - 1) })
  ).map(([nodes, partners]) => {
    const depths: Array<number> = [0]
    const out: Array<UnitChange.Established> = [
      establish(common, Unit.UnitId.make(`${prefix}-0`), kinds[0][0], places[0], undefined, false)
    ]
    for (const [i, n] of nodes.slice(0, size - 1 - partners).entries()) {
      const open = depths.flatMap((d, j) => (d < depth - 1 ? [j] : []))
      if (open.length === 0) break
      const parent = open[n.parent % open.length]
      const level = depths[parent] + 1
      const kind = kinds[level][n.kind % kinds[level].length]
      const remote = n.remote && kind === "commune"
      depths.push(level)
      out.push(establish(common, Unit.UnitId.make(`${prefix}-${i + 1}`), kind, places[n.place], out[parent].id, remote))
    }
    for (let p = 0; p < partners; p++) {
      out.push(establish(common, Unit.UnitId.make(`${prefix}-p${p}`), "partner", places[p + 1], undefined, false))
    }
    return out
  })
}

const establish = (
  common: { readonly effectiveDate: LocalDate.LocalDate; readonly legalBasis: string },
  id: Unit.UnitId,
  kind: Unit.UnitKind,
  place: string,
  parent: Unit.UnitId | undefined,
  remote: boolean
): UnitChange.Established =>
  new UnitChange.Established({
    ...common,
    id,
    kind,
    name: { vi: `${Unit.kindLabels[kind].vi} ${place}`, en: `${place} (${Unit.kindLabels[kind].en})` },
    ...(parent === undefined ? {} : { parent }),
    ...(remote ? { remote } : {})
  })
