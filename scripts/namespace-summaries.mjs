// Every namespace a package's index re-exports (`export * as X from "./X.js"`) needs a summary on its API page.
// TypeDoc takes the export's own JSDoc, else the module's file comment when that is marked `@module`; this finds
// the comment TypeDoc would use, without running it, and names the namespaces it leaves without a summary.

const lastJsdocBefore = (text) => /(\/\*\*(?:(?!\*\/)[\s\S])*\*\/)\s*$/.exec(text)?.[1]

const fileComment = (text) => /^\s*(\/\*\*[\s\S]*?\*\/)/.exec(text)?.[1]

const linesOf = (comment) =>
  comment
    .replace(/^\/\*\*/, "")
    .replace(/\*\/$/, "")
    .split("\n")
    .map((line) => line.replace(/^\s*\* ?/, "").trim())

/** The text of a JSDoc comment before its first block tag. */
export const summaryOf = (comment) => {
  const lines = linesOf(comment)
  const firstTag = lines.findIndex((line) => line.startsWith("@"))
  return (firstTag < 0 ? lines : lines.slice(0, firstTag)).join(" ").trim()
}

const isModuleComment = (comment) => linesOf(comment).some((line) => /^@(module\b|packageDocumentation\b)/.test(line))

/**
 * The namespaces of an index without a summary, each with why. `readModule(path)` gives the text of the module an
 * export points at (its path as written, e.g. "./Tip.js"), or undefined when there is none.
 */
export const namespacesWithoutSummary = (indexText, readModule) => {
  const problems = []
  for (const match of indexText.matchAll(/^export \* as (\w+) from "([^"]+)"/gm)) {
    const [, name, path] = match
    // The package's own comment may stand right before the first export; TypeDoc does not give it to the namespace.
    const before = lastJsdocBefore(indexText.slice(0, match.index))
    const own = before !== undefined && !isModuleComment(before) ? before : undefined
    if (own !== undefined) {
      if (summaryOf(own) === "") {
        problems.push(`${name}: its export's JSDoc has no summary (drop it, and mark the module's comment @module)`)
      }
      continue
    }
    const module = readModule(path)
    const comment = module === undefined ? undefined : fileComment(module)
    if (comment === undefined || !isModuleComment(comment)) {
      problems.push(`${name}: ${path} does not open with a JSDoc comment marked @module`)
    } else if (summaryOf(comment) === "") {
      problems.push(`${name}: the comment that opens ${path} has no summary`)
    }
  }
  return problems
}
