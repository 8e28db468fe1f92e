// Several writers at once. On PostgreSQL, separate processes (app instances on one database): intake across
// units keeps every register gapless and unique, and appends racing on one tip leave exactly one winner per
// version while the others get a typed conflict. In one process, on both backends: the same with fibers.
import { randomBytes } from "node:crypto"
import { SqlClient } from "@effect/sql/SqlClient"
import { describe, expect, it } from "@effect/vitest"
import { Actor, Intake, TipEvent, TipStore, Tips } from "@tinbao/core"
import { Postgres } from "@tinbao/testkit/vitest"
import { DateTime, Effect, Either } from "effect"
import { backends, pgCheck } from "./backends.js"
import { vaultConfig } from "./fixtures.js"
import { audit } from "./processes/audit.js"
import { type Child, spawnChild } from "./processes/children.js"
import { collect, empty, unstored } from "./processes/reports.js"
import { pgTarget, sqliteTarget } from "./processes/targets.js"
import { clientOf, type Keys, message, prepare, services, storage, type Target } from "./processes/tipLine.js"

const keys: Keys = { key: randomBytes(32).toString("base64"), fingerprintKey: randomBytes(32).toString("base64") }
const PROCESSES = 3
const ready = (child: Child) => Effect.promise(() => child.waitFor((line) => line === "ready", 60_000))

// One tip to race on, taken in through intake like any other.
const firstTip = Effect.gen(function* () {
  const outcome = yield* Effect.flatMap(Intake.Intake, (intake) => intake.handle(message("race", 0, 1), "zalo"))
  if (outcome._tag !== "Created") throw new Error(`expected a new tip, got ${outcome._tag}`)
  return outcome.tip
})

const versionsOf = (tip: string) =>
  Effect.map(
    Effect.flatMap(
      SqlClient,
      (sql) => sql<{ version: number | string }>`SELECT version FROM tip_events WHERE tip = ${tip} ORDER BY version`
    ),
    (rows) => rows.map((r) => Number(r.version))
  )

const upTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1)

// Three instances at once across units, two of them given the same messages at the same moment, as when a
// platform's redelivery reaches another instance while the first is still taking the message in.
const sharedIntake = (target: Target) =>
  Effect.gen(function* () {
    yield* Effect.provide(prepare, storage(target, keys))
    const workers = ["p0", "p1", "p1"]
    const children = workers.map((worker, i) =>
      spawnChild(
        "takeTips.ts",
        { target, keys, worker, from: [1, 1, 1, 1], count: 12, awaitGo: true },
        `instance ${i} (${worker})`
      )
    )
    yield* Effect.forEach(children, ready, { concurrency: "unbounded" })
    for (const child of children) child.send("go")
    const exits = yield* Effect.promise(() => Promise.all(children.map((c) => c.exited)))
    expect(
      exits.map((e) => e.code),
      children.map((c) => c.stderr()).join("\n")
    ).toEqual(children.map(() => 0))
    const reports = empty()
    for (const child of children) collect(reports, child.lines)
    const stored = yield* Effect.provide(audit, clientOf(target))
    console.log(
      `${children.length} instances: ${reports.tips.size} tips in ${stored.perUnit.size} registers ` +
        `(${[...stored.perUnit.values()].join(", ")}), ${reports.duplicates} deliveries found taken in already, ` +
        `${reports.failed.length} failed and came again`
    )
    expect(reports.defects).toEqual([])
    expect(reports.problems).toEqual([])
    expect(stored.findings).toEqual([])
    // Two distinct streams of 4 × 12 messages; each shared message made one tip and one duplicate answer.
    expect(reports.tips.size).toBe(2 * 4 * 12)
    expect(reports.duplicates).toBe(4 * 12)
    expect(stored.tips.size).toBe(reports.tips.size)
    expect(unstored(reports, stored)).toEqual([])
  })

Postgres.describe(pgCheck, "Concurrency across processes on PostgreSQL", () => {
  it.live(
    "three instances taking tips at once across units, two of them given the same messages: one tip per message, every register 1..N",
    () => Effect.flatMap(pgTarget, sharedIntake).pipe(Effect.scoped),
    { timeout: 90_000 }
  )

  it.live(
    "three instances appending to one tip at the same version: one wins, the others get a typed conflict",
    () =>
      Effect.gen(function* () {
        const target = yield* pgTarget
        const tip = yield* Effect.provide(Effect.zipRight(prepare, firstTip), services(storage(target, keys)))
        const children = Array.from({ length: PROCESSES }, (_, p) =>
          spawnChild(
            "appendFollowUps.ts",
            { target, keys, worker: `p${p}`, tip: tip.id, unit: tip.unit },
            `instance ${p}`
          )
        )
        yield* Effect.forEach(children, ready, { concurrency: "unbounded" })
        const rounds: Array<{ readonly version: number; readonly loser: string; readonly answers: Array<string> }> = []
        for (const version of upTo(8)) {
          // Odd versions through `Tips.execute` (the officer's path), even ones straight to the store.
          const [path, loser] = version % 2 === 1 ? ["tips", "VersionConflict"] : ["store", "TipStoreError"]
          for (const child of children) child.send(`${path} ${version}`)
          const answers = yield* Effect.forEach(
            children,
            (child) => Effect.promise(() => child.waitFor((line) => line.split(" ")[1] === String(version), 30_000)),
            { concurrency: "unbounded" }
          )
          rounds.push({ version, loser, answers })
        }
        for (const child of children) child.send("quit")
        yield* Effect.promise(() => Promise.all(children.map((c) => c.exited)))
        for (const { version, loser, answers } of rounds) {
          const sorted = [...answers].sort((a, b) => (a.startsWith("ok") ? -1 : b.startsWith("ok") ? 1 : 0))
          expect(sorted).toEqual([
            `ok ${version}`,
            ...Array.from({ length: PROCESSES - 1 }, () => `conflict ${version} ${loser}`)
          ])
        }
        expect(yield* Effect.provide(versionsOf(tip.id), clientOf(target))).toEqual(upTo(9))
      }).pipe(Effect.scoped),
    { timeout: 90_000 }
  )
})

describe("Concurrency across processes on SQLite", () => {
  // One file, three processes: SQLite lets one write at a time, and a process that read before another's commit
  // must not write on what it read.
  it.live(
    "three instances taking tips at once across units, two of them given the same messages: one tip per message, every register 1..N",
    () => sharedIntake(sqliteTarget()),
    { timeout: 90_000 }
  )
})

for (const backend of backends()) {
  describe(`Concurrency in one process on ${backend.name}`, () => {
    it.live("parallel intake across units: every message one tip, every register 1..N", () =>
      Effect.gen(function* () {
        yield* prepare
        const intake = yield* Intake.Intake
        // Eight senders with six messages each, all at once: group commit puts many in one transaction.
        const outcomes = yield* Effect.all(
          upTo(8).flatMap((fiber) => upTo(6).map((n) => intake.handle(message("fibers", fiber, n), "zalo"))),
          { concurrency: "unbounded" }
        )
        expect(outcomes.map((o) => o._tag)).toEqual(outcomes.map(() => "Created"))
        const stored = yield* audit
        expect(stored.findings).toEqual([])
        expect(stored.tips.size).toBe(48)
        const created = new Map<string, number>()
        for (const o of outcomes) {
          if (o._tag !== "Created") continue
          const key = `${o.tip.unit} ${stored.tips.get(o.tip.id)?.year}`
          created.set(key, (created.get(key) ?? 0) + 1)
        }
        expect(stored.perUnit).toEqual(created)
        expect(created.size).toBeGreaterThan(3)
      }).pipe(Effect.provide(services(backend.fresh()(vaultConfig()))))
    )

    it.live("parallel appends to one tip: exactly one wins per version, the others get a typed conflict", () =>
      Effect.gen(function* () {
        yield* prepare
        const tip = yield* firstTip
        const tips = yield* Tips.Tips
        const store = yield* TipStore.TipStore
        const officer = (i: number) => Actor.make(`can-bo-${i}`, tip.unit, ["officer"])
        const throughTips = (version: number, i: number) =>
          tips.execute(officer(i), {
            tip: tip.id,
            expectedVersion: version,
            command: { _tag: "AppendFollowUp", text: `Bổ sung ${i} ở phiên bản ${version}` }
          })
        const throughStore = (version: number, i: number) =>
          Effect.flatMap(DateTime.now, (at) =>
            store.append([
              {
                tip: tip.id,
                expectedVersion: version,
                events: [new TipEvent.FollowUpAppended({ tip: tip.id, at, by: officer(i).id, text: `Bổ sung ${i}` })]
              }
            ])
          )
        for (const version of upTo(6)) {
          const race = (i: number) =>
            version % 2 === 1 ? Effect.asVoid(throughTips(version, i)) : Effect.asVoid(throughStore(version, i))
          const results = yield* Effect.all(
            upTo(4).map((i) => Effect.either(race(i))),
            { concurrency: "unbounded" }
          )
          expect(results.filter(Either.isRight)).toHaveLength(1)
          const lost = results.filter(Either.isLeft).map((r) => {
            const e = r.left as { readonly _tag: string; readonly reason?: string }
            return e._tag === "TipStoreError" ? `${e._tag} ${e.reason}` : e._tag
          })
          expect(lost).toEqual(
            Array.from({ length: 3 }, () => (version % 2 === 1 ? "VersionConflict" : "TipStoreError conflict"))
          )
        }
        expect(yield* versionsOf(tip.id)).toEqual(upTo(7))
      }).pipe(Effect.provide(services(backend.fresh()(vaultConfig()))))
    )
  })
}
