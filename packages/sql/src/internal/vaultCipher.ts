/**
 * AES-256-GCM for the identity vault. Each row names the key that sealed it, so keys can be rotated: new rows
 * use the current key, old rows open with theirs. The alias is authenticated with the row, so a sealed identity
 * copied under another alias does not open.
 *
 * Identities are sealed with a data key of their own, which is wrapped (sealed) with a vault key: destroying the
 * wrapped data key makes every copy of the identity's ciphertext unreadable, wherever it lingers (docs/storage.md,
 * "The identity vault").
 *
 * @internal
 */
import { createCipheriv, createDecipheriv, createSecretKey, type KeyObject, randomFillSync } from "node:crypto"
import { VaultKey } from "@tinbao/core"
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

const hex = /^(?:[0-9a-fA-F]{2})+$/
const base64 = /^[A-Za-z0-9+/]+={0,2}$/
const base64url = /^[A-Za-z0-9_-]+$/

/**
 * Why a keyring cannot be made: a key refused by `VaultKey`'s rules (`key_refused`), or a configuration that names
 * no usable key (`unavailable`). The message names key ids and rules, never a key.
 *
 * @internal
 */
export interface KeyringProblem {
  readonly reason: "key_refused" | "unavailable"
  readonly message: string
}

// Hex digits are read as hex, though they are base64 too: a base64 key made only of hex digits is beyond chance.
// Keys of any length are decoded, so that a wrong length is named as such.
const decodeKey = (text: string): Buffer | undefined => {
  if (hex.test(text)) return Buffer.from(text, "hex")
  if (text.length % 4 === 1) return undefined
  if (base64.test(text)) return Buffer.from(text, "base64")
  if (base64url.test(text)) return Buffer.from(text, "base64url")
  return undefined
}

const importKey = (id: string, key: Redacted.Redacted<string>): Either.Either<KeyObject, KeyringProblem> => {
  const which = `vault key "${id}"`
  const bytes = decodeKey(Redacted.value(key).trim())
  const weak: VaultKey.Weakness | undefined =
    bytes === undefined
      ? { rule: "encoding", message: "it is written neither as hex digits nor as base64" }
      : VaultKey.weakness(bytes, { exactly: VaultKey.keyBytes })
  if (weak !== undefined) {
    bytes?.fill(0)
    return Either.left({ reason: "key_refused", message: VaultKey.refusal(which, weak) })
  }
  const imported = createSecretKey(bytes!)
  bytes!.fill(0)
  return Either.right(imported)
}

/**
 * The keyring from configuration, or why it is unusable ({@link keyring} with the reason apart).
 *
 * @internal
 */
export const keyringOf = (
  keys: Readonly<Record<string, Redacted.Redacted<string>>>,
  current: string
): Either.Either<Keyring, KeyringProblem> => {
  const imported = new Map<string, KeyObject>()
  for (const [id, key] of Object.entries(keys)) {
    if (id.trim() === "") return Either.left({ reason: "unavailable", message: "a vault key id is empty" })
    const result = importKey(id, key)
    if (Either.isLeft(result)) return Either.left(result.left)
    imported.set(id, result.right)
  }
  if (!imported.has(current)) {
    return Either.left({
      reason: "unavailable",
      message: `the current vault key id "${current}" is not among the keys given`
    })
  }
  return Either.right({ current, keys: imported })
}

/**
 * The keyring from configuration, or why it is unusable; the message never holds a key.
 *
 * @internal
 */
export const keyring = (
  keys: Readonly<Record<string, Redacted.Redacted<string>>>,
  current: string
): Either.Either<Keyring, string> => Either.mapLeft(keyringOf(keys, current), (problem) => problem.message)

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

type Key = KeyObject | Buffer

interface Box {
  readonly iv: Buffer
  readonly ciphertext: Buffer
  readonly tag: Buffer
}

const box = (key: Key, aad: string, plaintext: string | Buffer): Box => {
  const iv = nextNonce()
  const cipher = createCipheriv("aes-256-gcm", key, iv)
  cipher.setAAD(Buffer.from(aad, "utf8"))
  const ciphertext =
    typeof plaintext === "string"
      ? Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()])
      : Buffer.concat([cipher.update(plaintext), cipher.final()])
  return { iv, ciphertext, tag: cipher.getAuthTag() }
}

// Throws when the key is wrong or anything was altered: the callers turn that into a reason.
const unbox = (key: Key, aad: string, { iv, ciphertext, tag }: Box): Buffer => {
  const decipher = createDecipheriv("aes-256-gcm", key, iv)
  decipher.setAAD(Buffer.from(aad, "utf8"))
  decipher.setAuthTag(tag)
  return Buffer.concat([decipher.update(ciphertext), decipher.final()])
}

const written = ({ iv, ciphertext, tag }: Box) => ({
  iv: iv.toString("base64"),
  ciphertext: ciphertext.toString("base64"),
  tag: tag.toString("base64")
})

const read = (sealed: Omit<Sealed, "keyId">): Box => ({
  iv: Buffer.from(sealed.iv, "base64"),
  ciphertext: Buffer.from(sealed.ciphertext, "base64"),
  tag: Buffer.from(sealed.tag, "base64")
})

/** @internal */
export const seal = (ring: Keyring, alias: string, plaintext: string): Sealed => ({
  keyId: ring.current,
  ...written(box(ring.keys.get(ring.current)!, alias, plaintext))
})

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
    return Either.right(unbox(key, alias, read(sealed)).toString("utf8"))
  } catch {
    return Either.left(`it does not open with vault key "${sealed.keyId}": the key is wrong or the row was altered`)
  }
}

/**
 * An identity's own data key: 32 random bytes, which the caller zeroes once it has sealed and wrapped with it.
 *
 * @internal
 */
export const newDataKey = (): Buffer => {
  if (usedKeyBytes + 32 > dataKeys.length) {
    randomFillSync(dataKeys)
    usedKeyBytes = 0
  }
  const key = Buffer.from(dataKeys.subarray(usedKeyBytes, usedKeyBytes + 32))
  // Each key is copied out and its bytes in the pool zeroed, so the pool holds no key that is in use.
  dataKeys.fill(0, usedKeyBytes, usedKeyBytes + 32)
  usedKeyBytes += 32
  return key
}

// Data keys drawn 4 KiB at a time (128 of them), as nonces are.
const dataKeys = Buffer.alloc(32 * 128)
let usedKeyBytes = dataKeys.length

/**
 * A data key sealed with a vault key: the key's id, and IV, ciphertext and tag together in base64 (60 bytes).
 *
 * @internal
 */
export interface Wrapped {
  readonly keyId: string
  readonly wrapped: string
}

// The associated data of a wrapped key: the alias, under a label that keeps a wrapped key from opening as anything
// else sealed with the same vault key (an identity sealed before data keys, an inbox delivery).
const wrapAad = (alias: string) => `tinbao/vault-data-key/v1\u0000${alias}`

/**
 * `bytes` sealed with `key` in one base64 text: the nonce, the ciphertext and the tag, one after the other.
 *
 * @internal
 */
export const sealJoined = (key: Key, aad: string, bytes: Uint8Array): string => {
  const { iv, ciphertext, tag } = box(key, aad, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength))
  return Buffer.concat([iv, ciphertext, tag]).toString("base64")
}

/**
 * The bytes of a text made by {@link sealJoined}. Throws when the key is wrong, the text was altered or it is too
 * short; the callers turn that into a reason.
 *
 * @internal
 */
export const openJoined = (key: Key, aad: string, sealed: string): Buffer => {
  const bytes = Buffer.from(sealed, "base64")
  if (bytes.length < 12 + 16) throw new RangeError("too short to be sealed")
  return unbox(key, aad, {
    iv: bytes.subarray(0, 12),
    ciphertext: bytes.subarray(12, bytes.length - 16),
    tag: bytes.subarray(bytes.length - 16)
  })
}

/**
 * Wraps an identity's data key with the current vault key.
 *
 * @internal
 */
export const wrap = (ring: Keyring, alias: string, dataKey: Buffer): Wrapped => ({
  keyId: ring.current,
  wrapped: sealJoined(ring.keys.get(ring.current)!, wrapAad(alias), dataKey)
})

/**
 * The data key in a wrapped key, or a plain reason it cannot be had.
 *
 * @internal
 */
export const unwrap = (ring: Keyring, alias: string, wrapped: Wrapped): Either.Either<Buffer, string> => {
  const key = ring.keys.get(wrapped.keyId)
  if (key === undefined) {
    return Either.left(`its data key was wrapped with vault key "${wrapped.keyId}", which is not configured`)
  }
  try {
    const dataKey = openJoined(key, wrapAad(alias), wrapped.wrapped)
    if (dataKey.length !== 32) throw new RangeError("not a data key")
    return Either.right(dataKey)
  } catch {
    return Either.left(
      `its data key does not open with vault key "${wrapped.keyId}": the key is wrong or the row was altered`
    )
  }
}

/**
 * Seals an identity with its data key; the alias is authenticated with it, as {@link seal} does.
 *
 * @internal
 */
export const sealWith = (dataKey: Buffer, alias: string, plaintext: string): Omit<Sealed, "keyId"> =>
  written(box(dataKey, alias, plaintext))

/**
 * The plaintext sealed with a data key, or a plain reason it cannot be opened.
 *
 * @internal
 */
export const openWith = (
  dataKey: Buffer,
  alias: string,
  sealed: Omit<Sealed, "keyId">
): Either.Either<string, string> => {
  try {
    return Either.right(unbox(dataKey, alias, read(sealed)).toString("utf8"))
  } catch {
    return Either.left("it does not open with its data key: the row was altered")
  }
}
