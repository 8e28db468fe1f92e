import { describe, expect, it } from "@effect/vitest"
import { Arbitraries, NinhBinh } from "@tinbao/testkit"
import { DateTime, Either, FastCheck as fc } from "effect"
import { ActorId } from "../src/Actor.js"
import * as Calendar from "../src/Calendar.js"
import { CategoryId } from "../src/Category.js"
import * as Channel from "../src/Channel.js"
import * as Deadline from "../src/Deadline.js"
import { AliasId } from "../src/IdentityVault.js"
import { Projection } from "../src/internal/statistics/projection.js"
import * as LocalDate from "../src/LocalDate.js"
import * as Statistics from "../src/Statistics.js"
import { fold, type Tip, TipId } from "../src/Tip.js"
import * as TipEvent from "../src/TipEvent.js"

const by = ActorId.make("can-bo-thu-nghiem")
const HOUR = 60 * 60 * 1000
const ids = NinhBinh.unitIds
const hierarchy = NinhBinh.hierarchy()
// The time of the queries: after every period of the tests, so that each is counted to its end.
const now = DateTime.unsafeMake("2030-01-01T00:00:00+07:00")
const units = [ids.city, ...NinhBinh.cityUnitIds, ids.dongThanhGroup3Team, ids.ninhPhucVillage1, ids.choRong]
const from = Date.parse("2022-11-01T00:00:00+07:00")

/** One tip's life: each step comes some hours after the one before, or not at all. */
const life = fc.record({
  unit: fc.constantFrom(...units),
  receivedAfter: fc.integer({ min: 0, max: 24 * 500 }),
  legalType: fc.constantFrom(...(["to_giac", "tin_bao", "phan_anh", "to_cao"] as const)),
  category: fc.constantFrom("crime", "traffic", "drugs", "online_fraud"),
  channel: Arbitraries.channelKind,
  ack: fc.option(fc.integer({ min: 0, max: 24 * 10 })),
  accept: fc.option(fc.integer({ min: 0, max: 24 * 10 })),
  transfer: fc.option(fc.tuple(fc.constantFrom(ids.city, ids.vanGiang, ids.ninhTien), fc.integer({ min: 0, max: 48 }))),
  recategorize: fc.option(fc.constantFrom("gangs", "traffic")),
  decide: fc.option(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 24 * 60 }))),
  reopen: fc.option(fc.integer({ min: 1, max: 24 * 30 }))
})

type Life = typeof life extends fc.Arbitrary<infer A> ? A : never

const eventsOf = (lives: ReadonlyArray<Life>): Array<TipEvent.TipEvent> => {
  const events: Array<TipEvent.TipEvent> = []
  lives.forEach((l, n) => {
    const tip = TipId.make(`tip-${n}`)
    let t = from + l.receivedAfter * HOUR
    const at = (afterHours: number) => {
      t += afterHours * HOUR + 1
      return { tip, by, at: DateTime.unsafeMake(t) }
    }
    events.push(
      new TipEvent.TipReceived({
        ...at(0),
        unit: l.unit,
        code: `T-${n}`,
        registerNumber: n + 1,
        registerYear: 2023,
        channel: l.channel,
        reporterKind: "individual",
        alias: AliasId.make("AL-0123456789ABCDEF"),
        legalType: l.legalType,
        category: CategoryId.make(l.category),
        summary: ""
      })
    )
    if (l.ack !== null) events.push(new TipEvent.Acknowledged(at(l.ack)))
    if (l.accept !== null) events.push(new TipEvent.Accepted(at(l.accept)))
    if (l.recategorize !== null)
      events.push(new TipEvent.Categorized({ ...at(1), category: CategoryId.make(l.recategorize) }))
    if (l.transfer !== null && l.transfer[0] !== l.unit) {
      events.push(new TipEvent.TransferRequested({ ...at(1), to: l.transfer[0], reason: "Chuyển", escalation: false }))
      events.push(new TipEvent.TransferAccepted(at(l.transfer[1])))
    }
    if (l.decide === null) return
    const [resolved, after] = l.decide
    events.push(
      resolved
        ? new TipEvent.Resolved({ ...at(after), outcome: { _tag: "NotConfirmed" } })
        : new TipEvent.Rejected({ ...at(after), rejection: { _tag: "OutOfScope", reason: "Không thuộc phạm vi" } })
    )
    if (l.reopen !== null) events.push(new TipEvent.Reopened({ ...at(l.reopen), reason: "Có tình tiết mới" }))
  })
  return events.sort((a, b) => DateTime.toEpochMillis(a.at) - DateTime.toEpochMillis(b.at))
}

const query = fc.record({
  root: fc.constantFrom(
    { root: ids.city },
    { root: ids.province, asOf: "2025-08-01" as never },
    { root: ids.dongThanh }
  ),
  period: fc.constantFrom<Statistics.PeriodSpec>(
    { _tag: "CalendarYear", year: 2023 },
    { _tag: "PoliceYear", year: 2023 },
    { _tag: "PoliceMonth", year: 2023, month: 6 },
    { _tag: "CalendarMonth", year: 2023, month: 1 },
    { _tag: "Range", first: "2022-12-20" as never, last: "2024-02-10" as never }
  ),
  attribution: fc.constantFrom(...(["receiving", "holding"] as const))
})

/** The additive measures of a group: every count, including the number of durations. */
const additive = (m: Statistics.Measures): Array<number> => [
  m.receivedInPeriod,
  m.resolvedInPeriod,
  m.resolvedOfReceived,
  m.openAtEnd,
  m.overdueAtEnd,
  m.transfers,
  m.timeToAcknowledge.count,
  m.timeToAccept.count,
  m.timeToResolve.count,
  ...Object.values(m.compliance).flatMap((c) => [c.met, c.metLate, c.missed, c.pending])
]

const sumOf = (groups: ReadonlyArray<Statistics.Group>) =>
  groups.reduce<Array<number>>((acc, g) => additive(g.measures).map((x, i) => x + (acc[i] ?? 0)), [])

describe("Statistics.compute (properties)", () => {
  it("sums the additive measures of the groups to the total, for any log and grouping", () => {
    fc.assert(
      fc.property(
        fc.array(life, { maxLength: 60 }),
        query,
        fc.constantFrom<ReadonlyArray<Statistics.Dimension>>(
          ["unit"],
          ["unit", "police_month"],
          ["calendar_month"],
          ["category", "status"],
          ["outcome", "channel"]
        ),
        (lives, q, groupBy) => {
          const events = eventsOf(lives)
          const count = (query: Statistics.Query) =>
            Either.getOrThrow(Statistics.compute(events, hierarchy, Calendar.vietnam, query, { now }))
          const base = { ...q.root, period: q.period, attribution: q.attribution } as Statistics.Query
          const report = count({ ...base, groupBy })
          const total = additive(report.total)
          expect(report.groups.length === 0 ? total.map(() => 0) : sumOf(report.groups)).toEqual(total)
          const ungrouped = count(base)
          expect(ungrouped.total).toEqual(report.total)
          expect(ungrouped.groups).toEqual([])
        }
      ),
      { numRuns: 150 }
    )
  })

  it("counts nothing of shared contact details or messages taken down on the platform", () => {
    const aside = fc.array(
      fc.tuple(
        fc.nat(),
        fc.integer({ min: 0, max: 24 * 90 }),
        fc.constantFrom(...TipEvent.MessageRemoval.literals, "contact" as const)
      ),
      { maxLength: 30 }
    )
    fc.assert(
      fc.property(fc.array(life, { minLength: 1, maxLength: 40 }), aside, query, (lives, extra, q) => {
        const events = eventsOf(lives)
        const receipts = events.filter((e) => e._tag === "TipReceived")
        // Each at some hours after its tip's receipt, whatever the tip's state then.
        const more = extra.map(([n, hours, how]) => {
          const received = receipts[n % receipts.length]!
          const c = { tip: received.tip, by, at: DateTime.add(received.at, { millis: hours * HOUR + 2 }) }
          return how === "contact"
            ? new TipEvent.ReporterContactShared({ ...c, fields: ["phone"] })
            : new TipEvent.ReporterMessageRemoved({ ...c, platformMessageId: `c-${n}`, how })
        })
        const withMore = [...events, ...more].sort(
          (a, b) => DateTime.toEpochMillis(a.at) - DateTime.toEpochMillis(b.at)
        )
        const base = { ...q.root, period: q.period, attribution: q.attribution } as Statistics.Query
        for (const groupBy of [["unit"], ["category", "status"], ["outcome", "channel"]] as const) {
          const count = (log: ReadonlyArray<TipEvent.TipEvent>) =>
            Either.getOrThrow(Statistics.compute(log, hierarchy, Calendar.vietnam, { ...base, groupBy }, { now }))
          // Only the count of the events read grows.
          const { scanned, ...measured } = count(withMore)
          const { scanned: before, ...expected } = count(events)
          expect(measured).toEqual(expected)
          expect(scanned).toEqual({ ...before, events: before.events + more.length })
        }
      }),
      { numRuns: 60 }
    )
  })

  it("lists each channel once, the built-ins in their order then the others by id, labelled as declared or by id", () => {
    const builtins = Object.keys(Channel.builtinPlatforms)
    const rank = (id: string) => (builtins.includes(id) ? builtins.indexOf(id) : builtins.length)
    const declared = fc.uniqueArray(
      fc.record({
        id: Arbitraries.channelKind,
        label: fc.record({ vi: fc.constantFrom("Tin nhắn SMS", "Tổng đài"), en: fc.constantFrom("SMS", "Hotline") })
      }),
      { selector: (p) => p.id, maxLength: 4 }
    )
    fc.assert(
      fc.property(fc.array(life, { maxLength: 40 }), query, declared, (lives, q, platforms) => {
        const events = eventsOf(lives)
        const base = { ...q.root, period: q.period, attribution: q.attribution } as Statistics.Query
        const report = Either.getOrThrow(
          Statistics.compute(events, hierarchy, Calendar.vietnam, { ...base, groupBy: ["channel"] }, { platforms, now })
        )
        const channels = report.groups.map((g) => g.key.channel!)
        expect(new Set(channels).size).toBe(channels.length)
        const ordered = [...channels].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0))
        expect(channels).toEqual(ordered)
        for (const group of report.groups) {
          const id = group.key.channel!
          const label = platforms.find((p) => p.id === id)?.label ??
            Channel.builtinPlatforms[id as keyof typeof Channel.builtinPlatforms] ?? { vi: id, en: id }
          expect(group.labels).toEqual([label])
          // Filtering by the channel keeps exactly its row's tips.
          const only = Either.getOrThrow(
            Statistics.compute(events, hierarchy, Calendar.vietnam, { ...base, channels: [id] }, { platforms, now })
          )
          expect(only.total).toEqual(group.measures)
        }
      }),
      { numRuns: 100 }
    )
  })

  it("folds the lifecycle fields exactly as Tip.fold does, deadlines included", () => {
    const tip = TipId.make("tip-p")
    const step = fc.oneof(
      ...(
        [
          "Acknowledged",
          "Accepted",
          "TransferAccepted",
          "TransferRefused",
          "VerificationExtended",
          "SuspensionNotified",
          "NoteAdded",
          "MarkedUrgent",
          "ArrivedOnSite",
          "Reopened"
        ] as const
      ).map((tag) => fc.constant({ tag })),
      fc.record({ tag: fc.constant("Assigned" as const), unit: fc.constantFrom(ids.vanGiang, ids.ninhTien) }),
      fc.record({ tag: fc.constant("TransferRequested" as const), unit: fc.constantFrom(ids.city, ids.ninhTien) }),
      fc.record({ tag: fc.constant("Decided" as const), resolved: fc.boolean() }),
      fc.record({ tag: fc.constant("Suspended" as const), ground: fc.constantFrom(...(["a", "b", "c"] as const)) }),
      fc.record({ tag: fc.constant("Other" as const), kind: fc.integer({ min: 0, max: 6 }) })
    )
    fc.assert(
      fc.property(
        life,
        fc.array(fc.tuple(step, fc.integer({ min: 1, max: 24 * 20 })), { maxLength: 14 }),
        (l, steps) => {
          const [received] = eventsOf([
            { ...l, ack: null, accept: null, transfer: null, recategorize: null, decide: null }
          ])
          let t = DateTime.toEpochMillis(received.at)
          let pending = false
          let suspended = false
          const events: Array<TipEvent.TipEvent> = [received]
          for (const [s, hours] of steps) {
            t += hours * HOUR
            const c = { tip, by, at: DateTime.unsafeMake(t) }
            const reason = "Lý do"
            switch (s.tag) {
              case "TransferAccepted":
              case "TransferRefused":
                if (!pending) continue
                pending = false
                events.push(
                  s.tag === "TransferAccepted"
                    ? new TipEvent.TransferAccepted(c)
                    : new TipEvent.TransferRefused({ ...c, reason })
                )
                continue
              case "TransferRequested":
                pending = true
                events.push(new TipEvent.TransferRequested({ ...c, to: s.unit, reason, escalation: false }))
                continue
              case "Assigned":
                events.push(new TipEvent.Assigned({ ...c, unit: s.unit }))
                continue
              case "Decided":
                pending = false
                events.push(
                  s.resolved
                    ? new TipEvent.Resolved({ ...c, outcome: { _tag: "Prosecuted" } })
                    : new TipEvent.Rejected({ ...c, rejection: { _tag: "FalseReport", reason } })
                )
                continue
              case "SuspensionNotified":
                if (suspended) events.push(new TipEvent.SuspensionNotified(c))
                continue
              case "Suspended":
                suspended = true
                events.push(new TipEvent.Suspended({ ...c, ground: s.ground, reason }))
                continue
              case "Other":
                events.push(
                  [
                    new TipEvent.Categorized({ ...c, category: CategoryId.make("gangs") }),
                    new TipEvent.Reclassified({ ...c, from: "to_giac", to: "phan_anh", reason }),
                    new TipEvent.ProcuracyExtended({
                      ...c,
                      until: LocalDate.ofInstant(DateTime.unsafeMake(t + 40 * 24 * HOUR)),
                      decision: reason
                    }),
                    new TipEvent.Restored({ ...c, reason }),
                    new TipEvent.Dispatched({ ...c, team: "Tổ tuần tra" }),
                    new TipEvent.ReporterContactShared({ ...c, fields: ["address"] }),
                    new TipEvent.ReporterMessageRemoved({ ...c, platformMessageId: "c-1", how: "hidden" })
                  ][s.kind]
                )
                continue
              case "Reopened":
                events.push(new TipEvent.Reopened({ ...c, reason }))
                continue
              case "NoteAdded":
                events.push(new TipEvent.NoteAdded({ ...c, text: "Ghi chú" }))
                continue
              case "MarkedUrgent":
                events.push(new TipEvent.MarkedUrgent({ ...c, reason }))
                continue
              case "VerificationExtended":
                events.push(new TipEvent.VerificationExtended({ ...c, reason }))
                continue
              case "Acknowledged":
                events.push(new TipEvent.Acknowledged(c))
                continue
              case "Accepted":
                events.push(new TipEvent.Accepted(c))
                continue
              case "ArrivedOnSite":
                events.push(new TipEvent.ArrivedOnSite(c))
            }
          }
          const expected = fold(events)!
          const projection = new Projection(received as TipEvent.TipReceived)
          for (const e of events.slice(1)) projection.apply(e as Exclude<TipEvent.TipEvent, TipEvent.TipReceived>)
          const actual = projection.toTip()
          for (const key of Object.keys(expected).concat(Object.keys(actual)) as Array<keyof Tip>) {
            if (["notes", "urgent", "dispatches"].includes(key)) continue
            expect([key, actual[key]]).toEqual([key, expected[key]])
          }
          const context = { now: DateTime.unsafeMake(t), calendar: Calendar.vietnam, policy: Deadline.defaultPolicy }
          expect(Deadline.of(actual, context)).toEqual(Deadline.of(expected, context))
        }
      ),
      { numRuns: 300 }
    )
  })
})
