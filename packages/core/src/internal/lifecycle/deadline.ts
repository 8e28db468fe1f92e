import * as DateTime from "effect/DateTime"
import type { Context, Deadline, Kind, Policy } from "../../Deadline.js"
import type { Calendar } from "../calendar/calendar.js"
import * as LocalDate from "../calendar/localDate.js"
import * as Period from "../calendar/period.js"
import { trackOf } from "./category.js"
import type { Tip } from "./tip.js"

const commune = new Set(["ward", "commune", "special_zone", "post"])

const earliest = (...xs: ReadonlyArray<DateTime.Utc | undefined>): DateTime.Utc | undefined => {
  let out: DateTime.Utc | undefined
  for (const x of xs) if (x !== undefined && (out === undefined || DateTime.lessThan(x, out))) out = x
  return out
}

const after = (x: DateTime.Utc | undefined, start: DateTime.Utc): DateTime.Utc | undefined =>
  x !== undefined && DateTime.greaterThanOrEqualTo(x, start) ? x : undefined

const deadline = (kind: Kind, dueAt: DateTime.Utc, closedAt: DateTime.Utc | undefined, now: DateTime.Utc): Deadline =>
  closedAt !== undefined
    ? { kind, dueAt, closedAt, status: DateTime.lessThanOrEqualTo(closedAt, dueAt) ? "met" : "met_late" }
    : { kind, dueAt, status: DateTime.greaterThan(now, dueAt) ? "missed" : "pending" }

/**
 * A period that extends another starts from the other's last day: its due instant is 24:00, which is
 * already the next day, so count from the instant just before.
 * @internal
 */
export const extendFrom = (due: DateTime.Utc): DateTime.Utc => DateTime.subtract(due, { millis: 1 })

/** @internal */
export const verificationDue = (tip: Tip, calendar: Calendar, policy: Policy): DateTime.Utc | undefined => {
  if (trackOf(tip.legalType) !== "criminal") return undefined
  if (tip.procuracyExtendedUntil !== undefined) {
    return LocalDate.endOf(LocalDate.unsafeMake(tip.procuracyExtendedUntil))
  }
  const period = tip.complexExtensions > 0 ? policy.verificationComplex : policy.verification
  return Period.end(tip.receivedAt, period, calendar)
}

const resolutionDue = (tip: Tip, calendar: Calendar, policy: Policy): DateTime.Utc => {
  if (trackOf(tip.legalType) === "feedback") return Period.end(tip.receivedAt, policy.feedbackResolution, calendar)
  let due = Period.end(tip.acceptedAt ?? tip.receivedAt, policy.denunciationResolution, calendar)
  for (let i = 0; i < tip.complexExtensions; i++)
    due = Period.end(extendFrom(due), policy.denunciationExtension, calendar)
  return due
}

/** @internal */
export const deadlinesOf = (tip: Tip, context: Context): ReadonlyArray<Deadline> => {
  const { calendar, now, policy } = context
  const out: Array<Deadline> = [
    deadline("acknowledgement", Period.end(tip.receivedAt, policy.acknowledgement, calendar), tip.acknowledgedAt, now)
  ]
  const track = trackOf(tip.legalType)
  if (track === "criminal") {
    const unit = context.receivingUnit
    if (unit !== undefined && commune.has(unit.kind)) {
      const period = unit.remote ? policy.transferRemote : policy.transfer
      const closed = earliest(tip.firstTransferAt, tip.acceptedAt, tip.firstDecidedAt)
      out.push(deadline("transfer", Period.end(tip.receivedAt, period, calendar), closed, now))
    }
    const due = verificationDue(tip, calendar, policy)!
    const decided = tip.firstDecidedAt
    const suspendedAt = tip.suspension?.at
    if (suspendedAt !== undefined && (decided === undefined || DateTime.lessThan(suspendedAt, decided))) {
      // Art. 148 allows suspension only once the period has expired, so a suspension made promptly after
      // the due time is the decision in time; the policy says how prompt.
      const window = Period.end(due, policy.suspensionDecision, calendar)
      out.push({
        kind: "verification",
        dueAt: due,
        closedAt: suspendedAt,
        status: DateTime.lessThanOrEqualTo(suspendedAt, window) ? "met" : "met_late"
      })
    } else {
      out.push(deadline("verification", due, earliest(decided, suspendedAt), now))
    }
    if (tip.suspension !== undefined) {
      const notice = Period.end(tip.suspension.at, policy.suspensionNotice, calendar)
      out.push(deadline("suspension_notice", notice, tip.suspension.notifiedAt, now))
    }
  } else {
    out.push(deadline("resolution", resolutionDue(tip, calendar, policy), tip.firstDecidedAt, now))
  }
  const restart = [tip.restoredAt, tip.reopenedAt].reduce<DateTime.Utc | undefined>(
    (a, b) => (b === undefined ? a : a === undefined || DateTime.greaterThan(b, a) ? b : a),
    undefined
  )
  if (restart !== undefined) {
    const due = Period.end(restart, policy.restoration, calendar)
    const closed = earliest(after(tip.decidedAt, restart), after(tip.suspension?.at, restart))
    out.push(deadline("restoration", due, closed, now))
  }
  return out
}
