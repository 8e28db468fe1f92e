/**
 * API tokens for integrations: a secret that stands for one staff user, limited to the scopes it was given. A token
 * is kept only as the SHA-256 of its secret (shown once, when it is created), with its user, its name, its scopes,
 * its expiry and when it was last used; revoking keeps the row, so that its history stays. A token of a disabled
 * account, an expired or a revoked one authenticates nothing.
 */
import { randomBytes } from "node:crypto"
import { SqlClient } from "@effect/sql/SqlClient"
import type { Actor } from "@tinbao/core"
import { Data, Effect, Redacted, Schema } from "effect"
import { actorOf, sha256, type UserRow } from "./accounts.js"

/**
 * What a token may do (a closed set): read tips (`tips:read`), give commands and reply (`tips:write`), read the
 * statistics, units, channels and bindings (`reports:read`), reveal a reporter's identity (`identity:reveal`, for a
 * custodian's account only), and bind channels (`bindings:write`, for an administrator's only).
 */
export const TokenScope = Schema.Literal("tips:read", "tips:write", "reports:read", "identity:reveal", "bindings:write")
export type TokenScope = typeof TokenScope.Type

/** A token cannot be created or revoked as asked; the message says why (never the secret). */
export class TokenError extends Data.TaggedError("TokenError")<{
  readonly reason: "invalid" | "not_found"
  readonly message: string
}> {}

/** The longest a token lasts, and how long when no expiry is asked for. */
export const maxDays = 365
export const defaultDays = 90

/** A token as its owner sees it: everything but its secret. */
export interface TokenInfo {
  readonly id: string
  readonly username: string
  readonly name: string
  readonly scopes: ReadonlyArray<TokenScope>
  readonly createdAt: Date
  readonly expiresAt: Date
  readonly lastUsedAt: Date | undefined
  readonly revoked: boolean
}

interface TokenRow {
  readonly id: string
  readonly username: string
  readonly name: string
  readonly scopes: string
  readonly created_at: number
  readonly expires_at: number
  readonly last_used_at: number | null
  readonly revoked: number
}

const Scopes = Schema.parseJson(Schema.Array(TokenScope))
const decodeScopes = Schema.decodeUnknownOption(Scopes)
// A token's name says what integration holds it: printable, 1 to 100 characters.
const TokenName = Schema.String.pipe(Schema.pattern(/^[^\p{Cc}]{1,100}$/u))

const info = (row: TokenRow): TokenInfo => ({
  id: row.id,
  username: row.username,
  name: row.name,
  scopes: decodeScopes(row.scopes).pipe((o) => (o._tag === "Some" ? o.value : [])),
  createdAt: new Date(Number(row.created_at)),
  expiresAt: new Date(Number(row.expires_at)),
  lastUsedAt: row.last_used_at === null ? undefined : new Date(Number(row.last_used_at)),
  revoked: Number(row.revoked) !== 0
})

/**
 * Creates a token for a user: its id and its secret (`tbt_…`, returned here only, never stored). Fails when the user
 * does not exist or is disabled, the name is empty, a scope is unknown, or the expiry is out of 1 to 365 days.
 */
export const createToken = (input: {
  readonly username: string
  readonly name: string
  readonly scopes: ReadonlyArray<string>
  readonly days?: number | undefined
}) =>
  Effect.gen(function* () {
    if (!Schema.is(TokenName)(input.name)) {
      return yield* new TokenError({ reason: "invalid", message: "A token's name is 1 to 100 printable characters." })
    }
    const unknown = input.scopes.filter((scope) => !Schema.is(TokenScope)(scope))
    if (input.scopes.length === 0 || unknown.length > 0) {
      return yield* new TokenError({
        reason: "invalid",
        message: `Give one scope or more among ${TokenScope.literals.join(", ")}${unknown.length > 0 ? ` (not ${unknown.join(", ")})` : ""}.`
      })
    }
    const days = input.days ?? defaultDays
    if (!Number.isInteger(days) || days < 1 || days > maxDays) {
      return yield* new TokenError({ reason: "invalid", message: `A token lasts 1 to ${maxDays} days.` })
    }
    const sql = yield* SqlClient
    const [user] = yield* sql<{ readonly disabled: number }>`
      SELECT disabled FROM staff_users WHERE username = ${input.username}`
    if (user === undefined || Number(user.disabled) !== 0) {
      return yield* new TokenError({ reason: "not_found", message: `No enabled user ${input.username}.` })
    }
    const id = randomBytes(9).toString("base64url")
    const secret = `tbt_${randomBytes(32).toString("base64url")}`
    const now = Date.now()
    const scopes = [...new Set(input.scopes)] as ReadonlyArray<TokenScope>
    yield* sql`INSERT INTO staff_tokens (id, secret_hash, username, name, scopes, created_at, expires_at, revoked)
      VALUES (${id}, ${sha256(secret)}, ${input.username}, ${input.name}, ${JSON.stringify(scopes)}, ${now},
        ${now + days * 86_400_000}, 0)`
    const [row] = yield* sql<TokenRow>`SELECT * FROM staff_tokens WHERE id = ${id}`
    return { token: info(row!), secret: Redacted.make(secret) }
  })

/** A user's tokens, newest first, revoked ones included (without their secrets, which are not kept). */
export const listTokens = (username: string) =>
  Effect.flatMap(SqlClient, (sql) =>
    Effect.map(
      sql<TokenRow>`SELECT * FROM staff_tokens WHERE username = ${username} ORDER BY created_at DESC, id`,
      (rows) => rows.map(info)
    )
  )

/**
 * Revokes a token, of `owner` only when given (the API's: a user revokes their own; the command line any). Fails
 * with `not_found` when there is no such token (or it is another user's). Revoking a revoked token does nothing.
 */
export const revokeToken = (id: string, owner?: string) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient
    const [row] = yield* sql<TokenRow>`SELECT * FROM staff_tokens WHERE id = ${id}`
    if (row === undefined || (owner !== undefined && row.username !== owner)) {
      return yield* new TokenError({ reason: "not_found", message: `No token ${id}.` })
    }
    yield* sql`UPDATE staff_tokens SET revoked = 1 WHERE id = ${id}`
  })

/** A live token: its id, its scopes and the actor it stands for (its user's, decoded with the core's schema). */
export interface Found {
  readonly id: string
  readonly scopes: ReadonlyArray<TokenScope>
  readonly actor: Actor.Actor
}

/**
 * The token of a bearer secret, when it is live (not revoked, not expired) and its account enabled and well-formed;
 * else `undefined`. Records when it was used.
 */
export const findToken = (secret: Redacted.Redacted<string>) =>
  Effect.gen(function* () {
    const value = Redacted.value(secret)
    if (!value.startsWith("tbt_")) return undefined
    const sql = yield* SqlClient
    const [row] = yield* sql<TokenRow & Pick<UserRow, "unit" | "roles" | "disabled">>`
      SELECT t.*, u.unit, u.roles, u.disabled
      FROM staff_tokens t JOIN staff_users u ON u.username = t.username
      WHERE t.secret_hash = ${sha256(value)}`
    const now = Date.now()
    if (row === undefined || Number(row.revoked) !== 0 || Number(row.expires_at) <= now) return undefined
    const actor = yield* actorOf(row)
    if (actor === undefined) return undefined
    yield* sql`UPDATE staff_tokens SET last_used_at = ${now} WHERE id = ${row.id}`
    return { id: row.id, scopes: info(row).scopes, actor } satisfies Found
  })
