/**
 * `npm start`: the tip-line server, configured from the environment (docs/deploy.md). It runs until SIGTERM or
 * SIGINT, then stops in order and exits 0. A configuration, a data folder or a database it cannot use is told in
 * one line, and the process exits 1.
 */
import { NodeRuntime } from "@effect/platform-node"
import { Console, Effect } from "effect"
import * as Config from "./config.js"
import * as Server from "./server.js"

const program = Effect.gen(function* () {
  const config = yield* Config.fromEnv(process.env, process.cwd())
  const running = yield* Server.start(config)
  yield* Console.log(Server.lines(running).join("\n"))
  yield* Effect.addFinalizer(() =>
    Console.log("tinbao tip-line: stopping (no new connections; requests and rounds in progress finish)…")
  )
  return yield* Effect.never
}).pipe(
  Effect.scoped,
  Effect.onInterrupt(() => Console.log("tinbao tip-line: stopped.")),
  // Every failure of the start is typed and says what to fix: its message alone, without a stack.
  Effect.catchAll((error) =>
    Effect.zipRight(
      Console.error(`tinbao tip-line cannot start: ${error.message}`),
      Effect.sync(() => {
        process.exitCode = 1
      })
    )
  )
)

NodeRuntime.runMain(program)
