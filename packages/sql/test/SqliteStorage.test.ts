import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll } from "@effect/vitest"
import { SqlStorage } from "@tinbao/sql"
import { StorageSuite } from "@tinbao/testkit/vitest"
import { capabilities, probes, vaultConfig } from "./fixtures.js"

const dir = mkdtempSync(join(tmpdir(), "tinbao-sql-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

StorageSuite.suite("sqlite", SqlStorage.layerSqlite({ filename: join(dir, "suite.db"), ...vaultConfig() }), {
  capabilities,
  probes
})
