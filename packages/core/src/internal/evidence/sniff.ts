/**
 * What a file is, read from its first bytes: the signatures of the formats a tip's evidence comes in. The URL's
 * extension and the server's `content-type` are what the sender claims; the bytes are what was sent.
 *
 * @internal
 */
import { Schema } from "effect"

/**
 * The media types evidence may have, each found by its signature in the first bytes: photos (JPEG, PNG, GIF,
 * WebP, HEIC/HEIF), videos (MP4, QuickTime, 3GPP, WebM), sound (MP3, M4A, OGG, AMR, WAV) and PDF documents.
 *
 * @since 0.2.0
 * @category models
 */
export const MediaType = Schema.Literal(
  "image/jpeg",
  "image/png",
  "image/gif",
  "image/webp",
  "image/heic",
  "image/heif",
  "video/mp4",
  "video/quicktime",
  "video/3gpp",
  "video/3gpp2",
  "video/webm",
  "audio/mpeg",
  "audio/mp4",
  "audio/ogg",
  "audio/amr",
  "audio/amr-wb",
  "audio/wav",
  "application/pdf"
).annotations({ identifier: "MediaType" })

/**
 * @since 0.2.0
 * @category models
 */
export type MediaType = typeof MediaType.Type

/** How many first bytes {@link sniff} reads at most. @internal */
export const sniffBytes = 64

const ascii = (bytes: Uint8Array, from: number, length: number): string =>
  from + length > bytes.length ? "" : String.fromCharCode(...bytes.subarray(from, from + length))

const startsWith = (bytes: Uint8Array, signature: ReadonlyArray<number>, at = 0): boolean =>
  bytes.length >= at + signature.length && signature.every((byte, i) => bytes[at + i] === byte)

// ISO base media files (MP4, QuickTime, 3GPP, HEIF) open with an `ftyp` box: a major brand, then compatible ones.
const isoBrands = (bytes: Uint8Array): ReadonlyArray<string> | undefined => {
  if (ascii(bytes, 4, 4) !== "ftyp") return undefined
  const boxSize = ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0
  const end = Math.min(Math.max(boxSize, 16), bytes.length)
  const brands = [ascii(bytes, 8, 4)]
  for (let at = 16; at + 4 <= end; at += 4) brands.push(ascii(bytes, at, 4))
  return brands
}

const heic = new Set(["heic", "heix", "hevc", "hevx", "heim", "heis"])
const heif = new Set(["mif1", "msf1", "heif"])
const mp4 = new Set(["isom", "iso2", "iso3", "iso4", "iso5", "iso6", "mp41", "mp42", "avc1", "dash", "M4V ", "MSNV"])

const fromBrands = (brands: ReadonlyArray<string>): MediaType | undefined => {
  const [major = "", ...compatible] = brands
  if (heic.has(major)) return "image/heic"
  if (heif.has(major)) return compatible.some((b) => heic.has(b)) ? "image/heic" : "image/heif"
  if (major === "qt  ") return "video/quicktime"
  if (major === "M4A " || major === "M4B ") return "audio/mp4"
  if (major.startsWith("3gp") || major.startsWith("3gs") || major.startsWith("3ge")) return "video/3gpp"
  if (major.startsWith("3g2")) return "video/3gpp2"
  if (mp4.has(major)) return "video/mp4"
  return undefined
}

// An MPEG audio frame header: 11 sync bits, a known version, layer III, a usable bitrate and sample rate.
const isMp3Frame = (bytes: Uint8Array): boolean => {
  if (bytes.length < 4 || bytes[0] !== 0xff || (bytes[1]! & 0xe0) !== 0xe0) return false
  const version = (bytes[1]! >> 3) & 0x03
  const layer = (bytes[1]! >> 1) & 0x03
  const bitrate = bytes[2]! >> 4
  const rate = (bytes[2]! >> 2) & 0x03
  return version !== 1 && layer === 1 && bitrate !== 0x0f && bitrate !== 0 && rate !== 3
}

// A Matroska file whose EBML header names the `webm` document type.
const isWebm = (bytes: Uint8Array): boolean =>
  startsWith(bytes, [0x1a, 0x45, 0xdf, 0xa3]) && String.fromCharCode(...bytes.subarray(4, sniffBytes)).includes("webm")

/**
 * The media type of a file by its first bytes (at most {@link sniffBytes} are read), or `undefined` when they
 * match none of the {@link MediaType}s.
 *
 * @internal
 */
export const sniff = (bytes: Uint8Array): MediaType | undefined => {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return "image/jpeg"
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "image/png"
  const six = ascii(bytes, 0, 6)
  if (six === "GIF87a" || six === "GIF89a") return "image/gif"
  if (ascii(bytes, 0, 4) === "RIFF") {
    const form = ascii(bytes, 8, 4)
    return form === "WEBP" ? "image/webp" : form === "WAVE" ? "audio/wav" : undefined
  }
  const brands = isoBrands(bytes)
  if (brands !== undefined) return fromBrands(brands)
  if (isWebm(bytes)) return "video/webm"
  if (ascii(bytes, 0, 5) === "%PDF-") return "application/pdf"
  if (ascii(bytes, 0, 4) === "OggS") return "audio/ogg"
  if (ascii(bytes, 0, 9) === "#!AMR-WB\n") return "audio/amr-wb"
  if (ascii(bytes, 0, 6) === "#!AMR\n") return "audio/amr"
  if (ascii(bytes, 0, 3) === "ID3" || isMp3Frame(bytes)) return "audio/mpeg"
  return undefined
}
