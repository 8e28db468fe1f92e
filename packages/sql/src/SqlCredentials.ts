/**
 * Platform credentials (a Zalo OA's access and refresh tokens) over `@effect/sql`, in the table `credentials`.
 * The tokens are sealed with the identity vault's keys (AES-256-GCM, the account authenticated with the row), so
 * the database alone never gives a token away; expiry times and the status stay in the clear, to list the accounts
 * that need reconnecting.
 *
 * One refresh at a time per account: within a process, the core's lock per account; across processes on
 * PostgreSQL, a transaction that holds the account's row lock (`SELECT … FOR UPDATE`) while the platform is asked
 * for the new pair and the pair is written. On SQLite the lock is the process's alone: an SQLite file is used by one process,
 * and a transaction held across the platform's answer would stop every other write.
 *
 * @since 0.2.0
 * @module
 */
import { SqlClient } from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import { Credentials } from "@tinbao/core"
import { Effect, Either, Layer, Schema } from "effect"
import { rowDecoder } from "./internal/rowDecoding.js"
import { Int } from "./internal/sqlErrors.js"
import * as cipher from "./internal/vaultCipher.js"

/**
 * The keys that seal the tokens: the identity vault's (`SqlIdentityVault.Config`'s `keys` and `currentKeyId`).
 *
 * @since 0.2.0
 * @category models
 */
export interface Config {
  readonly keys: Parameters<typeof cipher.keyring>[0]
  readonly currentKeyId: string
}

const Columns = Schema.Struct({
  account: Schema.String,
  key_id: Schema.String,
  iv: Schema.String,
  ciphertext: Schema.String,
  tag: Schema.String,
  expires_at: Int,
  refresh_expires_at: Schema.NullOr(Int),
  generation: Int,
  status: Schema.String,
  problem: Schema.NullOr(Schema.String),
  updated_at: Int
})

const Secrets = Schema.parseJson(
  Schema.Struct({ accessToken: Schema.String, refreshToken: Schema.NullOr(Schema.String) })
)
const decodeSecrets = Schema.decodeUnknownEither(Secrets)
const encodeSecrets = Schema.encodeSync(Secrets)

const error = (account: string, reason: Credentials.Reason, message: string, cause?: unknown) =>
  new Credentials.CredentialsError({ account, reason, message, ...(cause === undefined ? {} : { cause }) })

const decodeRows = rowDecoder(Columns, "credentials", (message) => error("", "corrupt", message))

const unavailable = (account: string) => (cause: SqlError) =>
  error(account, "unavailable", "The credentials' database cannot be reached.", cause)

// The account is authenticated with its sealed tokens: a row copied under another account does not open.
const aad = (account: string) => `credentials:${account}`

/**
 * The credentials' storage over the `SqlClient` in context; run the migrations first. Fails with `unavailable`
 * when the keys are unusable.
 *
 * @since 0.2.0
 * @category constructors
 */
export const makeEncoded = (
  config: Config
): Effect.Effect<Credentials.Encoded, Credentials.CredentialsError, SqlClient> =>
  Effect.gen(function* () {
    const sql = yield* SqlClient
    const ring = yield* Either.match(cipher.keyring(config.keys, config.currentKeyId), {
      onLeft: (message) => Effect.fail(error("", "unavailable", message)),
      onRight: Effect.succeed
    })
    const open = (row: typeof Columns.Type): Effect.Effect<Credentials.Row, Credentials.CredentialsError> => {
      const sealed = { keyId: row.key_id, iv: row.iv, ciphertext: row.ciphertext, tag: row.tag }
      const plain = cipher.open(ring, aad(row.account), sealed)
      if (Either.isLeft(plain)) {
        return Effect.fail(
          error(row.account, "corrupt", `The tokens of ${row.account} cannot be opened: ${plain.left}.`)
        )
      }
      const secrets = decodeSecrets(plain.right)
      if (Either.isLeft(secrets)) {
        return Effect.fail(error(row.account, "corrupt", `The sealed tokens of ${row.account} are malformed.`))
      }
      return Effect.succeed({
        account: row.account,
        accessToken: secrets.right.accessToken,
        refreshToken: secrets.right.refreshToken,
        expiresAt: row.expires_at,
        refreshExpiresAt: row.refresh_expires_at,
        generation: row.generation,
        status: row.status,
        problem: row.problem,
        updatedAt: row.updated_at
      })
    }
    const select = (account: string, lock: boolean) =>
      sql`SELECT * FROM credentials WHERE account = ${account} ${lock ? sql.literal("FOR UPDATE") : sql.literal("")}`.pipe(
        Effect.catchTag("SqlError", unavailable(account)),
        Effect.flatMap(decodeRows)
      )
    const acrossProcesses = sql.onDialectOrElse({
      pg: () => true,
      orElse: () => false
    })
    return {
      get: (account) =>
        Effect.flatMap(select(account, false), (rows) =>
          rows[0] === undefined ? Effect.succeed(undefined) : open(rows[0])
        ),
      list: sql`SELECT * FROM credentials ORDER BY account`.pipe(
        Effect.catchTag("SqlError", unavailable("")),
        Effect.flatMap(decodeRows),
        Effect.flatMap((rows) => Effect.forEach(rows, open))
      ),
      put: (row) => {
        const sealed = cipher.seal(
          ring,
          aad(row.account),
          encodeSecrets({ accessToken: row.accessToken, refreshToken: row.refreshToken })
        )
        return sql`INSERT INTO credentials (account, key_id, iv, ciphertext, tag, expires_at, refresh_expires_at,
          generation, status, problem, updated_at)
          VALUES (${row.account}, ${sealed.keyId}, ${sealed.iv}, ${sealed.ciphertext}, ${sealed.tag}, ${row.expiresAt},
          ${row.refreshExpiresAt}, ${row.generation}, ${row.status}, ${row.problem}, ${row.updatedAt})
          ON CONFLICT (account) DO UPDATE SET key_id = excluded.key_id, iv = excluded.iv,
          ciphertext = excluded.ciphertext, tag = excluded.tag, expires_at = excluded.expires_at,
          refresh_expires_at = excluded.refresh_expires_at, generation = excluded.generation,
          status = excluded.status, problem = excluded.problem, updated_at = excluded.updated_at`.pipe(
          Effect.asVoid,
          Effect.catchTag("SqlError", unavailable(row.account))
        )
      },
      remove: (account) =>
        sql`DELETE FROM credentials WHERE account = ${account} RETURNING account`.pipe(
          Effect.map((rows) => rows.length > 0),
          Effect.catchTag("SqlError", unavailable(account))
        ),
      // The core makes this process's callers wait for each other; on PostgreSQL the row lock holds off the others.
      exclusive: (account, effect) =>
        acrossProcesses
          ? sql
              .withTransaction(Effect.zipRight(select(account, true), Effect.either(effect)))
              .pipe(Effect.catchTag("SqlError", unavailable(account)), Effect.flatten)
          : effect
    } satisfies Credentials.Encoded
  })

/**
 * The credentials service over the `SqlClient` in context; run the migrations first (`SqlStorage.layer` does).
 *
 * @since 0.2.0
 * @category constructors
 */
export const make = (
  config: Config
): Effect.Effect<Credentials.Credentials["Type"], Credentials.CredentialsError, SqlClient> =>
  Effect.map(makeEncoded(config), Credentials.makeEncoded)

/**
 * The credentials service as a layer; run the migrations first.
 *
 * @since 0.2.0
 * @category layers
 */
export const layer = (config: Config): Layer.Layer<Credentials.Credentials, Credentials.CredentialsError, SqlClient> =>
  Layer.effect(Credentials.Credentials, make(config))
