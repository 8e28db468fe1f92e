// Reads what intake stored straight from the tables, bypassing the adapters, and lists everything that is
// half-written or out of order: events without their tip, a register entry without its tip or the other way
// round, a gap or a repeat in a unit's numbers, an alias with no sealed identity, a tip without its
// acknowledgement or its ledger entries. The tip line sends every message from a new reporter, so each tip
// must also have been made by exactly one message. A clean database gives no findings.
import { SqlClient } from "@effect/sql/SqlClient"
import { Effect } from "effect"

export interface StoredTip {
  readonly unit: string
  readonly code: string
  readonly year: number
  readonly number: number
  readonly alias: string
}

export interface Audit {
  /** Every tip with a `TipReceived`, by id. */
  readonly tips: ReadonlyMap<string, StoredTip>
  /** The intake ledger's `msg:<channel>:<id>` entries: which tip each platform message made, by message id. */
  readonly messages: ReadonlyMap<string, string>
  /** Tips numbered per unit and year. */
  readonly perUnit: ReadonlyMap<string, number>
  /** Evidence records (one a photo). */
  readonly evidence: number
  readonly findings: ReadonlyArray<string>
}

const numbered = (values: ReadonlyArray<number>) => [...values].sort((a, b) => a - b)
const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1)
const same = (a: ReadonlyArray<number>, b: ReadonlyArray<number>) =>
  a.length === b.length && a.every((x, i) => x === b[i])

export const audit = Effect.gen(function* () {
  const sql = yield* SqlClient
  const findings: Array<string> = []
  const find = (finding: string) => {
    if (findings.length < 30) findings.push(finding)
  }

  const events = yield* sql<{ tip: string; version: number | string; event: string }>`
      SELECT tip, version, event FROM tip_events ORDER BY tip, version`
  const streams = new Map<string, Array<{ version: number; event: Record<string, unknown> }>>()
  for (const row of events) {
    const stream = streams.get(row.tip) ?? []
    stream.push({ version: Number(row.version), event: JSON.parse(row.event) })
    streams.set(row.tip, stream)
  }
  const tips = new Map<string, StoredTip>()
  for (const [tip, stream] of streams) {
    if (!same(numbered(stream.map((e) => e.version)), range(stream.length))) {
      find(`tip ${tip} has versions ${stream.map((e) => e.version).join(",")}, not 1..${stream.length}`)
    }
    const first = stream.find((e) => e.version === 1)?.event
    if (first?._tag !== "TipReceived" || first.tip !== tip) {
      find(`tip ${tip} does not begin with its TipReceived`)
      continue
    }
    tips.set(tip, {
      unit: String(first.unit),
      code: String(first.code),
      year: Number(first.registerYear),
      number: Number(first.registerNumber),
      alias: String(first.alias)
    })
  }

  const indexed = new Set((yield* sql<{ tip: string }>`SELECT tip FROM tips`).map((r) => r.tip))
  for (const tip of streams.keys()) if (!indexed.has(tip)) find(`tip ${tip} has events but no row in tips`)
  for (const tip of indexed) if (!streams.has(tip)) find(`tips lists ${tip}, which has no events`)

  const entries = yield* sql<{
    unit: string
    year: number | string
    number: number | string
    tip: string
    code: string
  }>`
      SELECT unit, year, number, tip, code FROM register_entries`
  const byTip = new Map(entries.map((e) => [e.tip, e]))
  for (const [tip, t] of tips) {
    const e = byTip.get(tip)
    if (e === undefined) find(`tip ${tip} (${t.code}) has no register entry`)
    else if (e.unit !== t.unit || Number(e.year) !== t.year || Number(e.number) !== t.number || e.code !== t.code) {
      find(
        `tip ${tip} says ${t.unit} ${t.year} no. ${t.number} ${t.code}; the register says ${e.unit} ${e.year} no. ${e.number} ${e.code}`
      )
    }
  }
  for (const e of entries)
    if (!tips.has(e.tip)) find(`register entry ${e.code} names tip ${e.tip}, which was never received`)

  const numbers = new Map<string, Array<number>>()
  for (const e of entries) {
    const key = `${e.unit} ${e.year}`
    numbers.set(key, [...(numbers.get(key) ?? []), Number(e.number)])
  }
  const perUnit = new Map<string, number>()
  for (const [key, found] of numbers) {
    perUnit.set(key, found.length)
    if (!same(numbered(found), range(found.length))) {
      find(`register ${key} holds numbers ${numbered(found).join(",")}: not 1..${found.length} once each`)
    }
  }
  const counters = yield* sql<{ unit: string; year: number | string; last: number | string }>`
      SELECT unit, year, last FROM register_counters`
  for (const c of counters) {
    const key = `${c.unit} ${c.year}`
    if (Number(c.last) !== (perUnit.get(key) ?? 0)) {
      find(`register ${key}: the counter is at ${c.last} but ${perUnit.get(key) ?? 0} numbers were given`)
    }
  }

  const aliases = new Set((yield* sql<{ alias: string }>`SELECT alias FROM vault`).map((r) => r.alias))
  for (const [tip, t] of tips)
    if (!aliases.has(t.alias)) find(`tip ${tip} names alias ${t.alias}, absent from the vault`)
  const named = new Set([...tips.values()].map((t) => t.alias))
  for (const alias of aliases) if (!named.has(alias)) find(`the vault seals ${alias}, which no tip names`)

  const messages = new Map<string, string>()
  const acks = yield* sql<{ key: string; tip: string | null }>`SELECT key, tip FROM outbox WHERE key LIKE 'ack:%'`
  const acked = new Set(acks.map((a) => a.tip))
  for (const [tip, t] of tips) if (!acked.has(tip)) find(`tip ${tip} (${t.code}) has no acknowledgement in the outbox`)
  for (const a of acks) if (a.tip === null || !tips.has(a.tip)) find(`outbox row ${a.key} acknowledges no stored tip`)
  const ledger = yield* sql<{ key: string; entry: string }>`SELECT key, entry FROM intake_ledger`
  const recorded = new Set<string>()
  const made = new Map<string, Array<string>>()
  for (const row of ledger) {
    const tip = String(JSON.parse(row.entry).tip)
    if (row.key.startsWith("tip:")) recorded.add(row.key.slice(4))
    if (row.key.startsWith("msg:")) {
      messages.set(row.key.slice(row.key.lastIndexOf(":") + 1), tip)
      made.set(tip, [...(made.get(tip) ?? []), row.key])
    }
    if (!tips.has(tip)) find(`ledger entry ${row.key} points at tip ${tip}, which is not stored`)
  }
  for (const [tip, t] of tips) {
    if (!recorded.has(tip)) find(`tip ${tip} (${t.code}) has no tip: entry in the intake ledger`)
    const by = made.get(tip) ?? []
    if (by.length !== 1) find(`tip ${tip} (${t.code}) was made by ${by.length} messages (${by.join(", ")})`)
  }
  // A photo attached as evidence has its record, written with the tip; a record names a stored tip's photo.
  const evidence = yield* sql<{ tip: string; original_url: string }>`SELECT tip, original_url FROM evidence`
  const requested = new Set(evidence.map((r) => `${r.tip} ${r.original_url}`))
  const attached = new Set<string>()
  for (const [tip, stream] of streams) {
    for (const { event } of stream) {
      if (event._tag === "AttachmentAdded" && event.evidence === true) attached.add(`${tip} ${String(event.ref)}`)
    }
  }
  for (const photo of attached) if (!requested.has(photo)) find(`the evidence photo ${photo} has no evidence record`)
  for (const record of requested)
    if (!attached.has(record)) find(`the evidence record ${record} names no photo of a tip`)
  if (requested.size !== evidence.length) find(`the evidence table holds a tip's photo twice`)
  return { tips, messages, perUnit, evidence: evidence.length, findings } satisfies Audit
})
