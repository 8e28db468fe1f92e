import { Either } from "effect"
import * as DateTime from "effect/DateTime"
import { coveredYears } from "../calendar/calendar.js"
import * as LocalDate from "../calendar/localDate.js"
import { type Rule, RuleViolation } from "../lifecycle/graph.js"
import type { TipId } from "../lifecycle/tip.js"

// A receipt time may run ahead of the server's clock by this much (an officer's device set a little fast); such a
// time is taken as now, so that no event of the tip comes before its receipt.
const clockSkew = { minutes: 1 }

/**
 * When a tip was received: now, or the time given when it is entered later, which may not lie ahead of the clock
 * (beyond the skew) nor before the calendar's years (its deadlines could not be counted).
 *
 * @internal
 */
export const receiptTime = (
  tip: TipId,
  given: DateTime.Utc | undefined,
  now: DateTime.Utc
): Either.Either<DateTime.Utc, RuleViolation> => {
  if (given === undefined) return Either.right(now)
  const refuse = (rule: Rule, message: string) =>
    Either.left(new RuleViolation({ tip, command: "Receive", rule, message }))
  if (DateTime.greaterThan(given, DateTime.add(now, clockSkew))) {
    return refuse(
      "received_in_future",
      `A tip cannot be received in the future: ${DateTime.formatIso(given)} is after now (${DateTime.formatIso(now)}).`
    )
  }
  const day = LocalDate.ofInstant(given)
  if (Number(day.slice(0, 4)) < coveredYears.from) {
    return refuse(
      "received_before_calendar",
      `A tip received on ${day} cannot be entered: deadlines are counted from ${coveredYears.from} on.`
    )
  }
  return Either.right(DateTime.min(given, now))
}
