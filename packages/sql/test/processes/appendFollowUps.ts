// A child program: an app instance that, on each line `<path> <version>` from stdin, appends a follow-up to
// one tip at that expected version, racing the other instances given the same line. `path` is `tips` (an
// officer's command through `Tips.execute`, which reads the tip first) or `store` (`TipStore.append` straight
// on, so that only the database's unique (tip, version) can tell the writers apart). It answers:
//   ready
//   ok <version>                  this instance's follow-up is version + 1
//   conflict <version> <error>    another instance won: a typed VersionConflict or TipStoreError "conflict"
//   failed <version> <tag> <reason> / defect <version> <what>
// Run: node --conditions=@tinbao/source --import tsx appendFollowUps.ts '<Plan as JSON>'
import { createInterface } from "node:readline"
import { Actor, type Tip, TipEvent, TipStore, Tips } from "@tinbao/core"
import { Cause, DateTime, Effect, Exit, Option, Queue } from "effect"
import { type Keys, services, storage, type Target } from "./tipLine.js"

interface Plan {
  readonly target: Target
  readonly keys: Keys
  readonly worker: string
  readonly tip: Tip.TipId
  readonly unit: string
}

const plan = JSON.parse(process.argv[2] ?? "") as Plan
const say = (line: string) => process.stdout.write(`${line}\n`)
const officer = Actor.make(`can-bo-${plan.worker}`, plan.unit, ["officer"])

const append = (path: string, version: number) =>
  Effect.gen(function* () {
    const text = `Bổ sung từ ${plan.worker} ở phiên bản ${version}`
    if (path === "tips") {
      const tips = yield* Tips.Tips
      yield* tips.execute(officer, {
        tip: plan.tip,
        expectedVersion: version,
        command: { _tag: "AppendFollowUp", text }
      })
      return
    }
    const store = yield* TipStore.TipStore
    const event = new TipEvent.FollowUpAppended({ tip: plan.tip, at: yield* DateTime.now, by: officer.id, text })
    yield* store.append([{ tip: plan.tip, expectedVersion: version, events: [event] }])
  })

const program = Effect.gen(function* () {
  const lines = yield* Queue.unbounded<string>()
  createInterface({ input: process.stdin }).on("line", (line) => Queue.unsafeOffer(lines, line))
  say("ready")
  for (;;) {
    const [path, given] = (yield* Queue.take(lines)).split(" ")
    if (path === "quit") return
    const version = Number(given)
    const exit = yield* Effect.exit(append(path!, version))
    if (Exit.isSuccess(exit)) {
      say(`ok ${version}`)
      continue
    }
    const failure = Cause.failureOption(exit.cause)
    if (Option.isNone(failure)) {
      say(`defect ${version} ${Cause.pretty(exit.cause).split("\n")[0]}`)
      continue
    }
    const error = failure.value as { readonly _tag: string; readonly reason?: string }
    const lost = error._tag === "VersionConflict" || (error._tag === "TipStoreError" && error.reason === "conflict")
    say(lost ? `conflict ${version} ${error._tag}` : `failed ${version} ${error._tag} ${error.reason ?? "?"}`)
  }
}).pipe(Effect.provide(services(storage(plan.target, plan.keys))))

Effect.runPromiseExit(program).then((exit) => {
  if (Exit.isFailure(exit)) {
    process.stderr.write(`appendFollowUps: ${Cause.pretty(exit.cause)}\n`)
    process.exit(1)
  }
  process.exit(0)
})
