// The published `@tinbao/node`, built: a tip line in memory through the bundle, its errors as classes that the bundle
// exports, and a bundle that keeps effect and the tinbao packages external.
import { existsSync, readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "@effect/vitest"
import { createTipLine, TinbaoError, TipNotFound } from "@tinbao/node"

const nodeDir = fileURLToPath(new URL("../packages/node/", import.meta.url))
if (!existsSync(`${nodeDir}dist/index.js`)) {
  throw new Error(`${nodeDir}dist/index.js is missing: run \`npm run build\` (or \`npm test\`, which builds first)`)
}

const units = [
  {
    _tag: "Established",
    effectiveDate: "2020-01-01",
    legalBasis: "Luật Công an nhân dân số 37/2018/QH14",
    id: "ca-tinh-ninh-binh",
    kind: "province",
    name: { vi: "Công an tỉnh Ninh Bình", en: "Ninh Bình provincial police" }
  }
] as const

describe("the built @tinbao/node", () => {
  it("is the bundle, keeps effect and the tinbao packages external, and needs no vitest", async () => {
    const bundle = await import(/* @vite-ignore */ `${nodeDir}dist/index.js`)
    expect(createTipLine).toBe(bundle.createTipLine)
    const text = readFileSync(`${nodeDir}dist/index.js`, "utf8")
    expect(text).toMatch(/^import .* from "effect";$/m)
    expect(text).toMatch(/^import .* from "@tinbao\/core";$/m)
    expect(text).toMatch(/^import .* from "@tinbao\/sql";$/m)
    expect(text).not.toMatch(/vitest|@tinbao\/testkit/)
  })

  it("runs a tip line in memory and rejects with its error classes", async () => {
    const tipLine = await createTipLine({ storage: { kind: "memory" }, units, logLevel: "none" })
    try {
      const leader = { id: "lanh-dao-01", unit: "ca-tinh-ninh-binh", roles: ["leader"] } as const
      expect((await tipLine.list(leader)).tips).toEqual([])
      const missing = await tipLine.get(leader, "no-such-tip").catch((e: unknown) => e)
      expect(missing).toBeInstanceOf(TipNotFound)
      expect(missing).toBeInstanceOf(TinbaoError)
    } finally {
      await tipLine.close()
    }
  })
})
