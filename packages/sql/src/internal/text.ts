/**
 * Text the databases cannot both store: a NUL character, which PostgreSQL refuses in `text` and SQLite would keep.
 * The SQL adapters refuse it before a statement runs, on both databases, so that both give the same typed error
 * (docs/storage.md, "When things go wrong").
 *
 * @internal
 */
import { SqlError } from "@effect/sql/SqlError"
import { Data } from "effect"

/**
 * Why a statement was refused before it ran: one of its values holds a NUL character. `code` is read as the
 * drivers' codes are (`sqlErrors.ts`).
 *
 * @internal
 */
export class TextRefused extends Data.TaggedError("TextRefused")<Record<never, never>> {
  readonly code = "TINBAO_NUL_IN_TEXT"
}

/**
 * Whether a statement's values hold a NUL character.
 *
 * @internal
 */
export const holdsNul = (params: ReadonlyArray<unknown>): boolean => {
  for (const param of params) if (typeof param === "string" && param.includes("\u0000")) return true
  return false
}

/**
 * The failure of a statement whose values hold a NUL character.
 *
 * @internal
 */
export const textRefused = (): SqlError =>
  new SqlError({
    cause: new TextRefused(),
    message: "A value holds a NUL character, which the database cannot store as text."
  })
