/**
 * A tip's log that uses every kind of event and every optional field, with Vietnamese text, so that a backend's
 * round trip is checked on all of the event schema and not only on the common events.
 *
 * @internal
 */
import { Category, Evidence, LocalDate, MediaStore, type Tip, TipEvent, type Unit } from "@tinbao/core"
import type { DateTime } from "effect"
import { by, freshAlias, plusMinutes } from "./suiteFixtures.js"

/** @internal */
export const everyKind = (
  tip: Tip.TipId,
  unit: Unit.UnitId,
  other: Unit.UnitId,
  duplicate: Tip.TipId,
  start: DateTime.Utc
): ReadonlyArray<TipEvent.TipEvent> => {
  let minute = 0
  const base = () => ({ tip, by, at: plusMinutes(start, minute++) })
  const reason = "Vụ việc phức tạp, liên quan nhiều địa bàn (phường Vân Giang, xã Ninh Nhất)."
  const photo = "https://localhost/zalo-media/anh-hien-truong.jpg?sig=ab12&exp=1767225600"
  const video = "https://localhost/zalo-media/video-hien-truong.mp4?sig=cd34"
  return [
    new TipEvent.TipReceived({
      ...base(),
      unit,
      code: "SUITE-2025-0042",
      registerNumber: 42,
      registerYear: 2025,
      channel: "zalo",
      channelId: "zalo-oa:4318097521",
      reporterKind: "individual",
      alias: freshAlias(),
      legalType: "tin_bao",
      category: Category.CategoryId.make("online_fraud"),
      summary: 'Tôi bị lừa chuyển khoản 12.500.000 đ qua tài khoản giả danh công an 🙏 — "khẩn"\nXin giúp đỡ.'
    }),
    new TipEvent.Acknowledged(base()),
    new TipEvent.Categorized({ ...base(), category: Category.CategoryId.make("crime") }),
    new TipEvent.TransferRequested({ ...base(), to: other, reason, escalation: false }),
    new TipEvent.TransferRefused({ ...base(), reason: "Không thuộc thẩm quyền địa bàn." }),
    new TipEvent.TransferRequested({ ...base(), to: other, reason, escalation: true }),
    new TipEvent.TransferAccepted(base()),
    new TipEvent.MarkedUrgent({ ...base(), reason: "Đối tượng đang có mặt tại hiện trường." }),
    new TipEvent.Dispatched({ ...base(), team: "Tổ tuần tra 113" }),
    new TipEvent.ArrivedOnSite(base()),
    new TipEvent.NoteAdded({ ...base(), text: "Đã lấy lời khai ban đầu." }),
    new TipEvent.AttachmentAdded({ ...base(), ref: "s3://tinbao/anh/hien-truong-01.jpg", mediaType: "image/jpeg" }),
    new TipEvent.AttachmentAdded({ ...base(), ref: photo, mediaType: "image", evidence: true }),
    new TipEvent.AttachmentAdded({ ...base(), ref: video, mediaType: "video", evidence: true }),
    new TipEvent.EvidenceNotRetrieved({
      ...base(),
      originalUrl: video,
      reason: "not_found",
      message: "Tệp không còn: The link to localhost/zalo-media/video-hien-truong.mp4 has expired (HTTP 404)."
    }),
    new TipEvent.FollowUpAppended({ ...base(), text: "Em gửi thêm ảnh chụp màn hình tin nhắn ạ." }),
    new TipEvent.ReporterMessaged({ ...base(), text: "Cảm ơn bạn, chúng tôi đang xác minh.", key: "reply:suite:1" }),
    new TipEvent.ReporterMessaged({
      ...base(),
      text: "Công an xã đã tiếp nhận, mời bạn nhắn tin riêng cho trang.",
      key: "reply:suite:2",
      public: true
    }),
    new TipEvent.ReporterContactShared({ ...base(), fields: ["phone", "address"] }),
    new TipEvent.ReporterMessageRemoved({ ...base(), platformMessageId: "1221316769_1213590066", how: "hidden" }),
    new TipEvent.ReporterMessageRemoved({ ...base(), platformMessageId: "1221316769_1213590066", how: "unhidden" }),
    new TipEvent.ReporterMessageRemoved({ ...base(), platformMessageId: "1221316769_1213590066", how: "removed" }),
    new TipEvent.IdentityRevealed({ ...base(), reason: "Cần triệu tập người báo tin để lấy lời khai." }),
    new TipEvent.VerificationExtended({ ...base(), reason }),
    new TipEvent.ProcuracyExtended({
      ...base(),
      until: LocalDate.unsafeMake("2025-11-30"),
      decision: "Quyết định gia hạn số 15/QĐ-VKS ngày 20/9/2025"
    }),
    new TipEvent.Suspended({ ...base(), ground: "a", reason: "Chờ kết quả giám định." }),
    new TipEvent.SuspensionNotified(base()),
    new TipEvent.Restored({ ...base(), reason: "Đã có kết quả giám định." }),
    new TipEvent.Reclassified({ ...base(), from: "tin_bao", to: "to_giac", reason: "Người bị hại trực tiếp tố giác." }),
    new TipEvent.Resolved({ ...base(), outcome: { _tag: "NotProsecuted", ground: "not_a_crime" } }),
    new TipEvent.Reopened({ ...base(), reason: "Có tình tiết mới." }),
    new TipEvent.Assigned({ ...base(), unit }),
    new TipEvent.Accepted(base()),
    new TipEvent.DuplicateMerged({ ...base(), duplicate }),
    new TipEvent.Resolved({ ...base(), outcome: { _tag: "Referred", agency: "Thanh tra Sở Công Thương" } }),
    new TipEvent.Reopened({ ...base(), reason: "Cơ quan được chuyển trả lại hồ sơ." }),
    new TipEvent.Rejected({ ...base(), rejection: { _tag: "FalseReport", reason: "Tin báo sai sự thật." } }),
    // Kept after the tip was closed: still its evidence.
    new TipEvent.EvidenceStored({
      ...base(),
      item: new Evidence.Item({
        hash: MediaStore.Hash.make("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"),
        size: 48_213,
        mediaType: "image/jpeg",
        originalUrl: photo,
        storedAt: plusMinutes(start, minute)
      })
    })
  ]
}
