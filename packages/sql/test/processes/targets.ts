// The databases the process tests run on, seen from the test side: SQLite files in a temporary directory
// removed after the test file, and PostgreSQL schemas of their own, dropped when the test's scope closes.
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll } from "@effect/vitest"
import { Effect, type Scope } from "effect"
import { createSchema, dropSchema, freshSchemaName, inSchema } from "../backends.js"
import type { Target } from "./tipLine.js"

const dir = mkdtempSync(join(tmpdir(), "tinbao-processes-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
let files = 0

export const sqliteTarget = (): Extract<Target, { _tag: "sqlite" }> => ({
  _tag: "sqlite",
  filename: join(dir, `db-${++files}.db`)
})

export const pgTarget: Effect.Effect<
  Extract<Target, { _tag: "pg" }> & { readonly schema: string },
  never,
  Scope.Scope
> = Effect.map(
  Effect.acquireRelease(
    Effect.promise(() => {
      const schema = freshSchemaName()
      return createSchema(schema).then(() => schema)
    }),
    (schema) => Effect.promise(() => dropSchema(schema))
  ),
  (schema) => ({ _tag: "pg", url: inSchema(schema), schema })
)
