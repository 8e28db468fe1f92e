import { type LocalDate, Unit, UnitChange } from "@tinbao/core"
import { legalBasis, type Place, type PlaceKey, partners, places } from "./ninhBinhData.js"

const id = (s: string): Unit.UnitId => Unit.UnitId.make(s)

export const place = (key: PlaceKey): Place => places.find((p) => p.key === key)!

const policeId = (p: Place) => id(`${p.kind === "ward" ? "ca-p" : "ca-x"}-${p.slug}`)

export const groupId = (p: Place, n: number): Unit.UnitId => id(`${p.kind === "ward" ? "tdp" : "thon"}-${n}-${p.slug}`)

export const teamId = (group: Unit.UnitId): Unit.UnitId => id(`to-an-ninh-${group}`)

export const partnerId = (slug: string): Unit.UnitId => id(`doi-tac-${slug}`)

export const ids = {
  ministry: id("bca"),
  province: id("ca-tinh-ninh-binh"),
  city: id("ca-tp-ninh-binh"),
  places: Object.fromEntries(places.map((p) => [p.key, policeId(p)])) as { readonly [K in PlaceKey]: Unit.UnitId },
  hoaLu: id("ca-p-hoa-lu"),
  namHoaLu: id("ca-p-nam-hoa-lu"),
  tayHoaLu: id("ca-p-tay-hoa-lu"),
  dongHoaLu: id("ca-p-dong-hoa-lu")
}

const established = (
  date: LocalDate.LocalDate,
  basis: string,
  unit: Unit.UnitId,
  kind: Unit.UnitKind,
  vi: string,
  en: string,
  parent?: Unit.UnitId,
  code?: string
) =>
  new UnitChange.Established({
    effectiveDate: date,
    legalBasis: basis,
    id: unit,
    kind,
    name: { vi, en },
    ...(parent === undefined ? {} : { parent }),
    ...(code === undefined ? {} : { code: Unit.OfficialCode.make(code) })
  })

const placeUnits = (date: LocalDate.LocalDate, p: Place): ReadonlyArray<UnitChange.UnitChange> => {
  const ward = p.kind === "ward"
  const police = established(
    date,
    legalBasis.organisation,
    policeId(p),
    p.kind,
    `Công an ${ward ? "phường" : "xã"} ${p.vi}`,
    `${p.en} ${p.kind} police`,
    ids.city
  )
  const groups = Array.from({ length: p.groups }, (_, i) => {
    const n = i + 1
    const group = groupId(p, n)
    const [viGroup, enGroup] = ward ? [`tổ dân phố ${n}`, `residential group ${n}`] : [`thôn ${n}`, `village ${n}`]
    const where = { vi: `${ward ? "phường" : "xã"} ${p.vi}`, en: `${p.en} ${p.kind}` }
    return [
      established(
        date,
        legalBasis.organisation,
        group,
        "residential_group",
        `${capitalise(viGroup)}, ${where.vi}`,
        `${capitalise(enGroup)}, ${where.en}`,
        policeId(p)
      ),
      established(
        date,
        legalBasis.organisation,
        teamId(group),
        "security_team",
        `Tổ an ninh ${viGroup}, ${where.vi}`,
        `Security team of ${enGroup}, ${where.en}`,
        group
      )
    ]
  })
  return [police, ...groups.flat()]
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1)

export const initial = (date: LocalDate.LocalDate): ReadonlyArray<UnitChange.UnitChange> => [
  established(date, legalBasis.ministry, ids.ministry, "ministry", "Bộ Công an", "Ministry of Public Security"),
  established(
    date,
    legalBasis.ministry,
    ids.province,
    "province",
    "Công an tỉnh Ninh Bình",
    "Ninh Binh provincial police",
    ids.ministry,
    "37"
  ),
  established(
    date,
    legalBasis.organisation,
    ids.city,
    "district",
    "Công an thành phố Ninh Bình",
    "Ninh Binh city police",
    ids.province
  ),
  ...places.flatMap((p) => placeUnits(date, p)),
  ...partners.map((p) => established(date, legalBasis.partners, partnerId(p.slug), "partner", p.vi, p.en))
]

const merge = (date: LocalDate.LocalDate, sources: ReadonlyArray<PlaceKey>, into: Unit.UnitId) =>
  new UnitChange.Merged({
    effectiveDate: date,
    legalBasis: legalBasis.wardsMerged,
    sources: sources.map((k) => ids.places[k]),
    into
  })

export const restructuring = (
  cityClosed: LocalDate.LocalDate,
  wardsMerged: LocalDate.LocalDate
): ReadonlyArray<UnitChange.UnitChange> => {
  const newWard = (unit: Unit.UnitId, vi: string, en: string) =>
    established(
      wardsMerged,
      legalBasis.wardsMerged,
      unit,
      "ward",
      `Công an phường ${vi}`,
      `${en} ward police`,
      ids.province
    )
  return [
    new UnitChange.Dissolved({
      effectiveDate: cityClosed,
      legalBasis: legalBasis.districtClosed,
      unit: ids.city,
      heir: ids.province
    }),
    newWard(ids.hoaLu, "Hoa Lư", "Hoa Lu"),
    newWard(ids.namHoaLu, "Nam Hoa Lư", "Nam Hoa Lu"),
    newWard(ids.tayHoaLu, "Tây Hoa Lư", "Tay Hoa Lu"),
    newWard(ids.dongHoaLu, "Đông Hoa Lư", "Dong Hoa Lu"),
    merge(wardsMerged, ["vanGiang", "thanhBinh", "phucThanh", "dongThanh", "tanThanh"], ids.hoaLu),
    merge(wardsMerged, ["namBinh", "bichDao", "namThanh", "ninhPhong"], ids.namHoaLu),
    merge(wardsMerged, ["ninhKhanh", "ninhSon", "ninhNhat", "ninhTien"], ids.tayHoaLu),
    new UnitChange.Moved({
      effectiveDate: wardsMerged,
      legalBasis: legalBasis.wardsMerged,
      unit: groupId(place("ninhPhuc"), 1),
      newParent: ids.namHoaLu
    }),
    new UnitChange.Split({
      effectiveDate: wardsMerged,
      legalBasis: legalBasis.wardsMerged,
      source: ids.places.ninhPhuc,
      into: [ids.dongHoaLu, ids.namHoaLu],
      heir: ids.dongHoaLu
    })
  ]
}
