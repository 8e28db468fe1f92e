/**
 * `@tinbao/testkit/vitest`: the conformance suites, built on `@effect/vitest`, and the rule for tests that need
 * PostgreSQL. Every adapter runs its suite with one line: `StorageSuite.suite("my store", MyStore.layer(...))`,
 * `MessagingSuite.suite("my store", ...)`, `EvidenceSuite.suite("my store", ...)`,
 * `MediaStoreSuite.suite("my files", ...)`, `CredentialsSuite.suite("my tokens", ...)`,
 * `ChannelSuite.suite("my channel", ...)`.
 *
 * @since 0.1.0
 * @packageDocumentation
 */

/** @since 0.1.0 */
export * as ChannelSuite from "./ChannelSuite.js"
/** @since 0.2.0 */
export * as CredentialsSuite from "./CredentialsSuite.js"
/** @since 0.2.0 */
export * as EvidenceSuite from "./EvidenceSuite.js"
/** @since 0.2.0 */
export * as MediaStoreSuite from "./MediaStoreSuite.js"
/** @since 0.1.0 */
export * as MessagingSuite from "./MessagingSuite.js"
/** @since 0.1.0 */
export * as Postgres from "./Postgres.js"
/** @since 0.1.0 */
export * as StorageSuite from "./StorageSuite.js"
