/**
 * The server as `npm start` runs it: a process of its own, started the way the root package.json starts it, with
 * its output kept to read the port and the sandbox it printed. Shared by the process tests and the bench (no
 * vitest in here).
 */
import { type ChildProcess, spawn } from "node:child_process"
import { fileURLToPath } from "node:url"

const root = fileURLToPath(new URL("../../..", import.meta.url))
const main = fileURLToPath(new URL("../src/main.ts", import.meta.url))

/** A server process: the child, what it printed so far, and its exit code once it exits. */
export interface Run {
  readonly child: ChildProcess
  readonly output: () => { readonly stdout: string; readonly stderr: string }
  readonly exited: Promise<number | null>
}

/** Starts `npm start`'s command on 127.0.0.1, port 0 unless `env` says otherwise. */
export const run = (env: Readonly<Record<string, string>>): Run => {
  const child = spawn(process.execPath, ["--conditions=@tinbao/source", "--import", "tsx", main], {
    cwd: root,
    env: { ...process.env, HOST: "127.0.0.1", PORT: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"]
  })
  let stdout = ""
  let stderr = ""
  child.stdout!.on("data", (chunk: Buffer) => {
    stdout += chunk.toString("utf8")
  })
  child.stderr!.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8")
  })
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)))
  return { child, output: () => ({ stdout, stderr }), exited }
}

export const sleep = (millis: number) => new Promise((resolve) => setTimeout(resolve, millis))

/** The port the server printed, once it listens (within 30 s); a server that exits or stays silent is an error. */
export const portOf = async (server: Run): Promise<number> => {
  for (let i = 0; i < 300; i++) {
    const found = /listening on 127\.0\.0\.1:(\d+)/.exec(server.output().stdout)
    if (found !== null) return Number(found[1])
    if (server.child.exitCode !== null) break
    await sleep(100)
  }
  throw new Error(`the server did not listen: ${JSON.stringify(server.output())}`)
}

/** The sandbox's base URL the server printed (`http://127.0.0.1:<port>/sandbox`), once it listens. */
export const sandboxOf = async (server: Run): Promise<string> => {
  await portOf(server)
  const found = /go to (http:\/\/127\.0\.0\.1:\d+\/sandbox)/.exec(server.output().stdout)
  if (found === null) throw new Error(`the server printed no sandbox: ${server.output().stdout}`)
  return found[1]!
}
