/**
 * `tinbao serve` and `npm start`: the server, configured from the environment (docs/deploy.md), until SIGTERM or
 * SIGINT, then stopped in order. A configuration, a data folder or a database it cannot use fails the start with a
 * message that says what to fix.
 */
import { Console, Effect } from "effect"
import type * as Config from "../config.js"
import * as Server from "../server.js"

/** Runs the server until interrupted; prints its start-up lines, and a line as it stops and once it has. */
export const serve = (config: Config.Config) =>
  Effect.gen(function* () {
    const running = yield* Server.start(config)
    yield* Console.log(Server.lines(running).join("\n"))
    yield* Effect.addFinalizer(() =>
      Console.log("tinbao tip-line: stopping (no new connections; requests and rounds in progress finish)…")
    )
    return yield* Effect.never
  }).pipe(
    Effect.scoped,
    Effect.onInterrupt(() => Console.log("tinbao tip-line: stopped."))
  )
