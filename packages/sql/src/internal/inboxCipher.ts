/**
 * AES-256-GCM over bytes, for the inbox's raw deliveries, with the vault's keyring: a sealed value is the nonce,
 * the ciphertext and the tag in one base64 text, and the row names the key. The associated data binds a value to
 * its row and column, so a sealed body copied into another row, or into another column, does not open.
 *
 * @internal
 */
import { Either } from "effect"
import { type Keyring, openJoined, sealJoined } from "./vaultCipher.js"

/** @internal */
export const sealBytes = (ring: Keyring, aad: string, plaintext: Uint8Array): string =>
  sealJoined(ring.keys.get(ring.current)!, aad, plaintext)

/**
 * The bytes of a sealed value, or a plain reason it cannot be opened: never a guess at the content.
 *
 * @internal
 */
export const openBytes = (ring: Keyring, keyId: string, aad: string, sealed: string): Either.Either<Buffer, string> => {
  const key = ring.keys.get(keyId)
  if (key === undefined) return Either.left(`it was sealed with vault key "${keyId}", which is not configured`)
  try {
    return Either.right(openJoined(key, aad, sealed))
  } catch {
    return Either.left(`it does not open with vault key "${keyId}": the key is wrong or the row was altered`)
  }
}
