import { setFlagsFromString } from "node:v8"
import { runInNewContext } from "node:vm"
import { Cause, Runtime } from "effect"

// One measured figure against a baseline measured in the same run, as bench/results.json stores it, and the
// helpers every part of `npm run bench` shares: making a row, timing, the table.

// `npm run bench` does not pass --expose-gc; the flag is set here and the function taken from a fresh context.
setFlagsFromString("--expose-gc")

/** A full garbage collection: what is measured next does not pay for the garbage of what came before. */
export const collect = runInNewContext("gc") as () => void

/** A row of bench/results.json. `ratio` is value ÷ baseline for rates, baseline ÷ value for times and sizes. */
export interface Result {
  readonly name: string
  readonly value: number
  readonly unit: string
  readonly baseline: number
  readonly ratio: number
}

export const round = (x: number, digits = 1): number => Math.round(x * 10 ** digits) / 10 ** digits

// Figures keep four significant digits or one decimal, whichever is more: 0.689 s stays 0.689, 20817.93 becomes 20817.9.
const figure = (x: number) => (Math.abs(x) >= 1000 ? round(x) : Number(x.toPrecision(4)))

/** A row; `higherIsBetter` says which way the ratio reads, so that above 1 is always better than the baseline. */
export const result = (
  name: string,
  value: number,
  unit: string,
  baseline: number,
  higherIsBetter: boolean
): Result => ({
  name,
  value: figure(value),
  unit,
  baseline: figure(baseline),
  ratio: round(higherIsBetter ? value / baseline : baseline / value, 3)
})

/** The middle value (the upper one of an even count). */
export const median = (xs: ReadonlyArray<number>): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

/** Seconds an async function takes. */
export const seconds = async (f: () => Promise<unknown>): Promise<number> => {
  const start = performance.now()
  await f()
  return (performance.now() - start) / 1000
}

export const table = (results: ReadonlyArray<Result>): string => {
  const width = Math.max("benchmark".length, ...results.map((r) => r.name.length))
  const lines = [
    `${"benchmark".padEnd(width)}  ${"value".padStart(12)}  ${"baseline".padStart(12)}  unit          ratio`
  ]
  for (const r of results) {
    lines.push(
      `${r.name.padEnd(width)}  ${String(r.value).padStart(12)}  ${String(r.baseline).padStart(12)}  ${r.unit.padEnd(12)}  ${r.ratio}`
    )
  }
  return lines.join("\n")
}

/** A failure in one line or a few: the error, then what caused it, without stacks or fiber dumps. */
export const describe = (error: unknown): string => {
  const lines: Array<string> = []
  let current: unknown = Runtime.isFiberFailure(error) ? Cause.squash(error[Runtime.FiberFailureCauseId]) : error
  for (let depth = 0; depth < 6 && current !== undefined && current !== null; depth++) {
    if (typeof current !== "object") {
      lines.push(String(current))
      break
    }
    const { _tag, name, message, reason, cause } = current as Record<string, unknown>
    const kind = typeof _tag === "string" ? _tag : typeof name === "string" ? name : "Error"
    lines.push(`${kind}${typeof reason === "string" ? ` (${reason})` : ""}: ${String(message ?? "")}`)
    current = cause
  }
  return lines.join("\n  caused by ")
}
