/**
 * Rules for the text of inputs that ends in storage.
 *
 * @internal
 */
import { Schema } from "effect"

const nul = "\u0000"

/**
 * Refuses a NUL character (U+0000): PostgreSQL cannot store it in text or JSON, and SQLite can, so without this rule
 * the two would disagree, and a delivery carrying one would fail its storage on every retry instead of being refused
 * as the bad input it is.
 *
 * @internal
 */
export const withoutNul =
  <S extends Schema.Schema.Any>(annotations?: Schema.Annotations.Filter<Schema.Schema.Type<S>>) =>
  <A extends string>(
    self: S & Schema.Schema<A, Schema.Schema.Encoded<S>, Schema.Schema.Context<S>>
  ): Schema.filter<S> =>
    self.pipe(
      Schema.filter((text: A) => !text.includes(nul), {
        description: "a string without NUL characters (U+0000)",
        ...annotations
      })
    )

// The message of an identity field replaces Schema's own, which would quote the value, wherever the schema is used
// (constructors and decoders outside tinbao's own entry points too).
const identityMessage = (rule: string) => () => ({ message: rule, override: true })

/**
 * A platform's id of a person (or of the direct conversation with them): an identity. Its errors state the rule,
 * never the value.
 *
 * @internal
 */
export const IdentityId = Schema.NonEmptyTrimmedString.pipe(withoutNul()).annotations({
  message: identityMessage("a platform id: not empty, with no leading or trailing spaces and no NUL character")
})

/**
 * A text that is part of an identity (a name, a phone number), whose errors state the rule, never the value.
 *
 * @internal
 */
export const identityText = (what: string) =>
  Schema.String.pipe(withoutNul()).annotations({
    message: identityMessage(`${what}: a string with no NUL character`)
  })
