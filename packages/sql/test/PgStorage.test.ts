import { describe, it } from "@effect/vitest"
import { SqlStorage } from "@tinbao/sql"
import { StorageSuite } from "@tinbao/testkit/vitest"
import { Effect, Layer } from "effect"
import { createSchema, dropSchema, freshSchemaName, host, inSchema, pgReachable, port } from "./backends.js"
import { capabilities, probes, vaultConfig } from "./fixtures.js"

// The suite's layer owns a schema of its own, dropped when the layer is released.
const schema = freshSchemaName()
const ownSchema = Layer.scopedDiscard(
  Effect.acquireRelease(
    Effect.promise(() => createSchema(schema)),
    () => Effect.promise(() => dropSchema(schema))
  )
)

if (pgReachable) {
  StorageSuite.suite(
    "postgresql",
    SqlStorage.layerPg({ url: inSchema(schema), ...vaultConfig() }).pipe(Layer.provide(ownSchema)),
    { capabilities, probes }
  )
} else if (process.env.CI === "true") {
  describe("postgresql", () => {
    it(`PostgreSQL is reachable at ${host}:${port} (required in CI)`, () => {
      throw new Error(`PostgreSQL is not reachable at ${host}:${port}, and CI=true requires these tests to run`)
    })
  })
} else {
  describe("postgresql", () => {
    it.skip(`PostgreSQL not reachable at ${host}:${port}: skipped`, () => {})
  })
}
