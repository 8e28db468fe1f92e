import { Schema } from "effect"

/**
 * A text shown to people, in Vietnamese (`vi`, the language of record) and English (`en`).
 *
 * @since 0.1.0
 * @category models
 */
export const Label = Schema.Struct({
  vi: Schema.NonEmptyTrimmedString,
  en: Schema.NonEmptyTrimmedString
}).annotations({ identifier: "Label" })

/**
 * @since 0.1.0
 * @category models
 */
export type Label = typeof Label.Type

/**
 * Builds a label from its Vietnamese and English texts.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (vi: string, en: string): Label => ({ vi, en })
