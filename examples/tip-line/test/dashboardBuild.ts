/**
 * The dashboard's build for the browser tests: `npm test` builds it first; a targeted run builds it here when there
 * is none or when a source is newer than it.
 */
import { spawnSync } from "node:child_process"
import { existsSync, readdirSync, statSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { defaultDist } from "../src/dashboard.js"

const root = fileURLToPath(new URL("../../..", import.meta.url))
const sources = join(root, "examples", "dashboard", "src")

const newest = (dir: string): number =>
  Math.max(
    ...readdirSync(dir, { withFileTypes: true }).map((entry) =>
      entry.isDirectory() ? newest(join(dir, entry.name)) : statSync(join(dir, entry.name)).mtimeMs
    )
  )

export const ensureBuilt = () => {
  const index = join(defaultDist, "index.html")
  if (existsSync(index) && statSync(index).mtimeMs >= newest(sources)) return
  const built = spawnSync("npm", ["run", "build", "-w", "@tinbao-examples/dashboard"], { cwd: root, stdio: "inherit" })
  if (built.status !== 0) throw new Error("npm run build -w @tinbao-examples/dashboard failed")
}
