import { SqlStorage } from "@tinbao/sql"
import { Postgres, StorageSuite } from "@tinbao/testkit/vitest"
import { Effect, Layer } from "effect"
import { createSchema, dropSchema, freshSchemaName, inSchema, pgCheck, pgReachable } from "./backends.js"
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
} else {
  Postgres.describe(pgCheck, "postgresql", () => {})
}
