// A child program: an app instance taking citizens' messages through `Intake.handle` on one database, with
// several fibers at once (so that group commit puts several tips in one transaction). It writes one line to
// stdout once a call has returned, and never before:
//   ready                               storage is open and migrated
//   created <message> <tip> <code>      a new tip
//   duplicate <message> <tip>           the message was taken in before (a redelivery)
//   failed <message> <tag> <reason>     a typed error; the message is delivered again, as the inbox would
//   defect <message> <what>             anything else: a bug
//   done                                every fiber took its `count` messages
// Run: node --conditions=@tinbao/source --import tsx takeTips.ts '<Plan as JSON>'
import { createInterface } from "node:readline"
import { type InboundMessage, Intake } from "@tinbao/core"
import { Cause, Effect, Exit, Option } from "effect"
import { type Keys, message, services, storage, type Target } from "./tipLine.js"

interface Plan {
  readonly target: Target
  readonly keys: Keys
  /** Names this process in message ids, so that processes never send the same message by accident. */
  readonly worker: string
  /** The first message number of each fiber; a restarted process goes on where the last one stopped. */
  readonly from: ReadonlyArray<number>
  /** Messages per fiber; without it, the process takes messages until it is killed. */
  readonly count?: number
  /** Waits after `ready` for a line on stdin, so that several processes can be started at the same moment. */
  readonly awaitGo?: boolean
}

const plan = JSON.parse(process.argv[2] ?? "") as Plan
const say = (line: string) => process.stdout.write(`${line}\n`)

// A message that failed is delivered again after a pause, as the inbox does; the same one, so that its tip,
// if the failed call did store it, turns up as a duplicate rather than a second tip.
const deliver = (intake: Intake.Intake["Type"], m: InboundMessage.InboundMessage) =>
  Effect.gen(function* () {
    const id = m.platformMessageId!
    for (let attempt = 1; ; attempt++) {
      const exit = yield* Effect.exit(intake.handle(m, "zalo"))
      if (Exit.isSuccess(exit)) {
        const outcome = exit.value
        if (outcome._tag === "Created") return say(`created ${id} ${outcome.tip.id} ${outcome.tip.code}`)
        if (outcome._tag === "Duplicate") return say(`duplicate ${id} ${outcome.tip}`)
        return say(`defect ${id} intake answered ${outcome._tag}`)
      }
      const failure = Cause.failureOption(exit.cause)
      if (Option.isNone(failure)) return say(`defect ${id} ${Cause.pretty(exit.cause).split("\n")[0]}`)
      const error = failure.value as { readonly _tag?: string; readonly reason?: string }
      say(`failed ${id} ${error._tag ?? "?"} ${error.reason ?? "?"}`)
      if (attempt >= 20) return say(`defect ${id} still failing after ${attempt} deliveries`)
      yield* Effect.sleep(`${20 * attempt} millis`)
    }
  })

const program = Effect.gen(function* () {
  const intake = yield* Intake.Intake
  say("ready")
  if (plan.awaitGo === true) {
    yield* Effect.async<void>((resume) => {
      createInterface({ input: process.stdin }).once("line", () => resume(Effect.void))
    })
  }
  yield* Effect.forEach(
    plan.from,
    (from, fiber) =>
      Effect.gen(function* () {
        for (let n = from; plan.count === undefined || n < from + plan.count; n++) {
          yield* deliver(intake, message(plan.worker, fiber, n))
        }
      }),
    { concurrency: "unbounded", discard: true }
  )
  say("done")
}).pipe(Effect.provide(services(storage(plan.target, plan.keys))))

Effect.runPromiseExit(program).then((exit) => {
  if (Exit.isFailure(exit)) {
    process.stderr.write(`takeTips: ${Cause.pretty(exit.cause)}\n`)
    process.exit(1)
  }
  process.exit(0)
})
