/**
 * The evidence records conformance suite: one call checks that a backend's `Evidence.EvidenceRecords` behave as
 * the in-memory ones do, built on `@effect/vitest`.
 *
 * ```ts
 * import { EvidenceSuite } from "@tinbao/testkit/vitest"
 *
 * EvidenceSuite.suite("sqlite", Layer.unwrapEffect(Effect.sync(() => openFreshDatabase())), {
 *   probes: { rows: () => selectAll("evidence"), writeRow: (row) => insertRaw("evidence", row) }
 * })
 * ```
 *
 * As in the messaging suite, the layer is **built anew for every test**, and every build must open an empty store:
 * claims take every due record a store holds, so tests cannot share one. Tests run on the test clock, which they
 * move. Probes reach the backend's storage past the adapter: `rows` reads what it holds, `writeRow` writes a row no
 * adapter would write (its fields as in `Evidence.Row`, a flag as 0/1 in a database), to check that it is reported
 * as corrupt; a test that needs a probe that was not given is skipped with the reason "no probe given".
 *
 * @since 0.2.0
 */
import { describe } from "@effect/vitest"
import type { Evidence } from "@tinbao/core"
import type { Duration, Effect, Layer } from "effect"
import { Schema } from "effect"
import { claimTests } from "./internal/evidenceClaims.js"
import { emptyRecords, makeContext } from "./internal/evidenceFixtures.js"
import { type RecordsContext, requestTests } from "./internal/evidenceRequests.js"
import type { LooseRow } from "./MessagingSuite.js"
import { Capability } from "./StorageSuite.js"

/**
 * What a backend declares it can do; an absent capability is supported. `concurrentWriters`: 4 claimers
 * draining 60 records each get every record once, and 20 requests of one link at once make one record.
 *
 * @since 0.2.0
 * @category models
 */
export const Capabilities = Schema.Struct({
  concurrentWriters: Schema.optional(Capability)
}).annotations({ identifier: "EvidenceCapabilities" })

/**
 * @since 0.2.0
 * @category models
 */
export type Capabilities = typeof Capabilities.Type

/**
 * Direct access to what the backend holds, past the adapter; `R` is what they need from the layer under test.
 *
 * @since 0.2.0
 * @category models
 */
export interface Probes<R = never> {
  /** Every record row the backend holds, in whatever form it holds them. */
  readonly rows?: () => Effect.Effect<ReadonlyArray<unknown>, unknown, R>
  /** Stores a row as it is, bypassing the adapter's checks. */
  readonly writeRow?: (row: LooseRow<Evidence.Row>) => Effect.Effect<void, unknown, R>
}

/**
 * The options of {@link suite}: what the backend can do, its probes, and how long one test may take, building the
 * layer included (default 60 seconds).
 *
 * @since 0.2.0
 * @category models
 */
export interface Options<R = never> {
  readonly capabilities?: Capabilities
  readonly probes?: Probes<R>
  readonly timeout?: Duration.DurationInput
}

/**
 * Registers the evidence records conformance suite for a backend: a `describe` block named `name` whose tests
 * each build `layer` afresh (each build must open an empty store). Throws at registration when the capabilities
 * are malformed or the timeout is not a positive duration.
 *
 * @since 0.2.0
 * @category constructors
 */
export const suite = <E, R = never>(
  name: string,
  layer: Layer.Layer<Evidence.EvidenceRecords | R, E>,
  options: Options<R> = {}
): void => {
  const ctx: RecordsContext<R> = makeContext(
    `EvidenceSuite.suite("${name}")`,
    layer,
    options,
    Capabilities,
    emptyRecords
  )
  describe(name, () => {
    describe("requests", () => requestTests(ctx))
    describe("claims", () => claimTests(ctx))
  })
}
