import type { Actor, Tip } from "@tinbao/core"
import { Effect } from "effect"
import type { Env, Step } from "./plan.js"

/**
 * Runs the steps in time order (ties keep their planned order), each at its simulated time, and
 * returns the id of each planned tip. Each step sees the tip as it is now (a merge changes the other tip
 * too). A step that fails stops the run: the demo has no errors to hide. `progress` hears of each step done.
 */
export const run = (
  env: Env,
  reader: Actor.Actor,
  steps: ReadonlyArray<Step>,
  setTime: (millis: number) => void,
  progress?: (done: number, total: number, at: number) => void
) =>
  Effect.gen(function* () {
    const ordered = steps.map((s, i) => [s, i] as const).sort(([a, i], [b, j]) => a.at - b.at || i - j)
    const ids = new Map<number, Tip.TipId>()
    const current = (key: number) => {
      const id = ids.get(key)
      return id === undefined ? Effect.succeed(undefined) : env.tips.get(reader, id)
    }
    for (const [done, [s]] of ordered.entries()) {
      setTime(s.at)
      const tip = yield* current(s.key)
      const next = yield* s.run(env, tip, (key) => ids.get(key))
      if (next !== undefined) ids.set(s.key, next.id)
      progress?.(done + 1, ordered.length, s.at)
    }
    return ids
  })
