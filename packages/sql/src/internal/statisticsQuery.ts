/**
 * A statistics query as SQL over the projection: the states in force when the figures are taken (the period's end,
 * or the time of the query while the period runs), placed through the
 * plan's unit places, filtered, then counted with GROUP BY (counts and deadline statuses) and ranked with window
 * functions (durations: count, sum and the nearest-rank percentiles). Only grouped rows come back.
 *
 * @internal
 */
import type { SqlClient } from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import type { Statistics, StatisticsPlan } from "@tinbao/core"
import { Effect } from "effect"
import { stateColumns } from "./statisticsRows.js"
import { makeTransaction } from "./transaction.js"

type Value = string | number | null
type SqlRow = Record<string, unknown>

/** Parameters in the order they appear in the text; `?` for SQLite, `$n` for PostgreSQL. */
class Params {
  readonly values: Array<Value> = []
  constructor(readonly pg: boolean) {}
  add(value: Value): string {
    this.values.push(value)
    return this.pg ? `$${this.values.length}` : "?"
  }
}

// Instants and counts go into the text as integer literals (they are computed here, never read from input).
const int = (n: number): string => {
  if (!Number.isSafeInteger(n)) throw new Error(`Not an integer: ${n}`)
  return String(n)
}

const num = (x: unknown): number => (x === null || x === undefined ? 0 : Number(x))

/** The deadline kinds, their columns, and (for the transfer) the columns chosen per receiving unit. */
const deadlines: ReadonlyArray<readonly [StatisticsPlan.DeadlineSlot, string, string, string]> = [
  ["acknowledgement", "ack_due", "ack_met", "ack_late"],
  ["transfer", "tr_due", "transfer_met", "tr_late"],
  ["verification", "verification_due", "verification_met", "verification_late"],
  ["suspension_notice", "notice_due", "notice_met", "notice_late"],
  ["restoration", "restoration_due", "restoration_met", "restoration_late"],
  ["resolution", "resolution_due", "resolution_met", "resolution_late"]
]

const statuses = ["met", "metLate", "missed", "pending"] as const

interface Context {
  readonly plan: StatisticsPlan.Plan
  readonly pg: boolean
  /** The period's start and end, bounds of what counts in it. */
  readonly S: string
  readonly E: string
  /** When the figures are taken, `min(end, now)`: the states in force then, and deadlines read then. */
  readonly A: string
}

const placesJson = (plan: StatisticsPlan.Plan) =>
  JSON.stringify(plan.places.map((p) => ("outside" in p ? [p.unit, null, null] : [p.unit, p.answering, p.group])))

const transfersJson = (plan: StatisticsPlan.Plan) =>
  JSON.stringify(plan.transferUnits.map((t) => [t.unit, t.from, t.to ?? null, t.remote ? 1 : 0]))

/**
 * On SQLite the plan's units go into temporary tables with a key, filled in the query's transaction: SQLite does not
 * index a CTE, and looking units up in one would scan it for every tip. (PostgreSQL hashes the CTE instead.)
 */
const sqliteUnits = (plan: StatisticsPlan.Plan): ReadonlyArray<[string, ReadonlyArray<Value>]> => [
  ["CREATE TEMP TABLE IF NOT EXISTS stat_query_place (unit TEXT PRIMARY KEY, answering TEXT, grp TEXT)", []],
  [
    "CREATE TEMP TABLE IF NOT EXISTS stat_query_transfer (unit TEXT NOT NULL, lo INTEGER NOT NULL, hi INTEGER, remote INTEGER NOT NULL)",
    []
  ],
  ["CREATE INDEX IF NOT EXISTS temp.stat_query_transfer_unit ON stat_query_transfer (unit)", []],
  ["DELETE FROM stat_query_place", []],
  ["DELETE FROM stat_query_transfer", []],
  [
    `INSERT INTO stat_query_place SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'),
      json_extract(value, '$[2]') FROM json_each(?)`,
    [placesJson(plan)]
  ],
  [
    `INSERT INTO stat_query_transfer SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'),
      json_extract(value, '$[2]'), json_extract(value, '$[3]') FROM json_each(?)`,
    [transfersJson(plan)]
  ]
]

/** The CTEs every statement starts with: unit places, transfer units, and the states in force when measured. */
const common = (c: Context, q: Params): string => {
  const units = c.pg
    ? `place AS MATERIALIZED (SELECT x->>0 AS unit, x->>1 AS answering, x->>2 AS grp
        FROM json_array_elements(CAST(${q.add(placesJson(c.plan))} AS json)) AS x),
      tunit AS MATERIALIZED (SELECT x->>0 AS unit, CAST(x->>1 AS BIGINT) AS lo, CAST(x->>2 AS BIGINT) AS hi,
        CAST(x->>3 AS INTEGER) AS remote FROM json_array_elements(CAST(${q.add(transfersJson(c.plan))} AS json)) AS x)`
    : `place AS (SELECT unit, answering, grp FROM stat_query_place),
      tunit AS (SELECT unit, lo, hi, remote FROM stat_query_transfer)`
  const columns = stateColumns.join(", ")
  return `${units},
    st AS (SELECT ${columns} FROM stat_tips WHERE since < ${c.A}
      UNION ALL SELECT ${columns} FROM stat_tip_history WHERE until >= ${c.A} AND since < ${c.A})`
}

/** The filters of the query, on the state at the end. */
const filters = (c: Context, q: Params): string => {
  const f = c.plan.filters
  const list = (column: string, values: ReadonlyArray<string> | undefined) =>
    values === undefined ? [] : [`${column} IN (${values.map((v) => q.add(v)).join(", ")})`]
  const clauses = [
    ...list("st.category", f.categories),
    ...list("st.legal_type", f.legalTypes),
    ...list("st.channel", f.channels),
    ...list("st.channel_id", f.channelIds),
    ...list("st.status", f.statuses)
  ]
  return clauses.length === 0 ? "1 = 1" : clauses.join(" AND ")
}

/**
 * The counted tips, with what the query derives per tip: the group of its unit, the place of its holder, the last
 * decision in the period, and its transfer deadline as its receiving unit's kind has it. A closed tip with every
 * deadline due before the period is passed over, as the in-memory engine does.
 */
const counted = (c: Context, q: Params, withUnplaced: boolean, columns: string): string => {
  const attribution = c.plan.attribution === "receiving" ? "st.receiving_unit" : "st.unit"
  const decidedIn = `CASE WHEN st.last_decision >= ${c.S} THEN st.last_decision
      WHEN st.irregular = 1 THEN (SELECT min(d.at) FROM stat_decisions d
        WHERE d.tip = st.tip AND d.version = st.version AND d.at >= ${c.S}) END`
  // The samples come from events in the period, so from states whose latest event is in it, and from tips open at
  // its end (held there): the others are left out before they are kept.
  const active = withUnplaced ? "" : ` AND (st.since >= ${c.S} OR st.open = 1)`
  const where = `p.grp IS NOT NULL AND (st.open = 1 OR st.last_due > ${c.S})${active} AND ${filters(c, q)}`
  // Deadlines are only counted with the unplaced tips' statement; the samples need neither.
  const transfer = withUnplaced
    ? {
        columns: `, CASE WHEN tu.unit IS NULL THEN NULL WHEN tu.remote = 1 THEN st.transfer_due_remote
            ELSE st.transfer_due END AS tr_due,
          CASE WHEN tu.remote = 1 THEN st.transfer_late_remote ELSE st.transfer_late END AS tr_late`,
        join: `LEFT JOIN tunit tu ON tu.unit = st.receiving_unit AND st.received_at >= tu.lo
          AND (tu.hi IS NULL OR st.received_at < tu.hi)`
      }
    : { columns: "", join: "" }
  // The holder's place is for the samples' time at each unit; the counts do not need it.
  const holder = withUnplaced
    ? { column: "", join: "" }
    : { column: ", ph.answering AS holder", join: "LEFT JOIN place ph ON ph.unit = st.unit AND ph.grp IS NOT NULL" }
  return `SELECT ${columns}, p.grp AS grp${holder.column},
      CASE WHEN p.unit IS NULL THEN 1 ELSE 0 END AS unplaced,
      ${decidedIn} AS decided_in${transfer.columns}
    FROM st
    LEFT JOIN place p ON p.unit = ${attribution}
    ${holder.join}
    ${transfer.join}
    WHERE ${withUnplaced ? `p.unit IS NULL OR (${where})` : where}`
}

/** The month index of an instant: the last month of the plan starting at or before it. */
const monthOf = (c: Context, at: string): string => {
  const starts = c.plan.months!.starts
  // Text, like the other dimensions' values, so that the samples' union has one type per column.
  if (starts.length === 1) return "'0'"
  const whens = starts
    .slice(1)
    .map((s, i) => `WHEN ${at} < ${int(s)} THEN '${i}'`)
    .join(" ")
  return `CASE ${whens} ELSE '${starts.length - 1}' END`
}

/** The SQL value of each grouped dimension for a contribution at instant `at`. */
const columnOf: { readonly [D in Statistics.Dimension]: string | undefined } = {
  unit: "grp",
  category: "category",
  channel: "channel",
  channel_id: "channel_id",
  status: "status",
  outcome: "outcome",
  legal_type: "legal_type",
  calendar_month: undefined,
  police_month: undefined
}

const dimensionValues = (c: Context, at: string): ReadonlyArray<string> =>
  c.plan.dimensions.map((d) => columnOf[d] ?? monthOf(c, at))

interface Contribution {
  readonly name: string
  readonly when: string
  readonly at: string
  /** For a deadline: its status (0 met, 1 met late, 2 missed, 3 pending) as one value, and as four conditions. */
  readonly status?: string
  readonly conditions?: ReadonlyArray<string>
}

/** Every counted contribution of a tip, with the instant whose month it counts in. */
const contributions = (c: Context): ReadonlyArray<Contribution> => {
  const end = int(c.plan.stockAt)
  const missed = deadlines.map(([, due, met]) => `(${due} < ${c.A} AND ${met} IS NULL)`).join(" OR ")
  return [
    { name: "received", when: `received_at >= ${c.S}`, at: "received_at" },
    { name: "resolvedOfReceived", when: `received_at >= ${c.S} AND open = 0`, at: "received_at" },
    { name: "resolved", when: "decided_in IS NOT NULL", at: "decided_in" },
    { name: "open", when: "open = 1", at: end },
    { name: "overdue", when: `open = 1 AND (${missed})`, at: end },
    { name: "gap", when: "calendar_gap = 1", at: end },
    ...deadlines.map(
      ([slot, due, met, late]): Contribution => ({
        name: slot,
        when: `${due} > ${c.S} AND ${due} <= ${c.E}`,
        at: `${due} - 1`,
        status: `CASE WHEN ${met} IS NOT NULL THEN (CASE WHEN ${late} = 1 THEN 1 ELSE 0 END)
          WHEN ${due} < ${c.A} THEN 2 ELSE 3 END`,
        conditions: [
          `${met} IS NOT NULL AND ${late} = 0`,
          `${met} IS NOT NULL AND ${late} = 1`,
          `${met} IS NULL AND ${due} < ${c.A}`,
          `${met} IS NULL AND ${due} >= ${c.A}`
        ]
      })
    )
  ]
}

const group = (dimensions: number) => Array.from({ length: dimensions }, (_, i) => `g${i + 1}`)

const keyOf = (values: ReadonlyArray<string | null>) => JSON.stringify(values)

/** The counts of every group, and the unplaced tips; one pass over the states in force when measured. */
const countStatement = (c: Context): [string, ReadonlyArray<Value>] => {
  const q = new Params(c.pg)
  const head = `WITH ${common(c, q)}, cnt AS (${counted(c, q, true, "st.*")})`
  const gs = group(c.plan.dimensions.length)
  const list = contributions(c)
  if (c.plan.months === undefined) {
    const dims = dimensionValues(c, "")
    const sums = list.flatMap((k) =>
      k.conditions === undefined
        ? [`SUM(CASE WHEN ${k.when} THEN 1 ELSE 0 END) AS "${k.name}"`]
        : k.conditions.map(
            (condition, i) =>
              `SUM(CASE WHEN ${k.when} AND ${condition} THEN 1 ELSE 0 END) AS "${k.name}.${statuses[i]}"`
          )
    )
    const select = [
      "unplaced",
      ...dims.map((d, i) => `CASE WHEN unplaced = 1 THEN NULL ELSE ${d} END AS ${gs[i]}`),
      "COUNT(*) AS n",
      ...sums
    ]
    return [`${head} SELECT ${select.join(", ")} FROM cnt GROUP BY ${["unplaced", ...gs].join(", ")}`, q.values]
  }
  // With a month, each contribution counts in the month of its own instant: one row per tip and contribution.
  const kinds = list.map((_, i) => `SELECT ${i + 1} AS kind`).join(" UNION ALL ")
  const pick = (f: (k: Contribution) => string, otherwise: string) =>
    `CASE k.kind ${list.map((k, i) => `WHEN ${i + 1} THEN ${f(k)}`).join(" ")} ELSE ${otherwise} END`
  const inner = `SELECT cnt.*, k.kind AS kind, ${pick((k) => k.at, "NULL")} AS at,
      ${pick((k) => k.status ?? "0", "0")} AS state
    FROM cnt CROSS JOIN (SELECT 0 AS kind UNION ALL ${kinds}) k
    WHERE (unplaced = 1 AND k.kind = 0)
      OR (unplaced = 0 AND k.kind > 0 AND ${pick((k) => `(${k.when})`, "1 = 0")})`
  const dims = dimensionValues(c, "at")
  const select = ["unplaced", ...dims.map((d, i) => `${d} AS ${gs[i]}`), "kind", "state", "COUNT(*) AS n"]
  return [
    `${head}, x AS (${inner}) SELECT ${select.join(", ")} FROM x GROUP BY ${["unplaced", ...gs, "kind", "state"].join(", ")}`,
    q.values
  ]
}

const SAMPLE_KINDS = { acknowledge: 1, accept: 2, resolve: 3, held: 4, heldAtEnd: 5, transfer: 6 } as const

/** Added to a kind for the total's samples, which have no group. */
const TOTAL = 10

/**
 * Durations (with their percentiles), time at each unit and transfers: the samples of each group and of the total,
 * ranked in SQL, and only the rows at the ranks a summary needs returned.
 */
const sampleStatement = (c: Context): [string, ReadonlyArray<Value>] => {
  const q = new Params(c.pg)
  const n = c.plan.dimensions.length
  // As many group columns as dimensions (time at each unit needs one): fewer columns, a cheaper sort.
  const gs = group(Math.max(1, n))
  const dims = (at: string) => {
    const values = dimensionValues(c, at)
    return gs.map((g, i) => `${values[i] ?? "NULL"} AS ${g}`).join(", ")
  }
  const K = SAMPLE_KINDS
  const other = c.plan.dimensions.flatMap((d) => (columnOf[d] === undefined || d === "unit" ? [] : [columnOf[d]!]))
  // Only the columns the samples read are kept of the counted tips.
  const columns = [
    "st.tip",
    "st.open",
    "st.received_at",
    "st.acknowledged_at",
    "st.accepted_at",
    "st.decided_at",
    "st.held_since",
    ...other.map((column) => `st.${column}`)
  ].join(", ")
  const pick = (values: Record<number, string>, otherwise: string) =>
    `CASE k.kind ${Object.entries(values)
      .map(([kind, value]) => `WHEN ${kind} THEN ${value}`)
      .join(" ")} ELSE ${otherwise} END`
  // One pass over the counted tips makes every duration: to acknowledge, to accept, to resolve, and the current
  // holder's time when the decision ended it (periods handed on are final rows of their own).
  const durations = `SELECT k.kind AS kind, grp, holder, ${[...other].join(", ")}${other.length > 0 ? "," : ""}
      ${pick({ [K.acknowledge]: "acknowledged_at", [K.accept]: "accepted_at", [K.resolve]: "decided_in" }, "decided_at")} AS at,
      ${pick(
        {
          [K.acknowledge]: "acknowledged_at - received_at",
          [K.accept]: "accepted_at - received_at",
          [K.resolve]: "decided_in - received_at"
        },
        "decided_at - held_since"
      )} AS v
    FROM cnt CROSS JOIN (SELECT ${K.acknowledge} AS kind UNION ALL SELECT ${K.accept} UNION ALL SELECT ${K.resolve}
      UNION ALL SELECT ${K.held}) k
    WHERE ${pick(
      {
        [K.acknowledge]: `acknowledged_at >= ${c.S}`,
        [K.accept]: `accepted_at >= ${c.S}`,
        [K.resolve]: "decided_in IS NOT NULL"
      },
      `holder IS NOT NULL AND open = 0 AND decided_at >= ${c.S}`
    )}`
  const values = dimensionValues(c, "at")
  const handedOn = `FROM stat_handovers h CROSS JOIN cnt
    WHERE cnt.tip = h.tip AND h.since < ${c.A} AND h.held_until >= ${c.S}`
  const samples = [
    `SELECT kind, ${[
      `CASE WHEN kind = ${K.held} THEN holder ELSE ${values[0] ?? "NULL"} END AS g1`,
      ...gs.slice(1).map((g, i) => `CASE WHEN kind = ${K.held} THEN NULL ELSE ${values[i + 1]} END AS ${g}`)
    ].join(", ")}, v, 0 AS handed FROM (${durations}) d`,
    // Handovers drive these joins (SQLite keeps the order of a CROSS JOIN): there are few, and each finds its tip.
    `SELECT ${K.held}, hp.answering, ${gs
      .slice(1)
      .map(() => "NULL, ")
      .join("")}h.held_until - h.held_from, 1
      FROM stat_handovers h CROSS JOIN cnt CROSS JOIN place hp
      WHERE cnt.tip = h.tip AND hp.unit = h.unit AND hp.grp IS NOT NULL AND h.since < ${c.A} AND h.held_until >= ${c.S}`
  ]
  // Groups' samples as they are, the total's as the same samples with no group and their kind plus 10; time at
  // each unit is per unit only.
  const nulls = gs.map((g) => `NULL AS ${g}`).join(", ")
  const totals = `SELECT kind + ${TOTAL} AS kind, ${nulls}, v, handed FROM samples
    WHERE kind IN (${K.acknowledge}, ${K.accept}, ${K.resolve})`
  const groups = `SELECT kind, ${gs.join(", ")}, v, handed FROM samples ${n === 0 ? `WHERE kind = ${K.held}` : ""}`
  // Only counted, not ranked: tips held at the end, and transfers (of each group, and in all).
  const counts = [
    `SELECT ${K.heldAtEnd} AS kind, holder AS g1, ${gs
      .slice(1)
      .map((g) => `NULL AS ${g}, `)
      .join("")}COUNT(*) AS n
      FROM cnt WHERE holder IS NOT NULL AND open = 1 GROUP BY holder`,
    ...(n === 0
      ? []
      : [`SELECT ${K.transfer}, ${dims("h.held_until")}, COUNT(*) ${handedOn} GROUP BY ${gs.join(", ")}`]),
    `SELECT ${K.transfer + TOTAL}, ${gs.map(() => "NULL").join(", ")}, COUNT(*) ${handedOn}`
  ]
  // One ordering for every window (the whole partition as the frame of the sums), so the samples are sorted once.
  const window = `PARTITION BY kind, ${gs.join(", ")} ORDER BY v`
  const whole = `${window} ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING`
  const text = `WITH ${common(c, q)}, cnt AS MATERIALIZED (${counted(c, q, false, columns)}),
    samples AS MATERIALIZED (${samples.join(" UNION ALL ")}),
    ranked AS (SELECT kind, ${gs.join(", ")}, v,
      ROW_NUMBER() OVER (${window}) AS rn,
      COUNT(*) OVER (${whole}) AS n,
      SUM(v) OVER (${whole}) AS total,
      SUM(handed) OVER (${whole}) AS handed_n
      FROM (${groups} UNION ALL ${totals}) a)
    SELECT kind, ${gs.join(", ")}, n, total, handed_n, rn, v FROM ranked
    WHERE rn = (50 * n + 99) / 100 OR rn = (90 * n + 99) / 100 OR rn = (99 * n + 99) / 100
    UNION ALL SELECT kind, ${gs.join(", ")}, n, 0, 0, 0, 0 FROM (${counts.join(" UNION ALL ")}) c`
  return [text, q.values]
}

interface Summary {
  n: number
  total: number
  handed: number
  readonly at: Map<number, number>
}

const durationsOf = (s: Summary | undefined): Statistics.Durations => {
  if (s === undefined || s.n === 0) {
    return { count: 0, meanMillis: null, p50Millis: null, p90Millis: null, p99Millis: null }
  }
  const rank = (p: number) => Math.floor((p * s.n + 99) / 100)
  return {
    count: s.n,
    meanMillis: s.total / s.n,
    p50Millis: s.at.get(rank(50))!,
    p90Millis: s.at.get(rank(90))!,
    p99Millis: s.at.get(rank(99))!
  }
}

const emptyCompliance = (): Record<string, { met: number; metLate: number; missed: number; pending: number }> =>
  Object.fromEntries(deadlines.map(([slot]) => [slot, { met: 0, metLate: 0, missed: 0, pending: 0 }]))

interface Tally {
  received: number
  resolved: number
  resolvedOfReceived: number
  open: number
  overdue: number
  gap: number
  readonly compliance: ReturnType<typeof emptyCompliance>
}

const newTally = (): Tally => ({
  received: 0,
  resolved: 0,
  resolvedOfReceived: 0,
  open: 0,
  overdue: 0,
  gap: 0,
  compliance: emptyCompliance()
})

const addCount = (t: Tally, name: string, state: number, n: number) => {
  switch (name) {
    case "received":
    case "resolved":
    case "resolvedOfReceived":
    case "open":
    case "overdue":
    case "gap":
      t[name] += n
      return
    default:
      t.compliance[name]![statuses[state]!] += n
  }
}

/** Runs a plan's statements and hands their grouped rows back as the plan's aggregates. */
export const aggregates = (
  sql: SqlClient,
  plan: StatisticsPlan.Plan
): Effect.Effect<StatisticsPlan.Aggregates, SqlError> =>
  Effect.gen(function* () {
    const pg = sql.onDialectOrElse({ pg: () => true, orElse: () => false })
    const c: Context = { plan, pg, S: int(plan.start), E: int(plan.end), A: int(plan.measuredAt) }
    const dims = plan.dimensions.length
    const months = plan.months
    const monthAt = plan.dimensions.findIndex((d) => d === "calendar_month" || d === "police_month")
    const valuesOf = (row: SqlRow): ReadonlyArray<string | null> =>
      group(dims).map((g, i) => {
        const v = row[g]
        if (v === null || v === undefined) return null
        return i === monthAt ? months!.keys[Number(v)]! : String(v)
      })

    const [countText, countParams] = countStatement(c)
    const [sampleText, sampleParams] = sampleStatement(c)
    // One snapshot for the three statements, so that an append between them cannot show in one and not another.
    const [countRows, sampleRows, scannedRows] = yield* makeTransaction(sql)(
      Effect.gen(function* () {
        if (pg) yield* sql.unsafe("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        else for (const [text, params] of sqliteUnits(plan)) yield* sql.unsafe(text, params)
        return yield* Effect.all([
          sql.unsafe<SqlRow>(countText, countParams),
          sql.unsafe<SqlRow>(sampleText, sampleParams),
          sql.unsafe<SqlRow>("SELECT count(*) AS tips, sum(version) AS events FROM stat_tips")
        ])
      })
    )

    const groups = new Map<string, { values: ReadonlyArray<string | null>; tally: Tally }>()
    const total = newTally()
    let unplaced = 0
    const tallyOf = (values: ReadonlyArray<string | null>) => {
      const key = keyOf(values)
      let g = groups.get(key)
      if (g === undefined) {
        g = { values, tally: newTally() }
        groups.set(key, g)
      }
      return g.tally
    }
    const names = contributions(c).map((k) => k.name)
    for (const row of countRows) {
      if (num(row.unplaced) === 1) {
        unplaced += num(row.n)
        continue
      }
      const values = valuesOf(row)
      if (months === undefined) {
        // Without a month, a counted tip makes its group even when it adds nothing to it.
        const t = dims > 0 ? tallyOf(values) : undefined
        for (const name of names) {
          const ds = deadlines.some(([slot]) => slot === name)
          if (!ds) {
            const n = num(row[name])
            addCount(total, name, 0, n)
            if (t) addCount(t, name, 0, n)
          } else {
            statuses.forEach((s, i) => {
              const n = num(row[`${name}.${s}`])
              addCount(total, name, i, n)
              if (t) addCount(t, name, i, n)
            })
          }
        }
      } else {
        const name = names[num(row.kind) - 1]!
        const n = num(row.n)
        addCount(total, name, num(row.state), n)
        if (name !== "gap") addCount(tallyOf(values), name, num(row.state), n)
      }
    }

    // Samples: a summary per kind, level and group, from the rows at the ranks it needs.
    const summaries = new Map<string, Summary & { kind: number; lvl: number; raw: ReadonlyArray<string | null> }>()
    for (const row of sampleRows) {
      const raw = [row.g1, row.g2, row.g3].map((x) => (x === null || x === undefined ? null : String(x)))
      const key = keyOf([String(num(row.kind)), ...raw])
      let s = summaries.get(key)
      if (s === undefined) {
        s = {
          kind: num(row.kind) % TOTAL,
          lvl: num(row.kind) >= TOTAL ? 0 : 1,
          raw,
          n: num(row.n),
          total: num(row.total),
          handed: num(row.handed_n),
          at: new Map()
        }
        summaries.set(key, s)
      }
      s.at.set(num(row.rn), num(row.v))
    }
    const K = SAMPLE_KINDS
    const transfersOf = new Map<string, number>()
    const durations = new Map<string, Summary>()
    const custody = new Map<string, { periods: number; handedOn: number; heldAtEnd: number; held?: Summary }>()
    for (const s of summaries.values()) {
      if (s.kind === K.held || s.kind === K.heldAtEnd) {
        const unit = s.raw[0]!
        const row = custody.get(unit) ?? { periods: 0, handedOn: 0, heldAtEnd: 0 }
        if (s.kind === K.held) {
          row.periods = s.n
          row.handedOn = s.handed
          row.held = s
        } else row.heldAtEnd = s.n
        custody.set(unit, row)
        continue
      }
      let gkey = "total"
      if (s.lvl === 1) {
        const values = s.raw.slice(0, dims).map((v, i) => (v !== null && i === monthAt ? months!.keys[Number(v)]! : v))
        tallyOf(values)
        gkey = keyOf(values)
      }
      if (s.kind === K.transfer) transfersOf.set(gkey, s.n)
      else durations.set(`${s.kind}|${gkey}`, s)
    }

    const finishTally = (t: Tally, gkey: string): StatisticsPlan.Tally => ({
      receivedInPeriod: t.received,
      resolvedInPeriod: t.resolved,
      resolvedOfReceived: t.resolvedOfReceived,
      openAtEnd: t.open,
      overdueAtEnd: t.overdue,
      compliance: t.compliance as unknown as Statistics.Compliance,
      timeToAcknowledge: durationsOf(durations.get(`${K.acknowledge}|${gkey}`)),
      timeToAccept: durationsOf(durations.get(`${K.accept}|${gkey}`)),
      timeToResolve: durationsOf(durations.get(`${K.resolve}|${gkey}`)),
      transfers: transfersOf.get(gkey) ?? 0
    })

    const [scanned] = scannedRows
    return {
      total: finishTally(total, "total"),
      groups: [...groups].map(([gkey, g]) => ({ values: g.values, tally: finishTally(g.tally, gkey) })),
      custody: [...custody].map(([unit, row]) => ({
        unit: unit as StatisticsPlan.CustodyTally["unit"],
        periods: row.periods,
        handedOn: row.handedOn,
        heldAtEnd: row.heldAtEnd,
        held: durationsOf(row.held)
      })),
      unplaced,
      calendarGap: total.gap > 0,
      scanned: { events: num(scanned?.events), tips: num(scanned?.tips) }
    }
  })
