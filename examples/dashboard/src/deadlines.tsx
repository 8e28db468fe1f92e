/**
 * A tip's deadlines as the core computes them: met (on time or late), due (with the time left) or missed (with how
 * long ago). The list shows the next one per tip; the tip's page shows them all.
 */
import type { Deadline } from "./api.js"
import { dateTime, duration } from "./format.js"
import { useLang } from "./i18n.js"

/** The deadline still to meet that falls first (a missed one before a due one), if any. */
export const nextDeadline = (deadlines: ReadonlyArray<Deadline>): Deadline | undefined =>
  deadlines
    .filter((deadline) => deadline.status === "pending" || deadline.status === "missed")
    .toSorted((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt))[0]

/** Whether a deadline of the tip has passed unmet. */
export const overdue = (deadlines: ReadonlyArray<Deadline>) => deadlines.some((d) => d.status === "missed")

/** The state of a deadline in words, with the time left or past, as of `now`. */
export const DeadlineState = (props: { readonly deadline: Deadline; readonly now: number }) => {
  const { t, lang } = useLang()
  const { deadline, now } = props
  const left = Date.parse(deadline.dueAt) - now
  const text =
    deadline.status === "met"
      ? t("deadlineMet")
      : deadline.status === "met_late"
        ? t("deadlineMetLate")
        : deadline.status === "missed"
          ? t("deadlineMissed", { time: duration(lang, -left) })
          : t("deadlineDue", { time: duration(lang, left) })
  return (
    <span class={`deadline deadline-${deadline.status}`} data-deadline-status={deadline.status}>
      {text}
    </span>
  )
}

/** Every deadline of a tip: what it is, when it falls due, and its state. */
export const Deadlines = (props: { readonly deadlines: ReadonlyArray<Deadline> }) => {
  const { t, lang } = useLang()
  const now = Date.now()
  return props.deadlines.length === 0 ? (
    <p>{t("noDeadlines")}</p>
  ) : (
    <table class="deadlines">
      <thead>
        <tr>
          <th scope="col">{t("deadline")}</th>
          <th scope="col">{t("dueAt")}</th>
          <th scope="col">{t("state")}</th>
        </tr>
      </thead>
      <tbody>
        {props.deadlines.map((deadline) => (
          <tr data-kind={deadline.kind}>
            <td>{deadline.label[lang]}</td>
            <td>
              <time dateTime={deadline.dueAt}>{dateTime(lang, deadline.dueAt)}</time>
            </td>
            <td>
              <DeadlineState deadline={deadline} now={now} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}
