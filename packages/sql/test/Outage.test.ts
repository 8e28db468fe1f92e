// The database goes away: at start (a typed `SqlStorageError`, reason `unavailable`), and mid-run on
// PostgreSQL, where a TCP proxy between storage and the server is cut while tips are being taken and then
// restored. Calls during the outage fail with a typed error (never a defect, never a hang); nothing is
// half-written; calls after it succeed on the same storage; and delivering the failed messages again, as the
// inbox does, gives each message exactly one tip.
import { randomBytes } from "node:crypto"
import { writeFileSync } from "node:fs"
import { createServer } from "node:net"
import { join } from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { type InboundMessage, Intake } from "@tinbao/core"
import { SqlMigrations, SqlStorage } from "@tinbao/sql"
import { Postgres } from "@tinbao/testkit/vitest"
import { Cause, Effect, Exit, Layer, Option } from "effect"
import { host, pgCheck, port } from "./backends.js"
import { audit } from "./processes/audit.js"
import { proxy } from "./processes/proxy.js"
import { pgTarget, sqliteTarget } from "./processes/targets.js"
import { clientOf, type Keys, message, prepare, services, storage, vaultOf } from "./processes/tipLine.js"

const keys: Keys = { key: randomBytes(32).toString("base64"), fingerprintKey: randomBytes(32).toString("base64") }

// A port where nothing listens: taken from the system, then given back.
const closedPort = Effect.async<number>((resume) => {
  const server = createServer()
  server.listen(0, "127.0.0.1", () => {
    const address = server.address()
    const free = typeof address === "object" && address !== null ? address.port : 0
    server.close(() => resume(Effect.succeed(free)))
  })
})

const refusal = <A, E>(layer: Layer.Layer<A, E>) =>
  Effect.flip(Effect.scoped(Layer.build(layer))).pipe(Effect.timeout("20 seconds"))

describe("Outage: a database that is down at start", () => {
  it.live("PostgreSQL: a typed SqlStorageError, reason unavailable, with no password in it", () =>
    Effect.gen(function* () {
      const free = yield* closedPort
      const error = yield* refusal(
        SqlStorage.layerPg({ url: `postgres://postgres:s3cret-pass@127.0.0.1:${free}/test`, vault: vaultOf(keys) })
      )
      expect(error).toBeInstanceOf(SqlMigrations.SqlStorageError)
      expect(error._tag === "SqlStorageError" && error.reason).toBe("unavailable")
      expect(error.message).toBe("The PostgreSQL database cannot be opened.")
      expect(JSON.stringify(error)).not.toContain("s3cret-pass")
    })
  )

  it.live("SQLite: a file that cannot be opened gives a typed SqlStorageError, reason unavailable, not a defect", () =>
    Effect.gen(function* () {
      const inMissingDirectory = join(`${sqliteTarget().filename}.d`, "no-such-directory", "tinbao.db")
      const notADatabase = sqliteTarget().filename
      writeFileSync(notADatabase, "Đây không phải là một cơ sở dữ liệu SQLite. ".repeat(200))
      for (const filename of [inMissingDirectory, notADatabase]) {
        const exit = yield* Effect.exit(refusal(SqlStorage.layerSqlite({ filename, vault: vaultOf(keys) })))
        // A thrown driver error would come back as a defect, which no caller can handle as a storage error.
        expect(Exit.isSuccess(exit), `${filename}: ${Exit.isFailure(exit) ? Cause.pretty(exit.cause) : ""}`).toBe(true)
        const error = Exit.isSuccess(exit) ? exit.value : undefined
        expect(error).toBeInstanceOf(SqlMigrations.SqlStorageError)
        expect(error?._tag === "SqlStorageError" && error.reason).toBe("unavailable")
      }
    })
  )
})

interface Call {
  readonly message: InboundMessage.InboundMessage
  readonly started: number
  readonly ended: number
  readonly exit: Exit.Exit<Intake.Outcome, unknown>
}

// What a call ended in, in a word: its outcome, the typed error's tag and reason, "timeout" or "defect".
const verdict = (exit: Exit.Exit<Intake.Outcome, unknown>): string => {
  if (Exit.isSuccess(exit)) return exit.value._tag
  const failure = Cause.failureOption(exit.cause)
  if (Option.isNone(failure)) return "defect"
  const error = failure.value as { readonly _tag?: string; readonly reason?: string }
  return error._tag === "TimeoutException" ? "timeout" : `${error._tag} ${error.reason}`
}

const tally = (words: ReadonlyArray<string>): string => {
  const counts = new Map<string, number>()
  for (const word of words) counts.set(word, (counts.get(word) ?? 0) + 1)
  return JSON.stringify(Object.fromEntries(counts))
}

// Polls a condition, at most for 30 seconds (the test then fails on what it did not see).
const until = (seen: () => boolean) =>
  Effect.ignore(Effect.timeout(Effect.repeat(Effect.sleep("20 millis"), { until: () => seen() }), "30 seconds"))

Postgres.describe(pgCheck, "Outage: PostgreSQL goes away mid-run", () => {
  it.live(
    "calls fail typed while it is away, nothing is half-written, and storage works again once it is back",
    () =>
      Effect.gen(function* () {
        const target = yield* pgTarget
        yield* Effect.provide(prepare, storage(target, keys))
        const between = yield* proxy({ host, port })
        const viaProxy = new URL(target.url)
        viaProxy.port = String(between.port)

        const calls: Array<Call> = []
        let stopped = false
        // Steps of one counter, not clock readings: two events in the same millisecond still have an order. Each
        // change of the proxy is marked before and after it, and a call is put in a phase only when it lies wholly
        // inside it.
        let step = 0
        const stamp = () => ++step
        const marks = { cutting: 0, cut: 0, restoring: 0, restored: 0 }

        const run = Effect.gen(function* () {
          const intake = yield* Intake.Intake
          const take = (fiber: number, n: number) =>
            Effect.gen(function* () {
              const m = message("outage", fiber, n)
              const started = stamp()
              // A hang would show as a timeout: the pool must fail a call fast when the server is gone.
              const exit = yield* Effect.exit(Effect.timeout(intake.handle(m, "zalo"), "15 seconds"))
              calls.push({ message: m, started, ended: stamp(), exit })
              return exit
            })
          // Four senders, each sending its next message once the last one was answered; after a failure they
          // wait a little, as a platform does before it delivers again.
          const sender = (fiber: number) =>
            Effect.gen(function* () {
              for (let n = 1; !stopped; n++) {
                const exit = yield* take(fiber, n)
                yield* Effect.sleep(Exit.isSuccess(exit) ? "10 millis" : "50 millis")
              }
            })
          const senders = yield* Effect.fork(
            Effect.forEach([0, 1, 2, 3], sender, { concurrency: "unbounded", discard: true })
          )
          // Each phase lasts until it has seen what it is there to see, not for a fixed time: a loaded machine
          // may take longer than any fixed time to answer the first call.
          yield* until(() => calls.some((c) => Exit.isSuccess(c.exit)))
          marks.cutting = stamp()
          yield* between.cut
          marks.cut = stamp()
          yield* until(() => calls.some((c) => c.started > marks.cut && Exit.isFailure(c.exit)))
          marks.restoring = stamp()
          yield* between.restore
          marks.restored = stamp()
          yield* until(() => calls.some((c) => c.started > marks.restored && Exit.isSuccess(c.exit)))
          stopped = true
          yield* senders.await

          // Redelivery, as the inbox does with a delivery whose processing failed: the same message again.
          const failed = new Set(calls.filter((c) => Exit.isFailure(c.exit)).map((c) => c.message))
          return yield* Effect.forEach(failed, (m) => Effect.map(intake.handle(m, "zalo"), (o) => o._tag))
        }).pipe(Effect.provide(services(storage({ _tag: "pg", url: viaProxy.toString() }, keys))))
        const redelivered = yield* run

        const before = calls.filter((c) => c.ended < marks.cutting)
        const during = calls.filter((c) => c.started > marks.cut && c.ended < marks.restoring)
        const after = calls.filter((c) => c.started > marks.restored)
        const stored = yield* Effect.provide(audit, clientOf(target))
        const across = calls.filter((c) => !before.includes(c) && !during.includes(c) && !after.includes(c))
        const verdicts = (some: ReadonlyArray<Call>) => some.map((c) => verdict(c.exit))
        console.log(
          `outage: before ${tally(verdicts(before))}, during ${tally(verdicts(during))}, across the cut or the ` +
            `restore ${tally(verdicts(across))}, after ${tally(verdicts(after))}; failed messages delivered again: ` +
            `${tally(redelivered)}; ${stored.tips.size} tips stored`
        )
        expect(verdicts(calls).filter((v) => v === "timeout" || v === "defect")).toEqual([])
        expect(before.length).toBeGreaterThan(0)
        expect(verdicts(before)).toEqual(before.map(() => "Created"))
        expect(during.length).toBeGreaterThan(0)
        expect(verdicts(during).filter((v) => !v.endsWith(" unavailable"))).toEqual([])
        expect(after.length).toBeGreaterThan(0)
        expect(verdicts(after)).toEqual(after.map(() => "Created"))
        // Every call that returned a tip stored it whole; no call left a part of one behind.
        expect(stored.findings).toEqual([])
        const answered = calls.flatMap((c) =>
          Exit.isSuccess(c.exit) && c.exit.value._tag === "Created" ? [c.exit.value.tip] : []
        )
        expect(answered.filter((tip) => stored.tips.get(tip.id)?.code !== tip.code)).toEqual([])
        // After redelivery each message sent has exactly one tip (the audit checks one message per tip).
        expect(redelivered.filter((o) => o !== "Created" && o !== "Duplicate")).toEqual([])
        expect(stored.messages.size).toBe(new Set(calls.map((c) => c.message.platformMessageId)).size)
        expect(stored.tips.size).toBe(stored.messages.size)
      }).pipe(Effect.scoped),
    { timeout: 90_000 }
  )
})
