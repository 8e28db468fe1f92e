/**
 * Builds the dashboard into dist/: type-checks src (browser code, its own tsconfig), bundles src/main.tsx with
 * esbuild into content-hashed assets (so the server may cache them for a year), and writes index.html naming them.
 * The labels the page shows for the core's values (statuses, channels, categories, roles, the lifecycle's graph)
 * are read from @tinbao/core here and bundled as the module "tinbao:core", so the page and the core cannot disagree
 * and the browser never loads the core itself.
 */
import { spawnSync } from "node:child_process"
import { mkdirSync, rmSync, writeFileSync } from "node:fs"
import { basename, join } from "node:path"
import { fileURLToPath } from "node:url"
import { Actor, Category, Lifecycle, Statistics, Tip } from "@tinbao/core"
import * as esbuild from "esbuild"

const root = fileURLToPath(new URL("..", import.meta.url))
const dist = join(root, "dist")

const core = {
  statuses: Tip.statusLabels,
  channels: Statistics.channelLabels,
  categories: Object.fromEntries([...Category.taxonomy()].map(([id, category]) => [id, category.label])),
  legalTypes: Category.legalTypeLabels,
  roles: Actor.roleLabels,
  outcomes: Statistics.outcomeLabels,
  graph: Lifecycle.graph
}

const typecheck = spawnSync(
  process.execPath,
  [join(root, "..", "..", "node_modules", "typescript", "bin", "tsc"), "-p", join(root, "tsconfig.json")],
  { stdio: "inherit" }
)
if (typecheck.status !== 0) process.exit(typecheck.status ?? 1)

const coreModule: esbuild.Plugin = {
  name: "tinbao-core",
  setup(build) {
    build.onResolve({ filter: /^tinbao:core$/ }, () => ({ path: "core", namespace: "tinbao" }))
    build.onLoad({ filter: /.*/, namespace: "tinbao" }, () => ({ contents: JSON.stringify(core), loader: "json" }))
  }
}

rmSync(dist, { recursive: true, force: true })
mkdirSync(dist, { recursive: true })
const result = await esbuild.build({
  entryPoints: [join(root, "src", "main.tsx")],
  bundle: true,
  minify: true,
  format: "esm",
  target: "es2020",
  jsx: "automatic",
  jsxImportSource: "preact",
  outdir: join(dist, "assets"),
  entryNames: "app-[hash]",
  metafile: true,
  plugins: [coreModule],
  logLevel: "warning"
})
const outputs = Object.keys(result.metafile.outputs).map((path) => basename(path))
const script = outputs.find((name) => name.endsWith(".js"))!
const style = outputs.find((name) => name.endsWith(".css"))!

writeFileSync(
  join(dist, "index.html"),
  `<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>tinbao · Tin báo</title>
<link rel="stylesheet" href="/assets/${style}">
<script type="module" src="/assets/${script}"></script>
</head>
<body>
<div id="app"></div>
<noscript>Trang này cần JavaScript. / This page needs JavaScript.</noscript>
</body>
</html>
`
)
console.log(`dashboard: built ${join("examples/dashboard/dist", "index.html")}, assets/${script}, assets/${style}`)
