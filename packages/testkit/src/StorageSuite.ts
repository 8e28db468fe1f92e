/**
 * The storage conformance suite: one call checks that a backend's `TipStore`, `Register`, `IdentityVault` and
 * `UnitDirectory` behave as the in-memory ones do, built on `@effect/vitest`.
 *
 * ```ts
 * import { StorageSuite } from "@tinbao/testkit"
 *
 * StorageSuite.suite("sqlite", SqlStorage.layer({ filename: ":memory:" }), {
 *   capabilities: { encryptedIdentities: { supported: true } },
 *   probes: { eventCount: (tip) => countRows("tip_events", tip) }
 * })
 * ```
 *
 * All tests share one instance of the layer, so each test works on fresh tips, units and reporters of its own.
 * What a backend cannot do is declared as a capability with its reason, and the tests that need it are reported as
 * skipped with that reason in their title. Probes read what was persisted through the backend itself, bypassing
 * the adapter (as Auth.js's adapter tests do); a test that needs a probe that was not given is skipped with the
 * reason "no probe given".
 *
 * @since 0.1.0
 */
import { describe, layer as layer_ } from "@effect/vitest"
import type { IdentityVault, Register, Tip, TipStore, Unit, UnitDirectory } from "@tinbao/core"
import { Duration, type Effect, type Layer, Schema } from "effect"
import type * as suite_ from "./internal/suiteFixtures.js"
import { decodeCapabilities } from "./internal/suiteNeeds.js"
import { registerTests } from "./internal/suiteRegister.js"
import { tipPageTests } from "./internal/suiteTipPages.js"
import { tipStoreTests } from "./internal/suiteTipStore.js"
import { tipStreamTests } from "./internal/suiteTipStream.js"
import { unitTests } from "./internal/suiteUnits.js"
import { vaultTests } from "./internal/suiteVault.js"

/**
 * The services a storage backend provides.
 *
 * @since 0.1.0
 * @category models
 */
export type Services = TipStore.TipStore | Register.Register | IdentityVault.IdentityVault | UnitDirectory.UnitDirectory

/**
 * Whether a backend can do something, and why not: a capability declared unsupported must say why.
 *
 * @since 0.1.0
 * @category models
 */
export const Capability = Schema.Union(
  Schema.Struct({ supported: Schema.Literal(true), reason: Schema.optional(Schema.String) }),
  Schema.Struct({ supported: Schema.Literal(false), reason: Schema.NonEmptyTrimmedString })
).annotations({ identifier: "Capability" })

/**
 * @since 0.1.0
 * @category models
 */
export type Capability = typeof Capability.Type

/**
 * What a backend declares it can do; an absent capability is supported.
 *
 * - `concurrentWriters`: parallel writers on one tip or one register (50 appends at one version, 500 assigns);
 * - `largeLogs`: a tip with 1,000 events and a unit with 2,000 tips within the test timeout;
 * - `encryptedIdentities`: identities are never held in clear text by the backend (checked with `vaultContains`).
 *
 * @since 0.1.0
 * @category models
 */
export const Capabilities = Schema.Struct({
  concurrentWriters: Schema.optional(Capability),
  largeLogs: Schema.optional(Capability),
  encryptedIdentities: Schema.optional(Capability)
}).annotations({ identifier: "Capabilities" })

/**
 * @since 0.1.0
 * @category models
 */
export type Capabilities = typeof Capabilities.Type

/**
 * Direct reads of what the backend persisted, bypassing the adapter. `R` is what they need from the layer under
 * test (e.g. an `SqlClient`, which the layer then provides besides the four services).
 *
 * - `eventCount(tip)`: how many events of the tip the backend holds;
 * - `registerNumbers(unit, year)`: the register numbers the backend holds for a unit and police year;
 * - `vaultContains(text)`: whether any identity data the backend holds contains the text as it is.
 *
 * @since 0.1.0
 * @category models
 */
export interface Probes<R = never> {
  readonly eventCount?: (tip: Tip.TipId) => Effect.Effect<number, unknown, R>
  readonly registerNumbers?: (unit: Unit.UnitId, year: number) => Effect.Effect<ReadonlyArray<number>, unknown, R>
  readonly vaultContains?: (text: string) => Effect.Effect<boolean, unknown, R>
}

/**
 * The options of {@link suite}: what the backend can do, its probes, and how long building the layer may take
 * (default 60 seconds).
 *
 * @since 0.1.0
 * @category models
 */
export interface Options<R = never> {
  readonly capabilities?: Capabilities
  readonly probes?: Probes<R>
  readonly timeout?: Duration.DurationInput
}

const supported: Capability = { supported: true }

/**
 * Registers the storage conformance suite for a backend: a `describe` block named `name` that builds `layer`
 * once and runs every test against it. Throws at registration when the capabilities are malformed, e.g. an
 * unsupported capability without a reason.
 *
 * @since 0.1.0
 * @category constructors
 */
export const suite = <E, R = never>(
  name: string,
  layer: Layer.Layer<Services | R, E>,
  options: Options<R> = {}
): void => {
  const decoded = decodeCapabilities(Capabilities, options.capabilities ?? {}, `StorageSuite.suite("${name}")`)
  const capabilities = {
    concurrentWriters: decoded.concurrentWriters ?? supported,
    largeLogs: decoded.largeLogs ?? supported,
    encryptedIdentities: decoded.encryptedIdentities ?? supported
  }
  const probes: suite_.Probes<Services | R> = options.probes ?? {}
  const timeout = options.timeout ?? Duration.seconds(60)
  // Live services: a backend's own timeouts and retries must see real time, not a test clock.
  layer_(layer, { excludeTestServices: true, timeout })(name, (it) => {
    const ctx: suite_.Context<Services | R> = { it, capabilities, probes }
    describe("TipStore", () => {
      tipStoreTests(ctx)
      tipPageTests(ctx)
      tipStreamTests(ctx)
    })
    describe("Register", () => registerTests(ctx))
    describe("IdentityVault", () => vaultTests(ctx))
    describe("UnitDirectory", () => unitTests(ctx))
  })
}
