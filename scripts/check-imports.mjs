// Keeps every package's import graph acyclic (docs/layout.md says why and how):
//  (a) dpdm finds no circular runtime import from any package's entry points (type-only imports skipped);
//  (b) a module under `packages/*/src/internal/` imports only types from its package's public modules
//      (`packages/*/src/*.ts`), so a public module can import its internals without a cycle.
// Every folder under packages/ is checked, so a package added later is covered without a change here.
import { spawnSync } from "node:child_process"
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join, relative, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import ts from "typescript"

const root = fileURLToPath(new URL("..", import.meta.url))
const packagesDir = join(root, "packages")
const packages = readdirSync(packagesDir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(join(packagesDir, entry.name, "package.json")))
  .map((entry) => join(packagesDir, entry.name))

// A package's entry points are the source files its `exports` name (the `@tinbao/source` condition), else src/index.ts.
const entryPointsOf = (pkg) => {
  const { exports = {} } = JSON.parse(readFileSync(join(pkg, "package.json"), "utf8"))
  const named = Object.values(exports)
    .map((target) => (target !== null && typeof target === "object" ? target["@tinbao/source"] : undefined))
    .filter((path) => typeof path === "string")
    .map((path) => join(pkg, path))
  const entries = named.length > 0 ? named : [join(pkg, "src", "index.ts")]
  return entries.filter((path) => existsSync(path))
}

const problems = []

// (a) Circular runtime imports.
const entryPoints = packages.flatMap(entryPointsOf).map((path) => relative(root, path))
const scratch = mkdtempSync(join(tmpdir(), "tinbao-imports-"))
const report = join(scratch, "dpdm.json")
const dpdm = spawnSync(
  join(root, "node_modules", ".bin", "dpdm"),
  ["--transform", "--no-tree", "--no-warning", "--no-progress", "--no-circular", "--output", report, ...entryPoints],
  { cwd: root, encoding: "utf8" }
)
const circulars =
  dpdm.error === undefined && dpdm.status === 0 && existsSync(report) ? readCirculars(report) : undefined
rmSync(scratch, { recursive: true, force: true })
if (circulars === undefined) {
  console.error(`dpdm did not run: ${dpdm.error?.message ?? dpdm.stderr}`)
  process.exit(2)
}
for (const cycle of circulars) problems.push(`circular import: ${[...cycle, cycle[0]].join(" -> ")}`)

// (b) Internal modules import only types from their package's public modules.
const internalFiles = packages.flatMap((pkg) => tsFilesUnder(join(pkg, "src", "internal")))
for (const file of internalFiles) {
  const publicDir = join(file.slice(0, file.indexOf(join("src", "internal"))), "src")
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true)
  for (const statement of source.statements) {
    for (const name of valueNamesFromPublic(statement, file, publicDir)) {
      const { line } = source.getLineAndCharacterOfPosition(statement.getStart(source))
      const does = ts.isExportDeclaration(statement) ? "re-exports" : "imports"
      problems.push(
        `${relative(root, file)}:${line + 1}: ${does} the value ${name} from the public module ` +
          `${statement.moduleSpecifier.text}; import only types from public modules (define the value in an internal module)`
      )
    }
  }
}

if (problems.length > 0) {
  console.error(problems.join("\n"))
  console.error(`\nimports: ${problems.length} problem(s)`)
  process.exit(1)
}
console.log(
  `imports: no circular runtime import from ${entryPoints.length} entry points; ` +
    `${internalFiles.length} internal modules import only types from public modules`
)

// dpdm's JSON report: `circulars` lists each cycle as the files along it.
function readCirculars(path) {
  try {
    const { circulars } = JSON.parse(readFileSync(path, "utf8"))
    return Array.isArray(circulars) ? circulars : undefined
  } catch {
    return undefined
  }
}

function tsFilesUnder(dir) {
  if (!existsSync(dir)) return []
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return tsFilesUnder(path)
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") ? [path] : []
  })
}

// The names a statement brings in as values from a public module of the package (none for other statements).
function valueNamesFromPublic(statement, file, publicDir) {
  const isImport = ts.isImportDeclaration(statement)
  const isExport = ts.isExportDeclaration(statement) && statement.moduleSpecifier !== undefined
  if (!isImport && !isExport) return []
  const specifier = statement.moduleSpecifier.text
  if (!specifier.startsWith(".")) return []
  const target = resolve(dirname(file), specifier).replace(/\.js$/, ".ts")
  if (dirname(target) !== publicDir) return []
  if (isImport) {
    const clause = statement.importClause
    if (clause === undefined) return ["(the whole module, for its side effects)"]
    if (clause.isTypeOnly) return []
    const names = clause.name !== undefined ? [clause.name.text] : []
    const bindings = clause.namedBindings
    if (bindings !== undefined && ts.isNamespaceImport(bindings)) names.push(`* as ${bindings.name.text}`)
    if (bindings !== undefined && ts.isNamedImports(bindings)) {
      for (const element of bindings.elements) if (!element.isTypeOnly) names.push(element.name.text)
    }
    return names
  }
  if (statement.isTypeOnly) return []
  const clause = statement.exportClause
  if (clause === undefined) return ["* (export *)"]
  if (ts.isNamespaceExport(clause)) return [`* as ${clause.name.text}`]
  return clause.elements.filter((element) => !element.isTypeOnly).map((element) => element.name.text)
}
