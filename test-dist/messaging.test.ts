// The published messaging conformance suite, from the built @tinbao/testkit, against the built in-memory layers
// of @tinbao/core: what users install is what this runs. Each build of these layers is a fresh store, as the
// suite requires; they have no probes, so the tests that need one are reported skipped with that reason.
import { Binding, ConversationActivity, Inbox, IntakeLedger, Outbox } from "@tinbao/core"
import { MessagingSuite } from "@tinbao/testkit/vitest"
import { Layer } from "effect"

MessagingSuite.suite(
  "memory layers (built)",
  Layer.mergeAll(
    Outbox.layerMemory,
    Inbox.layerMemory,
    IntakeLedger.layerMemory,
    Binding.layerMemory,
    ConversationActivity.layerMemory
  )
)
