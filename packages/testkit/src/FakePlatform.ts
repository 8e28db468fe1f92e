/**
 * A fake platform API for outbound tests: an HTTP server on 127.0.0.1 at a random port that records every request
 * and answers from a script, closed when its scope closes.
 *
 * ```ts
 * const platform = yield* FakePlatform.make
 * yield* platform.respondWith({ status: 200, body: { id: "m-1" } }, { status: 429 })
 * // point the adapter at platform.url, send twice, then:
 * const [first, second] = yield* platform.requests
 * ```
 *
 * @since 0.1.0
 * @module
 */

export type { FakePlatform } from "./internal/fakePlatform.js"
export { listen, make, Recorded, Response, unscripted } from "./internal/fakePlatform.js"
