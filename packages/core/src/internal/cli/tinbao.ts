/**
 * The `tinbao` command of `@tinbao/core`: `tinbao keys generate` prints new keys for the vault.
 *
 * @internal
 */
import { Redacted } from "effect"
import { generate } from "../vault/strength.js"

/**
 * What a run of the command printed, and how it ended.
 *
 * @internal
 */
export interface Outcome {
  readonly exitCode: number
  readonly stdout: string
  readonly stderr: string
}

/** @internal */
export const usage = `Usage: tinbao keys generate [--hex] [--count N]

Prints new keys for the identity vault, one a line: 32 random bytes in base64 (or, with --hex, as 64 hex digits).
Each serves as a vault key (SqlIdentityVault's keys) or, as it is written, as the fingerprint key.
Keep them in the deployment's secret store, never beside the database or in its backups.
`

const fail = (problem: string): Outcome => ({ exitCode: 2, stdout: "", stderr: `tinbao: ${problem}\n\n${usage}` })

/**
 * Runs the command on its arguments (without `node` and the script).
 *
 * @internal
 */
export const run = (args: ReadonlyArray<string>): Outcome => {
  if (args.length === 0) return { exitCode: 2, stdout: "", stderr: usage }
  if (args.includes("--help") || args.includes("-h")) return { exitCode: 0, stdout: usage, stderr: "" }
  const [group, command, ...options] = args
  if (group !== "keys" || command !== "generate") return fail(`unknown command: ${args.slice(0, 2).join(" ")}`)
  let encoding: "base64" | "hex" = "base64"
  let count = 1
  for (let i = 0; i < options.length; i++) {
    const option = options[i]
    if (option === "--hex") encoding = "hex"
    else if (option === "--base64") encoding = "base64"
    else if (option === "--count") {
      const n = Number(options[++i])
      if (!Number.isInteger(n) || n < 1 || n > 100) return fail("--count takes a whole number from 1 to 100")
      count = n
    } else return fail(`unknown option: ${option}`)
  }
  const keys = Array.from({ length: count }, () => Redacted.value(generate(encoding)))
  return { exitCode: 0, stdout: `${keys.join("\n")}\n`, stderr: "" }
}
