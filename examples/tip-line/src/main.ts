/**
 * `npm start`: the tip-line server, configured from the environment (docs/deploy.md); the same as `tinbao serve`.
 * It runs until SIGTERM or SIGINT, then stops in order and exits 0. A configuration, a data folder or a database it
 * cannot use is told in one line, and the process exits 1.
 */
import { NodeRuntime } from "@effect/platform-node"
import { Console, Effect } from "effect"
import { serve } from "./cli/serve.js"
import * as Config from "./config.js"

const program = Effect.flatMap(Config.fromEnv(process.env, process.cwd()), serve).pipe(
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
