import type { KeyObject } from "node:crypto"
import { Context, Effect, Either, Layer, Option, Redacted, Schema } from "effect"
import type { Label } from "../shared/label.js"
import { IdentityId, identityText, withoutNul } from "../shared/text.js"
import * as alias_ from "./alias.js"
import * as codec from "./codec.js"
import * as key_ from "./key.js"
import { makeMemoryStore } from "./memory.js"
import * as strength from "./strength.js"

/**
 * Who a reporter is on a channel: the channel's id (e.g. a Zalo OA id), the platform's id for the user, and what
 * the platform showed of them. An error on an identity field names the field and its rule, never the value; no
 * field holds a NUL character.
 *
 * @since 0.1.0
 * @category models
 */
export const Identity = Schema.Struct({
  channel: Schema.NonEmptyTrimmedString.pipe(withoutNul()),
  platformUserId: IdentityId,
  displayName: Schema.optionalWith(identityText("a display name"), { exact: true }),
  phone: Schema.optionalWith(identityText("a phone number"), { exact: true }),
  /** An address the reporter shared (since 0.2.0). */
  address: Schema.optionalWith(identityText("an address"), { exact: true })
}).annotations({ identifier: "Identity" })

/**
 * @since 0.1.0
 * @category models
 */
export type Identity = typeof Identity.Type

/**
 * Contact details a reporter shared after the first message (Zalo's `user_submit_info`): a phone number, an
 * address, or both. An identity like the rest: it travels only as `Redacted`.
 *
 * @since 0.2.0
 * @category models
 */
export const ContactDetails = Schema.Struct({
  phone: Schema.optionalWith(identityText("a phone number"), { exact: true }),
  address: Schema.optionalWith(identityText("an address"), { exact: true })
}).annotations({ identifier: "ContactDetails" })

/**
 * @since 0.2.0
 * @category models
 */
export type ContactDetails = typeof ContactDetails.Type

/**
 * The reporter's pseudonym on one tip: "AL-" and 16 random base32 characters (80 bits), so it can be neither
 * guessed nor enumerated.
 *
 * @since 0.1.0
 * @category models
 */
export const AliasId = Schema.String.pipe(
  Schema.pattern(alias_.pattern, { message: () => "an alias: AL- followed by 16 base32 characters" }),
  Schema.brand("@tinbao/core/AliasId")
).annotations({ identifier: "AliasId" })

/**
 * @since 0.1.0
 * @category models
 */
export type AliasId = typeof AliasId.Type

/**
 * The name officers see for the reporter of a tip, e.g. "Người báo tin #K7Q2". Derived from the alias, never stored.
 *
 * @since 0.1.0
 * @category getters
 */
export const aliasName = (alias: AliasId): string => `Người báo tin #${alias_.shortTag(alias)}`

/**
 * {@link aliasName} in Vietnamese and English.
 *
 * @since 0.1.0
 * @category getters
 */
export const aliasLabel = (alias: AliasId): Label => ({
  vi: aliasName(alias),
  en: `Reporter #${alias_.shortTag(alias)}`
})

/**
 * The vault's one error. Its message names aliases and fields, never a value of an identity nor a key.
 * `key_refused`: a key given to the vault breaks one of `VaultKey`'s rules; the message names the key (its id, or
 * "the fingerprint key") and the rule.
 *
 * @since 0.1.0
 * @category errors
 */
export class IdentityVaultError extends Schema.TaggedError<IdentityVaultError>("@tinbao/core/IdentityVaultError")(
  "IdentityVaultError",
  {
    reason: Schema.Literal("not_found", "forgotten", "unavailable", "corrupt", "key_refused"),
    message: Schema.String,
    cause: Schema.optional(Schema.Defect)
  }
) {}

/**
 * The vault. `reveal` gives raw access to an identity: the caller checks the officer's role first.
 *
 * @since 0.1.0
 * @category tags
 */
export class IdentityVault extends Context.Tag("@tinbao/core/IdentityVault")<
  IdentityVault,
  {
    /** Seals an identity under a fresh alias: every tip gets its own, even from the same reporter. */
    readonly seal: (identity: Redacted.Redacted<Identity>) => Effect.Effect<AliasId, IdentityVaultError>
    /** The identity behind an alias. */
    readonly reveal: (alias: AliasId) => Effect.Effect<Redacted.Redacted<Identity>, IdentityVaultError>
    /** A keyed hash of channel and platform user id: the same reporter gives the same fingerprint. */
    readonly fingerprint: (identity: Redacted.Redacted<Identity>) => Effect.Effect<string, IdentityVaultError>
    /**
     * Adds contact details to the identity behind an alias and seals it again; a detail given replaces the one
     * held (since 0.2.0). An erased identity is never revived: it fails with "forgotten" (or "not_found").
     */
    readonly amend: (
      alias: AliasId,
      details: Redacted.Redacted<ContactDetails>
    ) => Effect.Effect<void, IdentityVaultError>
    /** Erases the identity behind an alias (a data-subject request, the end of retention). Idempotent. */
    readonly forget: (alias: AliasId) => Effect.Effect<void, IdentityVaultError>
  }
>() {}

/**
 * What a {@link Store} holds under an alias: the sealed identity (its JSON, as {@link Identity} encodes it) or the
 * mark that it was erased.
 *
 * @since 0.1.0
 * @category models
 */
export type StoredIdentity =
  | { readonly _tag: "Sealed"; readonly identity: Redacted.Redacted<string> }
  | { readonly _tag: "Forgotten" }

/**
 * The storage a vault needs. Aliases, fingerprints and Schema coding are done by {@link make}; a store only keeps
 * JSON under an alias and, on `erase`, replaces it with a `Forgotten` mark.
 *
 * @since 0.1.0
 * @category models
 */
export interface Store {
  readonly put: (alias: AliasId, identity: Redacted.Redacted<string>) => Effect.Effect<void, IdentityVaultError>
  readonly get: (alias: AliasId) => Effect.Effect<Option.Option<StoredIdentity>, IdentityVaultError>
  /**
   * Replaces the identity sealed under an alias (since 0.2.0), in the caller's transaction, and answers `true`; an
   * alias that holds no sealed identity (nothing, or the `Forgotten` mark) is left as it is, and the answer is
   * `false`: `replace` never revives an erased identity.
   */
  readonly replace: (alias: AliasId, identity: Redacted.Redacted<string>) => Effect.Effect<boolean, IdentityVaultError>
  readonly erase: (alias: AliasId) => Effect.Effect<void, IdentityVaultError>
}

/**
 * The secret behind fingerprints: at least 32 bytes that pass `VaultKey`'s rules (`npx tinbao keys generate`
 * makes one). A string is used as its UTF-8 bytes, so a generated key is used as it is written. Keep it: with
 * another key the same reporter gets another fingerprint.
 *
 * @since 0.1.0
 * @category models
 */
export type FingerprintKey = Redacted.Redacted<Uint8Array> | Redacted.Redacted<string> | string

const fail = (reason: IdentityVaultError["reason"], message: string) =>
  Effect.fail(new IdentityVaultError({ reason, message }))

const openIdentity = codec.openWith(Identity, "the identity")
const openDetails = codec.openWith(ContactDetails, "the contact details")
const openStored = codec.openWith(Schema.parseJson(Identity), "the stored identity")

const open = <A>(opened: Either.Either<A, codec.Problem>, alias?: AliasId): Effect.Effect<A, IdentityVaultError> =>
  Either.match(opened, {
    onLeft: (problem) => fail("corrupt", alias === undefined ? problem : `${problem} (alias ${alias})`),
    onRight: Effect.succeed
  })

const isAlias = Schema.is(AliasId)

const fromKey = (key: KeyObject, store: Store): Context.Tag.Service<IdentityVault> => {
  const lookup = (alias: AliasId) =>
    isAlias(alias)
      ? Effect.flatMap(store.get(alias), (cell) =>
          Option.isNone(cell)
            ? fail("not_found", `no reporter identity is sealed under ${alias}`)
            : Effect.succeed(cell.value)
        )
      : fail("not_found", "not an alias: aliases are AL- followed by 16 base32 characters")
  return IdentityVault.of({
    seal: (identity) =>
      Effect.gen(function* () {
        const opened = yield* open(openIdentity(identity))
        // 80 random bits: a repeat is not worth a round trip to check for.
        const alias = alias_.randomAlias() as AliasId
        yield* store.put(alias, Redacted.make(JSON.stringify(opened)))
        return alias
      }),
    reveal: (alias) =>
      Effect.flatMap(lookup(alias), (cell) =>
        cell._tag === "Forgotten"
          ? fail("forgotten", `the reporter identity under ${alias} has been erased`)
          : Effect.map(open(openStored(cell.identity), alias), Redacted.make)
      ),
    amend: (alias, details) =>
      Effect.gen(function* () {
        const added = yield* open(openDetails(details))
        const cell = yield* lookup(alias)
        if (cell._tag === "Forgotten")
          return yield* fail("forgotten", `the reporter identity under ${alias} has been erased`)
        const held = yield* open(openStored(cell.identity), alias)
        // Erased between the read and the write (a `forget` racing the amend): the mark stays.
        const replaced = yield* store.replace(alias, Redacted.make(JSON.stringify({ ...held, ...added })))
        if (!replaced) return yield* fail("forgotten", `the reporter identity under ${alias} has been erased`)
      }),
    fingerprint: (identity) =>
      Effect.map(open(openIdentity(identity)), (opened) =>
        key_.fingerprintOf(key, opened.channel, opened.platformUserId)
      ),
    // An identity that does not open (its key is not configured, its row is damaged) is erased all the same:
    // erasing needs no key, and a data-subject request must not wait for one.
    forget: (alias) =>
      lookup(alias).pipe(
        Effect.catchIf(
          (error) => error.reason === "corrupt",
          () => Effect.succeed(undefined)
        ),
        Effect.flatMap((cell) => (cell?._tag === "Forgotten" ? Effect.void : store.erase(alias)))
      )
  })
}

/**
 * A vault over a {@link Store}. Fails with "key_refused" when the fingerprint key breaks one of `VaultKey`'s rules.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: {
  readonly key: FingerprintKey
  readonly store: Store
}): Effect.Effect<Context.Tag.Service<IdentityVault>, IdentityVaultError> =>
  Effect.suspend(() => {
    const imported = key_.importKey(options.key)
    return "key" in imported
      ? Effect.succeed(fromKey(imported.key, options.store))
      : fail("key_refused", strength.refusal("the fingerprint key", imported.refused))
  })

/**
 * An in-memory vault whose fingerprint key is random and lives as long as the layer: fingerprints from one
 * instance do not match those from another.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerMemory: Layer.Layer<IdentityVault> = Layer.sync(IdentityVault, () =>
  fromKey(key_.randomKey(), makeMemoryStore().store)
)

/**
 * An in-memory vault with a given fingerprint key, so fingerprints are stable across instances.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerMemoryWithKey = (key: FingerprintKey): Layer.Layer<IdentityVault, IdentityVaultError> =>
  Layer.effect(
    IdentityVault,
    Effect.suspend(() => make({ key, store: makeMemoryStore().store }))
  )
