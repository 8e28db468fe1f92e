/**
 * The media store conformance suite: one call checks that a `MediaStore` keeps bytes as the in-memory one does,
 * built on `@effect/vitest`.
 *
 * ```ts
 * import { MediaStoreSuite } from "@tinbao/testkit/vitest"
 *
 * MediaStoreSuite.suite("my bucket", Layer.unwrapEffect(Effect.sync(() => openEmptyBucket())), {
 *   probes: { files: () => countObjects(), overwrite: (hash, bytes) => putObjectRaw(hash, bytes) }
 * })
 * ```
 *
 * The layer is built anew for every test, and every build must open an empty store. Probes reach the backend past
 * the adapter: `files` counts what it holds (to check that the same bytes are stored once), `overwrite` changes the
 * bytes under a hash (to check that the change is reported as corrupt); a test that needs a probe that was not
 * given is skipped with the reason "no probe given".
 *
 * @since 0.2.0
 */
import { describe } from "@effect/vitest"
import type { MediaStore } from "@tinbao/core"
import { type Duration, Effect, type Layer, Schema } from "effect"
import { makeContext } from "./internal/evidenceFixtures.js"
import { type MediaContext, mediaTests } from "./internal/mediaStoreTests.js"
import { Capability } from "./StorageSuite.js"

/**
 * What a backend declares it can do; an absent capability is supported. `concurrentWriters`: 20 puts at once,
 * half of them of the same bytes, all kept.
 *
 * @since 0.2.0
 * @category models
 */
export const Capabilities = Schema.Struct({
  concurrentWriters: Schema.optional(Capability)
}).annotations({ identifier: "MediaStoreCapabilities" })

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
  /** How many files the backend holds. */
  readonly files?: () => Effect.Effect<number, unknown, R>
  /** Replaces the bytes stored under a hash, as damage or tampering would. */
  readonly overwrite?: (hash: MediaStore.Hash, bytes: Uint8Array) => Effect.Effect<void, unknown, R>
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
 * Registers the media store conformance suite for a backend: a `describe` block named `name` whose tests each
 * build `layer` afresh (each build must open an empty store). Throws at registration when the capabilities are
 * malformed or the timeout is not a positive duration.
 *
 * @since 0.2.0
 * @category constructors
 */
export const suite = <E, R = never>(
  name: string,
  layer: Layer.Layer<MediaStore.MediaStore | R, E>,
  options: Options<R> = {}
): void => {
  const ctx: MediaContext<R> = makeContext(
    `MediaStoreSuite.suite("${name}")`,
    layer,
    options,
    Capabilities,
    Effect.void
  )
  describe(name, () => mediaTests(ctx))
}
