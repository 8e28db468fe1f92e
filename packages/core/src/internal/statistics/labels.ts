import { ParseResult, Schema } from "effect"
import type { Dimension, OutcomeKey } from "../../Statistics.js"
import { builtinPlatforms, PlatformId } from "../channel/platform.js"
import { Label } from "../shared/label.js"
import { StatisticsError } from "./engine.js"

/**
 * Labels of the built-in channel kinds (`Channel.builtinPlatforms`). A report labels the others as the deployment
 * declares them (`Options.platforms`), and one nobody declared by its id.
 *
 * @since 0.1.0
 * @category constants
 */
export const channelLabels: { readonly [K in keyof typeof builtinPlatforms]: Label } = builtinPlatforms

const Declared = Schema.Array(Schema.Struct({ id: PlatformId, label: Label }).annotations({ identifier: "Platform" }))

/**
 * The labels of channel values in reports: the built-ins', then the declared platforms' (a declared label wins over
 * a built-in one). Throws `invalid` for a declared id that breaks the platform id rule, or one declared twice with
 * different labels.
 */
export const channelNames = (
  platforms: ReadonlyArray<{ readonly id: string; readonly label: Label }> = []
): ReadonlyMap<string, Label> => {
  const names = new Map<string, Label>(Object.entries(channelLabels))
  const declared = Schema.validateEither(Declared)(platforms)
  if (declared._tag === "Left") {
    throw new StatisticsError({
      reason: "invalid",
      message: `Invalid platforms in the statistics options: ${ParseResult.TreeFormatter.formatErrorSync(declared.left)}`,
      cause: declared.left
    })
  }
  const seen = new Map<string, Label>()
  for (const { id, label } of declared.right) {
    const before = seen.get(id)
    if (before !== undefined && (before.vi !== label.vi || before.en !== label.en)) {
      throw new StatisticsError({
        reason: "invalid",
        message: `Platform ${id} is declared twice with different labels; give each platform one label.`
      })
    }
    seen.set(id, label)
    names.set(id, label)
  }
  return names
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
