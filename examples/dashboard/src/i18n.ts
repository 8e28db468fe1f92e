/**
 * The page's two languages: Vietnamese first (the language of record), English behind the switch. Every label is a
 * pair; the choice is kept in localStorage. The core's values (statuses, channels, categories) carry their own
 * labels from @tinbao/core.
 */

import type { Label } from "tinbao:core"
import { createContext } from "preact"
import { useContext } from "preact/hooks"

export type Lang = "vi" | "en"

const langKey = "tinbao.lang"

export const savedLang = (): Lang => (localStorage.getItem(langKey) === "en" ? "en" : "vi")
export const saveLang = (lang: Lang) => localStorage.setItem(langKey, lang)

/** The page's own words, each as [Vietnamese, English]. */
export const words = {
  appName: ["Tin báo", "Tips"],
  skip: ["Bỏ qua, đến nội dung", "Skip to content"],
  loading: ["Đang tải…", "Loading…"],
  login: ["Đăng nhập", "Log in"],
  username: ["Tên đăng nhập", "User name"],
  password: ["Mật khẩu", "Password"],
  wrongLogin: ["Sai tên đăng nhập hoặc mật khẩu.", "The user name or the password is wrong."],
  tooMany: ["Đăng nhập sai quá nhiều lần: thử lại sau {n} giây.", "Too many failed logins: try again in {n} seconds."],
  unavailable: ["Máy chủ tạm thời không trả lời được; xin thử lại.", "The server cannot answer now; try again."],
  tips: ["Tin báo", "Tips"],
  statistics: ["Thống kê", "Statistics"],
  account: ["Tài khoản", "Account"],
  logout: ["Đăng xuất", "Log out"],
  switchLanguage: ["English", "Tiếng Việt"],
  roles: ["Vai trò", "Roles"],
  unitLabel: ["Đơn vị", "Unit"],
  notFoundPage: ["Không có trang này.", "No such page."],
  code: ["Mã tin", "Code"],
  receivedAt: ["Thời điểm tiếp nhận", "Received at"],
  category: ["Lĩnh vực", "Category"],
  channel: ["Kênh", "Channel"],
  status: ["Trạng thái", "Status"],
  all: ["Tất cả", "All"],
  filter: ["Lọc", "Filter"],
  noTips: ["Không có tin báo nào.", "No tips."],
  shown: ["{count} trên {total} tin báo", "{count} of {total} tips"],
  shownOnPage: ["{count} tin báo trên trang này", "{count} tips on this page"],
  first: ["Trang đầu", "First page"],
  newTips: ["{n} tin báo mới", "{n} new tips"],
  showNew: ["Xem", "Show"],
  next: ["Trang sau", "Next page"],
  urgent: ["Khẩn", "Urgent"],
  tipNotFound: ["Không tìm thấy tin báo này, hoặc bạn không có quyền xem.", "No such tip, or not one you may see."],
  backToList: ["Về danh sách", "Back to the list"],
  legalType: ["Loại tin", "Legal type"],
  summary: ["Nội dung", "Summary"],
  evidence: ["Chứng cứ", "Evidence"],
  evidenceCounts: [
    "{stored} đã lưu, {pending} đang lấy, {notRetrieved} không lấy được",
    "{stored} kept, {pending} pending, {notRetrieved} not retrieved"
  ],
  pendingTransfer: ["Đang chờ chuyển cho", "Transfer pending to"],
  timeline: ["Diễn biến", "Timeline"],
  commands: ["Xử lý", "Actions"],
  reason: ["Lý do hoặc nội dung (cho các thao tác cần)", "Reason or text (for the actions that need one)"],
  reasonFirst: ["Nhập lý do hoặc nội dung trước.", "Enter the reason or text first."],
  notFromStatus: ["Không áp dụng ở trạng thái “{status}”.", "Not from the status “{status}”."],
  needsRole: ["Cần vai trò: {roles}.", "Needs the role: {roles}."],
  noTransfer: ["Không có yêu cầu chuyển nào đang chờ.", "No transfer is pending."],
  refused: ["Không thực hiện được", "Refused"],
  conflict: [
    "Tin báo vừa được người khác cập nhật: tải lại rồi quyết định lại.",
    "The tip changed meanwhile: reload it and decide again."
  ],
  forbidden: ["Bạn không được làm việc này.", "You may not do this."],
  reload: ["Tải lại", "Reload"],
  reply: ["Trả lời người báo tin", "Reply to the reporter"],
  replyHint: [
    "Tin nhắn gửi qua kênh của tin báo; danh tính người báo tin không hiển thị.",
    "Sent through the tip's channel; the reporter's identity is never shown."
  ],
  send: ["Gửi", "Send"],
  done: ["Đã thực hiện.", "Done."],
  from: ["Từ ngày", "From"],
  to: ["Đến ngày", "To"],
  show: ["Xem", "Show"],
  received: ["Tiếp nhận", "Received"],
  resolved: ["Đã giải quyết", "Resolved"],
  openAtEnd: ["Còn đang xử lý", "Open at the end"],
  overdueAtEnd: ["Quá hạn", "Overdue"],
  total: ["Tổng", "Total"],
  downloadCsv: ["Tải CSV", "Download CSV"],
  measuredAt: ["Số liệu tính đến {at}", "Figures as of {at}"],
  chartTitle: ["Tiếp nhận và đã giải quyết theo đơn vị", "Received and resolved per unit"],
  channelTitle: ["Tiếp nhận và đã giải quyết theo kênh", "Received and resolved per channel"],
  trendTitle: ["Theo tháng của năm {year}", "Per month of {year}"],
  policeTrendTitle: ["Theo tháng nghiệp vụ của năm nghiệp vụ {year}", "Per police month of police year {year}"],
  complianceTitle: ["Chấp hành thời hạn", "Deadline compliance"],
  missed: ["Quá hạn chưa thực hiện", "Missed"],
  durationsTitle: ["Thời gian xử lý (giờ): trung vị và phân vị 90", "Durations (hours): median and 90th percentile"],
  duration: ["Khoảng thời gian", "Duration"],
  durationMeasured: ["Số tin đo được", "Tips measured"],
  p50: ["Trung vị (p50)", "Median (p50)"],
  p90: ["Phân vị 90 (p90)", "90th percentile (p90)"],
  timeToAcknowledge: ["Đến khi thông báo tiếp nhận", "To the acknowledgement"],
  timeToAccept: ["Đến khi nhận xử lý", "To acceptance"],
  timeToResolve: ["Đến khi giải quyết xong", "To resolution"],
  kind_acknowledgement: ["Thông báo tiếp nhận cho người báo tin", "Acknowledgement to the reporter"],
  kind_transfer: ["Chuyển tin báo đến cơ quan có thẩm quyền", "Transfer to the competent body"],
  kind_verification: ["Giải quyết tố giác, tin báo", "Verification and decision"],
  kind_suspension_notice: ["Gửi quyết định tạm đình chỉ", "Suspension notice"],
  kind_restoration: ["Giải quyết sau phục hồi", "Decision after restoration"],
  kind_resolution: ["Giải quyết phản ánh, tố cáo", "Resolution"],
  system: ["hệ thống", "system"],
  deadlines: ["Thời hạn", "Deadlines"],
  deadline: ["Thời hạn", "Deadline"],
  dueAt: ["Hạn", "Due at"],
  state: ["Tình trạng", "State"],
  noDeadlines: ["Không có thời hạn nào.", "No deadlines."],
  deadlineMet: ["Đúng hạn", "Met"],
  deadlineMetLate: ["Trễ hạn", "Met late"],
  deadlineMissed: ["Quá hạn {time}", "Missed {time} ago"],
  deadlineDue: ["Còn {time}", "{time} left"],
  nextDeadline: ["Hạn tiếp theo", "Next deadline"],
  overdue: ["Quá hạn", "Overdue"],
  overdueOnly: ["Chỉ tin quá hạn", "Overdue only"],
  notOverdue: ["Không quá hạn", "Not overdue"],
  noEvidence: ["Không có tệp chứng cứ nào.", "No evidence files."],
  evidencePending: ["Đang lấy tệp chứng cứ…", "An evidence file is being fetched…"],
  evidenceNotRetrieved: ["Không lấy được tệp: {why}", "Not retrieved: {why}"],
  evidenceFile: ["Tệp chứng cứ {n}", "Evidence file {n}"],
  mediaType: ["Loại tệp", "Media type"],
  fileSize: ["Dung lượng", "Size"],
  storedAt: ["Lưu lúc", "Kept at"],
  reveal: ["Mở danh tính người báo tin", "Reveal the reporter's identity"],
  revealReason: ["Lý do mở danh tính (bắt buộc)", "Reason for the reveal (required)"],
  revealHint: [
    "Việc mở danh tính được ghi vào diễn biến của tin báo; danh tính chỉ hiển thị một lần.",
    "The reveal is recorded in the tip's timeline; the identity is shown once."
  ],
  revealAction: ["Mở danh tính", "Reveal"],
  identity: ["Danh tính người báo tin", "The reporter's identity"],
  identityOnce: ["Danh tính chỉ hiển thị lần này; trang không lưu lại.", "Shown this once; the page keeps no copy."],
  platformUserId: ["Mã người dùng trên kênh", "User id on the channel"],
  displayName: ["Tên hiển thị", "Display name"],
  phone: ["Số điện thoại", "Phone"],
  address: ["Địa chỉ", "Address"],
  close: ["Đóng", "Close"],
  choose: ["— Chọn —", "— Choose —"],
  confirm: ["Xác nhận", "Confirm"],
  cancel: ["Hủy", "Cancel"],
  period: ["Kỳ", "Period"],
  periodAny: ["Mọi lúc", "Any time"],
  policeMonth: ["Tháng nghiệp vụ (15–14)", "Police month (15th–14th)"],
  policeYear: ["Năm nghiệp vụ (15/12–14/12)", "Police year (15 Dec–14 Dec)"],
  calendarMonth: ["Tháng dương lịch", "Calendar month"],
  calendarYear: ["Năm dương lịch", "Calendar year"],
  range: ["Khoảng ngày", "Range of days"],
  monthValue: ["Tháng", "Month"],
  yearValue: ["Năm", "Year"],
  units: ["Đơn vị", "Units"],
  onDate: ["Tại ngày", "As of"],
  unitHistory: ["Lịch sử đơn vị", "The unit's history"],
  noHistory: ["Không có thay đổi nào.", "No changes."],
  legalBasis: ["Căn cứ", "Legal basis"],
  effectiveDate: ["Ngày hiệu lực", "Effective"],
  bindings: ["Kênh gắn với đơn vị", "Bindings"],
  noBindings: ["Không có kênh nào gắn với đơn vị này.", "No channel is bound to this unit."],
  conversation: ["Cuộc hội thoại", "Conversation"],
  wholeChannel: ["cả kênh", "the whole channel"],
  bind: ["Gắn kênh", "Bind"],
  unbind: ["Gỡ", "Unbind"],
  chooseUnit: ["Chọn một đơn vị để xem lịch sử và các kênh gắn với nó.", "Pick a unit for its history and bindings."],
  channels: ["Kênh", "Channels"],
  platform: ["Nền tảng", "Platform"],
  credentials: ["Kết nối", "Credentials"],
  credentialsActive: ["Đang hoạt động", "Active"],
  credentialsReconnect: ["Cần kết nối lại", "Reconnect needed"],
  credentialsMissing: ["Chưa kết nối", "Not connected"],
  credentialsNone: ["Không cần", "None needed"],
  webhook: ["Webhook", "Webhook"],
  deadLetters: ["Thư lỗi", "Dead letters"],
  reconnect: ["Kết nối lại", "Reconnect"],
  pageToken: ["Mã truy cập của trang", "The page's access token"],
  connected: ["Đã kết nối {id}.", "{id} is connected."],
  lastDelivery: ["Lần nhận cuối", "Last delivery"],
  noDelivery: ["Chưa có", "None kept"],
  showDeadLetters: ["Xem thư lỗi", "Show dead letters"],
  deadLettersOf: ["Thư lỗi của webhook {webhook}", "Dead letters of the webhook {webhook}"],
  noDeadLetters: ["Không có thư lỗi.", "No dead letters."],
  attempts: ["Số lần thử", "Attempts"],
  deadReason: ["Lý do", "Reason"],
  lastError: ["Lỗi cuối", "Last error"],
  replay: ["Xử lý lại", "Replay"],
  deleteDeadLetter: ["Xóa", "Delete"],
  replayed: ["Đã đưa {id} vào xử lý lại.", "{id} is queued to be processed again."],
  deletedDeadLetter: ["Đã xóa {id}.", "{id} is deleted."]
} satisfies Record<string, readonly [string, string]>

export type Word = keyof typeof words

/** A word of the page in `lang`, with `{name}` placeholders filled. */
export const say = (lang: Lang, word: Word, values: Readonly<Record<string, string | number>> = {}) =>
  words[word][lang === "vi" ? 0 : 1].replace(/\{(\w+)\}/g, (_, name: string) => `${values[name] ?? ""}`)

/** A label of the core's in `lang`; `fallback` (the raw value) when the core has none. */
export const label = (lang: Lang, value: Label | undefined, fallback: string) =>
  value === undefined ? fallback : value[lang]

export const LangContext = createContext<Lang>("vi")

/** The page's language and its two helpers. */
export const useLang = () => {
  const lang = useContext(LangContext)
  return {
    lang,
    t: (word: Word, values?: Readonly<Record<string, string | number>>) => say(lang, word, values),
    l: (value: Label | undefined, fallback: string) => label(lang, value, fallback)
  }
}
