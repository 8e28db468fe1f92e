/**
 * The units of the seed programme "Kết nối mạng xã hội – Vì bình yên thành phố" (Ninh Bình city police): the
 * Ministry, Ninh Bình provincial police (code 37), the city police, its 11 wards and 3 communes, their residential
 * groups with a security team each, and 26 partner agencies beside the tree, all as of 1 January 2020; then an
 * illustrative 2025 restructuring:
 *
 * - 2025-03-01: the city police closes (district police ended); the provincial police is its heir, and the
 *   wards and communes move directly under it.
 * - 2025-07-01: the old wards and communes merge into larger wards: Hoa Lư (Vân Giang, Thanh Bình, Phúc Thành,
 *   Đông Thành, Tân Thành), Nam Hoa Lư (Nam Bình, Bích Đào, Nam Thành, Ninh Phong) and Tây Hoa Lư (Ninh Khánh,
 *   Ninh Sơn, Ninh Nhất, Ninh Tiến); Ninh Phúc splits between Đông Hoa Lư (its heir) and Nam Hoa Lư, after its
 *   village 1 moves to Nam Hoa Lư. The residential groups follow their ward.
 *
 * The 2025 grouping is illustrative, not the text of the resolutions it cites.
 *
 * @since 0.1.0
 * @module
 */

import { LocalDate, type Unit, type UnitChange, UnitHierarchy } from "@tinbao/core"
import { Either } from "effect"
import * as build from "./internal/ninhBinhChanges.js"
import * as data from "./internal/ninhBinhData.js"

/**
 * The ids of the fixture's important units.
 *
 * @since 0.1.0
 * @category models
 */
export interface UnitIds {
  /** Bộ Công an. */
  readonly ministry: Unit.UnitId
  /** Công an tỉnh Ninh Bình, code 37. */
  readonly province: Unit.UnitId
  /** Công an thành phố Ninh Bình, closed on 2025-03-01. */
  readonly city: Unit.UnitId
  readonly vanGiang: Unit.UnitId
  readonly thanhBinh: Unit.UnitId
  readonly phucThanh: Unit.UnitId
  readonly dongThanh: Unit.UnitId
  readonly tanThanh: Unit.UnitId
  readonly namBinh: Unit.UnitId
  readonly bichDao: Unit.UnitId
  readonly namThanh: Unit.UnitId
  readonly ninhPhong: Unit.UnitId
  readonly ninhKhanh: Unit.UnitId
  readonly ninhSon: Unit.UnitId
  readonly ninhNhat: Unit.UnitId
  /** Công an xã Ninh Tiến: 26 tips through its Zalo groups in 2023, all resolved. */
  readonly ninhTien: Unit.UnitId
  readonly ninhPhuc: Unit.UnitId
  /** The wards formed on 2025-07-01. */
  readonly hoaLu: Unit.UnitId
  readonly namHoaLu: Unit.UnitId
  readonly tayHoaLu: Unit.UnitId
  readonly dongHoaLu: Unit.UnitId
  /** Tổ dân phố 3, phường Đông Thành, and its security team: the article's example. */
  readonly dongThanhGroup3: Unit.UnitId
  readonly dongThanhGroup3Team: Unit.UnitId
  /** Thôn 1, xã Ninh Phúc: moved to Nam Hoa Lư before Ninh Phúc splits. */
  readonly ninhPhucVillage1: Unit.UnitId
  /** Ban quản lý chợ Rồng, a partner agency. */
  readonly choRong: Unit.UnitId
}

/**
 * @since 0.1.0
 * @category constants
 */
export const unitIds: UnitIds = {
  ministry: build.ids.ministry,
  province: build.ids.province,
  city: build.ids.city,
  ...build.ids.places,
  hoaLu: build.ids.hoaLu,
  namHoaLu: build.ids.namHoaLu,
  tayHoaLu: build.ids.tayHoaLu,
  dongHoaLu: build.ids.dongHoaLu,
  dongThanhGroup3: build.groupId(build.place("dongThanh"), 3),
  dongThanhGroup3Team: build.teamId(build.groupId(build.place("dongThanh"), 3)),
  ninhPhucVillage1: build.groupId(build.place("ninhPhuc"), 1),
  choRong: build.partnerId("cho-rong")
}

/**
 * The 11 wards and 3 communes under the city police before 2025, in the article's order.
 *
 * @since 0.1.0
 * @category constants
 */
export const cityUnitIds: ReadonlyArray<Unit.UnitId> = data.places.map((p) => build.ids.places[p.key])

/**
 * The 26 partner agencies.
 *
 * @since 0.1.0
 * @category constants
 */
export const partnerIds: ReadonlyArray<Unit.UnitId> = data.partners.map((p) => build.partnerId(p.slug))

/**
 * The residential groups of each ward or commune (before 2025), by its id.
 *
 * @since 0.1.0
 * @category constants
 */
export const residentialGroupIds: ReadonlyMap<Unit.UnitId, ReadonlyArray<Unit.UnitId>> = new Map(
  data.places.map((p) => [build.ids.places[p.key], Array.from({ length: p.groups }, (_, i) => build.groupId(p, i + 1))])
)

/**
 * The date every unit of the fixture is established.
 *
 * @since 0.1.0
 * @category constants
 */
export const establishedOn: LocalDate.LocalDate = LocalDate.unsafeMake("2020-01-01")

/**
 * The date the city police closes.
 *
 * @since 0.1.0
 * @category constants
 */
export const cityClosedOn: LocalDate.LocalDate = LocalDate.unsafeMake("2025-03-01")

/**
 * The date the wards merge.
 *
 * @since 0.1.0
 * @category constants
 */
export const wardsMergedOn: LocalDate.LocalDate = LocalDate.unsafeMake("2025-07-01")

/**
 * The units as of 2020-01-01, parents first.
 *
 * @since 0.1.0
 * @category fixtures
 */
export const changes: ReadonlyArray<UnitChange.UnitChange> = build.initial(establishedOn)

/**
 * The illustrative 2025 restructuring, in order.
 *
 * @since 0.1.0
 * @category fixtures
 */
export const restructuring2025: ReadonlyArray<UnitChange.UnitChange> = build.restructuring(cityClosedOn, wardsMergedOn)

/**
 * {@link changes} then {@link restructuring2025}.
 *
 * @since 0.1.0
 * @category fixtures
 */
export const allChanges: ReadonlyArray<UnitChange.UnitChange> = [...changes, ...restructuring2025]

let built: UnitHierarchy.UnitHierarchy | undefined

/**
 * The hierarchy that {@link allChanges} build.
 *
 * @since 0.1.0
 * @category fixtures
 */
export const hierarchy = (): UnitHierarchy.UnitHierarchy => {
  built ??= Either.getOrThrow(UnitHierarchy.fromChanges(allChanges))
  return built
}
