import { describe, expect, it } from "@effect/vitest"
import { IdentityVault, Register, TipStore, UnitDirectory, VaultKey } from "@tinbao/core"
import { StorageSuite } from "@tinbao/testkit/vitest"
import { Effect, Layer, Option, Redacted } from "effect"

const memoryKeepsIdentities: StorageSuite.Capability = {
  supported: false,
  reason: "the in-memory vault keeps sealed identities as Redacted JSON in process memory, not encrypted"
}

// The layers users get from the core, as they are: no probe reaches inside them.
StorageSuite.suite(
  "memory layers",
  Layer.mergeAll(TipStore.layerMemory, Register.layerMemory, IdentityVault.layerMemory, UnitDirectory.layerMemory),
  { capabilities: { encryptedIdentities: memoryKeepsIdentities } }
)

// The same in-memory storage, assembled from the core's public parts so that probes can read what it holds.
// The register has no adapter-facing part to hold on to, so its probe is not given.
const events = TipStore.makeMemoryEncoded()
const cells = new Map<IdentityVault.AliasId, IdentityVault.StoredIdentity>()
const vaultStore: IdentityVault.Store = {
  put: (alias, identity) => Effect.sync(() => void cells.set(alias, { _tag: "Sealed", identity })),
  get: (alias) => Effect.sync(() => Option.fromNullable(cells.get(alias))),
  replace: (alias, identity) =>
    Effect.sync(
      () => cells.get(alias)?._tag === "Sealed" && cells.set(alias, { _tag: "Sealed", identity }) !== undefined
    ),
  erase: (alias) =>
    Effect.sync(() => {
      const cell = cells.get(alias)
      if (cell?._tag === "Sealed") Redacted.unsafeWipe(cell.identity)
      cells.set(alias, { _tag: "Forgotten" })
    })
}
const readable = (cell: IdentityVault.StoredIdentity): string => {
  if (cell._tag === "Forgotten") return ""
  try {
    return Redacted.value(cell.identity)
  } catch {
    return ""
  }
}

StorageSuite.suite(
  "memory layers with probes",
  Layer.mergeAll(
    Layer.succeed(TipStore.TipStore, TipStore.makeEncoded(events)),
    Register.layerMemory,
    Layer.effect(IdentityVault.IdentityVault, IdentityVault.make({ key: VaultKey.generate(), store: vaultStore })),
    UnitDirectory.layerMemory
  ),
  {
    capabilities: { encryptedIdentities: memoryKeepsIdentities },
    probes: {
      eventCount: (tip) => Effect.map(events.read(tip), (read) => read.length),
      vaultContains: (text) => Effect.sync(() => [...cells.values()].some((cell) => readable(cell).includes(text)))
    }
  }
)

describe("StorageSuite.suite", () => {
  const memory = Layer.mergeAll(
    TipStore.layerMemory,
    Register.layerMemory,
    IdentityVault.layerMemory,
    UnitDirectory.layerMemory
  )

  it("refuses an unsupported capability without a reason", () => {
    const noReason = { largeLogs: { supported: false } } as unknown as StorageSuite.Capabilities
    expect(() => StorageSuite.suite("no reason", memory, { capabilities: noReason })).toThrow(
      /capabilities are malformed/
    )
    const blank = { concurrentWriters: { supported: false, reason: "  " } }
    expect(() => StorageSuite.suite("blank reason", memory, { capabilities: blank })).toThrow(/concurrentWriters/)
  })
})
