/**
 * `@tinbao/testkit/vitest`: the storage conformance suite, built on `@effect/vitest`. Every storage
 * adapter runs it with one line: `StorageSuite.suite("my store", MyStore.layer(...))`.
 *
 * @since 0.1.0
 * @packageDocumentation
 */

/** @since 0.1.0 */
export * as ChannelSuite from "./ChannelSuite.js"
/** @since 0.1.0 */
export * as StorageSuite from "./StorageSuite.js"
