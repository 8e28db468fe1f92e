import { Context, type DateTime, type Effect, type Redacted, Schema } from "effect"

/**
 * Why the credentials of an account could not be given: `not_connected` (none are stored: connect the account
 * first), `reconnect` (the refresh token was refused, has expired or is missing: someone must connect the account
 * again), `refresh_failed` (the platform could not be reached to refresh: trying later can help), `unavailable`
 * (the store cannot be reached), `corrupt` (a stored row cannot be read or opened), `invalid` (the tokens given
 * are malformed).
 *
 * @since 0.2.0
 * @category models
 */
export const Reason = Schema.Literal(
  "not_connected",
  "reconnect",
  "refresh_failed",
  "unavailable",
  "corrupt",
  "invalid"
)

/**
 * @since 0.2.0
 * @category models
 */
export type Reason = typeof Reason.Type

/**
 * The one error of {@link Credentials}. Its message names the account, never a token.
 *
 * @since 0.2.0
 * @category errors
 */
export class CredentialsError extends Schema.TaggedError<CredentialsError>("@tinbao/core/CredentialsError")(
  "CredentialsError",
  {
    account: Schema.String,
    reason: Reason,
    message: Schema.String,
    cause: Schema.optional(Schema.Defect)
  }
) {
  /** Whether trying again later can help. */
  get retryable(): boolean {
    return this.reason === "refresh_failed" || this.reason === "unavailable"
  }
}

/**
 * Whether the account can be used (`active`) or must be connected again by a person (`reconnect`).
 *
 * @since 0.2.0
 * @category models
 */
export const Status = Schema.Literal("active", "reconnect")

/**
 * @since 0.2.0
 * @category models
 */
export type Status = typeof Status.Type

/**
 * The tokens of an account on a platform (a Zalo OA): the access token that API calls carry and when it expires,
 * and the refresh token that gets the next pair (single-use on Zalo) and when it expires. `generation` counts the
 * pairs stored for the account: a caller whose token was refused asks for a refresh past the generation it used,
 * so that twenty callers refused at once cause one refresh. `problem` says why a `reconnect` account needs a
 * person, in words.
 *
 * @since 0.2.0
 * @category models
 */
export class Credential extends Schema.Class<Credential>("@tinbao/core/Credential")({
  account: Schema.NonEmptyTrimmedString,
  accessToken: Schema.Redacted(Schema.NonEmptyString),
  expiresAt: Schema.DateTimeUtc,
  refreshToken: Schema.optional(Schema.Redacted(Schema.NonEmptyString)),
  refreshExpiresAt: Schema.optional(Schema.DateTimeUtc),
  generation: Schema.NonNegativeInt,
  status: Status,
  problem: Schema.optional(Schema.String),
  updatedAt: Schema.DateTimeUtc
}) {}

/**
 * A new pair of tokens, as a connection or a refresh returns it.
 *
 * @since 0.2.0
 * @category models
 */
export interface Tokens {
  readonly accessToken: Redacted.Redacted<string>
  readonly expiresAt: DateTime.Utc
  readonly refreshToken?: Redacted.Redacted<string> | undefined
  readonly refreshExpiresAt?: DateTime.Utc | undefined
}

/**
 * Why a refresh did not give new tokens: the platform `Rejected` the refresh token (it is spent, revoked or
 * expired: the account needs reconnecting), or it was `Unavailable` (not reached, or it asked to wait: the token
 * is still good for a later try). The message never holds a token.
 *
 * @since 0.2.0
 * @category models
 */
export type RefreshFailure =
  | { readonly _tag: "Rejected"; readonly message: string }
  | { readonly _tag: "Unavailable"; readonly message: string }

/**
 * Exchanges a refresh token for new tokens at the platform.
 *
 * @since 0.2.0
 * @category models
 */
export type Refresher = (refreshToken: Redacted.Redacted<string>) => Effect.Effect<Tokens, RefreshFailure>

/**
 * How {@link Credentials} `token` decides: `refresh` (how to get a new pair), `earlyMillis` (refresh when the
 * access token expires sooner than this; default 30 minutes), and `after` (the generation the caller used and the
 * platform refused: a stored pair of that generation or older is refreshed whatever its expiry).
 *
 * @since 0.2.0
 * @category models
 */
export interface TokenOptions {
  readonly refresh: Refresher
  readonly earlyMillis?: number
  readonly after?: number
}

/**
 * The tokens of platform accounts (a Zalo OA), stored with their secrets sealed at rest (the SQL layer encrypts
 * them with the vault's keys). `token` gives a usable access token: the stored one while it has time left, else a
 * refreshed one, refreshed **once at a time per account** across processes (on PostgreSQL under a row lock) and
 * stored before it is returned, because Zalo's refresh tokens are single-use. A refused refresh marks the account
 * `reconnect` and fails with that reason from then on, without calling the platform again, until someone connects
 * it again (`connect`).
 *
 * @since 0.2.0
 * @category tags
 */
export class Credentials extends Context.Tag("@tinbao/core/Credentials")<
  Credentials,
  {
    /** Stores a new pair for the account (on connecting it, or reconnecting it): active, next generation. */
    readonly connect: (account: string, tokens: Tokens) => Effect.Effect<Credential, CredentialsError>
    /** The stored credential, or `undefined`. */
    readonly get: (account: string) => Effect.Effect<Credential | undefined, CredentialsError>
    /** Every stored credential, by account: e.g. to show which accounts need reconnecting. */
    readonly list: Effect.Effect<ReadonlyArray<Credential>, CredentialsError>
    /** A credential whose access token can be used now, refreshed first when it must be (see {@link TokenOptions}). */
    readonly token: (account: string, options: TokenOptions) => Effect.Effect<Credential, CredentialsError>
    /** Forgets the account's tokens; whether there were any. */
    readonly disconnect: (account: string) => Effect.Effect<boolean, CredentialsError>
  }
>() {}
