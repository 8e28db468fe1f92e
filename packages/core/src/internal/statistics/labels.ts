import type { Dimension, OutcomeKey } from "../../Statistics.js"
import type { ChannelKind } from "../lifecycle/tip.js"
import type { Label } from "../shared/label.js"

/**
 * Labels of the channel kinds.
 *
 * @since 0.1.0
 * @category constants
 */
export const channelLabels: { readonly [K in ChannelKind]: Label } = {
  zalo: { vi: "Zalo", en: "Zalo" },
  facebook: { vi: "Facebook", en: "Facebook" },
  web: { vi: "Trang thông tin điện tử", en: "Web" },
  in_person: { vi: "Trực tiếp", en: "In person" },
  phone: { vi: "Điện thoại", en: "Phone" },
  hotline_113: { vi: "Tổng đài 113", en: "113 hotline" },
  post: { vi: "Bưu chính", en: "Post" },
  vneid: { vi: "VNeID", en: "VNeID" },
  media: { vi: "Báo chí", en: "Media" }
}

/**
 * Labels of the outcomes.
 *
 * @since 0.1.0
 * @category constants
 */
export const outcomeLabels: { readonly [K in OutcomeKey]: Label } = {
  none: { vi: "Chưa có kết quả", en: "No outcome yet" },
  Prosecuted: { vi: "Khởi tố", en: "Prosecuted" },
  NotProsecuted: { vi: "Không khởi tố", en: "Not prosecuted" },
  Handled: { vi: "Đã xử lý", en: "Handled" },
  NotConfirmed: { vi: "Không xác minh được", en: "Not confirmed" },
  Referred: { vi: "Chuyển cơ quan khác", en: "Referred to another agency" },
  Founded: { vi: "Tố cáo đúng", en: "Founded" },
  PartlyFounded: { vi: "Tố cáo đúng một phần", en: "Partly founded" },
  Unfounded: { vi: "Tố cáo sai", en: "Unfounded" },
  Duplicate: { vi: "Tin trùng", en: "Duplicate" },
  FalseReport: { vi: "Tin báo sai sự thật", en: "False report" },
  OutOfScope: { vi: "Không thuộc phạm vi", en: "Out of scope" }
}

/**
 * Labels of the dimensions.
 *
 * @since 0.1.0
 * @category constants
 */
export const dimensionLabels: { readonly [K in Dimension]: Label } = {
  unit: { vi: "Đơn vị", en: "unit" },
  category: { vi: "Lĩnh vực", en: "category" },
  channel: { vi: "Kênh", en: "channel" },
  channel_id: { vi: "Mã kênh", en: "channel id" },
  status: { vi: "Trạng thái", en: "status" },
  outcome: { vi: "Kết quả", en: "outcome" },
  calendar_month: { vi: "Tháng", en: "month" },
  police_month: { vi: "Tháng thống kê", en: "police month" },
  legal_type: { vi: "Loại nguồn tin", en: "legal type" }
}
