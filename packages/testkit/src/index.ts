/**
 * `@tinbao/testkit`: the Ninh Bình fixture and fast-check arbitraries for units and commands.
 * The conformance suites (storage, messaging, channels) and the PostgreSQL test rule, which need vitest, are
 * published apart as `@tinbao/testkit/vitest`.
 *
 * @since 0.1.0
 * @packageDocumentation
 */

/** @since 0.1.0 */
export * as Arbitraries from "./Arbitraries.js"
/** @since 0.1.0 */
export * as FakePlatform from "./FakePlatform.js"
/** @since 0.1.0 */
export * as NinhBinh from "./NinhBinh.js"
/** @since 0.1.0 */
export * as WebFormChannel from "./WebFormChannel.js"
