/**
 * The unit hierarchy (hệ thống đơn vị) as it stood on any date: an immutable value built by applying
 * `UnitChange`s in order. It answers "what was this unit called and where did it sit on that date",
 * "is this unit within that one" and "which unit answers today for the tips of a unit that no longer exists".
 *
 * Each change must not go back before the last change of a unit it rewrites, and it only alters the tree from
 * its own date on. The tree is therefore constant between two effective dates (an epoch); the first query of an
 * epoch lays that tree out in pre-order once, after which `isWithin` takes constant time and `subtree` time
 * proportional to its answer, even for a national tree of some 100,000 units.
 *
 * @since 0.1.0
 * @module
 */

export type { UnitHierarchy, UnitTreeNodeEncoded } from "./internal/units/hierarchy.js"
export {
  ancestors,
  answeredWithin,
  answeringUnit,
  apply,
  applyAll,
  children,
  dates,
  empty,
  fromChanges,
  get,
  isUnitHierarchy,
  isWithin,
  lineage,
  subtree,
  successors,
  tree,
  UnitRule,
  UnitRuleError,
  UnitTreeNode,
  versions
} from "./internal/units/hierarchy.js"
export { ChangeBasis, changesTo, ListedUnit, UnitListError } from "./internal/units/reconcile.js"
