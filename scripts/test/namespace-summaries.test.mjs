import { describe, expect, it } from "vitest"
import { namespacesWithoutSummary, summaryOf } from "../namespace-summaries.mjs"

const modules = {
  "./Tip.js":
    "/**\n * Tips (tin báo): what a reporter sent.\n *\n * @since 0.1.0\n * @module\n */\nexport const a = 1\n",
  "./Bare.js": "/**\n * @since 0.1.0\n * @module\n */\nexport const b = 1\n",
  "./Unmarked.js": "/**\n * Unmarked things.\n *\n * @since 0.1.0\n */\nexport const c = 1\n"
}
const read = (path) => modules[path]

describe("namespacesWithoutSummary", () => {
  it("accepts a namespace whose module opens with a summary marked @module", () => {
    expect(namespacesWithoutSummary('export * as Tip from "./Tip.js"\n', read)).toEqual([])
  })

  it("does not take the package's comment before the first export for the namespace's", () => {
    const index = '/**\n * The package.\n *\n * @packageDocumentation\n */\n\nexport * as Bare from "./Bare.js"\n'
    expect(namespacesWithoutSummary(index, read)).toEqual(["Bare: the comment that opens ./Bare.js has no summary"])
  })

  it("accepts an export's own JSDoc with a summary, which TypeDoc prefers", () => {
    expect(
      namespacesWithoutSummary('/** Bare things. @since 0.1.0 */\nexport * as Bare from "./Bare.js"\n', read)
    ).toEqual([])
  })

  it("names each namespace without a summary, and why", () => {
    const index = [
      '/** @since 0.1.0 */\nexport * as Tip from "./Tip.js"',
      'export * as Bare from "./Bare.js"',
      'export * as Unmarked from "./Unmarked.js"',
      'export * as Missing from "./Missing.js"'
    ].join("\n")
    expect(namespacesWithoutSummary(index, read)).toEqual([
      "Tip: its export's JSDoc has no summary (drop it, and mark the module's comment @module)",
      "Bare: the comment that opens ./Bare.js has no summary",
      "Unmarked: ./Unmarked.js does not open with a JSDoc comment marked @module",
      "Missing: ./Missing.js does not open with a JSDoc comment marked @module"
    ])
  })

  it("reads a summary up to the first block tag, keeping inline tags", () => {
    expect(summaryOf("/**\n * Commands ({@link Lifecycle}).\n * More.\n *\n * @since 0.1.0\n */")).toBe(
      "Commands ({@link Lifecycle}). More."
    )
    expect(summaryOf("/** @since 0.1.0 */")).toBe("")
  })
})
