/**
 * The keys of the identity vault: the vault keys that seal identities (`SqlIdentityVault`'s `keys`) and the
 * fingerprint key. A key is refused when it has the wrong length or shows one of three plain signs of not being
 * drawn at random (see {@link Rule}); {@link generate} and `npx tinbao keys generate` make good ones.
 *
 * @since 0.2.0
 * @module
 */

export type { Length, Rule, Weakness } from "./internal/vault/strength.js"
export { generate, keyBytes, minDistinct, refusal, weakness } from "./internal/vault/strength.js"
