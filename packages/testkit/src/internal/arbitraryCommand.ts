/**
 * Random commands, valid in shape, and sequences of them with times moving forward. A command is first drawn as a
 * template that takes the day it is given on, so that the dates it carries (a procuracy's extension) lie near it.
 *
 * @internal
 */
import { Category, type Command, LocalDate, type Tip, TipEvent, type Unit } from "@tinbao/core"
import { type Array as Arr, DateTime, FastCheck } from "effect"
import { digits, reason, team } from "./arbitraryText.js"
import { arbitraryTipId } from "./arbitraryTip.js"

/** @internal */
export interface CommandOptions {
  readonly units: Arr.NonEmptyReadonlyArray<Unit.UnitId>
  readonly tips?: ReadonlyArray<Tip.TipId>
}

type Template = (date: LocalDate.LocalDate) => Command.Command

const legalTypes = Category.LegalType.literals
const grounds = TipEvent.NonProsecutionGround.literals

/** Every outcome of every track, so that a tip is also resolved with outcomes of the wrong track. @internal */
export const outcome = FastCheck.oneof(
  FastCheck.constant({ _tag: "Prosecuted" } as const),
  FastCheck.constantFrom(...grounds).map((ground) => ({ _tag: "NotProsecuted", ground }) as const),
  reason.map((summary) => ({ _tag: "Handled", summary }) as const),
  FastCheck.constant({ _tag: "NotConfirmed" } as const),
  reason.map((agency) => ({ _tag: "Referred", agency }) as const),
  FastCheck.constant({ _tag: "Founded" } as const),
  FastCheck.constant({ _tag: "PartlyFounded" } as const),
  FastCheck.constant({ _tag: "Unfounded" } as const)
)

const fixed = (command: Command.Command) => FastCheck.constant<Template>(() => command)
const shaped = <A>(arbitrary: FastCheck.Arbitrary<A>, make: (a: A) => Command.Command) =>
  arbitrary.map(
    (a): Template =>
      () =>
        make(a)
  )

/** @internal */
export const template = (options: CommandOptions): FastCheck.Arbitrary<Template> => {
  const unit = FastCheck.constantFrom(...options.units)
  const target =
    options.tips !== undefined && options.tips.length > 0
      ? FastCheck.oneof(FastCheck.constantFrom(...options.tips), arbitraryTipId)
      : arbitraryTipId
  const procuracy = FastCheck.tuple(
    FastCheck.integer({ min: 0, max: 10 }),
    FastCheck.integer({ min: 1, max: 90 }),
    reason
  )
  const weighted = (weight: number, arbitrary: FastCheck.Arbitrary<Template>) => ({ weight, arbitrary })
  return FastCheck.oneof(
    weighted(4, fixed({ _tag: "Acknowledge" })),
    weighted(
      3,
      shaped(unit, (u) => ({ _tag: "Assign", unit: u }))
    ),
    weighted(5, fixed({ _tag: "Accept" })),
    weighted(
      2,
      shaped(FastCheck.tuple(unit, reason), ([to, r]) => ({ _tag: "RequestTransfer", to, reason: r }))
    ),
    weighted(
      2,
      shaped(reason, (r) => ({ _tag: "Escalate", reason: r }))
    ),
    weighted(3, fixed({ _tag: "AcceptTransfer" })),
    weighted(
      2,
      shaped(reason, (r) => ({ _tag: "RefuseTransfer", reason: r }))
    ),
    weighted(
      1,
      shaped(FastCheck.constantFrom(...Category.standard.map((c) => c.id)), (category) => ({
        _tag: "Categorize",
        category
      }))
    ),
    weighted(
      2,
      shaped(FastCheck.tuple(FastCheck.constantFrom(...legalTypes), reason), ([to, r]) => ({
        _tag: "Reclassify",
        to,
        reason: r
      }))
    ),
    weighted(
      2,
      shaped(reason, (r) => ({ _tag: "ExtendVerification", reason: r }))
    ),
    weighted(
      2,
      procuracy.map(
        ([before, after, decision]): Template =>
          (date) => ({
            _tag: "GrantProcuracyExtension",
            requestedOn: LocalDate.addDays(date, -before),
            until: LocalDate.addDays(date, after),
            decision
          })
      )
    ),
    weighted(
      3,
      shaped(FastCheck.tuple(FastCheck.constantFrom(...(["a", "b", "c"] as const)), reason), ([ground, r]) => ({
        _tag: "Suspend",
        ground,
        reason: r
      }))
    ),
    weighted(2, fixed({ _tag: "NotifySuspension" })),
    weighted(
      3,
      shaped(reason, (r) => ({ _tag: "Restore", reason: r }))
    ),
    weighted(
      5,
      shaped(outcome, (o) => ({ _tag: "Resolve", outcome: o }))
    ),
    weighted(
      2,
      shaped(FastCheck.tuple(FastCheck.boolean(), reason), ([falseReport, r]) => ({
        _tag: "Reject",
        rejection: falseReport ? { _tag: "FalseReport", reason: r } : { _tag: "OutOfScope", reason: r }
      }))
    ),
    weighted(
      1,
      shaped(target, (t) => ({ _tag: "MergeInto", target: t }))
    ),
    weighted(
      3,
      shaped(reason, (r) => ({ _tag: "Reopen", reason: r }))
    ),
    weighted(
      1,
      shaped(reason, (r) => ({ _tag: "MarkUrgent", reason: r }))
    ),
    weighted(
      1,
      shaped(team, (t) => ({ _tag: "Dispatch", team: t }))
    ),
    weighted(1, fixed({ _tag: "ArriveOnSite" })),
    weighted(
      1,
      shaped(reason, (text) => ({ _tag: "AddNote", text }))
    ),
    weighted(
      1,
      shaped(digits(6), (n) => ({ _tag: "AddAttachment", ref: `s3://tinbao/tep/${n}.jpg`, mediaType: "image/jpeg" }))
    ),
    weighted(
      1,
      shaped(reason, (text) => ({ _tag: "AppendFollowUp", text }))
    ),
    weighted(
      1,
      shaped(reason, (r) => ({ _tag: "RevealIdentity", reason: r }))
    )
  )
}

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

/** Minutes to months between two commands; days and months so that legal periods expire along the way. @internal */
export const gap: FastCheck.Arbitrary<number> = FastCheck.oneof(
  { weight: 3, arbitrary: FastCheck.integer({ min: 1, max: 59 }).map((n) => n * MINUTE) },
  { weight: 3, arbitrary: FastCheck.integer({ min: 1, max: 23 }).map((n) => n * HOUR) },
  { weight: 3, arbitrary: FastCheck.integer({ min: 1, max: 27 }).map((n) => n * DAY) },
  { weight: 1, arbitrary: FastCheck.integer({ min: 1, max: 3 }).map((n) => n * 30 * DAY) }
)

/** @internal */
export interface Timed {
  readonly at: DateTime.Utc
  readonly command: Command.Command
}

/** @internal */
export const sequence = (
  options: CommandOptions & { readonly start: DateTime.Utc; readonly minLength: number; readonly maxLength: number }
): FastCheck.Arbitrary<ReadonlyArray<Timed>> =>
  FastCheck.array(FastCheck.tuple(gap, template(options)), {
    minLength: options.minLength,
    maxLength: options.maxLength
  }).map((steps) => {
    let at = options.start
    return steps.map(([millis, make]): Timed => {
      at = DateTime.add(at, { millis })
      return { at, command: make(LocalDate.ofInstant(at)) }
    })
  })
