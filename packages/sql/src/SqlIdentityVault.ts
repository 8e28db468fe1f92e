/**
 * The reporter's identity vault over `@effect/sql`, encrypted at rest with AES-256-GCM. The `vault` table holds
 * only ciphertext and the id of the key that sealed it: the database alone never reveals a reporter, and a wrong
 * or missing key refuses to open a row rather than return garbage.
 *
 * @since 0.1.0
 */
import { SqlClient } from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import { IdentityVault } from "@tinbao/core"
import { Effect, Either, Layer, Option, Redacted, Schema } from "effect"
import { leaveOr } from "./internal/later.js"
import { prepareInsert } from "./internal/prepared.js"
import * as cipher from "./internal/vaultCipher.js"

/**
 * The vault's keys. `keys` maps a key id to a 32-byte AES key, written as 64 hex digits or base64; new identities
 * are sealed with `currentKeyId`, and each stored row names its key, so rotating means adding a key and making it
 * current while the old ones stay. `fingerprintKey` is the separate secret behind reporter fingerprints.
 *
 * @since 0.1.0
 * @category models
 */
export interface Config {
  readonly keys: Readonly<Record<string, Redacted.Redacted<string>>>
  readonly currentKeyId: string
  readonly fingerprintKey: IdentityVault.FingerprintKey
}

const Row = Schema.Struct({
  key_id: Schema.NullOr(Schema.String),
  iv: Schema.NullOr(Schema.String),
  ciphertext: Schema.NullOr(Schema.String),
  tag: Schema.NullOr(Schema.String),
  forgotten: Schema.Union(Schema.Number, Schema.NumberFromString)
})
const Rows = Schema.Array(Row)

const unavailable = (cause: SqlError) =>
  new IdentityVault.IdentityVaultError({
    reason: "unavailable",
    message: "The identity vault's database cannot be reached.",
    cause
  })

const corrupt = (message: string) => new IdentityVault.IdentityVaultError({ reason: "corrupt", message })

const stored = (
  ring: cipher.Keyring,
  alias: IdentityVault.AliasId,
  row: typeof Row.Type
): Effect.Effect<IdentityVault.StoredIdentity, IdentityVault.IdentityVaultError> => {
  if (row.forgotten !== 0) return Effect.succeed({ _tag: "Forgotten" })
  const { key_id: keyId, iv, ciphertext, tag } = row
  if (keyId === null || iv === null || ciphertext === null || tag === null) {
    return Effect.fail(corrupt(`the sealed identity under ${alias} is incomplete`))
  }
  return Either.match(cipher.open(ring, alias, { keyId, iv, ciphertext, tag }), {
    onLeft: (why) => Effect.fail(corrupt(`the sealed identity under ${alias} cannot be opened: ${why}`)),
    onRight: (plaintext) => Effect.succeed({ _tag: "Sealed", identity: Redacted.make(plaintext) })
  })
}

/**
 * The vault's storage over the `SqlClient` in context. Fails with "unavailable" when the keys are unusable.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeStore = (
  config: Pick<Config, "keys" | "currentKeyId">
): Effect.Effect<IdentityVault.Store, IdentityVault.IdentityVaultError, SqlClient> =>
  Effect.gen(function* () {
    const sql = yield* SqlClient
    const ring = yield* Either.match(cipher.keyring(config.keys, config.currentKeyId), {
      onLeft: (message) => Effect.fail(new IdentityVault.IdentityVaultError({ reason: "unavailable", message })),
      onRight: Effect.succeed
    })
    // Aliases are fresh keys read back only after COMMIT, so in a group commit the row is written, and sealed,
    // with the batch: sealed one after another, identities take a fifth of the time (docs/storage.md).
    const insert = prepareInsert(
      sql,
      "vault",
      ["alias", "key_id", "iv", "ciphertext", "tag", "forgotten"],
      "",
      (rows: ReadonlyArray<{ readonly alias: string; readonly identity: string }>) =>
        rows.map(({ alias, identity }) => {
          const { keyId, iv, ciphertext, tag } = cipher.seal(ring, alias, identity)
          return { alias, key_id: keyId, iv, ciphertext, tag, forgotten: 0 }
        })
    )
    const put: IdentityVault.Store["put"] = (alias, identity) => {
      const row = [{ alias, identity: Redacted.value(identity) }]
      return leaveOr(insert, row, insert(row)).pipe(Effect.asVoid, Effect.catchTag("SqlError", unavailable))
    }
    const get: IdentityVault.Store["get"] = (alias) =>
      sql`SELECT key_id, iv, ciphertext, tag, forgotten FROM vault WHERE alias = ${alias}`.pipe(
        Effect.flatMap(Schema.decodeUnknown(Rows)),
        Effect.catchTags({
          SqlError: unavailable,
          ParseError: () => Effect.fail(corrupt(`the vault row under ${alias} is malformed`))
        }),
        Effect.flatMap((rows) =>
          rows.length === 0 ? Effect.succeed(Option.none()) : Effect.asSome(stored(ring, alias, rows[0]!))
        )
      )
    // The ciphertext goes too, not only the mark: an erased identity must not be recoverable with the key.
    const erase: IdentityVault.Store["erase"] = (alias) =>
      sql`UPDATE vault SET key_id = NULL, iv = NULL, ciphertext = NULL, tag = NULL, forgotten = 1
        WHERE alias = ${alias}`.pipe(Effect.asVoid, Effect.catchTag("SqlError", unavailable))
    return { put, get, erase }
  })

/**
 * The identity vault over the `SqlClient` in context.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  config: Config
): Effect.Effect<IdentityVault.IdentityVault["Type"], IdentityVault.IdentityVaultError, SqlClient> =>
  Effect.flatMap(makeStore(config), (store) => IdentityVault.make({ key: config.fingerprintKey, store }))

/**
 * The identity vault as a layer; run the migrations first (`SqlStorage.layer` does).
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  config: Config
): Layer.Layer<IdentityVault.IdentityVault, IdentityVault.IdentityVaultError, SqlClient> =>
  Layer.effect(IdentityVault.IdentityVault, make(config))
