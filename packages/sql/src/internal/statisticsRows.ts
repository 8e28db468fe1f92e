/**
 * The statistics projection's rows: what `StatisticsPlan.tipFacts` says of each version of a tip, written in the
 * transaction that appends its events, and rebuilt from `tip_events` when the basis (calendar, policy) changes.
 *
 * @internal
 */
import { createHash } from "node:crypto"
import type { SqlClient } from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import { type Calendar, type Deadline, LocalDate, StatisticsPlan, TipEvent } from "@tinbao/core"
import { Effect, type ParseResult, Schema } from "effect"
import * as DateTime from "effect/DateTime"
import { insertAll, prepareInsert } from "./prepared.js"
import { Int } from "./sqlErrors.js"
import { makeTransaction } from "./transaction.js"

/** What the projection's due instants are computed with. */
export interface Basis {
  readonly calendar: Calendar.Calendar
  readonly policy: Deadline.Policy
}

type Row = Record<string, string | number | null>

const flag = (b: boolean) => (b ? 1 : 0)
const orNull = (x: number | string | undefined) => (x === undefined ? null : x)

type Deadlines = Exclude<StatisticsPlan.VersionFacts["deadlines"], "calendar">
type SlotDeadline = Deadlines[StatisticsPlan.DeadlineSlot]
const due = (d: SlotDeadline) => d?.dueAt ?? null
const met = (d: SlotDeadline) => orNull(d?.closedAt)
const late = (d: SlotDeadline) => (d === undefined ? null : flag(d.late))

// Every column written out, in one literal: a row whose keys are made up as it is filled (`${prefix}_due`) is a
// slow dictionary to the engine, and one is made for every version of every tip appended.
const stateRow = (facts: StatisticsPlan.TipFacts, v: StatisticsPlan.VersionFacts): Row => {
  const deadlines: Deadlines = v.deadlines === "calendar" ? {} : v.deadlines
  const { acknowledgement: ack, verification, suspension_notice: notice, restoration, resolution } = deadlines
  const { transfer: local, transfer_remote: remote } = deadlines
  return {
    tip: facts.tip,
    version: v.version,
    since: v.since,
    received_at: facts.receivedAt,
    receiving_unit: facts.receivingUnit,
    channel: facts.channel,
    channel_id: orNull(facts.channelId),
    unit: v.unit,
    status: v.status,
    open: flag(v.open),
    category: v.category,
    legal_type: v.legalType,
    outcome: v.outcome,
    acknowledged_at: orNull(v.acknowledgedAt),
    accepted_at: orNull(v.acceptedAt),
    decided_at: orNull(v.decidedAt),
    last_decision: orNull(v.decisions[0]),
    irregular: flag(v.decisions.length > 1),
    held_since: v.heldSince,
    last_due: v.lastDue,
    calendar_gap: flag(v.deadlines === "calendar"),
    ack_due: due(ack),
    ack_met: met(ack),
    ack_late: late(ack),
    verification_due: due(verification),
    verification_met: met(verification),
    verification_late: late(verification),
    notice_due: due(notice),
    notice_met: met(notice),
    notice_late: late(notice),
    restoration_due: due(restoration),
    restoration_met: met(restoration),
    restoration_late: late(restoration),
    resolution_due: due(resolution),
    resolution_met: met(resolution),
    resolution_late: late(resolution),
    transfer_due: due(local),
    transfer_due_remote: due(remote),
    transfer_met: met(local),
    transfer_late: late(local),
    transfer_late_remote: late(remote)
  }
}

/** The state columns, in the order of `stateRow`, for statements that name them. */
export const stateColumns: ReadonlyArray<string> = Object.keys(
  stateRow(
    {
      tip: "" as never,
      receivedAt: 0,
      receivingUnit: "" as never,
      channel: "web",
      channelId: undefined,
      versions: [],
      handovers: []
    },
    {
      version: 0,
      since: 0,
      until: undefined,
      status: "received",
      open: true,
      unit: "" as never,
      category: "" as never,
      legalType: "tin_bao",
      outcome: "none",
      acknowledgedAt: undefined,
      acceptedAt: undefined,
      decidedAt: undefined,
      decisions: [],
      heldSince: 0,
      lastDue: 0,
      deadlines: {}
    }
  )
)

/** The rows one append adds, for a tip whose log had `before` events and now has the versions in `facts`. */
export interface Rows {
  readonly history: Array<Row>
  readonly current: Array<Row>
  readonly handovers: Array<Row>
  readonly decisions: Array<Row>
}

export const emptyRows = (): Rows => ({ history: [], current: [], handovers: [], decisions: [] })

/**
 * Adds the rows of one tip to `rows`. `facts` start at version `max(before, 1)`: the state that was current (its row
 * moves to history, now that it has an end) and every new one; only what is new among handovers and decision records
 * is added.
 */
export const addRows = (rows: Rows, facts: StatisticsPlan.TipFacts, before: number): void => {
  const last = facts.versions.length - 1
  facts.versions.forEach((v, i) => {
    const row = stateRow(facts, v)
    if (i === last) rows.current.push(row)
    else rows.history.push({ ...row, until: v.until! })
    if (v.version > before && v.decisions.length > 1) {
      for (const at of v.decisions) rows.decisions.push({ tip: facts.tip, version: v.version, at })
    }
  })
  for (const h of facts.handovers) {
    if (h.version <= before) continue
    rows.handovers.push({
      tip: facts.tip,
      seq: h.seq,
      unit: h.unit,
      held_from: h.from,
      held_until: h.until,
      since: h.since
    })
  }
}

const upsertCurrent = stateColumns
  .filter((c) => c !== "tip")
  .map((c) => `${c} = excluded.${c}`)
  .join(", ")

const handoverColumns = ["tip", "seq", "unit", "held_from", "held_until", "since"]
const decisionColumns = ["tip", "version", "at"]

/** Writes rows through `sql`; run it in the transaction that appends the events. */
export const writer = (sql: SqlClient): ((rows: Rows) => Effect.Effect<void, SqlError>) => {
  const history = prepareInsert(sql, "stat_tip_history", [...stateColumns, "until"])
  const current = prepareInsert(sql, "stat_tips", stateColumns, `ON CONFLICT (tip) DO UPDATE SET ${upsertCurrent}`)
  const handovers = prepareInsert(sql, "stat_handovers", handoverColumns)
  const decisions = prepareInsert(sql, "stat_decisions", decisionColumns)
  return (rows) =>
    insertAll(sql, [
      [history, rows.history],
      [current, rows.current],
      [handovers, rows.handovers],
      [decisions, rows.decisions]
    ])
}

const canonical = (value: unknown): string =>
  JSON.stringify(value, (_, v) =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v
  )

const hash = (text: string) => createHash("sha256").update(text).digest("base64url")

/** What the basis of a projection looks like in `stat_basis`: the policy, and the days off of each year it covers. */
export const basisRows = (
  basis: Basis,
  years: ReadonlyArray<number>
): ReadonlyArray<{ key: string; value: string }> => [
  { key: "policy", value: hash(canonical(basis.policy)) },
  ...years.map((year) => ({
    key: `calendar:${year}`,
    value: hash(
      canonical(
        basis.calendar.daysOff(LocalDate.fromParts(year, 1, 1), LocalDate.fromParts(year, 12, 31)).map((d) => d.date)
      )
    )
  }))
]

const BasisRows = Schema.Array(Schema.Struct({ key: Schema.String, value: Schema.String }))
const Range = Schema.Array(Schema.Struct({ first: Schema.NullOr(Int), last: Schema.NullOr(Int) }))
const Events = Schema.Array(
  Schema.Struct({ tip: Schema.String, version: Int, event: Schema.parseJson(TipEvent.TipEvent) })
)

const yearOf = (millis: number) => Number(LocalDate.ofInstant(DateTime.unsafeMake(millis)).slice(0, 4))

/**
 * The years whose days off the projection depends on: those of the stored tips, and this one, each with the year
 * after (a deadline runs into it), within the years the calendar covers.
 */
const yearsOf = (sql: SqlClient, now: number) =>
  Effect.gen(function* () {
    // Both ends are index lookups: `tips` is indexed by receipt, `stat_tips` by `since`.
    const [range] = yield* Effect.flatMap(
      sql`SELECT (SELECT min(received_at) FROM tips) AS first, (SELECT max(since) FROM stat_tips) AS last`,
      Schema.decodeUnknown(Range)
    )
    const thisYear = yearOf(now)
    const first = range?.first == null ? thisYear : Math.min(yearOf(range.first), thisYear)
    const last = Math.max(range?.last == null ? thisYear : yearOf(range.last), thisYear) + 1
    const years: Array<number> = []
    for (let y = Math.max(first, 2000); y <= Math.min(last, 2199); y++) years.push(y)
    return years
  })

const PAGE = 5000

/** Rebuilds the whole projection from `tip_events` with `basis`; run it in a transaction. */
export const rebuildAll = (sql: SqlClient, basis: Basis) =>
  Effect.gen(function* () {
    const write = writer(sql)
    for (const table of ["stat_tips", "stat_tip_history", "stat_handovers", "stat_decisions"]) {
      yield* sql.unsafe(`DELETE FROM ${table}`)
    }
    let after: { tip: string; version: number } | undefined
    let pending: { tip: string; events: Array<TipEvent.TipEvent> } | undefined
    const flush = (rows: Rows) => {
      if (pending === undefined) return
      addRows(rows, StatisticsPlan.tipFacts(pending.events, basis), 0)
    }
    for (;;) {
      const page = yield* Effect.flatMap(
        after === undefined
          ? sql`SELECT tip, version, event FROM tip_events ORDER BY tip, version LIMIT ${PAGE}`
          : sql`SELECT tip, version, event FROM tip_events
              WHERE tip > ${after.tip} OR (tip = ${after.tip} AND version > ${after.version})
              ORDER BY tip, version LIMIT ${PAGE}`,
        Schema.decodeUnknown(Events)
      )
      const rows = emptyRows()
      for (const row of page) {
        if (pending?.tip !== row.tip) {
          flush(rows)
          pending = { tip: row.tip, events: [] }
        }
        pending.events.push(row.event)
      }
      if (page.length < PAGE) flush(rows)
      yield* write(rows)
      if (page.length < PAGE) return
      after = page[page.length - 1]!
    }
  })

/**
 * Makes sure the projection was built with `basis`: the same policy, and the same days off in every year it was
 * checked for. If not (never built, or the calendar or policy changed), it is rebuilt from `tip_events`, in one
 * transaction that also holds off other rebuilders. Returns whether it rebuilt.
 */
export const ensureBasis = (
  sql: SqlClient,
  basis: Basis,
  now: number,
  force: boolean
): Effect.Effect<boolean, SqlError | ParseResult.ParseError> =>
  makeTransaction(sql)(
    Effect.gen(function* () {
      // Taking the write lock first: a second instance starting at the same time waits, then finds it built.
      yield* sql`INSERT INTO stat_basis (key, value) VALUES ('checked_at', ${String(now)})
        ON CONFLICT (key) DO UPDATE SET value = excluded.value`
      const stored = new Map(
        (yield* Effect.flatMap(sql`SELECT key, value FROM stat_basis`, Schema.decodeUnknown(BasisRows))).map(
          (r) => [r.key, r.value] as const
        )
      )
      const storedYears = [...stored.keys()].filter((k) => k.startsWith("calendar:")).map((k) => Number(k.slice(9)))
      const same =
        !force && stored.has("policy") && basisRows(basis, storedYears).every((r) => stored.get(r.key) === r.value)
      if (!same) {
        yield* rebuildAll(sql, basis)
        yield* sql`DELETE FROM stat_basis WHERE key <> 'checked_at'`
      }
      const years = yield* yearsOf(sql, now)
      const missing = same ? years.filter((y) => !stored.has(`calendar:${y}`)) : years
      const rows = basisRows(basis, missing).filter((r) => !same || r.key !== "policy")
      if (rows.length > 0) yield* sql`INSERT INTO stat_basis ${sql.insert(rows.map((r) => ({ ...r })))}`
      return !same
    })
  )
