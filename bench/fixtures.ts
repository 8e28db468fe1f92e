// What the benches feed intake: the Ninh Bình city units, each with a web channel bound to it, messages from
// distinct reporters spread over them, and a clock that stands still.
import { InboundMessage, LocalDate, type Unit, UnitHierarchy } from "@tinbao/core"
import { NinhBinh } from "@tinbao/testkit"
import { Clock, DateTime, Effect, Option, Redacted } from "effect"

/** Every message arrives at this instant (2 January 2023, 09:00 in Vietnam). */
export const start = Date.UTC(2023, 0, 2, 2, 0)

/** Every message arrives at the same instant, so the receipt year and the quiet period do not vary between runs. */
export function fixedClock(millis: number): Clock.Clock {
  return {
    [Clock.ClockTypeId]: Clock.ClockTypeId,
    unsafeCurrentTimeMillis: () => millis,
    currentTimeMillis: Effect.succeed(millis),
    unsafeCurrentTimeNanos: () => BigInt(millis) * 1_000_000n,
    currentTimeNanos: Effect.succeed(BigInt(millis) * 1_000_000n),
    sleep: (duration) => Effect.sleep(duration).pipe(Effect.withClock(Clock.make()))
  }
}

export interface BenchUnit {
  readonly id: Unit.UnitId
  /** The unit's Vietnamese name, as the acknowledgement says it. */
  readonly name: string
  /** The web channel bound to the unit. */
  readonly channel: string
}

const hierarchy = NinhBinh.hierarchy()
const today = LocalDate.ofInstant(DateTime.unsafeMake(start))

/** The city's units (phường and xã police), a channel each. */
export const units: ReadonlyArray<BenchUnit> = NinhBinh.cityUnitIds.map((id, k) => ({
  id,
  name: Option.match(UnitHierarchy.get(hierarchy, id, today), { onNone: () => id, onSome: (u) => u.name.vi }),
  channel: `web:bench-${k}`
}))

/**
 * Messages `from` … `from + n − 1`: each from a reporter of its own, the channels taken in turn, so that every
 * message is a new tip and the units' registers are all in use.
 */
export const messages = (from: number, n: number): ReadonlyArray<InboundMessage.InboundMessage> =>
  Array.from({ length: n }, (_, k) => {
    const i = from + k
    const unit = units[i % units.length]!
    return InboundMessage.InboundMessage.make({
      kind: "message",
      channel: unit.channel,
      platformMessageId: `m-${i}`,
      conversation: InboundMessage.direct(`u-${i}`),
      sender: Redacted.make({ platformUserId: `u-${i}` }),
      text: `Tin báo số ${i}: mất trộm xe máy`,
      sentAt: DateTime.unsafeMake(start + i)
    })
  })
