import { Schema } from "effect"
import { LocalDate } from "../calendar/localDate.js"
import { Label } from "../shared/label.js"
import { withoutNul } from "../shared/text.js"

/**
 * The stable identifier of a unit. It never changes when the unit is renamed or moved.
 *
 * @since 0.1.0
 * @category models
 */
export const UnitId = Schema.NonEmptyTrimmedString.pipe(
  Schema.maxLength(64),
  withoutNul(),
  Schema.brand("@tinbao/core/UnitId")
).annotations({ identifier: "UnitId" })

/**
 * @since 0.1.0
 * @category models
 */
export type UnitId = typeof UnitId.Type

/**
 * What a unit is. `district` is kept for history: district police closed on 1 March 2025.
 *
 * @since 0.1.0
 * @category models
 */
export const UnitKind = Schema.Literal(
  "ministry",
  "province",
  "district",
  "ward",
  "commune",
  "special_zone",
  "post",
  "residential_group",
  "security_team",
  "partner"
).annotations({ identifier: "UnitKind" })

/**
 * @since 0.1.0
 * @category models
 */
export type UnitKind = typeof UnitKind.Type

/**
 * Vietnamese and English names of each unit kind.
 *
 * @since 0.1.0
 * @category constants
 */
export const kindLabels: { readonly [K in UnitKind]: Label } = {
  ministry: { vi: "Bộ Công an", en: "Ministry of Public Security" },
  province: { vi: "Công an tỉnh, thành phố", en: "Provincial police" },
  district: { vi: "Công an huyện, thành phố thuộc tỉnh", en: "District police" },
  ward: { vi: "Công an phường", en: "Ward police" },
  commune: { vi: "Công an xã", en: "Commune police" },
  special_zone: { vi: "Công an đặc khu", en: "Special zone police" },
  post: { vi: "Đồn Công an", en: "Police post" },
  residential_group: { vi: "Tổ dân phố, thôn", en: "Residential group" },
  security_team: { vi: "Tổ an ninh", en: "Security team" },
  partner: { vi: "Cơ quan, đơn vị phối hợp", en: "Partner agency" }
}

/**
 * An official administrative code (QĐ 19/2025/QĐ-TTg): 2 digits for a province,
 * 5 digits for a commune. Codes are stable and never reused.
 *
 * @since 0.1.0
 * @category models
 */
export const OfficialCode = Schema.String.pipe(
  Schema.pattern(/^(\d{2}|\d{5})$/, { message: () => "a 2-digit province code or a 5-digit commune code" }),
  Schema.brand("@tinbao/core/OfficialCode")
).annotations({ identifier: "OfficialCode" })

/**
 * @since 0.1.0
 * @category models
 */
export type OfficialCode = typeof OfficialCode.Type

/**
 * One version of a unit: what it was called, where it sat in the tree, and from when to when.
 * `validTo` is the first date on which this version no longer holds (exclusive); absent while it holds.
 * `remote` marks remote or island communes, whose transfer deadline is 48 hours instead of 24.
 *
 * @since 0.1.0
 * @category models
 */
export class Unit extends Schema.Class<Unit>("@tinbao/core/Unit")({
  id: UnitId,
  code: Schema.optional(OfficialCode),
  kind: UnitKind,
  name: Label,
  parent: Schema.optional(UnitId),
  remote: Schema.optionalWith(Schema.Boolean, { default: () => false }),
  validFrom: LocalDate,
  validTo: Schema.optional(LocalDate)
}) {}

/**
 * Whether this version of a unit holds on a date: from `validFrom`, up to but not including `validTo`.
 *
 * @since 0.1.0
 * @category predicates
 */
export const isValidAt = (unit: Unit, date: LocalDate): boolean =>
  unit.validFrom <= date && (unit.validTo === undefined || date < unit.validTo)

/**
 * How an officer reads a unit in a message: its Vietnamese name and its id, e.g. "Công an phường Vân Giang (nb-vangiang)".
 *
 * @since 0.1.0
 * @category getters
 */
export const displayName = (unit: Unit): string => `${unit.name.vi} (${unit.id})`
