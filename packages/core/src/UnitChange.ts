/**
 * Changes to the unit hierarchy (thay đổi đơn vị). Every change takes effect on a calendar date and cites
 * the decision that made it, e.g. "Nghị quyết 1674/NQ-UBTVQH15 ngày 16/6/2025". The hierarchy is the result
 * of applying the changes in the order they were recorded; see `UnitHierarchy`.
 *
 * When a unit closes (merged, split or dissolved), the units still directly under it move, on the same date,
 * to the unit that answers for it: the merged unit, the split's heir, or the dissolved unit's heir (else its
 * parent). To send some of them elsewhere, record `Moved` changes before the closing change.
 *
 * @since 0.1.0
 * @module
 */
export {
  Dissolved,
  Established,
  isUnitChange,
  Merged,
  Moved,
  Reclassified,
  Renamed,
  Split,
  tagLabels,
  UnitChange,
  unitsNamed
} from "./internal/units/unitChange.js"
