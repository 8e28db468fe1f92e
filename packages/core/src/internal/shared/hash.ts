/**
 * The one string hash of the core: FNV-1a over the UTF-8 bytes, and a spread of it over a few buckets.
 *
 * @internal
 */

const encoder = new TextEncoder()

/** FNV-1a, 32 bits, over the text's UTF-8 bytes: stable, for codes that must not change. @internal */
export const fnv1a = (text: string): number => {
  let hash = 0x811c9dc5
  for (const byte of encoder.encode(text)) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0
  return hash
}

/**
 * The bucket of a text among `buckets`: FNV-1a, then MurmurHash3's finaliser, so that the low bits depend on every
 * character. (FNV's or `h * 31 + c`'s low bits alone put keys that repeat a part on a few buckets.)
 *
 * @internal
 */
export const bucketOf = (text: string, buckets: number): number => {
  let h = fnv1a(text)
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b)
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35)
  return ((h ^ (h >>> 16)) >>> 0) % buckets
}
