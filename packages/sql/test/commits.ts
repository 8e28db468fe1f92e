// How many COMMITs the drivers were asked to run while an effect ran: better-sqlite3's statements are prepared
// (`Database.prototype.prepare`), pg's sent (`Client.prototype.query`); both are counted, so one counter serves
// either backend. Statements of other fibers running at the same time are counted too: measure alone.
import { createRequire } from "node:module"
import { Effect } from "effect"

const require = createRequire(import.meta.url)

let on = false
let commits = 0

const count = (text: unknown) => {
  if (on && typeof text === "string" && text.trim().toUpperCase() === "COMMIT") commits++
}

const patch = (proto: Record<string, unknown>, method: string, textOf: (args: Array<unknown>) => unknown) => {
  const original = proto[method] as (...args: Array<unknown>) => unknown
  proto[method] = function (this: unknown, ...args: Array<unknown>) {
    count(textOf(args))
    return original.apply(this, args)
  }
}

patch((require("better-sqlite3") as { prototype: Record<string, unknown> }).prototype, "prepare", (args) => args[0])
patch((require("pg") as { Client: { prototype: Record<string, unknown> } }).Client.prototype, "query", (args) =>
  typeof args[0] === "string" ? args[0] : (args[0] as { text?: unknown } | undefined)?.text
)

/** Runs `effect`, and gives its result with the number of COMMITs run meanwhile. */
export const commitsDuring = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<readonly [A, number], E, R> =>
  Effect.acquireUseRelease(
    Effect.sync(() => {
      commits = 0
      on = true
    }),
    () => Effect.map(effect, (a) => [a, commits] as const),
    () =>
      Effect.sync(() => {
        on = false
      })
  )
