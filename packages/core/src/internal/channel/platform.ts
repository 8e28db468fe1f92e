import { Schema } from "effect"
import type { Label } from "../shared/label.js"

/**
 * The pattern every platform id matches: short, lower case, and safe in a URL, a file name or a CSV cell.
 *
 * @since 0.2.0
 * @category constants
 */
export const platformIdPattern = /^[a-z][a-z0-9_]{1,31}$/

/**
 * The rule every platform id follows ({@link platformIdPattern}), in words, as errors state it.
 *
 * @since 0.2.0
 * @category constants
 */
export const platformIdRule =
  "a platform id is 2 to 32 characters: a lower-case letter (a-z), then lower-case letters, digits or underscores (e.g. sms, hotline_113)"

/**
 * The id of a platform (how a tip reached the police): one of the {@link builtinPlatforms} or one a deployment adds
 * (an SMS gateway, a hotline, walk-in tips), matching {@link platformIdPattern}. Tips record it as their channel
 * and statistics count by it, so it is stored as it is: keep it stable once tips carry it.
 *
 * @since 0.2.0
 * @category models
 */
export const PlatformId = Schema.String.pipe(
  Schema.pattern(platformIdPattern, { message: () => platformIdRule })
).annotations({ identifier: "PlatformId" })

/**
 * @since 0.2.0
 * @category models
 */
export type PlatformId = typeof PlatformId.Type

/**
 * The platforms tinbao knows without being told, by id, with their labels, in the order reports list them: the chat
 * platforms and the web form, then the ways the law names (BLTTHS Art. 146: in person, phone, post), the 113
 * hotline, VNeID and the media.
 *
 * @since 0.2.0
 * @category constants
 */
export const builtinPlatforms = {
  zalo: { vi: "Zalo", en: "Zalo" },
  facebook: { vi: "Facebook", en: "Facebook" },
  web: { vi: "Trang thông tin điện tử", en: "Web" },
  in_person: { vi: "Trực tiếp", en: "In person" },
  phone: { vi: "Điện thoại", en: "Phone" },
  hotline_113: { vi: "Tổng đài 113", en: "113 hotline" },
  post: { vi: "Bưu chính", en: "Post" },
  vneid: { vi: "VNeID", en: "VNeID" },
  media: { vi: "Báo chí", en: "Media" }
} as const satisfies { readonly [id: string]: Label }
