/**
 * The tokens of platform accounts: a Zalo OA's access token (about 25 hours) and its **single-use** refresh token
 * (3 months). Adapters ask {@link Credentials} for a usable access token; it refreshes the pair once at a time per
 * account, across processes, stores the new pair before handing it out, refreshes early (before the token
 * expires), and turns a refused refresh into an account marked `reconnect`, with a sentence saying so, rather
 * than a loop of failing refreshes. Storage adapters implement the small {@link Encoded} interface and
 * {@link makeEncoded} does the rest; the SQL layer seals the tokens with the vault's keys.
 *
 * @since 0.2.0
 * @module
 */
import { type Effect, Layer } from "effect"
import { Credentials, type CredentialsError } from "./internal/credentials/credentials.js"
import * as internal from "./internal/credentials/encoded.js"
import { makeMemoryEncoded as memory } from "./internal/credentials/memory.js"

export {
  Credential,
  Credentials,
  CredentialsError,
  Reason,
  type Refresher,
  type RefreshFailure,
  Status,
  type TokenOptions,
  type Tokens
} from "./internal/credentials/credentials.js"

/**
 * A credential as a storage adapter keeps it: tokens in the clear (the adapter seals them at rest), times in
 * epoch milliseconds, `null` for absent values.
 *
 * @since 0.2.0
 * @category models
 */
export interface Row {
  readonly account: string
  readonly accessToken: string
  readonly expiresAt: number
  readonly refreshToken: string | null
  readonly refreshExpiresAt: number | null
  readonly generation: number
  readonly status: string
  readonly problem: string | null
  readonly updatedAt: number
}

/**
 * What a storage adapter implements. `exclusive` runs an effect holding the account's lock against other
 * processes sharing the store (on PostgreSQL, a transaction holding the row's lock), and the `put` it makes commits
 * with it; {@link makeEncoded} already makes the callers of one process wait for each other per account.
 *
 * @since 0.2.0
 * @category models
 */
export interface Encoded {
  readonly get: (account: string) => Effect.Effect<Row | undefined, CredentialsError>
  readonly list: Effect.Effect<ReadonlyArray<Row>, CredentialsError>
  readonly put: (row: Row) => Effect.Effect<void, CredentialsError>
  readonly remove: (account: string) => Effect.Effect<boolean, CredentialsError>
  readonly exclusive: <A, E>(account: string, effect: Effect.Effect<A, E>) => Effect.Effect<A, E | CredentialsError>
}

/**
 * An access token with less time left than this is refreshed before use: 30 minutes.
 *
 * @since 0.2.0
 * @category constants
 */
export const defaultEarlyMillis: number = internal.defaultEarlyMillis

/**
 * Builds the full service from an adapter's {@link Encoded} implementation.
 *
 * @since 0.2.0
 * @category constructors
 */
export const makeEncoded: (encoded: Encoded) => Credentials["Type"] = internal.makeEncoded

/**
 * An in-memory {@link Encoded} store, for one process.
 *
 * @since 0.2.0
 * @category constructors
 */
export const makeMemoryEncoded: () => Encoded = memory

/**
 * Credentials in memory (for tests and a single process; tokens are lost when it stops).
 *
 * @since 0.2.0
 * @category layers
 */
export const layerMemory: Layer.Layer<Credentials> = Layer.sync(Credentials, () => makeEncoded(memory()))
