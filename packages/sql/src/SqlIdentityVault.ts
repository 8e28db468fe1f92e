/**
 * The reporter's identity vault over `@effect/sql`, encrypted at rest with AES-256-GCM. Each identity is sealed
 * with a data key of its own, kept in `vault_keys` wrapped with a vault key; `vault` holds only ciphertext. The
 * database alone never reveals a reporter, a wrong or missing key refuses to open a row rather than return
 * garbage, and `forget` destroys the data key, so that no copy of the ciphertext left anywhere opens again.
 *
 * @since 0.1.0
 * @module
 */
import { SqlClient } from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import { IdentityVault } from "@tinbao/core"
import { Duration, Effect, Either, Layer, Option, Redacted, Schema } from "effect"
import { type Gathering, withGathering } from "./internal/later.js"
import { prepareInsert } from "./internal/prepared.js"
import * as cipher from "./internal/vaultCipher.js"
import * as upkeep from "./internal/vaultUpkeep.js"

/**
 * The vault's keys. `keys` maps a key id to a 32-byte AES key, written as 64 hex digits or base64, that passes
 * `VaultKey`'s rules (`npx tinbao keys generate` makes one); new data keys are wrapped with `currentKeyId`, and each
 * wrapped key names its vault key, so rotating means adding a key and making it current while the old ones stay
 * (and {@link rewrap} lets them go). `fingerprintKey` is the separate secret behind reporter fingerprints.
 *
 * @since 0.1.0
 * @category models
 */
export interface Config {
  readonly keys: Readonly<Record<string, Redacted.Redacted<string>>>
  readonly currentKeyId: string
  readonly fingerprintKey: IdentityVault.FingerprintKey
}

const Text = Schema.NullOr(Schema.String)
const Rows = Schema.Array(
  Schema.Struct({
    key_id: Text,
    iv: Text,
    ciphertext: Text,
    tag: Text,
    forgotten: Schema.Union(Schema.Number, Schema.NumberFromString),
    data_key_id: Text,
    data_key: Text
  })
)

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
  row: (typeof Rows.Type)[number]
): Effect.Effect<IdentityVault.StoredIdentity, IdentityVault.IdentityVaultError> => {
  if (row.forgotten !== 0) return Effect.succeed({ _tag: "Forgotten" })
  const { iv, ciphertext, tag } = row
  if (iv === null || ciphertext === null || tag === null) {
    return Effect.fail(corrupt(`the sealed identity under ${alias} is incomplete`))
  }
  // With a data key, or (sealed before data keys, and not yet given one) with the vault key it names.
  const opened =
    row.data_key_id !== null && row.data_key !== null
      ? Either.flatMap(cipher.unwrap(ring, alias, { keyId: row.data_key_id, wrapped: row.data_key }), (dataKey) => {
          const plaintext = cipher.openWith(dataKey, alias, { iv, ciphertext, tag })
          dataKey.fill(0)
          return plaintext
        })
      : row.key_id !== null
        ? cipher.open(ring, alias, { keyId: row.key_id, iv, ciphertext, tag })
        : Either.left("its data key is missing")
  return Either.match(opened, {
    onLeft: (why) => Effect.fail(corrupt(`the sealed identity under ${alias} cannot be opened: ${why}`)),
    onRight: (plaintext) => Effect.succeed({ _tag: "Sealed", identity: Redacted.make(plaintext) })
  })
}

const keyringOf = (config: Pick<Config, "keys" | "currentKeyId">) =>
  Either.match(cipher.keyringOf(config.keys, config.currentKeyId), {
    onLeft: (problem) => Effect.fail(new IdentityVault.IdentityVaultError(problem)),
    onRight: Effect.succeed
  })

// An identity on its way in: sealed, and its data key made and wrapped, when first needed by either of the two
// inserts, which must agree on the data key.
interface Pending {
  readonly alias: string
  identity: string
  sealed?: cipher.Wrapped & Omit<cipher.Sealed, "keyId">
}

/**
 * The vault's storage over the `SqlClient` in context. Fails with "key_refused" when a key breaks one of
 * `VaultKey`'s rules and "unavailable" when the keys are otherwise unusable. Identities sealed before data keys
 * (by `@tinbao/sql` 0.1) are given theirs as it starts.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeStore = (
  config: Pick<Config, "keys" | "currentKeyId">
): Effect.Effect<IdentityVault.Store, IdentityVault.IdentityVaultError, SqlClient> =>
  Effect.gen(function* () {
    const sql = yield* SqlClient
    const ring = yield* keyringOf(config)
    const upgraded = yield* upkeep.upgrade(sql, ring).pipe(Effect.catchTag("SqlError", unavailable))
    if (upgraded > 0) {
      yield* Effect.logInfo(`The identity vault gave ${upgraded} identities sealed before data keys a data key each.`)
    }
    const sealedOf = (pending: Pending) => {
      if (pending.sealed === undefined) {
        const dataKey = cipher.newDataKey()
        pending.sealed = {
          ...cipher.sealWith(dataKey, pending.alias, pending.identity),
          ...cipher.wrap(ring, pending.alias, dataKey)
        }
        dataKey.fill(0)
        pending.identity = ""
      }
      return pending.sealed
    }
    // Aliases are fresh keys read back only after COMMIT, so in a group commit the rows are written, and sealed,
    // with the batch: sealed one after another, identities take a fifth of the time (docs/storage.md).
    const insertIdentities = prepareInsert(
      sql,
      "vault",
      ["alias", "key_id", "iv", "ciphertext", "tag", "forgotten"],
      "",
      (rows: ReadonlyArray<Pending>) =>
        rows.map((pending) => {
          const { iv, ciphertext, tag } = sealedOf(pending)
          return { alias: pending.alias, key_id: null, iv, ciphertext, tag, forgotten: 0 }
        })
    )
    const insertKeys = prepareInsert(
      sql,
      "vault_keys",
      ["alias", "key_id", "data_key"],
      "",
      (rows: ReadonlyArray<Pending>) =>
        rows.map((pending) => {
          const { keyId, wrapped } = sealedOf(pending)
          return { alias: pending.alias, key_id: keyId, data_key: wrapped }
        })
    )
    const put: IdentityVault.Store["put"] = (alias, identity) =>
      withGathering((batch, own) => {
        const pending: Pending = { alias, identity: Redacted.value(identity) }
        if (batch === undefined || !own) {
          return sql.withTransaction(Effect.zipRight(insertKeys([pending]), insertIdentities([pending])))
        }
        // Left by alias, so that a later read or amend in the same batch finds the identity not yet written. An alias
        // left already (a repeat) runs the batch again carefully, where the second insert fails on its own.
        if (batch.pending(insertIdentities, alias) !== undefined) return batch.runCarefully
        batch.leave(insertKeys, pending, alias)
        batch.leave(insertIdentities, pending, alias)
        return Effect.void
      }).pipe(Effect.asVoid, Effect.catchTag("SqlError", unavailable))
    const leftOf = (batch: Gathering | undefined, alias: string) => {
      const left = batch?.pending(insertIdentities, alias)
      return left !== undefined && left.sealed === undefined ? left : undefined
    }
    const get: IdentityVault.Store["get"] = (alias) =>
      withGathering((batch) => {
        const left = leftOf(batch, alias)
        return left !== undefined
          ? Effect.succeedSome<IdentityVault.StoredIdentity>({ _tag: "Sealed", identity: Redacted.make(left.identity) })
          : read(alias)
      })
    const read = (alias: IdentityVault.AliasId) =>
      sql`SELECT v.key_id, v.iv, v.ciphertext, v.tag, v.forgotten, k.key_id AS data_key_id, k.data_key
        FROM vault v LEFT JOIN vault_keys k ON k.alias = v.alias WHERE v.alias = ${alias}`.pipe(
        Effect.flatMap(Schema.decodeUnknown(Rows)),
        Effect.catchTags({
          SqlError: unavailable,
          ParseError: () => Effect.fail(corrupt(`the vault row under ${alias} is malformed`))
        }),
        Effect.flatMap((rows) =>
          rows.length === 0 ? Effect.succeed(Option.none()) : Effect.asSome(stored(ring, alias, rows[0]!))
        )
      )
    // An amended identity gets a fresh data key, and the old one goes: a copy of the old ciphertext opens with no
    // key the vault keeps. Only a row that is not forgotten is written, so that an amend never revives one.
    const rewrite = (pending: Pending) =>
      Effect.gen(function* () {
        const { iv, ciphertext, tag, keyId, wrapped } = sealedOf(pending)
        const rows = yield* sql`UPDATE vault SET key_id = NULL, iv = ${iv}, ciphertext = ${ciphertext}, tag = ${tag}
          WHERE alias = ${pending.alias} AND forgotten = 0 RETURNING alias`
        if (rows.length === 0) return false
        yield* sql`INSERT INTO vault_keys (alias, key_id, data_key) VALUES (${pending.alias}, ${keyId}, ${wrapped})
          ON CONFLICT (alias) DO UPDATE SET key_id = excluded.key_id, data_key = excluded.data_key`
        return true
      })
    const replace: IdentityVault.Store["replace"] = (alias, identity) =>
      withGathering((batch, own) => {
        const pending: Pending = { alias, identity: Redacted.value(identity) }
        if (batch === undefined) return sql.withTransaction(rewrite(pending))
        // Sealed in this batch and not written yet: the row left is replaced, or, below the block's own level (in a
        // savepoint that may roll back), the batch runs again carefully, where the row is written at once.
        if (leftOf(batch, alias) !== undefined) {
          if (!own) return batch.runCarefully
          batch.leave(insertKeys, pending, alias)
          batch.leave(insertIdentities, pending, alias)
          return Effect.succeed(true)
        }
        return own ? rewrite(pending) : sql.withTransaction(rewrite(pending))
      }).pipe(Effect.catchTag("SqlError", unavailable))
    // The data key goes, which is what makes every copy of the ciphertext unreadable; the ciphertext goes too.
    const erase: IdentityVault.Store["erase"] = (alias) =>
      sql
        .withTransaction(
          Effect.zipRight(
            sql`UPDATE vault SET key_id = NULL, iv = NULL, ciphertext = NULL, tag = NULL, forgotten = 1
              WHERE alias = ${alias}`,
            sql`DELETE FROM vault_keys WHERE alias = ${alias}`
          )
        )
        .pipe(Effect.asVoid, Effect.catchTag("SqlError", unavailable))
    return { put, get, replace, erase }
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

/**
 * What {@link rewrap} did: `rewrapped`, how many data keys it wrapped again with the current vault key; `left`, by
 * vault key id, how many identities still need another key than the current one (their data key or their old seal
 * did not open with the keys given). An old key can be removed once `left` does not name it.
 *
 * @since 0.2.0
 * @category models
 */
export interface Rewrapped {
  readonly rewrapped: number
  readonly left: Readonly<Record<string, number>>
}

/**
 * Wraps every data key that is under another vault key again, with the current one, and gives any identity sealed
 * before data keys its own. Only the small wrapped keys are written again, never the identities: after a rotation,
 * run it, then remove the old key from the configuration and destroy it; every copy of the vault made before
 * (backups, old files) then opens with no key you keep, and what was forgotten before stays unreadable there too.
 *
 * @since 0.2.0
 * @category upkeep
 */
export const rewrap = (
  config: Pick<Config, "keys" | "currentKeyId">
): Effect.Effect<Rewrapped, IdentityVault.IdentityVaultError, SqlClient> =>
  Effect.gen(function* () {
    const sql = yield* SqlClient
    const ring = yield* keyringOf(config)
    return yield* upkeep.rewrap(sql, ring).pipe(Effect.catchTag("SqlError", unavailable))
  })

/**
 * Removes from the database files what `forget` erased before it was called, at once rather than when the database
 * gets round to it. On SQLite (whose `secure_delete` already zeroed the erased rows in their pages) it checkpoints
 * the write-ahead log and empties it. On PostgreSQL it rewrites `vault_keys` (`VACUUM FULL`), which locks the
 * vault while it runs: an erased row stays in a table's file until the table is rewritten, and a plain `VACUUM`
 * does not clear the space it frees. PostgreSQL keeps an erased row, through any rewrite, while a transaction that
 * could still see it is open, so it first waits, at most `wait` (default 30 seconds), for the transactions of the
 * database (those its role may see) and replication slots that began before it. With `full`, it also removes what
 * older versions and the upgrade to data keys left: on SQLite the whole file is rebuilt (`VACUUM`), on PostgreSQL
 * `vault` is rewritten too; run that once after upgrading from 0.1. Not in a transaction. It fails with
 * "unavailable" when it could not (another SQLite connection was reading; PostgreSQL transactions outlasted
 * `wait`), and then nothing was left half done: try again. What it cannot reach: docs/storage.md, "The identity
 * vault".
 *
 * @since 0.2.0
 * @category upkeep
 */
export const shred = (options?: {
  readonly full?: boolean
  readonly wait?: Duration.DurationInput
}): Effect.Effect<void, IdentityVault.IdentityVaultError, SqlClient> =>
  Effect.gen(function* () {
    const sql = yield* SqlClient
    const why = yield* upkeep
      .shred(sql, options?.full === true, Duration.decode(options?.wait ?? "30 seconds"))
      .pipe(Effect.catchTag("SqlError", unavailable))
    if (Option.isSome(why)) {
      return yield* new IdentityVault.IdentityVaultError({ reason: "unavailable", message: why.value })
    }
  })
