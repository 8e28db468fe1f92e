// The published evidence and media store conformance suites, from the built @tinbao/testkit, against the built
// in-memory layers of @tinbao/core: what users install is what this runs.
import { Evidence, MediaStore } from "@tinbao/core"
import { EvidenceSuite, MediaStoreSuite } from "@tinbao/testkit/vitest"

EvidenceSuite.suite("evidence memory layer (built)", Evidence.layerMemory)
MediaStoreSuite.suite("media memory layer (built)", MediaStore.layerMemory)
