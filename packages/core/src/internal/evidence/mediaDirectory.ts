/**
 * The media store on a directory: `<root>/ab/cd/abcd…` (the hash's first two pairs of digits as folders, so that
 * no folder holds more than a few thousand files), each file written under `<root>/tmp/` first, synced, then
 * renamed into place, so that a crash leaves at worst a stray temporary file, never a half file under a hash.
 *
 * @internal
 */
import { randomUUID } from "node:crypto"
import { mkdir, open, readFile, rename, rm, stat } from "node:fs/promises"
import { dirname, join, resolve } from "node:path"
import { Effect } from "effect"
import type { Encoded } from "../../MediaStore.js"
import { MediaStoreError } from "./media.js"
import { checkHash } from "./mediaStore.js"

const codeOf = (cause: unknown): string | undefined =>
  typeof cause === "object" && cause !== null && typeof (cause as { code?: unknown }).code === "string"
    ? (cause as { code: string }).code
    : undefined

const explain = (cause: unknown): string => {
  switch (codeOf(cause)) {
    case "ENOSPC":
    case "EDQUOT":
      return "the disk is full"
    case "EACCES":
    case "EPERM":
    case "EROFS":
      return "the process may not write there"
    case "ENOTDIR":
    case "EEXIST":
      return "a file stands where a folder should be"
    default:
      return "the file system refused"
  }
}

const missing = (cause: unknown) => codeOf(cause) === "ENOENT" || codeOf(cause) === "ENOTDIR"

// Makes a rename durable. Some systems cannot open a folder to sync it; the file itself is synced already.
const syncFolder = async (folder: string) => {
  try {
    const handle = await open(folder, "r")
    try {
      await handle.sync()
    } finally {
      await handle.close()
    }
  } catch {}
}

/**
 * The media files under a directory, made (with its `tmp` folder, owner-only) when missing.
 *
 * @internal
 */
export const makeDirectoryEncoded = (directory: string): Effect.Effect<Encoded, MediaStoreError> => {
  const root = resolve(directory)
  const temporary = join(root, "tmp")
  const fs = <A>(what: string, run: () => Promise<A>) =>
    Effect.tryPromise({
      try: run,
      catch: (cause) =>
        new MediaStoreError({
          reason: "unavailable",
          message: `The media directory ${root} cannot be ${what}: ${explain(cause)}.`,
          cause
        })
    })
  const pathOf = (hash: string) => join(root, hash.slice(0, 2), hash.slice(2, 4), hash)

  const write = async (hash: string, bytes: Uint8Array) => {
    const target = pathOf(hash)
    await mkdir(dirname(target), { recursive: true, mode: 0o700 })
    const temp = join(temporary, `${hash}.${randomUUID()}.tmp`)
    try {
      const handle = await open(temp, "wx", 0o600)
      try {
        await handle.writeFile(bytes)
        await handle.sync()
      } finally {
        await handle.close()
      }
      await rename(temp, target)
    } catch (cause) {
      await rm(temp, { force: true }).catch(() => undefined)
      throw cause
    }
    await syncFolder(dirname(target))
  }

  const read = async (hash: string) => {
    try {
      const buffer = await readFile(pathOf(hash))
      return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength)
    } catch (cause) {
      if (missing(cause)) return undefined
      throw cause
    }
  }

  const exists = async (hash: string) => {
    try {
      return (await stat(pathOf(hash))).isFile()
    } catch (cause) {
      if (missing(cause)) return false
      throw cause
    }
  }

  // Each method checks the hash itself: `Encoded` is public, and a hash names a path here.
  const store: Encoded = {
    write: (hash, bytes) => Effect.flatMap(checkHash(hash), (h) => fs("written", () => write(h, bytes))),
    read: (hash) => Effect.flatMap(checkHash(hash), (h) => fs("read", () => read(h))),
    exists: (hash) => Effect.flatMap(checkHash(hash), (h) => fs("read", () => exists(h)))
  }
  return Effect.as(
    fs("created", () => mkdir(temporary, { recursive: true, mode: 0o700 })),
    store
  )
}
