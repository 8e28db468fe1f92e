import type { Kind, Policy } from "../../Deadline.js"
import * as Period from "../calendar/period.js"
import type { Label } from "../shared/label.js"

/**
 * Labels of the deadline kinds.
 *
 * @since 0.1.0
 * @category constants
 */
export const kindLabels: { readonly [K in Kind]: Label } = {
  acknowledgement: { vi: "Thông báo tiếp nhận cho người báo tin", en: "Acknowledgement to the reporter" },
  transfer: { vi: "Chuyển tin báo đến cơ quan có thẩm quyền", en: "Transfer to the competent body" },
  verification: { vi: "Giải quyết tố giác, tin báo", en: "Verification and decision" },
  suspension_notice: { vi: "Gửi quyết định tạm đình chỉ", en: "Suspension notice" },
  restoration: { vi: "Giải quyết sau phục hồi", en: "Decision after restoration" },
  resolution: { vi: "Giải quyết phản ánh, tố cáo", en: "Resolution" }
}

/**
 * The default policy: BLTTHS 2015 Arts. 147–149, TTLT 01/2017, the Denunciation Law 2018, and 15 days for feedback.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultPolicy: Policy = {
  acknowledgement: Period.workingDays(3),
  transfer: Period.hours(24),
  transferRemote: Period.hours(48),
  verification: Period.days(20),
  verificationComplex: Period.months(2),
  procuracyExtensionMax: Period.months(2),
  verificationMax: Period.months(4),
  procuracyRequestLeadDays: 5,
  suspensionDecision: Period.days(1),
  suspensionNotice: Period.hours(24),
  restoration: Period.months(1),
  feedbackResolution: Period.days(15),
  denunciationResolution: Period.days(30),
  denunciationExtension: Period.days(30),
  denunciationExtensionsMax: 2
}
