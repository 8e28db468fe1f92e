// The published `@tinbao/core`: what `npm run build` writes to packages/core/dist, loaded as a user loads it.
// This project runs without the "@tinbao/source" condition, so "@tinbao/core" must resolve through the package's
// `exports` to the bundle; plain Node (another process, no Vite) must load it too, since Vite forgives more.
import { execFile } from "node:child_process"
import { existsSync, readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import { describe, expect, it } from "@effect/vitest"
import * as Core from "@tinbao/core"
import { Schema } from "effect"

const run = promisify(execFile)
const repo = fileURLToPath(new URL("..", import.meta.url))
const coreDir = `${repo}packages/core/`
const distEntry = `${coreDir}dist/index.js`

if (!existsSync(distEntry)) {
  throw new Error(`${distEntry} is missing: run \`npm run build\` (or \`npm test\`, which builds first)`)
}

// The namespaces the source entry point re-exports; the bundle must expose exactly these.
const sourceNamespaces = [
  ...readFileSync(`${coreDir}src/index.ts`, "utf8").matchAll(/^export \* as (\w+) from "\.\/\w+\.js"/gm)
].map((m) => m[1])

// Runs an ES module in a plain Node process started at the repository root, as a user's program would run.
const node = async <A>(code: string): Promise<A> => {
  const { stdout } = await run(process.execPath, ["--input-type=module", "--eval", code], { cwd: repo })
  return JSON.parse(stdout)
}

describe("the vitest dist project", () => {
  it("resolves @tinbao/core to the built bundle, not to the sources", async () => {
    const bundle = await import(/* @vite-ignore */ distEntry)
    const source = await import(/* @vite-ignore */ `${coreDir}src/index.ts`)
    expect(Core.LocalDate).toBe(bundle.LocalDate)
    expect(Core.LocalDate).not.toBe(source.LocalDate)
  })

  it("refuses @tinbao/core/internal/* through the exports map", async () => {
    const specifier = ["@tinbao/core", "internal", "anything"].join("/")
    await expect(import(/* @vite-ignore */ specifier)).rejects.toThrow(/internal\/anything/)
  })
})

describe("the published entry point", () => {
  it("exposes every namespace that src/index.ts exports, and nothing else", () => {
    expect(sourceNamespaces).toEqual(expect.arrayContaining(["Label", "LocalDate", "StatisticalPeriod", "Unit"]))
    expect(Object.keys(Core).sort()).toEqual([...sourceNamespaces].sort())
  })

  it("works: dates, police statistical years and labels", () => {
    const date = Core.LocalDate.unsafeMake("2024-12-15")
    expect(Core.LocalDate.addDays(date, 17)).toBe("2025-01-01")
    expect(Core.StatisticalPeriod.policeYearOf(date)).toBe(2025)
    expect(Core.StatisticalPeriod.policeYear(2025)).toEqual({ first: "2024-12-15", last: "2025-12-14" })
    expect(Schema.decodeUnknownSync(Core.Label.Label)({ vi: "Trộm cắp", en: "Theft" })).toEqual(
      Core.Label.make("Trộm cắp", "Theft")
    )
    expect(() => Core.LocalDate.unsafeMake("2025-02-29")).toThrow()
  })

  it("keeps effect external: the bundle imports the user's copy, as a peer dependency", () => {
    const bundle = readFileSync(distEntry, "utf8")
    expect(bundle).toMatch(/^import .* from "effect";$/m)
    expect(bundle).not.toMatch(/node_modules\/effect\//)
  })

  it("ships its type declarations beside the bundle", () => {
    const manifest = JSON.parse(readFileSync(`${coreDir}package.json`, "utf8"))
    const root = manifest.exports["."]
    expect(existsSync(`${coreDir}${root.types}`)).toBe(true)
    expect(existsSync(`${coreDir}${root.import}`)).toBe(true)
  })
})

describe("plain Node, as a user's program", () => {
  it("resolves @tinbao/core to dist/index.js and loads it", async () => {
    const result = await node<{ url: string; keys: Array<string> }>(`
      const core = await import("@tinbao/core")
      console.log(JSON.stringify({ url: import.meta.resolve("@tinbao/core"), keys: Object.keys(core) }))`)
    expect(result.url).toMatch(/\/packages\/core\/dist\/index\.js$/)
    expect(result.keys.sort()).toEqual([...sourceNamespaces].sort())
  })

  it("runs the package's tinbao command: `tinbao keys generate` prints a key the vault accepts", async () => {
    const manifest = JSON.parse(readFileSync(`${coreDir}package.json`, "utf8"))
    const { stdout } = await run(process.execPath, [`${coreDir}${manifest.bin.tinbao}`, "keys", "generate"], {
      cwd: repo
    })
    expect(stdout).toMatch(/^[A-Za-z0-9+/]{43}=\n$/)
    expect(Core.VaultKey.weakness(Buffer.from(stdout.trim(), "base64"), { exactly: 32 })).toBeUndefined()
  })

  it("rejects @tinbao/core/internal/* with ERR_PACKAGE_PATH_NOT_EXPORTED", async () => {
    const result = await node<string>(`
      const outcome = await import("@tinbao/core/internal/anything").then(() => "loaded", (e) => e.code) // check-boundaries: allow (refused, as this test shows)
      console.log(JSON.stringify(outcome))`)
    expect(result).toBe("ERR_PACKAGE_PATH_NOT_EXPORTED")
  })
})
