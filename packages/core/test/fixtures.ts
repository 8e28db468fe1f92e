import { DateTime, Effect, Redacted } from "effect"
import * as Actor from "../src/Actor.js"
import { CategoryId } from "../src/Category.js"
import type { Identity } from "../src/IdentityVault.js"
import { direct, InboundMessage } from "../src/InboundMessage.js"
import * as LocalDate from "../src/LocalDate.js"
import type { Receive } from "../src/Tips.js"
import { UnitId } from "../src/Unit.js"
import * as UnitChange from "../src/UnitChange.js"
import { UnitDirectory } from "../src/UnitDirectory.js"

export const ids = {
  province: UnitId.make("ca-ninh-binh"),
  commune: UnitId.make("ca-xa-ninh-tien"),
  remote: UnitId.make("ca-xa-con-dao"),
  ward: UnitId.make("ca-phuong-van-giang"),
  closed: UnitId.make("ca-phuong-cu")
}

const established = (id: UnitId, kind: UnitChange.Established["kind"], vi: string, parent?: UnitId, remote?: boolean) =>
  UnitChange.Established.make({
    effectiveDate: LocalDate.unsafeMake("2020-01-01"),
    legalBasis: "Quyết định thành lập (ví dụ)",
    id,
    kind,
    name: { vi, en: vi },
    ...(parent !== undefined ? { parent } : {}),
    ...(remote !== undefined ? { remote } : {})
  })

/** Records a province with two communes (one remote), a ward, and a ward dissolved on 2024-01-01. */
export const recordUnits = Effect.flatMap(UnitDirectory, (d) =>
  d.record([
    established(ids.province, "province", "Công an tỉnh Ninh Bình"),
    established(ids.commune, "commune", "Công an xã Ninh Tiến", ids.province),
    established(ids.remote, "commune", "Công an xã đảo", ids.province, true),
    established(ids.ward, "ward", "Công an phường Vân Giang", ids.province),
    established(ids.closed, "ward", "Công an phường cũ", ids.province),
    UnitChange.Dissolved.make({
      effectiveDate: LocalDate.unsafeMake("2024-01-01"),
      legalBasis: "Nghị quyết sắp xếp (ví dụ)",
      unit: ids.closed
    })
  ])
)

export const actors = {
  communeLeader: Actor.make("can-bo-ninh-tien", ids.commune, ["officer", "leader"]),
  communeViewer: Actor.make("xem-ninh-tien", ids.commune, ["viewer"]),
  wardOfficer: Actor.make("can-bo-van-giang", ids.ward, ["officer", "leader"]),
  provinceLeader: Actor.make("lanh-dao-tinh", ids.province, ["officer", "leader"]),
  custodian: Actor.make("quan-ly-danh-tinh", ids.province, ["identity_custodian"])
}

export const secretName = "Nguyễn Văn Bí Mật"
export const secretPhone = "0912345678"
export const secretUserId = "zalo-user-8842113"

export const identity: Redacted.Redacted<Identity> = Redacted.make({
  channel: "oa-ninh-tien",
  platformUserId: secretUserId,
  displayName: secretName,
  phone: secretPhone
})

export const receiveInput = (overrides: Partial<Receive> = {}): Receive => ({
  unit: ids.commune,
  channel: "zalo",
  channelId: "oa-ninh-tien",
  identity,
  reporterKind: "individual",
  legalType: "to_giac",
  category: CategoryId.make("stolen_property"),
  summary: "Mất trộm xe máy trước cửa nhà văn hoá thôn.",
  ...overrides
})

/** 2024-03-04 09:00 in Asia/Ho_Chi_Minh (a Monday). */
export const monday = Date.UTC(2024, 2, 4, 2, 0)
export const DAY = 24 * 60 * 60 * 1000

/** What a test may change in an {@link inbound} message. */
export type MessageFields = Partial<ConstructorParameters<typeof InboundMessage>[0]>

let messages = 0
const directConversation = direct(secretUserId)

/** A message of the fixtures' reporter in a direct conversation on `channel`, with a new platform id, at `monday`. */
export const inbound = (channel: string, fields: MessageFields = {}): InboundMessage =>
  InboundMessage.make({
    kind: "message",
    channel,
    platformMessageId: `msg-${++messages}`,
    conversation: directConversation,
    sender: Redacted.make({ platformUserId: secretUserId, displayName: secretName }),
    text: "Có người bán ma túy ở bãi đất trống cuối thôn",
    sentAt: DateTime.unsafeMake(monday),
    ...fields
  })
