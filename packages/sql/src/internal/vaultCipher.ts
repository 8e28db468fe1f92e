/**
 * AES-256-GCM for the identity vault. Each row names the key that sealed it, so keys can be rotated: new rows
 * use the current key, old rows open with theirs. The alias is authenticated with the row, so a sealed identity
 * copied under another alias does not open.
 *
 * @internal
 */
import { createCipheriv, createDecipheriv, createSecretKey, type KeyObject, randomFillSync } from "node:crypto"
import { Either, Redacted } from "effect"

/** @internal */
export interface Keyring {
  readonly current: string
  readonly keys: ReadonlyMap<string, KeyObject>
}

/** @internal */
export interface Sealed {
  readonly keyId: string
  readonly iv: string
  readonly ciphertext: string
  readonly tag: string
}

const hex = /^[0-9a-fA-F]{64}$/
const base64 = /^[A-Za-z0-9+/]{43}=?$|^[A-Za-z0-9_-]{43}$/

const importKey = (id: string, key: Redacted.Redacted<string>): Either.Either<KeyObject, string> => {
  const text = Redacted.value(key).trim()
  const bytes = hex.test(text)
    ? Buffer.from(text, "hex")
    : base64.test(text)
      ? Buffer.from(text, text.includes("-") || text.includes("_") ? "base64url" : "base64")
      : undefined
  if (bytes === undefined || bytes.length !== 32) {
    return Either.left(`vault key "${id}" is not 32 bytes written as 64 hex digits or as base64`)
  }
  const imported = createSecretKey(bytes)
  bytes.fill(0)
  return Either.right(imported)
}

/**
 * The keyring from configuration, or why it is unusable; the message never holds a key.
 *
 * @internal
 */
export const keyring = (
  keys: Readonly<Record<string, Redacted.Redacted<string>>>,
  current: string
): Either.Either<Keyring, string> => {
  const imported = new Map<string, KeyObject>()
  for (const [id, key] of Object.entries(keys)) {
    if (id.trim() === "") return Either.left("a vault key id is empty")
    const result = importKey(id, key)
    if (Either.isLeft(result)) return Either.left(result.left)
    imported.set(id, result.right)
  }
  if (!imported.has(current)) return Either.left(`the current vault key id "${current}" is not among the keys given`)
  return Either.right({ current, keys: imported })
}

// Nonces drawn 4 KiB at a time (341 of them), as the core draws aliases: a call to the random source per seal cost
// twice the encryption itself. Each nonce is 96 fresh random bits, used once; the cipher copies it when it starts.
const nonces = Buffer.alloc(12 * 341)
let used = nonces.length

const nextNonce = (): Buffer => {
  if (used + 12 > nonces.length) {
    randomFillSync(nonces)
    used = 0
  }
  used += 12
  return nonces.subarray(used - 12, used)
}

/** @internal */
export const seal = (ring: Keyring, alias: string, plaintext: string): Sealed => {
  const iv = nextNonce()
  const cipher = createCipheriv("aes-256-gcm", ring.keys.get(ring.current)!, iv)
  cipher.setAAD(Buffer.from(alias, "utf8"))
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()])
  return {
    keyId: ring.current,
    iv: iv.toString("base64"),
    ciphertext: ciphertext.toString("base64"),
    tag: cipher.getAuthTag().toString("base64")
  }
}

/**
 * The plaintext of a sealed row, or a plain reason it cannot be opened: never a guess at the content.
 *
 * @internal
 */
export const open = (ring: Keyring, alias: string, sealed: Sealed): Either.Either<string, string> => {
  const key = ring.keys.get(sealed.keyId)
  if (key === undefined) {
    return Either.left(`it was sealed with vault key "${sealed.keyId}", which is not configured`)
  }
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(sealed.iv, "base64"))
    decipher.setAAD(Buffer.from(alias, "utf8"))
    decipher.setAuthTag(Buffer.from(sealed.tag, "base64"))
    const plaintext = Buffer.concat([decipher.update(Buffer.from(sealed.ciphertext, "base64")), decipher.final()])
    return Either.right(plaintext.toString("utf8"))
  } catch {
    return Either.left(`it does not open with vault key "${sealed.keyId}": the key is wrong or the row was altered`)
  }
}
