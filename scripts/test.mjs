// `npm test`: build, type-check, lint, then every vitest project, stopping at the first failure.
// Arguments are passed on to vitest (`npm test -- --project core`).
// The last line is "tests: N passed, N failed, N skipped" because CI reads the closing line of the output.
import { spawn } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { delimiter, join } from "node:path"
import { fileURLToPath } from "node:url"

const root = fileURLToPath(new URL("..", import.meta.url))
const scratch = mkdtempSync(join(tmpdir(), "tinbao-test-"))
const vitestJson = join(scratch, "vitest.json")
const env = { ...process.env, PATH: [join(root, "node_modules", ".bin"), process.env.PATH].join(delimiter) }

const steps = [
  { name: "build", commands: [["npm", "run", "build"]] },
  {
    name: "typecheck",
    commands: [
      ["tsc", "-p", "tsconfig.json", "--noEmit"],
      // Needs the build: checks the published declarations as a user's project sees them.
      ["tsc", "-p", "test-dist/tsconfig.json", "--noEmit"]
    ]
  },
  {
    name: "lint",
    commands: [
      ["biome", "check", "."],
      ["node", "scripts/check-boundaries.mjs"],
      ["node", "scripts/check-docs.mjs"],
      ["node", "scripts/check-imports.mjs"]
    ]
  },
  {
    name: "test",
    commands: [
      ["vitest", "run", "--reporter=default", "--reporter=json", `--outputFile=${vitestJson}`, ...process.argv.slice(2)]
    ]
  }
]

const exec = ([command, ...args]) =>
  new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, env, stdio: ["ignore", "inherit", "inherit"] })
    child.on("error", (error) => {
      console.error(`could not start ${command}: ${error.message}`)
      resolve(127)
    })
    child.on("close", (code, signal) => resolve(code ?? (signal ? 128 : 1)))
  })

const results = []
let exitCode = 0
for (const [index, step] of steps.entries()) {
  if (exitCode !== 0) {
    results.push({ name: step.name, status: "skipped", seconds: 0 })
    continue
  }
  const started = performance.now()
  for (const command of step.commands) {
    console.log(`\n=== [${index + 1}/${steps.length}] ${step.name}: ${command.join(" ")}\n`)
    exitCode = await exec(command)
    if (exitCode !== 0) break
  }
  const seconds = (performance.now() - started) / 1000
  results.push({ name: step.name, status: exitCode === 0 ? "passed" : `FAILED (exit ${exitCode})`, seconds })
}

const totals = readVitestTotals()
rmSync(scratch, { recursive: true, force: true })

const width = Math.max(...results.map((r) => r.status.length), "status".length)
console.log(`\n=== summary\n`)
console.log(`${"step".padEnd(10)} ${"status".padEnd(width)} ${"seconds".padStart(8)}`)
for (const r of results) {
  console.log(`${r.name.padEnd(10)} ${r.status.padEnd(width)} ${r.seconds.toFixed(1).padStart(8)}`)
}
const total = results.reduce((sum, r) => sum + r.seconds, 0)
console.log(`${"total".padEnd(10)} ${"".padEnd(width)} ${total.toFixed(1).padStart(8)}`)

if (totals === undefined) {
  console.log(exitCode === 0 ? "\nvitest wrote no report" : "\nvitest did not run to the end: no test totals")
  process.exit(exitCode === 0 ? 1 : exitCode)
}
console.log(`\nvitest: ${totals.files} test files, ${totals.total} tests`)
if (totals.brokenFiles > 0) {
  console.log(`${totals.brokenFiles} test file(s) failed outside any test (import or setup error), counted as failed`)
}
console.log(`tests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`)
process.exit(exitCode)

function readVitestTotals() {
  let report
  try {
    report = JSON.parse(readFileSync(vitestJson, "utf8"))
  } catch {
    return undefined
  }
  const brokenFiles = report.testResults.filter(
    (file) => file.status === "failed" && !file.assertionResults.some((test) => test.status === "failed")
  ).length
  return {
    files: report.testResults.length,
    total: report.numTotalTests,
    passed: report.numPassedTests,
    failed: report.numFailedTests + brokenFiles,
    skipped: report.numPendingTests + report.numTodoTests,
    brokenFiles
  }
}
