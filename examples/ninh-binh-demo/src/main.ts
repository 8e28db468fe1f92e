/**
 * The Ninh Bình demo: builds the units of the seed programme, runs one police statistical year of tips
 * through the lifecycle (Ninh Tiến commune gets 26 tips, all resolved), and prints a report per unit.
 *
 *   npm start -- --seed 2023 --year 2023
 */

import { parseArgs } from "node:util"
import { Effect } from "effect"
import { demo } from "./demo.js"

const usage = "Usage: npm start -- [--seed <integer>] [--year <police statistical year, 2021–2100>]"

const parsed = (() => {
  try {
    return parseArgs({
      options: { seed: { type: "string", default: "2023" }, year: { type: "string", default: "2023" } },
      strict: true
    }).values
  } catch (error) {
    console.error(`${(error as Error).message}\n${usage}`)
    process.exit(2)
  }
})()
const seed = Number(parsed.seed)
const year = Number(parsed.year)
if (!Number.isInteger(seed) || !Number.isInteger(year) || year < 2021 || year > 2100) {
  console.error(usage)
  process.exit(2)
}

Effect.runPromise(demo({ seed, year })).then(
  ({ lines }) => console.log(lines.join("\n")),
  (error) => {
    console.error(error)
    process.exit(1)
  }
)
