// Spawning the child programs of this folder from a test, reading what they say line by line, and killing
// them. Each child leads a process group of its own, so that SIGKILL also takes any helper it started; every
// child still running when the test file ends is killed.
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process"
import { fileURLToPath } from "node:url"
import { afterAll } from "@effect/vitest"

const root = fileURLToPath(new URL("../../../../", import.meta.url))
const running = new Set<Child>()

afterAll(() => {
  for (const child of running) child.kill()
})

export interface Child {
  readonly name: string
  /** Every complete line the child wrote to stdout so far. */
  readonly lines: Array<string>
  readonly stderr: () => string
  /** Resolves once the child has said a line that `test` accepts; rejects if it exits first or takes too long. */
  readonly waitFor: (test: (line: string) => boolean, timeoutMs: number) => Promise<string>
  readonly send: (line: string) => void
  /** SIGKILL to the child's process group. */
  readonly kill: () => void
  readonly exited: Promise<{ readonly code: number | null; readonly signal: NodeJS.Signals | null }>
}

/** Runs `processes/<script>` from source (`node --conditions=@tinbao/source --import tsx`), its argument as JSON. */
export const spawnChild = (script: string, argument: unknown, name = script): Child => {
  const process_: ChildProcessWithoutNullStreams = spawn(
    process.execPath,
    [
      "--conditions=@tinbao/source",
      "--import",
      "tsx",
      fileURLToPath(new URL(`./${script}`, import.meta.url)),
      JSON.stringify(argument)
    ],
    { cwd: root, detached: true, stdio: "pipe" }
  )
  const lines: Array<string> = []
  const waiters = new Set<() => void>()
  let partial = ""
  let stderr = ""
  let alive = true
  process_.stdout.setEncoding("utf8")
  process_.stdout.on("data", (chunk: string) => {
    const parts = (partial + chunk).split("\n")
    // A line cut short by SIGKILL has no newline yet: it is not a line the child finished saying.
    partial = parts.pop()!
    lines.push(...parts)
    for (const wake of waiters) wake()
  })
  // Writing to a child that died already must not bring down the test runner; its exit tells what happened.
  process_.stdin.on("error", () => {})
  process_.stderr.setEncoding("utf8")
  process_.stderr.on("data", (chunk: string) => {
    stderr = (stderr + chunk).slice(-20_000)
  })
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    // "close", not "exit": by then everything the child wrote has been read.
    process_.once("close", (code, signal) => {
      alive = false
      running.delete(child)
      for (const wake of waiters) wake()
      resolve({ code, signal })
    })
  )
  const child: Child = {
    name,
    lines,
    stderr: () => stderr,
    waitFor: (test, timeoutMs) =>
      new Promise((resolve, reject) => {
        let seen = 0
        const check = () => {
          for (; seen < lines.length; seen++) {
            if (test(lines[seen]!)) return done(() => resolve(lines[seen]!))
          }
          if (!alive) done(() => reject(new Error(`${name} exited before saying what was awaited:\n${stderr}`)))
        }
        const timer = setTimeout(
          () => done(() => reject(new Error(`${name} did not say what was awaited in ${timeoutMs} ms:\n${stderr}`))),
          timeoutMs
        )
        const done = (settle: () => void) => {
          clearTimeout(timer)
          waiters.delete(check)
          settle()
        }
        waiters.add(check)
        check()
      }),
    send: (line) => {
      process_.stdin.write(`${line}\n`)
    },
    kill: () => {
      if (alive && process_.pid !== undefined) {
        try {
          process.kill(-process_.pid, "SIGKILL")
        } catch {
          // The group is gone already.
        }
      }
    },
    exited
  }
  running.add(child)
  return child
}
