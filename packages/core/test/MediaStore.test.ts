// The media store conformance suite on memory and on a temporary directory, with probes that count and change the
// stored files past the adapter; then what only the directory does: its layout, its temporary files, its errors.
import { createHash } from "node:crypto"
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, relative } from "node:path"
import { afterAll, describe, expect, it } from "@effect/vitest"
import { MediaStoreSuite } from "@tinbao/testkit/vitest"
import { Context, Effect, Layer } from "effect"
import * as MediaStore from "../src/MediaStore.js"

const scratch = mkdtempSync(join(tmpdir(), "tinbao-media-"))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))
let folders = 0
const freshFolder = () => join(scratch, `store-${++folders}`)

// Every file under a folder, as paths relative to it.
const filesUnder = (root: string): Array<string> =>
  readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)))

class Files extends Context.Tag("test/MediaFiles")<
  Files,
  { readonly encoded: MediaStore.Encoded; readonly root?: string }
>() {}

const over = (files: Layer.Layer<Files, MediaStore.MediaStoreError>) =>
  Layer.provideMerge(
    Layer.effect(
      MediaStore.MediaStore,
      Effect.map(Files, (f) => MediaStore.makeEncoded(f.encoded))
    ),
    files
  )

MediaStoreSuite.suite("memory layer", MediaStore.layerMemory)

const memoryFiles = Layer.sync(Files, () => {
  const encoded = MediaStore.makeMemoryEncoded()
  return { encoded }
})

MediaStoreSuite.suite("memory store with probes", over(memoryFiles), {
  probes: {
    overwrite: (hash, bytes) => Effect.flatMap(Files, (f) => f.encoded.write(hash, bytes))
  }
})

const directoryFiles = Layer.unwrapEffect(
  Effect.sync(() => {
    const root = freshFolder()
    return Layer.effect(
      Files,
      Effect.map(MediaStore.makeDirectoryEncoded({ directory: root }), (encoded) => ({ encoded, root }))
    )
  })
)

MediaStoreSuite.suite("directory", over(directoryFiles), {
  probes: {
    files: () => Effect.map(Files, (f) => filesUnder(f.root!).length),
    overwrite: (hash, bytes) =>
      Effect.map(Files, (f) => writeFileSync(join(f.root!, hash.slice(0, 2), hash.slice(2, 4), hash), bytes))
  }
})

describe("MediaStore.layerDirectory", () => {
  it.effect("keeps each file at ab/cd/<hash>, owner-only, and leaves nothing in tmp", () =>
    Effect.gen(function* () {
      const root = freshFolder()
      const media = yield* Effect.provide(MediaStore.MediaStore, MediaStore.layerDirectory({ directory: root }))
      const a = yield* media.put(new TextEncoder().encode("ảnh hiện trường"))
      const b = yield* media.put(new Uint8Array([1, 2, 3]))
      yield* media.put(new Uint8Array([1, 2, 3]))
      expect(filesUnder(root).sort()).toEqual([a.hash, b.hash].map((h) => join(h.slice(0, 2), h.slice(2, 4), h)).sort())
      expect(readdirSync(join(root, "tmp"))).toEqual([])
      if (process.platform !== "win32") {
        expect(statSync(join(root, a.hash.slice(0, 2), a.hash.slice(2, 4), a.hash)).mode & 0o777).toBe(0o600)
        expect(statSync(join(root, "tmp")).mode & 0o777).toBe(0o700)
      }
    })
  )

  it.effect("does not take a stray temporary file for a stored one", () =>
    Effect.gen(function* () {
      const root = freshFolder()
      const media = yield* Effect.provide(MediaStore.MediaStore, MediaStore.layerDirectory({ directory: root }))
      const bytes = new Uint8Array([9, 9, 9])
      const { hash } = yield* media.put(bytes)
      // What a crash in the middle of a write leaves: part of the bytes, in tmp.
      const other = MediaStore.Hash.make("ab".repeat(32))
      writeFileSync(join(root, "tmp", `${other}.0.tmp`), bytes.subarray(0, 1))
      expect(yield* media.has(other)).toBe(false)
      expect(yield* media.get(other)).toBeUndefined()
      expect(yield* media.has(hash)).toBe(true)
    })
  )

  it.effect("fails as unavailable, naming the folder, when it cannot be made or written", () =>
    Effect.gen(function* () {
      const blocker = freshFolder()
      writeFileSync(blocker, "a file where the folder should be")
      const error = yield* Effect.flip(
        Effect.provide(MediaStore.MediaStore, MediaStore.layerDirectory({ directory: blocker }))
      )
      expect(error.reason).toBe("unavailable")
      expect(error.message).toContain(blocker)
      expect(error.message).toContain("a file stands where a folder should be")
      // A folder where the file should go: the rename fails, and the temporary file is removed.
      const root = freshFolder()
      const media = yield* Effect.provide(MediaStore.MediaStore, MediaStore.layerDirectory({ directory: root }))
      const bytes = new Uint8Array([4, 5, 6])
      const hash = createHash("sha256").update(bytes).digest("hex")
      mkdirSync(join(root, hash.slice(0, 2), hash.slice(2, 4), hash), { recursive: true })
      expect((yield* Effect.flip(media.put(bytes))).reason).toBe("unavailable")
      expect(readdirSync(join(root, "tmp"))).toEqual([])
    })
  )

  it.effect("refuses a malformed hash in the encoded store itself, before it names a path", () =>
    Effect.gen(function* () {
      const encoded = yield* MediaStore.makeDirectoryEncoded({ directory: freshFolder() })
      const escape = `../../${"0".repeat(58)}` as MediaStore.Hash
      expect((yield* Effect.flip(encoded.write(escape, new Uint8Array([1])))).reason).toBe("invalid")
      expect((yield* Effect.flip(encoded.read(escape))).reason).toBe("invalid")
    })
  )
})
