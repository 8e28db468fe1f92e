/**
 * Texts for the arbitraries: Vietnamese names, places and reasons as officers and reporters write them, mixed
 * with random strings so that coding is tried on more than the happy words.
 *
 * @internal
 */
import { FastCheck } from "effect"

/** @internal */
export const places = [
  "Vân Giang",
  "Thanh Bình",
  "Phúc Thành",
  "Đông Thành",
  "Tân Thành",
  "Nam Bình",
  "Bích Đào",
  "Nam Thành",
  "Ninh Phong",
  "Ninh Khánh",
  "Ninh Sơn",
  "Ninh Nhất",
  "Ninh Tiến",
  "Ninh Phúc",
  "Hoa Lư",
  "Tam Điệp",
  "Kim Sơn",
  "Yên Mô",
  "Gia Viễn",
  "Nho Quan"
] as const

const families = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô"] as const
const middles = ["Văn", "Thị", "Minh", "Đức", "Thu", "Ngọc", "Quang", "Thanh"] as const
const givens = ["An", "Bình", "Hà", "Lan", "Hùng", "Dũng", "Thảo", "Trang", "Hiếu", "Tuấn", "Hoà", "Phương"] as const

/** @internal */
export const personName: FastCheck.Arbitrary<string> = FastCheck.tuple(
  FastCheck.constantFrom(...families),
  FastCheck.constantFrom(...middles),
  FastCheck.constantFrom(...givens)
).map((parts) => parts.join(" "))

const reasons = [
  "Không thuộc thẩm quyền giải quyết của đơn vị.",
  "Vụ việc xảy ra trên địa bàn xã Ninh Nhất.",
  "Vụ việc phức tạp, cần xác minh tại nhiều nơi.",
  "Chờ kết quả giám định tài sản.",
  "Người báo tin cung cấp thêm tài liệu mới.",
  "Đã trao đổi với Viện kiểm sát.",
  "Đối tượng đang có mặt tại hiện trường.",
  "Cần triệu tập người báo tin để làm rõ."
] as const

const trimmed = (max: number): FastCheck.Arbitrary<string> =>
  FastCheck.string({ minLength: 1, maxLength: max })
    .map((s) => s.trim())
    .filter((s) => s.length > 0)

/** A non-empty trimmed reason of at most 2,000 characters, as the command and event schemas want. @internal */
export const reason: FastCheck.Arbitrary<string> = FastCheck.oneof(
  { arbitrary: FastCheck.constantFrom(...reasons), weight: 3 },
  { arbitrary: trimmed(120), weight: 1 }
)

/** @internal */
export const summary: FastCheck.Arbitrary<string> = FastCheck.oneof(
  FastCheck.constantFrom(
    "Có nhóm thanh niên tụ tập đánh bạc tại nhà văn hoá tổ dân phố 3.",
    "Tôi bị lừa chuyển khoản 12.500.000 đ qua tài khoản giả danh công an.",
    "Xe máy của tôi bị mất trộm trước cổng chợ Rồng tối qua.",
    "Quán karaoke mở nhạc to sau 22 giờ, ảnh hưởng khu dân cư."
  ),
  FastCheck.string({ maxLength: 300 })
)

/** @internal */
export const digits = (length: number): FastCheck.Arbitrary<string> =>
  FastCheck.array(FastCheck.integer({ min: 0, max: 9 }), { minLength: length, maxLength: length }).map((ds) =>
    ds.join("")
  )

/** @internal */
export const team: FastCheck.Arbitrary<string> = FastCheck.oneof(
  FastCheck.constantFrom("Tổ tuần tra 113", "Tổ công tác phường Vân Giang", "Tổ an ninh tổ dân phố 3"),
  trimmed(40)
)

/** @internal */
export const base32 = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
