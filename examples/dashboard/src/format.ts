/** Times and dates as officers read them: in Vietnam's time zone, in the page's language. */
import type { Lang } from "./i18n.js"

const zone = "Asia/Ho_Chi_Minh"

export const dateTime = (lang: Lang, iso: string) =>
  new Intl.DateTimeFormat(lang === "vi" ? "vi-VN" : "en-GB", {
    timeZone: zone,
    dateStyle: "short",
    timeStyle: "short"
  }).format(new Date(iso))

/** Today's date in Vietnam, as YYYY-MM-DD (the API's dates are Vietnam's days). */
export const today = () => new Intl.DateTimeFormat("en-CA", { timeZone: zone }).format(new Date())

/** The first day of the month of a YYYY-MM-DD date. */
export const monthStart = (date: string) => `${date.slice(0, 8)}01`
