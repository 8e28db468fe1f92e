/**
 * The photos reporters attach to their web forms: three tiny scene photos the stand-in site serves, and one link that
 * has expired by the time it is fetched, as a platform's links do after a few days.
 */

const png = (base64: string): Uint8Array => new Uint8Array(Buffer.from(base64, "base64"))

/** The site's photos by file name: 2×2 PNGs, each of its own colours (so each has its own hash). */
export const served: Readonly<Record<string, Uint8Array>> = {
  "anh-hien-truong-1.jpg": png(
    "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGM4oaGhoXGCQeOExocPHwAiHgYZ+mndGAAAAABJRU5ErkJggg=="
  ),
  "anh-hien-truong-2.jpg": png(
    "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGOIiooSERFhWFBhY1OxAAAYHgPzfQYhAwAAAABJRU5ErkJggg=="
  ),
  "anh-hien-truong-3.jpg": png(
    "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAD0lEQVR4nGP4dYIBCoAsABqeA4WkJ0mOAAAAAElFTkSuQmCC"
  )
}

/** The names the forms' photos take, in turn: one in four is a link the site no longer serves. */
export const names: ReadonlyArray<string> = [...Object.keys(served), "anh-het-han.jpg"]
