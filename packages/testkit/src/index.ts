/**
 * `@tinbao/testkit`: what tests need and production code does not: the Ninh Bình fixture, fast-check arbitraries
 * for units and commands, the fake platform server that outbound channel tests send to, and one configurable fake
 * channel adapter for tests of the webhook, the dispatcher and intake. The conformance
 * suites (storage, messaging, channels) and the PostgreSQL test rule, which need vitest, are published apart as
 * `@tinbao/testkit/vitest`. The web-form channel adapter is in `@tinbao/web`.
 *
 * @since 0.1.0
 * @packageDocumentation
 */

// Each namespace takes its summary from the comment that opens its module (marked `@module`).
export * as Arbitraries from "./Arbitraries.js"
export * as FakeChannel from "./FakeChannel.js"
export * as FakePlatform from "./FakePlatform.js"
export * as NinhBinh from "./NinhBinh.js"
