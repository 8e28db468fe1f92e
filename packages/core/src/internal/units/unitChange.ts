import { Schema } from "effect"
import { LocalDate } from "../calendar/localDate.js"
import { Label } from "../shared/label.js"
import { OfficialCode, UnitId, UnitKind } from "./unit.js"

const common = {
  effectiveDate: LocalDate,
  legalBasis: Schema.NonEmptyTrimmedString
}

/** What a unit is established with, besides the date and legal basis; a listed unit has the same (`ListedUnit`). */
export const unitFields = {
  id: UnitId,
  code: Schema.optional(OfficialCode),
  kind: UnitKind,
  name: Label,
  parent: Schema.optional(UnitId),
  remote: Schema.optional(Schema.Boolean)
}

const AtLeastTwo = Schema.Array(UnitId).pipe(Schema.minItems(2))

/**
 * A new unit (thành lập). Without a parent it must be the ministry, a province or a partner agency.
 *
 * @since 0.1.0
 * @category models
 */
export class Established extends Schema.TaggedClass<Established>("@tinbao/core/UnitChange/Established")("Established", {
  ...common,
  ...unitFields
}) {}

/**
 * A new name (đổi tên), and a new official code when one is given. The unit keeps its id.
 *
 * @since 0.1.0
 * @category models
 */
export class Renamed extends Schema.TaggedClass<Renamed>("@tinbao/core/UnitChange/Renamed")("Renamed", {
  ...common,
  unit: UnitId,
  name: Label,
  code: Schema.optional(OfficialCode)
}) {}

/**
 * The unit, with everything under it, moves under another parent (điều chuyển).
 *
 * @since 0.1.0
 * @category models
 */
export class Moved extends Schema.TaggedClass<Moved>("@tinbao/core/UnitChange/Moved")("Moved", {
  ...common,
  unit: UnitId,
  newParent: UnitId
}) {}

/**
 * Two or more units close and `into` takes them over (sáp nhập). `into` is an existing unit, or one
 * established earlier in the same batch; it is not one of the sources.
 *
 * @since 0.1.0
 * @category models
 */
export class Merged extends Schema.TaggedClass<Merged>("@tinbao/core/UnitChange/Merged")("Merged", {
  ...common,
  sources: AtLeastTwo,
  into: UnitId
}) {}

/**
 * A unit closes and its area goes to two or more units (chia tách). `heir`, one of `into`, inherits its
 * open and past tips and the units still under it.
 *
 * @since 0.1.0
 * @category models
 */
export class Split extends Schema.TaggedClass<Split>("@tinbao/core/UnitChange/Split")("Split", {
  ...common,
  source: UnitId,
  into: AtLeastTwo,
  heir: UnitId
}) {}

/**
 * A unit closes (giải thể). `heir` answers for its tips; without one, its parent on that date does.
 *
 * @since 0.1.0
 * @category models
 */
export class Dissolved extends Schema.TaggedClass<Dissolved>("@tinbao/core/UnitChange/Dissolved")("Dissolved", {
  ...common,
  unit: UnitId,
  heir: Schema.optional(UnitId)
}) {}

/**
 * A unit changes kind (e.g. a commune becomes a ward), and optionally its remote flag.
 *
 * @since 0.1.0
 * @category models
 */
export class Reclassified extends Schema.TaggedClass<Reclassified>("@tinbao/core/UnitChange/Reclassified")(
  "Reclassified",
  {
    ...common,
    unit: UnitId,
    kind: UnitKind,
    remote: Schema.optional(Schema.Boolean)
  }
) {}

/**
 * Any change to the hierarchy.
 *
 * @since 0.1.0
 * @category models
 */
export const UnitChange = Schema.Union(Established, Renamed, Moved, Merged, Split, Dissolved, Reclassified).annotations(
  {
    identifier: "UnitChange"
  }
)

/**
 * @since 0.1.0
 * @category models
 */
export type UnitChange = typeof UnitChange.Type

/**
 * Vietnamese and English names of each kind of change.
 *
 * @since 0.1.0
 * @category constants
 */
export const tagLabels: { readonly [K in UnitChange["_tag"]]: Label } = {
  Established: { vi: "Thành lập", en: "Established" },
  Renamed: { vi: "Đổi tên", en: "Renamed" },
  Moved: { vi: "Điều chuyển", en: "Moved" },
  Merged: { vi: "Sáp nhập", en: "Merged" },
  Split: { vi: "Chia tách", en: "Split" },
  Dissolved: { vi: "Giải thể", en: "Dissolved" },
  Reclassified: { vi: "Chuyển đổi loại hình", en: "Reclassified" }
}

/**
 * Every unit a change names, the acted-on units first.
 *
 * @since 0.1.0
 * @category getters
 */
export const unitsNamed = (change: UnitChange): ReadonlyArray<UnitId> => {
  switch (change._tag) {
    case "Established":
      return change.parent === undefined ? [change.id] : [change.id, change.parent]
    case "Renamed":
    case "Reclassified":
      return [change.unit]
    case "Moved":
      return [change.unit, change.newParent]
    case "Merged":
      return [...change.sources, change.into]
    case "Split":
      return [change.source, ...change.into]
    case "Dissolved":
      return change.heir === undefined ? [change.unit] : [change.unit, change.heir]
  }
}

/**
 * Whether a value is a unit change.
 *
 * @since 0.1.0
 * @category predicates
 */
export const isUnitChange: (u: unknown) => u is UnitChange = Schema.is(UnitChange)
