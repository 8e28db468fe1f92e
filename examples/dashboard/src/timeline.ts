/**
 * A tip's events in plain words, Vietnamese and English: what happened, with the fields an officer needs. No
 * sentence names the reporter: the events carry an alias at most, and it is not shown.
 */
import core from "tinbao:core"
import type { TipEvent } from "./api.js"
import { type Lang, label } from "./i18n.js"

type Names = { readonly unit: (id: string) => string }
type Sentence = (event: TipEvent, lang: Lang, names: Names) => readonly [vi: string, en: string]

const text = (value: unknown) => (typeof value === "string" ? value : "")
const tag = (value: unknown) => text((value as { _tag?: unknown } | undefined)?._tag)

const sentences: { readonly [tag: string]: Sentence } = {
  TipReceived: (e, lang) => {
    const channel = label(lang, core.channels[text(e.channel)], text(e.channel))
    const entry = `${e.registerNumber}/${e.registerYear}`
    return [
      `Tiếp nhận tin báo ${text(e.code)} qua ${channel}, vào sổ số ${entry}`,
      `Received as ${text(e.code)} via ${channel}, register entry ${entry}`
    ]
  },
  Acknowledged: () => ["Đã gửi thông báo tiếp nhận cho người báo tin", "Notice of receipt sent to the reporter"],
  Assigned: (e, _, n) => [`Phân công cho ${n.unit(text(e.unit))}`, `Assigned to ${n.unit(text(e.unit))}`],
  Accepted: () => ["Đơn vị nhận xử lý, bắt đầu xác minh", "Accepted; verification began"],
  TransferRequested: (e, _, n) =>
    e.escalation === true
      ? [
          `Đề nghị chuyển lên ${n.unit(text(e.to))}: ${text(e.reason)}`,
          `Escalation to ${n.unit(text(e.to))}: ${text(e.reason)}`
        ]
      : [
          `Đề nghị chuyển cho ${n.unit(text(e.to))}: ${text(e.reason)}`,
          `Transfer to ${n.unit(text(e.to))} requested: ${text(e.reason)}`
        ],
  TransferAccepted: () => ["Đơn vị nhận chuyển giao và xác minh", "Transfer accepted"],
  TransferRefused: (e) => [`Từ chối nhận chuyển giao: ${text(e.reason)}`, `Transfer refused: ${text(e.reason)}`],
  Categorized: (e, lang) => {
    const category = label(lang, core.categories[text(e.category)], text(e.category))
    return [`Phân loại: ${category}`, `Categorized: ${category}`]
  },
  Reclassified: (e, lang) => {
    const change = `${label(lang, core.legalTypes[text(e.from)], text(e.from))} → ${label(lang, core.legalTypes[text(e.to)], text(e.to))}`
    return [`Đổi loại tin: ${change} (${text(e.reason)})`, `Reclassified: ${change} (${text(e.reason)})`]
  },
  VerificationExtended: (e) => [`Gia hạn xác minh: ${text(e.reason)}`, `Verification extended: ${text(e.reason)}`],
  ProcuracyExtended: (e) => [
    `Viện kiểm sát gia hạn đến hết ngày ${text(e.until)}: ${text(e.decision)}`,
    `The procuracy extended verification to ${text(e.until)}: ${text(e.decision)}`
  ],
  Suspended: (e) => [
    `Tạm đình chỉ (điểm ${text(e.ground)} Điều 148): ${text(e.reason)}`,
    `Suspended (Art. 148 ground ${text(e.ground)}): ${text(e.reason)}`
  ],
  SuspensionNotified: () => ["Đã thông báo quyết định tạm đình chỉ", "The suspension was notified"],
  Restored: (e) => [`Phục hồi giải quyết: ${text(e.reason)}`, `Restored: ${text(e.reason)}`],
  Resolved: (e, lang) => {
    const outcome = label(lang, core.outcomes[tag(e.outcome)], tag(e.outcome))
    return [`Đã giải quyết: ${outcome}`, `Resolved: ${outcome}`]
  },
  Rejected: (e, lang) => {
    const rejection = label(lang, core.outcomes[tag(e.rejection)], tag(e.rejection))
    return [`Không thụ lý: ${rejection}`, `Rejected: ${rejection}`]
  },
  DuplicateMerged: () => ["Một tin trùng được gộp vào tin này", "A duplicate was merged into this tip"],
  Reopened: (e) => [`Mở lại: ${text(e.reason)}`, `Reopened: ${text(e.reason)}`],
  MarkedUrgent: (e) => [`Đánh dấu khẩn: ${text(e.reason)}`, `Marked urgent: ${text(e.reason)}`],
  Dispatched: (e) => [`Cử tổ ${text(e.team)} đến hiện trường`, `Team ${text(e.team)} sent on site`],
  ArrivedOnSite: () => ["Tổ công tác đã đến hiện trường", "The team arrived on site"],
  NoteAdded: (e) => [`Ghi chú: ${text(e.text)}`, `Note: ${text(e.text)}`],
  AttachmentAdded: (e) => [`Thêm tệp đính kèm (${text(e.mediaType)})`, `Attachment added (${text(e.mediaType)})`],
  EvidenceStored: () => ["Đã lưu tệp chứng cứ", "An evidence file was kept"],
  EvidenceNotRetrieved: (e) => [
    `Không lấy được tệp chứng cứ: ${text(e.message)}`,
    `An evidence file was not retrieved: ${text(e.message)}`
  ],
  FollowUpAppended: (e) => [`Người báo tin gửi thêm: ${text(e.text)}`, `The reporter added: ${text(e.text)}`],
  ReporterMessaged: (e) =>
    e.public === true
      ? [`Trả lời công khai người báo tin: ${text(e.text)}`, `Public reply to the reporter: ${text(e.text)}`]
      : [`Trả lời người báo tin: ${text(e.text)}`, `Reply to the reporter: ${text(e.text)}`],
  IdentityRevealed: (e) => [
    `Mở danh tính người báo tin: ${text(e.reason)}`,
    `The reporter's identity was revealed: ${text(e.reason)}`
  ],
  ReporterContactShared: () => [
    "Người báo tin chia sẻ thêm thông tin liên hệ (đã niêm phong)",
    "The reporter shared contact details (sealed)"
  ],
  ReporterMessageRemoved: (e) => {
    const how = text(e.how)
    return how === "removed"
      ? ["Tin nhắn của người báo tin đã bị gỡ trên nền tảng", "A message of the reporter was removed on its platform"]
      : how === "hidden"
        ? ["Tin nhắn của người báo tin đã bị ẩn trên nền tảng", "A message of the reporter was hidden on its platform"]
        : [
            "Tin nhắn của người báo tin hiển thị lại trên nền tảng",
            "A message of the reporter shows again on its platform"
          ]
  }
}

/** The event in `lang`; an event this page does not know yet is named by its tag. */
export const sentence = (event: TipEvent, lang: Lang, names: Names): string => {
  const say = sentences[event._tag]
  return say === undefined ? event._tag : say(event, lang, names)[lang === "vi" ? 0 : 1]
}
