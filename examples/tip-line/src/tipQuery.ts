/**
 * The staff API's queries over tips: the period a request names (by dates, calendar month or year, police month or
 * year), the tip list's filters, and its keyset cursor. Without the overdue filter a page comes from the core's
 * `Tips.page`, filtered and ordered by the store; the overdue filter needs each tip's deadlines, so with it the tips
 * of `Tips.list` are filtered and paged here, in the same order and with the same cursor.
 */
import { Deadline, LocalDate, Statistics, Tip, type TipStore, type Unit, UnitHierarchy } from "@tinbao/core"
import { type DateTime, Either, Option, Schema } from "effect"
import type { PeriodParams } from "./api.js"

/** The query's period or cursor cannot be used (`period`, `cursor`); the message says what to give. */
export class QueryError extends Schema.TaggedError<QueryError>()("QueryError", {
  rule: Schema.Literal("period", "cursor"),
  message: Schema.String
}) {}

const yearMonth = (text: string) => {
  const [year, month] = text.split("-").map(Number)
  return { year: year!, month: month! }
}

/**
 * The one period the parameters name, as the statistics engine's `PeriodSpec`; `undefined` when none is given.
 * Fails when two kinds are given, or `from` without `to` (or the other way round).
 */
export const periodOf = (params: PeriodParams): Either.Either<Statistics.PeriodSpec | undefined, QueryError> => {
  const given: Array<Statistics.PeriodSpec> = []
  if (params.from !== undefined || params.to !== undefined) {
    if (params.from === undefined || params.to === undefined) {
      return Either.left(new QueryError({ rule: "period", message: "Give both from and to (dates, YYYY-MM-DD)." }))
    }
    if (params.to < params.from) {
      return Either.left(
        new QueryError({ rule: "period", message: `The period ends (${params.to}) before it begins (${params.from}).` })
      )
    }
    given.push({ _tag: "Range", first: params.from, last: params.to })
  }
  if (params.month !== undefined) given.push({ _tag: "CalendarMonth", ...yearMonth(params.month) })
  if (params.year !== undefined) given.push({ _tag: "CalendarYear", year: params.year })
  if (params.policeMonth !== undefined) given.push({ _tag: "PoliceMonth", ...yearMonth(params.policeMonth) })
  if (params.policeYear !== undefined) given.push({ _tag: "PoliceYear", year: params.policeYear })
  if (given.length > 1) {
    return Either.left(
      new QueryError({
        rule: "period",
        message: "Give one period: from and to, month, year, policeMonth or policeYear."
      })
    )
  }
  return Either.right(given[0])
}

/** The instants `[receivedFrom, receivedBefore)` a period covers in Vietnam time, for `Tips.list`. */
export const receivedIn = (spec: Statistics.PeriodSpec) => {
  const range = Statistics.rangeOf(spec)
  return { receivedFrom: LocalDate.startOf(range.first), receivedBefore: LocalDate.endOf(range.last) }
}

/** What `Deadline.isOverdue` needs besides the tip, as the core's `Tips.deadlines` builds it. */
export const overdueContext = (
  now: DateTime.Utc,
  calendar: Deadline.Context["calendar"],
  hierarchy: UnitHierarchy.UnitHierarchy
) => {
  const policy = Deadline.defaultPolicy
  return (tip: Tip.Tip) => {
    const receivingUnit: Unit.Unit | undefined = Option.getOrUndefined(
      UnitHierarchy.get(hierarchy, tip.receivingUnit, LocalDate.ofInstant(tip.receivedAt))
    )
    return Deadline.isOverdue(tip, { now, calendar, policy, ...(receivingUnit ? { receivingUnit } : {}) })
  }
}

// Newest first: by register year and number, then by id (numbers are per unit, so two units can share one). The
// cursor is the last shown tip's key, as the core's `TipStore.PageKey` holds it.
const Key = Schema.Tuple(Schema.Number, Schema.Number, Tip.TipId)
const CursorFromString = Schema.compose(Schema.StringFromBase64Url, Schema.parseJson(Key))
type Key = typeof Key.Type

const keyOf = (tip: Tip.Tip): Key => [tip.registerYear, tip.registerNumber, tip.id]
const compare = (a: Key, b: Key) => b[0] - a[0] || b[1] - a[1] || (a[2] < b[2] ? 1 : a[2] > b[2] ? -1 : 0)

/** The key a cursor holds (`undefined` for none), or a `cursor` error for one this API did not give. */
export const afterCursor = (cursor: string | undefined): Either.Either<TipStore.PageKey | undefined, QueryError> =>
  cursor === undefined
    ? Either.right(undefined)
    : Either.map(
        Either.mapLeft(
          Schema.decodeUnknownEither(CursorFromString)(cursor),
          () => new QueryError({ rule: "cursor", message: "The cursor is not one this API gave." })
        ),
        ([registerYear, registerNumber, id]) => ({ registerYear, registerNumber, id })
      )

/** The cursor of the page after the one that ends at `key`. */
export const cursorOf = (key: TipStore.PageKey): string =>
  Schema.encodeSync(CursorFromString)([key.registerYear, key.registerNumber, key.id])

/**
 * A page of tips after the cursor (newest first), with the cursor of the next page when there is one: the order
 * and cursor of `Tips.page`, over tips already filtered here (the overdue filter, which needs each tip's deadlines).
 */
export const page = (tips: ReadonlyArray<Tip.Tip>, limit: number, cursor: string | undefined) =>
  Either.gen(function* () {
    const after = yield* afterCursor(cursor)
    const sorted = tips.toSorted((a, b) => compare(keyOf(a), keyOf(b)))
    const rest =
      after === undefined
        ? sorted
        : sorted.filter((tip) => compare([after.registerYear, after.registerNumber, after.id], keyOf(tip)) < 0)
    const shown = rest.slice(0, limit)
    const last = shown.at(-1)
    return {
      tips: shown,
      nextCursor:
        rest.length > limit && last !== undefined
          ? cursorOf({ registerYear: last.registerYear, registerNumber: last.registerNumber, id: last.id })
          : undefined
    }
  })
