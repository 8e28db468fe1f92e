// What an app gets from `npm install`: every package under packages/ packed, the tarballs installed into a new app
// in the system's temporary folder with the README's install lines, one `effect` in it, the install guide's program
// and every README example type-checked there (NodeNext, strict), the program run on an SQLite file, and the channel
// suite of the installed testkit run against the installed web channel by the app's own vitest.
// Needs the build (`npm test` builds first) and the npm registry: outside CI it is skipped, with a line saying so,
// when the registry cannot be reached; with CI=true it fails. It takes two to three minutes on an idle two-core
// machine, most of it npm compiling better-sqlite3 for the app.
import { spawn } from "node:child_process"
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs"
import { rm } from "node:fs/promises"
import { builtinModules } from "node:module"
import { tmpdir } from "node:os"
import { basename, join, relative } from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"

const root = fileURLToPath(new URL("..", import.meta.url))
const ci = process.env.CI === "true"
const minutes = (n: number) => n * 60_000

interface Manifest {
  readonly name: string
  readonly private?: boolean
  readonly files?: ReadonlyArray<string>
  readonly dependencies?: Readonly<Record<string, string>>
  readonly devDependencies?: Readonly<Record<string, string>>
  readonly peerDependencies?: Readonly<Record<string, string>>
}

const readJson = <A>(file: string): A => JSON.parse(readFileSync(file, "utf8")) as A

// Every published package, found anew each run: a package added under packages/ is packed and checked too.
const packages = readdirSync(join(root, "packages"), { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(join(root, "packages", entry.name, "package.json")))
  .map((entry) => ({
    dir: join(root, "packages", entry.name),
    manifest: readJson<Manifest>(join(root, "packages", entry.name, "package.json"))
  }))
  .filter((p) => p.manifest.private !== true)

for (const p of packages) {
  if (!existsSync(join(p.dir, "dist", "index.js"))) {
    throw new Error(`${p.dir}/dist/index.js is missing: run \`npm run build\` (or \`npm test\`, which builds first)`)
  }
}

// `name@spec` as npm reads it on a command line; a scoped name's own `@` is not the separator.
const parseSpec = (token: string): { readonly name: string; readonly spec: string } => {
  const at = token.indexOf("@", 1)
  return at === -1 ? { name: token, spec: "latest" } : { name: token.slice(0, at), spec: token.slice(at + 1) }
}

/** The README's install section: one comment line, then its `npm install` line. */
const installLines = (): ReadonlyArray<{ readonly label: string; readonly line: string }> => {
  const readme = readFileSync(join(root, "README.md"), "utf8")
  const section = readme.split(/^## /m).find((s) => s.startsWith("Install\n")) ?? ""
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? ""
  const lines = block.split("\n")
  return lines.flatMap((line, i) =>
    line.startsWith("npm install ") ? [{ label: (lines[i - 1] ?? "").replace(/^#\s*/, ""), line }] : []
  )
}

/** The ```ts blocks of a markdown file. */
const tsBlocks = (file: string): ReadonlyArray<string> =>
  [...readFileSync(file, "utf8").matchAll(/^```ts\n([\s\S]*?)^```/gm)].map((m) => m[1] ?? "")

// Bare imports of the built files, static and dynamic, reduced to package names (`@effect/sql/SqlClient` is
// `@effect/sql`); node's own modules are left out.
const importedPackages = (dist: string): ReadonlySet<string> => {
  const names = new Set<string>()
  const visit = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name)
      if (entry.isDirectory()) visit(path)
      else if (entry.name.endsWith(".js")) {
        const text = readFileSync(path, "utf8")
        for (const m of text.matchAll(
          /(?:\bfrom\s*|\bimport\s*\(\s*|^import\s*)["']((?:@[\w.-]+\/)?[\w-][\w.-]*(?:\/[\w./-]*)?)["']/gm
        )) {
          const specifier = m[1] ?? ""
          const parts = specifier.split("/")
          const name = specifier.startsWith("@") ? parts.slice(0, 2).join("/") : (parts[0] ?? "")
          if (!specifier.startsWith("node:") && !builtinModules.includes(name)) names.add(name)
        }
      }
    }
  }
  visit(dist)
  return names
}

// Shared libraries an app must have once: a package brings them only as peers.
const shared = (name: string) => name === "effect" || name.startsWith("@effect/") || name.startsWith("@tinbao/")

describe("what each package asks of an app", () => {
  it("peers, never dependencies, for effect, @effect/* and @tinbao/*; every import of the build declared", () => {
    expect(packages.length).toBeGreaterThan(0)
    for (const { dir, manifest } of packages) {
      const dependencies = Object.keys(manifest.dependencies ?? {})
      const peers = Object.keys(manifest.peerDependencies ?? {})
      expect(dependencies.filter(shared), `${manifest.name}: shared libraries in dependencies`).toEqual([])
      expect(
        dependencies.filter((d) => peers.includes(d)),
        `${manifest.name}: both a dependency and a peer`
      ).toEqual([])
      const undeclared = [...importedPackages(join(dir, "dist"))].filter(
        (name) => name !== manifest.name && !dependencies.includes(name) && !peers.includes(name)
      )
      expect(undeclared, `${manifest.name}: imported by dist/ but not a dependency or peer`).toEqual([])
      expect(manifest.peerDependencies?.effect, `${manifest.name}: effect peer`).toMatch(/^\^3\./)
    }
  })

  it("a README in each package, in its files; an install line for each in the README and the guide", () => {
    const lines = installLines()
    expect(lines.map((l) => l.label).join(" | ")).toMatch(/memory.*SQLite.*PostgreSQL.*channels.*testkit/)
    const guide = readFileSync(join(root, "docs", "install.md"), "utf8")
    for (const { line } of lines) expect(guide, `docs/install.md lacks: ${line}`).toContain(line)
    const named = new Set(
      lines.flatMap(({ line }) =>
        line
          .split(/\s+/)
          .slice(2)
          .map((t) => parseSpec(t).name)
      )
    )
    for (const { dir, manifest } of packages) {
      expect(existsSync(join(dir, "README.md")), `${manifest.name}: README.md`).toBe(true)
      expect(manifest.files, `${manifest.name}: files`).toContain("README.md")
      expect(readFileSync(join(dir, "README.md"), "utf8"), `${manifest.name}: README links the guide`).toContain(
        "docs/install.md"
      )
      expect(named.has(manifest.name), `${manifest.name}: in no install line of the README`).toBe(true)
    }
  })
})

interface Ran {
  readonly code: number
  readonly stdout: string
  /** stdout and stderr as they came. */
  readonly output: string
}

// The child's environment: the user's, less what npm and vitest set for the run that started this test, so that
// npm in the app sees the app and vitest in the app is a run of its own. The npm cache and the user's npm
// configuration are kept.
const childEnv = (extra: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv => {
  const keep = new Set(["npm_config_cache", "npm_config_userconfig", "npm_config_globalconfig", "npm_config_registry"])
  const env: NodeJS.ProcessEnv = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith("npm_") && !keep.has(key)) continue
    if (key.startsWith("VITEST") || key === "NODE_OPTIONS" || key === "TEST" || key === "NODE_ENV") continue
    env[key] = value
  }
  return { ...env, ...extra }
}

const run = (command: string, args: ReadonlyArray<string>, cwd: string, env = childEnv()): Promise<Ran> =>
  new Promise((resolve) => {
    const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] })
    let stdout = ""
    let output = ""
    child.stdout.on("data", (chunk) => {
      stdout += chunk
      output += chunk
    })
    child.stderr.on("data", (chunk) => {
      output += chunk
    })
    child.on("error", (error) => resolve({ code: 127, stdout, output: `${output}${error.message}` }))
    child.on("close", (code) => resolve({ code: code ?? 1, stdout, output }))
  })

const succeeded = (what: string, ran: Ran): string => {
  if (ran.code !== 0) throw new Error(`${what} exited with ${ran.code}:\n${ran.output.slice(-6000)}`)
  return ran.stdout
}

const registry = await run("npm", ["ping", "--fetch-retries=0", "--fetch-timeout=30000"], root)
const offline = registry.code !== 0
if (offline && !ci) {
  console.warn("install test skipped: the npm registry cannot be reached (`npm ping` failed); CI=true fails instead")
}

describe.skipIf(offline && !ci)("a new app installs the packed packages", () => {
  // Made when the tests run (not when they are collected or filtered out), removed after them.
  let scratch = ""
  let packs = ""
  let app = ""
  const bin = (name: string) => join(app, "node_modules", ".bin", name)
  const tarballs = new Map<string, string>()

  beforeAll(() => {
    if (offline) throw new Error(`the npm registry cannot be reached (npm ping):\n${registry.output.slice(-2000)}`)
    scratch = mkdtempSync(join(tmpdir(), "tinbao-install-"))
    packs = join(scratch, "packs")
    app = join(scratch, "app")
  })
  // The app holds thousands of files: deleting them may take a while on a busy machine.
  afterAll(() => (scratch === "" ? undefined : rm(scratch, { recursive: true, force: true })), minutes(2))

  it("packs every package with its README and build", { timeout: minutes(3) }, async () => {
    mkdirSync(packs)
    const dirs = packages.map((p) => `./${relative(root, p.dir)}`)
    const output = succeeded(
      "npm pack",
      await run("npm", ["pack", ...dirs, "--pack-destination", packs, "--json"], root)
    )
    const packed = JSON.parse(output) as ReadonlyArray<{
      readonly name: string
      readonly filename: string
      readonly files: ReadonlyArray<{ readonly path: string }>
    }>
    expect(packed.map((p) => p.name).sort()).toEqual(packages.map((p) => p.manifest.name).sort())
    for (const p of packed) {
      const files = p.files.map((f) => f.path)
      expect(files, p.name).toEqual(
        expect.arrayContaining(["README.md", "package.json", "dist/index.js", "dist/index.d.ts"])
      )
      tarballs.set(p.name, join(packs, p.filename))
    }
  })

  it("installs with the README's install lines, with one effect", { timeout: minutes(20) }, async () => {
    const rootManifest = readJson<Manifest>(join(root, "package.json"))
    const dependencies: Record<string, string> = {}
    // The app's own tools for the checks below, at the versions this repository uses.
    const devDependencies: Record<string, string> = {
      typescript: rootManifest.devDependencies?.typescript ?? "",
      "@types/node": rootManifest.devDependencies?.["@types/node"] ?? ""
    }
    for (const { line } of installLines()) {
      const tokens = line.split(/\s+/).slice(2)
      const into = tokens.includes("--save-dev") ? devDependencies : dependencies
      for (const token of tokens.filter((t) => !t.startsWith("-"))) {
        const { name, spec } = parseSpec(token)
        const tarball = tarballs.get(name)
        into[name] = tarball === undefined ? spec : `file:${tarball}`
      }
    }
    mkdirSync(app)
    writeFileSync(
      join(app, "package.json"),
      JSON.stringify({ name: "tinbao-install-check", private: true, type: "module", dependencies, devDependencies })
    )
    succeeded("npm install", await run("npm", ["install", "--no-audit", "--no-fund"], app))

    for (const name of ["effect", "@effect/platform", "@tinbao/core", "vitest", "@effect/vitest"]) {
      const found = JSON.parse(
        succeeded(`npm query #${name}`, await run("npm", ["query", `#${name}`], app))
      ) as ReadonlyArray<{ readonly location: string; readonly version: string }>
      expect(
        found.map((n) => `${n.location}@${n.version}`),
        `copies of ${name}`
      ).toHaveLength(1)
    }
    expect(readJson<{ version: string }>(join(app, "node_modules", "effect", "package.json")).version).toMatch(/^3\./)
  })

  it("type-checks the guide's program and every README example (NodeNext, strict)", {
    timeout: minutes(5)
  }, async () => {
    mkdirSync(join(app, "src"))
    const [program, ...rest] = tsBlocks(join(root, "docs", "install.md"))
    expect(program).toContain("SqlStorage.layerSqlite")
    writeFileSync(join(app, "src", "tip.ts"), program ?? "")
    const sources = [
      ...rest.map((block, i) => [`guide-${i + 1}.ts`, block] as const),
      ...tsBlocks(join(root, "README.md")).map((block, i) => [`readme-${i + 1}.ts`, block] as const),
      ...packages.flatMap(({ dir }) =>
        tsBlocks(join(dir, "README.md")).map((block, i) => [`readme-${basename(dir)}-${i + 1}.ts`, block] as const)
      )
    ]
    for (const [file, block] of sources) writeFileSync(join(app, "src", file), block)
    // The channel suite's cases of @tinbao/web's own test, for the run below.
    mkdirSync(join(app, "test"))
    for (const file of ["cases.ts", "fixtures.ts"]) {
      copyFileSync(join(root, "packages", "web", "test", file), join(app, "test", file))
    }
    writeFileSync(join(app, "test", "web.test.ts"), webTest)
    writeFileSync(
      join(app, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          target: "ES2022",
          module: "NodeNext",
          moduleResolution: "NodeNext",
          strict: true,
          skipLibCheck: true,
          types: ["node"],
          outDir: "build"
        },
        include: ["src", "test"]
      })
    )
    succeeded("tsc", await run(bin("tsc"), ["-p", "tsconfig.json"], app))
  })

  it("runs the guide's program on an SQLite file, twice: the file keeps the tips", {
    timeout: minutes(3)
  }, async () => {
    const keys = succeeded("tinbao keys generate", await run(bin("tinbao"), ["keys", "generate", "--count", "2"], app))
    const [vaultKey = "", fingerprintKey = ""] = keys.trim().split("\n")
    const env = childEnv({ TINBAO_VAULT_KEY: vaultKey, TINBAO_FINGERPRINT_KEY: fingerprintKey })
    const first = succeeded("node build/src/tip.js", await run("node", ["build/src/tip.js"], app, env))
    const second = succeeded("node build/src/tip.js", await run("node", ["build/src/tip.js"], app, env))
    expect(first.trim()).toMatch(/^NINHTIEN-\d{4}-0001 acknowledged$/)
    expect(second.trim()).toMatch(/^NINHTIEN-\d{4}-0002 acknowledged$/)
    expect(existsSync(join(app, "data", "tinbao.sqlite"))).toBe(true)
  })

  it("runs the channel suite of the installed testkit with the app's vitest", { timeout: minutes(3) }, async () => {
    const report = join(app, "vitest.json")
    const ran = await run(bin("vitest"), ["run", "--dir", "test", "--reporter=json", `--outputFile=${report}`], app)
    const summary = existsSync(report)
      ? readJson<{ numTotalTests: number; numPassedTests: number; numFailedTests: number }>(report)
      : undefined
    expect(summary, ran.output.slice(-4000)).toBeDefined()
    expect(summary?.numFailedTests, ran.output.slice(-4000)).toBe(0)
    expect(summary?.numPassedTests).toBe(summary?.numTotalTests)
    expect(summary?.numPassedTests).toBeGreaterThan(10)
    expect(ran.code).toBe(0)
  })
})

const webTest = `import { ChannelSuite } from "@tinbao/testkit/vitest"
import { WebFormChannel } from "@tinbao/web"
import { Effect, Redacted } from "effect"
import { incomingCases, outgoingCases, repliesPath } from "./cases.js"

const secret = Redacted.make("wf-secret-7c0d5e9a41b2f3c8")
const verifyToken = Redacted.make("wf-verify-93a1b7e2")

ChannelSuite.suite("WebFormChannel (installed)", {
  make: (url) =>
    Effect.orDie(
      WebFormChannel.make({ id: "web:congan-ninhbinh", secret, verifyToken, endpoint: \`\${url}\${repliesPath}\` })
    ),
  signatureHeader: WebFormChannel.headers.signature,
  incoming: incomingCases(secret, verifyToken),
  outgoing: outgoingCases,
  secrets: [Redacted.value(secret), Redacted.value(verifyToken)]
})
`
