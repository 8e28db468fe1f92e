// A process taking tips through intake is killed with SIGKILL at random points, restarted on the same database
// and killed again; a last run ends cleanly. Then the tables are read directly: every tip a process reported is
// stored whole (a photo with its evidence record), nothing is stored that no process reported, and each unit's
// register runs 1..N.
import { randomBytes, randomInt } from "node:crypto"
import { describe, expect, it } from "@effect/vitest"
import { Postgres } from "@tinbao/testkit/vitest"
import { Effect } from "effect"
import { pgCheck, pgReachable } from "./backends.js"
import { audit } from "./processes/audit.js"
import { spawnChild } from "./processes/children.js"
import { collect, empty, resume, unstored } from "./processes/reports.js"
import { pgTarget, sqliteTarget } from "./processes/targets.js"
import { clientOf, type Keys, prepare, storage, type Target } from "./processes/tipLine.js"

const keys: Keys = { key: randomBytes(32).toString("base64"), fingerprintKey: randomBytes(32).toString("base64") }
const FIBERS = 6
const KILLS = 3
const worker = "crash"

const answered = (line: string) => line.startsWith("created ") || line.startsWith("duplicate ")

const crashRepeatedly = (target: Target) =>
  Effect.gen(function* () {
    yield* Effect.provide(prepare, storage(target, keys))
    const reports = empty()
    const rounds: Array<string> = []
    for (let round = 1; round <= KILLS; round++) {
      const from = resume(reports, worker, FIBERS)
      const child = spawnChild("takeTips.ts", { target, keys, worker, from }, `crash round ${round}`)
      yield* Effect.promise(() => child.waitFor(answered, 60_000))
      const delay = randomInt(50, 800)
      yield* Effect.sleep(`${delay} millis`)
      child.kill()
      const { signal } = yield* Effect.promise(() => child.exited)
      expect(signal, child.stderr()).toBe("SIGKILL")
      collect(reports, child.lines)
      rounds.push(`${child.lines.filter(answered).length} calls, killed ${delay} ms after the first`)
    }
    // The last process takes a few more messages per fiber and stops by itself: nothing is left in flight.
    const last = spawnChild("takeTips.ts", { target, keys, worker, from: resume(reports, worker, FIBERS), count: 4 })
    const { code } = yield* Effect.promise(() => last.exited)
    expect(code, last.stderr()).toBe(0)
    expect(last.lines).toContain("done")
    collect(reports, last.lines)

    const stored = yield* Effect.provide(audit, clientOf(target))
    console.log(
      `crash test on ${target._tag}: ${rounds.join("; ")}; ${reports.tips.size} tips reported, ` +
        `${reports.duplicates} redeliveries answered as duplicates, ${stored.tips.size} stored in ${stored.perUnit.size} registers, ` +
        `${stored.evidence} evidence records`
    )
    expect(reports.defects).toEqual([])
    expect(reports.failed).toEqual([])
    expect(reports.problems).toEqual([])
    expect(stored.findings).toEqual([])
    // A third of the messages bring a photo: the audit above found each with its record, written with its tip.
    expect(stored.evidence).toBeGreaterThan(0)
    // Reported means stored, with the code the process was given; stored means reported (the last run left
    // nothing in flight, and every message a killed process was taking came again after the restart).
    expect(unstored(reports, stored)).toEqual([])
    const reportedTips = new Set([...reports.tips.values()].map((r) => r.tip))
    expect([...stored.tips.keys()].filter((tip) => !reportedTips.has(tip))).toEqual([])
    expect(stored.messages).toEqual(new Map([...reports.tips].map(([message, r]) => [message, r.tip])))
    // Each restart sent the last answered message of every fiber again.
    expect(reports.duplicates).toBeGreaterThanOrEqual(KILLS)
  })

describe("Crash", () => {
  it.live(
    "SQLite: a process killed at random points loses no reported tip and leaves nothing half-written",
    () => crashRepeatedly(sqliteTarget()),
    { timeout: 120_000 }
  )

  if (pgReachable) {
    it.live(
      "PostgreSQL: a process killed at random points loses no reported tip and leaves nothing half-written",
      () => Effect.flatMap(pgTarget, crashRepeatedly).pipe(Effect.scoped),
      { timeout: 120_000 }
    )
  } else Postgres.registerStandIn(pgCheck)
})
