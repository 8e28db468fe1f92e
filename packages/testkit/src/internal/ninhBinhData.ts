/** One ward or commune of Ninh Bình city before 2025, with how many residential groups the fixture gives it. */
export interface Place {
  readonly key: PlaceKey
  readonly kind: "ward" | "commune"
  readonly vi: string
  readonly en: string
  readonly slug: string
  readonly groups: number
}

export type PlaceKey =
  | "vanGiang"
  | "thanhBinh"
  | "phucThanh"
  | "dongThanh"
  | "tanThanh"
  | "namBinh"
  | "bichDao"
  | "namThanh"
  | "ninhPhong"
  | "ninhKhanh"
  | "ninhSon"
  | "ninhNhat"
  | "ninhTien"
  | "ninhPhuc"

// The 11 wards and 3 communes of the seed article, in the order the article lists them.
export const places: ReadonlyArray<Place> = [
  { key: "vanGiang", kind: "ward", vi: "Vân Giang", en: "Van Giang", slug: "van-giang", groups: 3 },
  { key: "thanhBinh", kind: "ward", vi: "Thanh Bình", en: "Thanh Binh", slug: "thanh-binh", groups: 2 },
  { key: "phucThanh", kind: "ward", vi: "Phúc Thành", en: "Phuc Thanh", slug: "phuc-thanh", groups: 3 },
  { key: "dongThanh", kind: "ward", vi: "Đông Thành", en: "Dong Thanh", slug: "dong-thanh", groups: 4 },
  { key: "tanThanh", kind: "ward", vi: "Tân Thành", en: "Tan Thanh", slug: "tan-thanh", groups: 3 },
  { key: "namBinh", kind: "ward", vi: "Nam Bình", en: "Nam Binh", slug: "nam-binh", groups: 2 },
  { key: "bichDao", kind: "ward", vi: "Bích Đào", en: "Bich Dao", slug: "bich-dao", groups: 3 },
  { key: "namThanh", kind: "ward", vi: "Nam Thành", en: "Nam Thanh", slug: "nam-thanh", groups: 2 },
  { key: "ninhPhong", kind: "ward", vi: "Ninh Phong", en: "Ninh Phong", slug: "ninh-phong", groups: 4 },
  { key: "ninhKhanh", kind: "ward", vi: "Ninh Khánh", en: "Ninh Khanh", slug: "ninh-khanh", groups: 3 },
  { key: "ninhSon", kind: "ward", vi: "Ninh Sơn", en: "Ninh Son", slug: "ninh-son", groups: 2 },
  { key: "ninhNhat", kind: "commune", vi: "Ninh Nhất", en: "Ninh Nhat", slug: "ninh-nhat", groups: 3 },
  { key: "ninhTien", kind: "commune", vi: "Ninh Tiến", en: "Ninh Tien", slug: "ninh-tien", groups: 4 },
  { key: "ninhPhuc", kind: "commune", vi: "Ninh Phúc", en: "Ninh Phuc", slug: "ninh-phuc", groups: 3 }
]

/** A partner agency of the movement, with a stable id suffix. */
export interface Partner {
  readonly slug: string
  readonly vi: string
  readonly en: string
}

// Generic names for the article's 26 partner agencies and organisations; the article does not list them.
export const partners: ReadonlyArray<Partner> = [
  { slug: "thpt-luong-van-tuy", vi: "Trường THPT chuyên Lương Văn Tụy", en: "Luong Van Tuy Gifted High School" },
  { slug: "thpt-tp-ninh-binh", vi: "Trường THPT thành phố Ninh Bình", en: "Ninh Binh City High School" },
  { slug: "thcs-truong-han-sieu", vi: "Trường THCS Trương Hán Siêu", en: "Truong Han Sieu Secondary School" },
  { slug: "dai-hoc-hoa-lu", vi: "Trường Đại học Hoa Lư", en: "Hoa Lu University" },
  { slug: "cao-dang-y-te", vi: "Trường Cao đẳng Y tế Ninh Bình", en: "Ninh Binh Medical College" },
  { slug: "benh-vien-da-khoa", vi: "Bệnh viện Đa khoa tỉnh Ninh Bình", en: "Ninh Binh Provincial General Hospital" },
  { slug: "benh-vien-san-nhi", vi: "Bệnh viện Sản Nhi Ninh Bình", en: "Ninh Binh Obstetrics and Paediatrics Hospital" },
  { slug: "trung-tam-y-te", vi: "Trung tâm Y tế thành phố Ninh Bình", en: "Ninh Binh City Health Centre" },
  { slug: "cho-rong", vi: "Ban quản lý chợ Rồng", en: "Rong Market Management Board" },
  { slug: "cho-nam-thanh", vi: "Ban quản lý chợ Nam Thành", en: "Nam Thanh Market Management Board" },
  {
    slug: "ngan-hang-nong-nghiep",
    vi: "Ngân hàng Nông nghiệp và Phát triển Nông thôn chi nhánh Ninh Bình",
    en: "Agribank, Ninh Binh branch"
  },
  {
    slug: "ngan-hang-cong-thuong",
    vi: "Ngân hàng TMCP Công Thương chi nhánh Ninh Bình",
    en: "VietinBank, Ninh Binh branch"
  },
  {
    slug: "ngan-hang-dau-tu",
    vi: "Ngân hàng TMCP Đầu tư và Phát triển chi nhánh Ninh Bình",
    en: "BIDV, Ninh Binh branch"
  },
  { slug: "buu-dien", vi: "Bưu điện thành phố Ninh Bình", en: "Ninh Binh City Post Office" },
  { slug: "vien-thong", vi: "Viễn thông Ninh Bình", en: "Ninh Binh Telecommunications" },
  { slug: "dien-luc", vi: "Điện lực thành phố Ninh Bình", en: "Ninh Binh City Power Company" },
  { slug: "nuoc-sach", vi: "Công ty Cổ phần Nước sạch Ninh Bình", en: "Ninh Binh Clean Water Company" },
  { slug: "ga-ninh-binh", vi: "Ga Ninh Bình", en: "Ninh Binh Railway Station" },
  { slug: "ben-xe", vi: "Bến xe khách Ninh Bình", en: "Ninh Binh Coach Station" },
  { slug: "sieu-thi", vi: "Siêu thị thành phố Ninh Bình", en: "Ninh Binh City Supermarket" },
  { slug: "hiep-hoi-du-lich", vi: "Hiệp hội Du lịch Ninh Bình", en: "Ninh Binh Tourism Association" },
  { slug: "dai-phat-thanh", vi: "Đài Phát thanh và Truyền hình Ninh Bình", en: "Ninh Binh Radio and Television" },
  { slug: "bao-ninh-binh", vi: "Báo Ninh Bình", en: "Ninh Binh Newspaper" },
  { slug: "doan-thanh-nien", vi: "Thành đoàn Ninh Bình", en: "Ninh Binh City Youth Union" },
  { slug: "hoi-phu-nu", vi: "Hội Liên hiệp Phụ nữ thành phố Ninh Bình", en: "Ninh Binh City Women's Union" },
  {
    slug: "hoi-cuu-chien-binh",
    vi: "Hội Cựu chiến binh thành phố Ninh Bình",
    en: "Ninh Binh City Veterans' Association"
  }
]

export const legalBasis = {
  ministry: "Luật Công an nhân dân số 37/2018/QH14",
  organisation:
    "Hiện trạng tổ chức ngày 01/01/2020 của mô hình «Kết nối mạng xã hội – Vì bình yên thành phố» (dữ liệu mẫu)",
  partners: "Quy chế phối hợp của mô hình «Kết nối mạng xã hội – Vì bình yên thành phố» (dữ liệu mẫu)",
  districtClosed: "Nghị định 02/2025/NĐ-CP: kết thúc hoạt động của Công an cấp huyện từ ngày 01/3/2025",
  // The grouping of the old wards below is illustrative; it does not reproduce the resolution's annex.
  wardsMerged:
    "Nghị quyết 1674/NQ-UBTVQH15 ngày 16/6/2025 về sắp xếp đơn vị hành chính cấp xã của tỉnh Ninh Bình (minh hoạ)"
} as const
