import { Schema } from "effect"
import { Label } from "../shared/label.js"

/**
 * A category id: lower-case ASCII words joined by `_` (e.g. `online_fraud`). Integrators add their own.
 *
 * @since 0.1.0
 * @category models
 */
export const CategoryId = Schema.String.pipe(
  Schema.pattern(/^[a-z][a-z0-9_]{1,47}$/, { message: () => "lower-case letters, digits and _ (2–48 characters)" }),
  Schema.brand("@tinbao/core/CategoryId")
).annotations({ identifier: "CategoryId" })

/**
 * @since 0.1.0
 * @category models
 */
export type CategoryId = typeof CategoryId.Type

/**
 * A category of the taxonomy, with its labels and optional keywords that routing may match.
 *
 * @since 0.1.0
 * @category models
 */
export class Category extends Schema.Class<Category>("@tinbao/core/Category")({
  id: CategoryId,
  label: Label,
  keywords: Schema.optionalWith(Schema.Array(Schema.String), { default: () => [] })
}) {}

const category = (id: string, vi: string, en: string, keywords: ReadonlyArray<string>): Category =>
  Category.make({ id: CategoryId.make(id), label: { vi, en }, keywords })

/**
 * The kinds of tips the Ninh Bình programme receives (the seed article), each with Vietnamese and English labels.
 *
 * @since 0.1.0
 * @category constants
 */
export const standard: ReadonlyArray<Category> = [
  category("crime", "Tội phạm và đối tượng vi phạm pháp luật", "Crime and offenders", ["trộm", "cướp", "đánh nhau"]),
  category("wanted_person", "Đối tượng truy nã", "Wanted persons", ["truy nã"]),
  category("stolen_property", "Truy tìm tài sản bị mất trộm", "Stolen property", ["mất trộm", "mất cắp", "xe máy"]),
  category("traffic", "Trật tự, an toàn giao thông", "Traffic safety and order", ["tai nạn", "đua xe", "giao thông"]),
  category("urban_order", "Trật tự đô thị", "Urban order", ["lấn chiếm", "vỉa hè", "xây dựng trái phép"]),
  category("environment", "Vệ sinh môi trường", "Environmental sanitation", ["rác", "xả thải", "ô nhiễm"]),
  category("online_fraud", "Lừa đảo qua mạng, cuộc gọi lừa đảo", "Online fraud and scam calls", [
    "lừa đảo",
    "chuyển khoản"
  ]),
  category("online_gambling", "Cờ bạc qua mạng", "Online gambling", ["cờ bạc", "cá độ", "lô đề"]),
  category("drugs", "Ma túy", "Drugs", ["ma túy", "ma tuý", "hút chích"]),
  category("gangs", "Băng nhóm", "Gangs", ["băng nhóm", "hỗn chiến"]),
  category("debt_collection", "Đòi nợ thuê, cho vay nặng lãi", "Debt collection and usury", [
    "đòi nợ",
    "tín dụng đen",
    "vay nặng lãi"
  ]),
  category("other", "Khác", "Other", [])
]

/**
 * A taxonomy: the standard categories plus the integrator's own. A later category with the same id replaces the earlier one.
 *
 * @since 0.1.0
 * @category constructors
 */
export const taxonomy = (extra: ReadonlyArray<Category> = []): ReadonlyMap<CategoryId, Category> =>
  new Map([...standard, ...extra].map((c) => [c.id, c]))

/**
 * The legal type of a tip (BLTTHS Art. 144 and the Denunciation Law 2018):
 * - `to_giac` — tố giác về tội phạm: an individual denounces conduct with signs of a crime;
 * - `tin_bao` — tin báo về tội phạm: a report of a possible crime from anyone, or from the media;
 * - `kien_nghi_khoi_to` — kiến nghị khởi tố: a state agency recommends prosecution, in writing only;
 * - `phan_anh` — phản ánh về an ninh, trật tự: non-criminal feedback on security and order;
 * - `to_cao` — tố cáo under the Denunciation Law (administrative violations).
 *
 * @since 0.1.0
 * @category models
 */
export const LegalType = Schema.Literal("to_giac", "tin_bao", "kien_nghi_khoi_to", "phan_anh", "to_cao").annotations({
  identifier: "LegalType"
})

/**
 * @since 0.1.0
 * @category models
 */
export type LegalType = typeof LegalType.Type

/**
 * Labels of the legal types.
 *
 * @since 0.1.0
 * @category constants
 */
export const legalTypeLabels: { readonly [K in LegalType]: Label } = {
  to_giac: { vi: "Tố giác về tội phạm", en: "Denunciation of a crime" },
  tin_bao: { vi: "Tin báo về tội phạm", en: "Crime report" },
  kien_nghi_khoi_to: { vi: "Kiến nghị khởi tố", en: "Recommendation to prosecute" },
  phan_anh: { vi: "Phản ánh về an ninh, trật tự", en: "Security and order feedback" },
  to_cao: { vi: "Tố cáo", en: "Denunciation (Denunciation Law)" }
}

/**
 * The procedural track a legal type follows, which decides the deadlines and the possible outcomes:
 * `criminal` (BLTTHS Arts. 145–149), `feedback` (non-criminal, policy deadlines), `denunciation` (Denunciation Law 2018).
 *
 * @since 0.1.0
 * @category models
 */
export type Track = "criminal" | "feedback" | "denunciation"

/**
 * The track of a legal type.
 *
 * @since 0.1.0
 * @category getters
 */
export const trackOf = (type: LegalType): Track =>
  type === "phan_anh" ? "feedback" : type === "to_cao" ? "denunciation" : "criminal"
