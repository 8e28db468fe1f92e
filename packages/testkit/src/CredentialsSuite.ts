/**
 * The credentials conformance suite: one call checks that a `Credentials` store keeps tokens, refreshes them
 * early and once at a time for concurrent callers, never uses a spent refresh token again, turns a refused
 * refresh into an account to reconnect, and (given a probe) keeps no token in the clear.
 *
 * ```ts
 * import { CredentialsSuite } from "@tinbao/testkit/vitest"
 *
 * CredentialsSuite.suite("SQLite", layer, { raw: (account) => rowAsText(account) })
 * ```
 *
 * The layer is built anew for every test and must open an empty store.
 *
 * @since 0.2.0
 */
import { describe } from "@effect/vitest"
import type { Credentials } from "@tinbao/core"
import type { Duration, Effect, Layer } from "effect"
import { credentialsTests } from "./internal/credentialsTests.js"
import { suiteTimeout } from "./internal/evidenceFixtures.js"

/**
 * The options of {@link suite}: `raw`, everything the backend holds for an account as text (to check that no
 * token is in it; the test is skipped without it), and how long one test may take (default 60 seconds).
 *
 * @since 0.2.0
 * @category models
 */
export interface Options<R = never> {
  readonly raw?: (account: string) => Effect.Effect<string, unknown, R>
  readonly timeout?: Duration.DurationInput
}

/**
 * Registers the credentials conformance suite for a backend: a `describe` block named `name`.
 *
 * @since 0.2.0
 * @category constructors
 */
export const suite = <E, R = never>(
  name: string,
  layer: Layer.Layer<Credentials.Credentials | R, E>,
  options: Options<R> = {}
): void => {
  const timeout = suiteTimeout(`CredentialsSuite.suite("${name}")`, options.timeout)
  describe(name, () => credentialsTests({ layer, raw: options.raw, timeout }))
}
