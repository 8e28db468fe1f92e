/**
 * Builds the dashboard into dist/: type-checks src (browser code, its own tsconfig), bundles src/main.tsx with
 * esbuild into content-hashed assets (so the server may cache them for a year), and writes index.html naming them.
 * The core's labels and lifecycle graph come in as the module "tinbao:core" (scripts/core.ts).
 */
import { spawnSync } from "node:child_process"
import { mkdirSync, rmSync, writeFileSync } from "node:fs"
import { basename, join } from "node:path"
import { fileURLToPath } from "node:url"
import * as esbuild from "esbuild"
import { coreModule } from "./core.js"

const root = fileURLToPath(new URL("..", import.meta.url))
const dist = join(root, "dist")

const typecheck = spawnSync(
  process.execPath,
  [join(root, "..", "..", "node_modules", "typescript", "bin", "tsc"), "-p", join(root, "tsconfig.json")],
  { stdio: "inherit" }
)
if (typecheck.status !== 0) process.exit(typecheck.status ?? 1)

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
