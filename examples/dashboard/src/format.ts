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

/** A duration in days, hours and minutes, in words (the largest two units): "2 ngày 3 giờ", "2 days 3 hours". */
export const duration = (lang: Lang, milliseconds: number) => {
  const minutes = Math.max(0, Math.floor(milliseconds / 60_000))
  const parts: Array<readonly [number, string, string]> = [
    [Math.floor(minutes / 1440), "ngày", "day"],
    [Math.floor((minutes % 1440) / 60), "giờ", "hour"],
    [minutes % 60, "phút", "minute"]
  ]
  const shown = parts.filter(([n]) => n > 0).slice(0, 2)
  if (shown.length === 0) return lang === "vi" ? "dưới 1 phút" : "under a minute"
  return shown.map(([n, vi, en]) => (lang === "vi" ? `${n} ${vi}` : `${n} ${en}${n === 1 ? "" : "s"}`)).join(" ")
}

/** The file size in bytes, kB or MB, as officers read it. */
export const size = (bytes: number) =>
  bytes < 1024
    ? `${bytes} B`
    : bytes < 1024 * 1024
      ? `${(bytes / 1024).toFixed(1)} kB`
      : `${(bytes / 1048576).toFixed(1)} MB`
