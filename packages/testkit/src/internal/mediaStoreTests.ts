/**
 * The media store suite's tests: bytes back as they went in, under their SHA-256 hash; the same bytes stored once;
 * malformed hashes refused before they name anything; changed bytes reported as corrupt.
 *
 * @internal
 */
import { createHash } from "node:crypto"
import { expect } from "@effect/vitest"
import { MediaStore } from "@tinbao/core"
import { Effect } from "effect"
import { type Context, type MediaProbes, reasonOf, test } from "./evidenceFixtures.js"

/** @internal */
export type MediaContext<R> = Context<MediaStore.MediaStore, MediaProbes<R>, R>

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex")

// Every byte value, then a pattern long enough to cross the chunk sizes of streams and files.
const sample = (size: number, seed = 0): Uint8Array => {
  const bytes = new Uint8Array(size)
  for (let i = 0; i < size; i++) bytes[i] = i < 256 ? (i + seed) % 256 : (i * 31 + (i >> 8) + seed) % 256
  return bytes
}

/** @internal */
export const mediaTests = <R>(ctx: MediaContext<R>): void => {
  test(ctx, "gives back the bytes stored under their SHA-256 hash", {}, () =>
    Effect.gen(function* () {
      const media = yield* MediaStore.MediaStore
      for (const bytes of [sample(256), sample(3 * 1024 * 1024 + 17, 5), new Uint8Array(0)]) {
        const stored = yield* media.put(bytes)
        expect(stored).toEqual({ hash: sha256(bytes), size: bytes.length })
        expect(yield* media.has(stored.hash)).toBe(true)
        const back = yield* media.get(stored.hash)
        expect(back).toBeInstanceOf(Uint8Array)
        expect(Buffer.from(back!).equals(Buffer.from(bytes))).toBe(true)
      }
    })
  )

  test(ctx, "stores the same bytes once, and keeps them when the caller's array changes", {}, () =>
    Effect.gen(function* () {
      const media = yield* MediaStore.MediaStore
      const bytes = sample(1000)
      const first = yield* media.put(bytes)
      const again = yield* media.put(sample(1000))
      expect(again).toEqual(first)
      if (ctx.probes.files !== undefined) expect(yield* ctx.probes.files()).toBe(1)
      bytes.fill(0)
      expect(sha256((yield* media.get(first.hash))!)).toBe(first.hash)
    })
  )

  test(ctx, "answers none for a hash it does not hold", {}, () =>
    Effect.gen(function* () {
      const media = yield* MediaStore.MediaStore
      const unknown = MediaStore.Hash.make(sha256(sample(10)))
      expect(yield* media.get(unknown)).toBeUndefined()
      expect(yield* media.has(unknown)).toBe(false)
    })
  )

  test(ctx, "refuses a malformed hash before it names a file", {}, () =>
    Effect.gen(function* () {
      const media = yield* MediaStore.MediaStore
      yield* media.put(sample(10))
      const upper = sha256(sample(10)).toUpperCase()
      for (const hash of [upper, "", "abc", `../../${"0".repeat(58)}`, `${"0".repeat(63)}/`]) {
        expect(yield* reasonOf(media.get(hash as MediaStore.Hash))).toBe("invalid")
        expect(yield* reasonOf(media.has(hash as MediaStore.Hash))).toBe("invalid")
      }
    })
  )

  test(ctx, "reports bytes changed behind its back as corrupt", { probes: ["overwrite"] }, () =>
    Effect.gen(function* () {
      const media = yield* MediaStore.MediaStore
      const stored = yield* media.put(sample(500))
      yield* ctx.probes.overwrite!(stored.hash, sample(500, 1))
      const error = yield* Effect.flip(media.get(stored.hash))
      expect(error.reason).toBe("corrupt")
      expect(error.message).toContain(stored.hash)
      expect(yield* media.has(stored.hash)).toBe(true)
    })
  )

  test(ctx, "takes 20 puts at once, 10 of the same bytes", { capabilities: ["concurrentWriters"] }, () =>
    Effect.gen(function* () {
      const media = yield* MediaStore.MediaStore
      const files = Array.from({ length: 20 }, (_, i) => sample(70_000, i < 10 ? 0 : i))
      const stored = yield* Effect.all(files.map(media.put), { concurrency: "unbounded" })
      expect(new Set(stored.map((s) => s.hash)).size).toBe(11)
      for (const [i, s] of stored.entries()) {
        expect(Buffer.from((yield* media.get(s.hash))!).equals(Buffer.from(files[i]!))).toBe(true)
      }
      if (ctx.probes.files !== undefined) expect(yield* ctx.probes.files()).toBe(11)
    })
  )
}
