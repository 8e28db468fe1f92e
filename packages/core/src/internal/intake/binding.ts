import { Context, Effect, Layer, Option, Ref, Schema } from "effect"
import { withoutNul } from "../shared/text.js"
import { UnitId } from "../units/unit.js"

/**
 * One binding. Without `conversation` it binds the whole channel; with one, only that group or post thread,
 * which takes precedence over the channel's binding.
 *
 * @since 0.1.0
 * @category models
 */
export class Binding extends Schema.Class<Binding>("@tinbao/core/Binding")({
  channel: Schema.NonEmptyTrimmedString.pipe(withoutNul()),
  conversation: Schema.optional(Schema.NonEmptyTrimmedString.pipe(withoutNul())),
  unit: UnitId
}) {}

/**
 * The error of the bindings store.
 *
 * @since 0.1.0
 * @category errors
 */
export class BindingError extends Schema.TaggedError<BindingError>("@tinbao/core/BindingError")("BindingError", {
  reason: Schema.Literal("unavailable", "corrupt"),
  message: Schema.String,
  cause: Schema.optional(Schema.Defect)
}) {}

/**
 * The bindings store.
 *
 * @since 0.1.0
 * @category tags
 */
export class Bindings extends Context.Tag("@tinbao/core/Bindings")<
  Bindings,
  {
    /** Adds or replaces the binding of a channel or of one conversation on it. */
    readonly bind: (binding: Binding) => Effect.Effect<void, BindingError>
    /** Removes a binding; removing one that is not there does nothing. */
    readonly unbind: (channel: string, conversation?: string) => Effect.Effect<void, BindingError>
    /** The binding that applies: the conversation's own, else the channel's. */
    readonly resolve: (channel: string, conversation: string) => Effect.Effect<Option.Option<Binding>, BindingError>
    /** Every binding. */
    readonly list: Effect.Effect<ReadonlyArray<Binding>, BindingError>
  }
>() {}

const keyOf = (channel: string, conversation?: string) => `${channel}\u0000${conversation ?? ""}`

/**
 * Bindings in memory.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerMemory: Layer.Layer<Bindings> = Layer.effect(
  Bindings,
  Effect.map(Ref.make(new Map<string, Binding>()), (ref) =>
    Bindings.of({
      bind: (b) => Ref.update(ref, (m) => new Map(m).set(keyOf(b.channel, b.conversation), b)),
      unbind: (channel, conversation) =>
        Ref.update(ref, (m) => {
          const next = new Map(m)
          next.delete(keyOf(channel, conversation))
          return next
        }),
      resolve: (channel, conversation) =>
        Effect.map(Ref.get(ref), (m) =>
          Option.orElse(Option.fromNullable(m.get(keyOf(channel, conversation))), () =>
            Option.fromNullable(m.get(keyOf(channel)))
          )
        ),
      list: Effect.map(Ref.get(ref), (m) => [...m.values()])
    })
  )
)

/**
 * How many channels and conversations are bound to each unit (the reach of each unit).
 *
 * @since 0.1.0
 * @category getters
 */
export const reach = (bindings: ReadonlyArray<Binding>): ReadonlyMap<UnitId, number> => {
  const out = new Map<UnitId, number>()
  for (const b of bindings) out.set(b.unit, (out.get(b.unit) ?? 0) + 1)
  return out
}
