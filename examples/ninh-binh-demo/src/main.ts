/**
 * The Ninh Bình demo: builds the units of the seed programme (read from units.json), runs one police statistical
 * year of tips through the lifecycle (Ninh Tiến commune gets 26 tips, all resolved), and prints a report per unit.
 * The data is kept in SQLite (data/tinbao.sqlite at the repository root), or in PostgreSQL when DATABASE_URL
 * is set, and the photos attached to web tips in data/media; a later run with the same seed and year reports from
 * what is stored.
 *
 *   npm run demo -- --seed 2023 --year 2023 [--fresh]
 */

import { fileURLToPath } from "node:url"
import { parseArgs } from "node:util"
import { Effect } from "effect"
import { runOrReuse } from "./session.js"
import * as Storage from "./storage.js"
import * as Units from "./units.js"

const usage =
  "Usage: npm run demo -- [--seed <integer>] [--year <police statistical year, 2021–2100>] [--fresh]\n" +
  "  --fresh  drops the demo's data (the SQLite file, or the PostgreSQL schema tinbao_demo) and runs the year anew\n" +
  "  DATABASE_URL=postgres://…  keeps the data in PostgreSQL instead of data/tinbao.sqlite\n" +
  "  TINBAO_VAULT_KEY=<32 bytes, base64>  the vault's key instead of data/demo-keys.json (npx tinbao keys generate)"

const parsed = (() => {
  try {
    return parseArgs({
      options: {
        seed: { type: "string", default: "2023" },
        year: { type: "string", default: "2023" },
        fresh: { type: "boolean", default: false }
      },
      strict: true
    }).values
  } catch (error) {
    console.error(`${(error as Error).message}\n${usage}`)
    process.exit(2)
  }
})()
const seed = Number(parsed.seed)
const year = Number(parsed.year)
const fresh = parsed.fresh === true
if (!Number.isInteger(seed) || !Number.isInteger(year) || year < 2021 || year > 2100) {
  console.error(usage)
  process.exit(2)
}

const dataDir = fileURLToPath(new URL("../../../data", import.meta.url))
const choice = Storage.choose(process.env, dataDir)

// A line of progress while the year runs (the report follows on stdout): rewritten in place on a terminal, else
// one line per simulated month.
const progress = (() => {
  let shown = ""
  return (done: number, total: number, at: number) => {
    // The month in Vietnam time (UTC+7).
    const month = new Date(at + 7 * 3_600_000).toISOString().slice(0, 7)
    if (month === shown && done < total) return
    shown = month
    const line = `Đang mô phỏng / simulating ${month}: ${done} of ${total} steps`
    if (process.stderr.isTTY) process.stderr.write(`\r${line}${done === total ? "\n" : ""}`)
    else process.stderr.write(`${line}\n`)
  }
})()

const program = Effect.gen(function* () {
  console.log(Storage.describe(choice))
  const vault = yield* Storage.vaultKeys(process.env, dataDir)
  const units = yield* Units.load()
  yield* Storage.prepare(choice, { fresh })
  const storage = Storage.layer(choice, vault, Storage.mediaDirectory(dataDir))
  const result = yield* runOrReuse({ seed, year, units, progress }, storage)
  console.log(
    result.source === "simulated"
      ? `Đã mô phỏng và lưu năm ${year} / simulated and stored the year ${year} (seed ${seed})\n`
      : `Báo cáo từ dữ liệu đã lưu / reporting from the stored run (seed ${seed}, year ${year}); --fresh runs it anew\n`
  )
  console.log(result.lines.join("\n"))
})

// The errors an officer can act on are printed as their message; anything else in full.
const told = (error: unknown): error is { readonly message: string } => {
  const tag = (error as { readonly _tag?: unknown } | undefined)?._tag
  return (
    tag === "UsedDatabase" ||
    tag === "UnitsFileError" ||
    tag === "StorageSetupError" ||
    tag === "SqlStorageError" ||
    tag === "MediaStoreError"
  )
}

Effect.runPromise(
  program.pipe(
    Effect.catchIf(told, (error) =>
      Effect.sync(() => {
        console.error(error.message)
        process.exitCode = 1
      })
    )
  )
).catch((error) => {
  console.error(error)
  process.exit(1)
})
