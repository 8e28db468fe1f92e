#!/usr/bin/env node
// The `tinbao` command (`npx tinbao keys generate`): prints new keys for the identity vault.
import { run } from "../internal/cli/tinbao.js"

const outcome = run(process.argv.slice(2))
process.stdout.write(outcome.stdout)
process.stderr.write(outcome.stderr)
process.exitCode = outcome.exitCode
