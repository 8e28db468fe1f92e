// The evidence records conformance suite on the core's memory layer: once as users get it, once assembled from the
// public encoded store so that probes can read and write its rows. Then the sniffer, format by format.
import { describe, expect, it } from "@effect/vitest"
import { EvidenceSuite } from "@tinbao/testkit/vitest"
import { Context, Effect, Layer } from "effect"
import * as Evidence from "../src/Evidence.js"
import { jpeg, png } from "./evidenceFiles.js"

EvidenceSuite.suite("memory layer", Evidence.layerMemory)

class Rows extends Context.Tag("test/EvidenceRows")<Rows, Evidence.Encoded>() {}

const rows = Layer.sync(Rows, Evidence.makeMemoryEncoded)
const records = Layer.effect(Evidence.EvidenceRecords, Effect.map(Rows, Evidence.makeEncoded))

EvidenceSuite.suite("memory store with probes", Layer.provideMerge(records, rows), {
  probes: {
    rows: () => Effect.flatMap(Rows, (r) => r.byTip("tip_0193a1b2c3d4e5f60718293a4b5c")),
    writeRow: (row) => Effect.flatMap(Rows, (r) => r.insert(row as Evidence.Row))
  }
})

const bytes = (...parts: ReadonlyArray<string | ReadonlyArray<number>>): Uint8Array =>
  new Uint8Array(parts.flatMap((part) => (typeof part === "string" ? [...Buffer.from(part, "latin1")] : [...part])))

// An ISO base media `ftyp` box: its size, the major brand, a minor version, the compatible brands.
const ftyp = (major: string, ...compatible: ReadonlyArray<string>) =>
  bytes([0, 0, 0, 16 + 4 * compatible.length], "ftyp", major, [0, 0, 0, 0], compatible.join(""), [0, 0, 0, 8], "free")

describe("Evidence.sniff", () => {
  const cases: ReadonlyArray<readonly [string, Uint8Array, Evidence.MediaType | undefined]> = [
    ["a JPEG", jpeg, "image/jpeg"],
    ["a PNG", png, "image/png"],
    ["a GIF", bytes("GIF89a", [1, 0, 1, 0, 0x80, 0, 0]), "image/gif"],
    ["a WebP", bytes("RIFF", [0x24, 0, 0, 0], "WEBPVP8 "), "image/webp"],
    ["a HEIC photo", ftyp("heic", "mif1", "heic"), "image/heic"],
    ["a HEIF image of HEVC pictures", ftyp("mif1", "mif1", "heic"), "image/heic"],
    ["a HEIF image", ftyp("mif1", "mif1"), "image/heif"],
    ["an AVIF image (not kept)", ftyp("avif", "avif", "mif1"), undefined],
    ["an MP4 video", ftyp("isom", "isom", "iso2", "avc1", "mp41"), "video/mp4"],
    ["an MP4 video (mp42)", ftyp("mp42", "mp42", "isom"), "video/mp4"],
    ["a QuickTime video", ftyp("qt  ", "qt  "), "video/quicktime"],
    ["a 3GPP video", ftyp("3gp4", "isom", "3gp4"), "video/3gpp"],
    ["a 3GPP2 video", ftyp("3g2a", "3g2a"), "video/3gpp2"],
    ["an M4A voice message", ftyp("M4A ", "M4A ", "mp42", "isom"), "audio/mp4"],
    [
      "a WebM video",
      bytes([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81, 0x01, 0x42, 0x82, 0x84], "webm"),
      "video/webm"
    ],
    ["a Matroska video (not kept)", bytes([0x1a, 0x45, 0xdf, 0xa3, 0xa3, 0x42, 0x82, 0x88], "matroska"), undefined],
    ["an MP3 with an ID3 tag", bytes("ID3", [4, 0, 0, 0, 0, 0, 0]), "audio/mpeg"],
    ["an MP3 frame", bytes([0xff, 0xfb, 0x90, 0x44, 0, 0]), "audio/mpeg"],
    ["an AAC stream (not kept)", bytes([0xff, 0xf1, 0x50, 0x80, 0x02, 0x1f, 0xfc]), undefined],
    ["an OGG voice message", bytes("OggS", [0, 2, 0, 0]), "audio/ogg"],
    ["an AMR voice message", bytes("#!AMR\n", [0x3c]), "audio/amr"],
    ["an AMR-WB voice message", bytes("#!AMR-WB\n", [0x04]), "audio/amr-wb"],
    ["a WAV recording", bytes("RIFF", [0x24, 0, 0, 0], "WAVEfmt "), "audio/wav"],
    ["an AVI video (not kept)", bytes("RIFF", [0x24, 0, 0, 0], "AVI LIST"), undefined],
    ["a PDF", bytes("%PDF-1.7\n"), "application/pdf"],
    ["a web page", bytes("<!doctype html><html>"), undefined],
    ["a JSON error", bytes('{"error":{"message":"URL signature expired"}}'), undefined],
    ["nothing", new Uint8Array(0), undefined],
    ["one byte of a JPEG", bytes([0xff]), undefined]
  ]
  for (const [what, file, type] of cases) {
    it(`reads ${what} as ${type ?? "no kept type"}`, () => {
      expect(Evidence.sniff(file)).toBe(type)
    })
  }

  it("reads no more than the first 64 bytes", () => {
    const late = new Uint8Array(200)
    late.set(Buffer.from("webm"), 100)
    late.set([0x1a, 0x45, 0xdf, 0xa3], 0)
    expect(Evidence.sniff(late)).toBeUndefined()
  })
})
