import * as DateTime from "effect/DateTime"
import type { Deadline, Kind } from "../../Deadline.js"
import * as LocalDate from "../calendar/localDate.js"
import type { Label } from "../shared/label.js"

const HOUR = 60 * 60 * 1000
const DAY = 24 * HOUR
const pad2 = (n: number) => String(n).padStart(2, "0")

/**
 * The deadlines of a tip by kind: a tip has at most one of each, and the kinds that do not apply to it are absent.
 *
 * @since 0.4.0
 * @category getters
 */
export const byKind = (deadlines: ReadonlyArray<Deadline>): { readonly [K in Kind]?: Deadline } => {
  const out: { [K in Kind]?: Deadline } = {}
  for (const deadline of deadlines) out[deadline.kind] = deadline
  return out
}

/**
 * The last day of a deadline's period, the day the law names: a period that ends at 00:00 ends "at 24:00" of the
 * day before it (BLTTHS Art. 134), so a deadline due at 00:00 on 22 March has 21 March as its last day.
 *
 * @since 0.4.0
 * @category getters
 */
export const lastDay = (deadline: Deadline): LocalDate.LocalDate =>
  LocalDate.ofInstant(DateTime.subtract(deadline.dueAt, { millis: 1 }))

/**
 * When a deadline falls due, as an officer reads it in Vietnam's time: `24 giờ ngày 21/03/2025` (English
 * `24:00 on 2025-03-21`) for a period ending at midnight, written on its {@link lastDay}; `14 giờ 30 phút ngày
 * 05/03/2025` (`14:30 on 2025-03-05`) for one ending within a day. Seconds are left out.
 *
 * @since 0.4.0
 * @category getters
 */
export const dueLabel = (deadline: Deadline): Label => {
  const day = lastDay(deadline)
  const local = (DateTime.toEpochMillis(deadline.dueAt) + LocalDate.zoneOffsetMillis) % DAY
  const minutes = Math.floor(local / 60000)
  const [hour, minute] = local === 0 ? [24, 0] : [Math.floor(minutes / 60), minutes % 60]
  return {
    vi: `${hour} giờ${minute === 0 ? "" : ` ${pad2(minute)} phút`} ngày ${LocalDate.vietnameseText(day)}`,
    en: `${pad2(hour)}:${pad2(minute)} on ${day}`
  }
}
