// The published storage conformance suite, from the built @tinbao/testkit, against the built in-memory
// layers of @tinbao/core: what users install is what this runs.
import { IdentityVault, Register, TipStore, UnitDirectory } from "@tinbao/core"
import { StorageSuite } from "@tinbao/testkit/vitest"
import { Layer } from "effect"

StorageSuite.suite(
  "memory layers (built)",
  Layer.mergeAll(TipStore.layerMemory, Register.layerMemory, IdentityVault.layerMemory, UnitDirectory.layerMemory)
)
