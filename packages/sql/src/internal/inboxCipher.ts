/**
 * AES-256-GCM over bytes, for the inbox's raw deliveries, with the vault's keyring: a sealed value is the nonce,
 * the ciphertext and the tag in one base64 text, and the row names the key. The associated data binds a value to
 * its row and column, so a sealed body copied into another row, or into another column, does not open.
 *
 * @internal
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto"
import { Either } from "effect"
import type { Keyring } from "./vaultCipher.js"

const NONCE = 12
const TAG = 16

/** @internal */
export const sealBytes = (ring: Keyring, aad: string, plaintext: Uint8Array): string => {
  const iv = randomBytes(NONCE)
  const cipher = createCipheriv("aes-256-gcm", ring.keys.get(ring.current)!, iv)
  cipher.setAAD(Buffer.from(aad, "utf8"))
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()])
  return Buffer.concat([iv, ciphertext, cipher.getAuthTag()]).toString("base64")
}

/**
 * The bytes of a sealed value, or a plain reason it cannot be opened: never a guess at the content.
 *
 * @internal
 */
export const openBytes = (ring: Keyring, keyId: string, aad: string, sealed: string): Either.Either<Buffer, string> => {
  const key = ring.keys.get(keyId)
  if (key === undefined) return Either.left(`it was sealed with vault key "${keyId}", which is not configured`)
  const bytes = Buffer.from(sealed, "base64")
  try {
    if (bytes.length < NONCE + TAG) throw new RangeError("too short")
    const decipher = createDecipheriv("aes-256-gcm", key, bytes.subarray(0, NONCE))
    decipher.setAAD(Buffer.from(aad, "utf8"))
    decipher.setAuthTag(bytes.subarray(bytes.length - TAG))
    return Either.right(Buffer.concat([decipher.update(bytes.subarray(NONCE, bytes.length - TAG)), decipher.final()]))
  } catch {
    return Either.left(`it does not open with vault key "${keyId}": the key is wrong or the row was altered`)
  }
}
