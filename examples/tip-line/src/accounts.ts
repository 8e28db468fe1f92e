/**
 * Staff accounts and their sessions, in the server's own tables beside the library's (created at every start, on
 * SQLite and PostgreSQL alike). A password is kept only as an scrypt hash with its salt and parameters; a session
 * only as the SHA-256 of its id, with its CSRF token and its expiry. Nothing here logs a password or a session id.
 */
import { createHash, randomBytes, scrypt, timingSafeEqual } from "node:crypto"
import { SqlClient } from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import { Access, Actor, LocalDate, Unit, UnitDirectory, UnitHierarchy } from "@tinbao/core"
import { Data, DateTime, Effect, Option, Redacted, Schema } from "effect"

/** An account cannot be created as asked; the message says why, never the password. */
export class AccountError extends Data.TaggedError("AccountError")<{ readonly message: string }> {}

/** How long a session lasts after its login. */
export const sessionHours = 12

/** The session cookie's name. */
export const cookieName = "tinbao_session"

/** Creates the server's tables when missing (portable SQL: integers for flags and times in milliseconds). */
export const migrate: Effect.Effect<void, SqlError, SqlClient> = Effect.gen(function* () {
  const sql = yield* SqlClient
  yield* sql`CREATE TABLE IF NOT EXISTS staff_users (
    username TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL,
    unit TEXT NOT NULL,
    roles TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
  )`
  yield* sql`CREATE TABLE IF NOT EXISTS staff_sessions (
    id_hash TEXT PRIMARY KEY,
    username TEXT NOT NULL REFERENCES staff_users(username),
    csrf TEXT NOT NULL,
    expires_at BIGINT NOT NULL
  )`
  // API tokens (tokens.ts): only the SHA-256 of each secret, with its user, scopes (JSON), times and revoked flag.
  yield* sql`CREATE TABLE IF NOT EXISTS staff_tokens (
    id TEXT PRIMARY KEY,
    secret_hash TEXT NOT NULL UNIQUE,
    username TEXT NOT NULL REFERENCES staff_users(username),
    name TEXT NOT NULL,
    scopes TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    last_used_at BIGINT,
    revoked INTEGER NOT NULL DEFAULT 0
  )`
  // Failed logins (ratelimit.ts), in the database so that every instance counts the same failures.
  yield* sql`CREATE TABLE IF NOT EXISTS staff_login_failures (key TEXT NOT NULL, at BIGINT NOT NULL)`
  yield* sql`CREATE INDEX IF NOT EXISTS staff_login_failures_key ON staff_login_failures (key, at)`
})

// scrypt's cost: N = 2^15, r = 8, p = 1 (about 32 MiB and tens of milliseconds), kept with each hash.
const params = { N: 32768, r: 8, p: 1 }
const keyLength = 32

const derive = (password: string, salt: Buffer, N: number, r: number, p: number) =>
  Effect.async<Buffer>((resume) => {
    scrypt(password, salt, keyLength, { N, r, p, maxmem: 256 * N * r }, (error, key) =>
      resume(error === null ? Effect.succeed(key) : Effect.die(error))
    )
  })

/** The hash to store: `scrypt$N$r$p$salt$key`, salt and key in base64url. */
export const hashPassword = (password: Redacted.Redacted<string>) =>
  Effect.gen(function* () {
    const salt = randomBytes(16)
    const key = yield* derive(Redacted.value(password), salt, params.N, params.r, params.p)
    return `scrypt$${params.N}$${params.r}$${params.p}$${salt.toString("base64url")}$${key.toString("base64url")}`
  })

/** Whether the password matches the stored hash, compared in constant time. */
export const verifyPassword = (password: Redacted.Redacted<string>, stored: string) =>
  Effect.gen(function* () {
    const [scheme, N, r, p, salt, key] = stored.split("$")
    if (scheme !== "scrypt" || key === undefined) return false
    const expected = Buffer.from(key, "base64url")
    const actual = yield* derive(Redacted.value(password), Buffer.from(salt!, "base64url"), Number(N), Number(r), +p!)
    return actual.length === expected.length && timingSafeEqual(actual, expected)
  })

// A user that does not exist is checked against this hash, so that its answer takes as long as a wrong password's.
let dummy: string | undefined
const dummyHash = Effect.suspend(() =>
  dummy === undefined
    ? Effect.tap(hashPassword(Redacted.make(randomBytes(16).toString("hex"))), (h) => {
        dummy = h
      })
    : Effect.succeed(dummy)
)

/** A user name: lower-case letters, digits, `.`, `_` and `-`, 1 to 64 characters (it is the actor's id). */
export const Username = Schema.String.pipe(Schema.pattern(/^[a-z0-9._-]{1,64}$/))

/** Creates an account; fails when the name is taken, malformed, or the unit is not in the directory. */
export const addUser = (input: {
  readonly username: string
  readonly password: Redacted.Redacted<string>
  readonly unit: string
  readonly roles: ReadonlyArray<string>
}) =>
  Effect.gen(function* () {
    if (!Schema.is(Username)(input.username)) {
      return yield* new AccountError({
        message: "The user name must be 1 to 64 lower-case letters, digits, '.', '_' or '-'."
      })
    }
    if (Redacted.value(input.password).length < 12) {
      return yield* new AccountError({ message: "The password must be 12 characters or more." })
    }
    const bad = input.roles.filter((role) => !Schema.is(Actor.Role)(role) || role === "system")
    if (bad.length > 0 || input.roles.length === 0) {
      return yield* new AccountError({
        message: `Give one role or more among officer, leader, viewer, identity_custodian, administrator${bad.length > 0 ? ` (not ${bad.join(", ")})` : ""}.`
      })
    }
    if (!Schema.is(Unit.UnitId)(input.unit)) return yield* new AccountError({ message: "The unit id is malformed." })
    const hierarchy = yield* (yield* UnitDirectory.UnitDirectory).hierarchy
    const today = LocalDate.ofInstant(yield* DateTime.now)
    if (Option.isNone(UnitHierarchy.get(hierarchy, Unit.UnitId.make(input.unit), today))) {
      return yield* new AccountError({
        message: `No unit ${input.unit} holds today in the directory (see the units file).`
      })
    }
    const sql = yield* SqlClient
    const [taken] = yield* sql<{
      readonly n: number
    }>`SELECT count(*) AS n FROM staff_users WHERE username = ${input.username}`
    if (Number(taken?.n ?? 0) > 0) return yield* new AccountError({ message: `The user ${input.username} exists.` })
    const hash = yield* hashPassword(input.password)
    yield* sql`INSERT INTO staff_users (username, password_hash, unit, roles, disabled, created_at)
      VALUES (${input.username}, ${hash}, ${input.unit}, ${JSON.stringify(input.roles)}, 0, ${Date.now()})`
  })

/** The columns of an account, as the sessions and the tokens read them. */
export interface UserRow {
  readonly username: string
  readonly password_hash: string
  readonly unit: string
  readonly roles: string
  readonly disabled: number
}

/** The SHA-256 of a secret, in hex: what the tables keep of a session id or a token. */
export const sha256 = (text: string) => createHash("sha256").update(text).digest("hex")
const token = () => randomBytes(32).toString("base64url")

/**
 * Checks a user name and password: the user's name when they match an enabled account, else `undefined` (the same
 * for a user that does not exist, a wrong password and a disabled account).
 */
export const checkPassword = (username: string, password: Redacted.Redacted<string>) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient
    const [user] = yield* sql<UserRow>`SELECT * FROM staff_users WHERE username = ${username}`
    const ok = yield* verifyPassword(password, user?.password_hash ?? (yield* dummyHash))
    return ok && user !== undefined && Number(user.disabled) === 0 ? user.username : undefined
  })

/** Opens a session: its id (for the cookie, never stored) and its CSRF token. */
export const openSession = (username: string) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient
    const id = token()
    const csrf = token()
    const now = Date.now()
    yield* sql`DELETE FROM staff_sessions WHERE expires_at < ${now}`
    yield* sql`INSERT INTO staff_sessions (id_hash, username, csrf, expires_at)
      VALUES (${sha256(id)}, ${username}, ${csrf}, ${now + sessionHours * 3_600_000})`
    return { id: Redacted.make(id), csrf }
  })

/** Ends a session. */
export const closeSession = (idHash: string) =>
  Effect.flatMap(SqlClient, (sql) => sql`DELETE FROM staff_sessions WHERE id_hash = ${idHash}`)

/** A live session: its hash, its CSRF token and the actor it stands for, decoded with the core's schema. */
export interface Session {
  readonly idHash: string
  readonly csrf: string
  readonly actor: Actor.Actor
}

/** The session of a cookie's id, when it is live and its account enabled and well-formed; else `undefined`. */
export const findSession = (id: Redacted.Redacted<string>) =>
  Effect.gen(function* () {
    if (Redacted.value(id) === "") return undefined
    const sql = yield* SqlClient
    const idHash = sha256(Redacted.value(id))
    const [row] = yield* sql<UserRow & { readonly csrf: string; readonly expires_at: number }>`
      SELECT u.username, u.unit, u.roles, u.disabled, s.csrf, s.expires_at
      FROM staff_sessions s JOIN staff_users u ON u.username = s.username
      WHERE s.id_hash = ${idHash}`
    if (row === undefined || Number(row.expires_at) < Date.now()) return undefined
    const actor = yield* actorOf(row)
    return actor === undefined ? undefined : ({ idHash, csrf: row.csrf, actor } satisfies Session)
  })

/**
 * The actor an enabled account stands for, or `undefined` when it is disabled or malformed. The library trusts the
 * actor it is given: the server decodes it, and a malformed account authenticates nothing.
 */
export const actorOf = (row: Pick<UserRow, "username" | "unit" | "roles" | "disabled">) =>
  Effect.gen(function* () {
    if (Number(row.disabled) !== 0) return undefined
    const roles = yield* Effect.try(() => JSON.parse(row.roles) as unknown).pipe(Effect.orElseSucceed(() => []))
    return yield* Access.decodeActor({ id: row.username, unit: row.unit, roles }).pipe(
      Effect.orElseSucceed(() => undefined)
    )
  })

/** Disables or enables an account: a disabled account's sessions and tokens authenticate nothing. */
export const setDisabled = (username: string, disabled: boolean) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient
    const [found] = yield* sql<{
      readonly n: number
    }>`SELECT count(*) AS n FROM staff_users WHERE username = ${username}`
    if (Number(found?.n ?? 0) === 0) return yield* new AccountError({ message: `No user ${username}.` })
    yield* sql`UPDATE staff_users SET disabled = ${disabled ? 1 : 0} WHERE username = ${username}`
  })

/** Whether two secrets are equal, compared in constant time. */
export const sameSecret = (a: string, b: string) => {
  const x = Buffer.from(sha256(a))
  const y = Buffer.from(sha256(b))
  return timingSafeEqual(x, y)
}
