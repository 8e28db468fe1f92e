/**
 * The reporter's identity vault. A tip never holds who reported it: it holds an alias, and the platform user id,
 * name and phone behind that alias live here, sealed, until the law or the reporter asks for them to be erased.
 * Identities travel only as `Redacted`, so logs, `String`, `JSON.stringify` and `util.inspect` never show them.
 *
 * @since 0.1.0
 * @module
 */

export type { FingerprintKey, Store, StoredIdentity } from "./internal/vault/identityVault.js"
export {
  AliasId,
  aliasLabel,
  aliasName,
  ContactDetails,
  Identity,
  IdentityVault,
  IdentityVaultError,
  layerMemory,
  layerMemoryWithKey,
  make
} from "./internal/vault/identityVault.js"
