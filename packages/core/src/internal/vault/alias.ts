/**
 * Random alias bodies for the identity vault.
 *
 * @internal
 */
import { getRandomValues } from "node:crypto"

/**
 * Crockford's base32: no I, L, O or U, so an officer reading an alias aloud or copying it by hand cannot confuse
 * 1 with I or 0 with O.
 *
 * @internal
 */
export const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

/** @internal */
export const prefix = "AL-"

/** @internal */
export const bodyLength = 16

/** @internal */
export const pattern = /^AL-[0-9A-HJKMNP-TV-Z]{16}$/

/**
 * A fresh alias: 16 characters of 5 random bits each (80 bits), so an alias can be neither guessed nor enumerated.
 * 256 is a multiple of 32, so taking each byte modulo 32 keeps every character uniform.
 *
 * @internal
 */
export const randomAlias = (): string => {
  if (used + bodyLength > pool.length) {
    getRandomValues(pool)
    used = 0
  }
  let body = ""
  for (let i = used; i < used + bodyLength; i++) body += alphabet[pool[i]! & 31]
  used += bodyLength
  return prefix + body
}

// Random bytes drawn 4 KiB at a time, as Node draws them for `randomUUID`: one call per alias cost more than
// the rest of sealing. Each byte is used once.
const pool = new Uint8Array(4096)
let used = pool.length

/**
 * The short tag shown to officers: the first four characters of the body.
 *
 * @internal
 */
export const shortTag = (alias: string): string => alias.slice(prefix.length, prefix.length + 4)
