/**
 * The lifecycle commands the tip page offers: those that take nothing, or one text (a reason, a note, a team).
 * Whether one applies is read from the core's graph (the states it starts from, the roles that may give it); the
 * core's guards still decide, and their refusal is shown as the API words it. Commands that need a choice (a unit,
 * an outcome, a ground) have their own forms in `choices.tsx`.
 */
import core from "tinbao:core"
import type { Me, TipView } from "./api.js"
import { type Lang, label, say } from "./i18n.js"

export interface CommandSpec {
  readonly name: string
  readonly label: readonly [vi: string, en: string]
  /** The command's one text field, filled from the page's reason box. */
  readonly field?: "reason" | "text" | "team"
}

export const commands: ReadonlyArray<CommandSpec> = [
  { name: "Acknowledge", label: ["Thông báo đã tiếp nhận", "Acknowledge"] },
  { name: "Accept", label: ["Nhận xử lý", "Accept"] },
  { name: "AcceptTransfer", label: ["Nhận chuyển giao", "Accept the transfer"] },
  { name: "RefuseTransfer", label: ["Từ chối chuyển giao", "Refuse the transfer"], field: "reason" },
  { name: "Escalate", label: ["Chuyển lên cấp trên", "Escalate"], field: "reason" },
  { name: "MarkUrgent", label: ["Đánh dấu khẩn", "Mark urgent"], field: "reason" },
  { name: "Dispatch", label: ["Cử tổ công tác", "Dispatch a team"], field: "team" },
  { name: "ArriveOnSite", label: ["Đã đến hiện trường", "Arrived on site"] },
  { name: "AddNote", label: ["Thêm ghi chú", "Add a note"], field: "text" },
  { name: "ExtendVerification", label: ["Gia hạn xác minh", "Extend verification"], field: "reason" },
  { name: "NotifySuspension", label: ["Đã thông báo tạm đình chỉ", "Suspension notified"] },
  { name: "Restore", label: ["Phục hồi", "Restore"], field: "reason" },
  { name: "Reopen", label: ["Mở lại", "Reopen"], field: "reason" }
]

const transfers = new Set(["AcceptTransfer", "RefuseTransfer"])

/** Why the command does not apply to the tip for this actor, in `lang`; `undefined` when it may be tried. */
export const unavailable = (spec: CommandSpec, tip: TipView, me: Me, lang: Lang): string | undefined => {
  const transition = core.graph[spec.name]
  if (transition === undefined) return undefined
  if (!transition.edges.some(([from]) => from === tip.status)) {
    return say(lang, "notFromStatus", { status: label(lang, core.statuses[tip.status], tip.status) })
  }
  if (!transition.roles.some((role) => me.roles.includes(role))) {
    return say(lang, "needsRole", {
      roles: transition.roles.map((role) => label(lang, core.roles[role], role)).join(", ")
    })
  }
  if (transfers.has(spec.name) && tip.pendingTransferTo === undefined) return say(lang, "noTransfer")
  return undefined
}

/** The command's JSON, its one field filled with `text`. */
export const commandOf = (spec: CommandSpec, text: string) =>
  spec.field === undefined ? { _tag: spec.name } : { _tag: spec.name, [spec.field]: text.trim() }
