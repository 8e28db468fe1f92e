/**
 * What the evidence suites share: how a test is registered (on a fresh build of the layer, or skipped with the
 * reason when it needs a capability or a probe the backend does not have), and the tips and links they use.
 *
 * @internal
 */
import { it, type Vitest } from "@effect/vitest"
import { Evidence, type MediaStore, type Tip } from "@tinbao/core"
import { DateTime, Duration, Effect, type Layer, Option, type Schema } from "effect"
import { type Capability, decodeCapabilities, missingNeeds } from "./suiteNeeds.js"

/** A row with the fields of an adapter's row and values of any type, to write what no adapter would. @internal */
export type LooseRow<Row> = { readonly [K in keyof Row]: unknown }

/** @internal */
export interface RecordProbes<R> {
  readonly rows?: () => Effect.Effect<ReadonlyArray<unknown>, unknown, R>
  readonly writeRow?: (row: LooseRow<Evidence.Row>) => Effect.Effect<void, unknown, R>
}

/** @internal */
export interface MediaProbes<R> {
  readonly files?: () => Effect.Effect<number, unknown, R>
  readonly overwrite?: (hash: MediaStore.Hash, bytes: Uint8Array) => Effect.Effect<void, unknown, R>
}

/** @internal */
export interface Context<S, P extends object, R> {
  readonly it: Vitest.Methods
  readonly layer: Layer.Layer<S | R, unknown>
  readonly capabilities: { readonly concurrentWriters: Capability }
  readonly probes: P
  readonly timeout: number
  /** Fails the test when the store it opened is not empty. */
  readonly empty: Effect.Effect<void, unknown, S | R>
}

/** @internal */
export interface Needs<P> {
  readonly capabilities?: ReadonlyArray<"concurrentWriters">
  readonly probes?: ReadonlyArray<keyof P & string>
}

/**
 * Registers a test that runs on a fresh build of the layer (with the test clock, which the tests move), or
 * registers it skipped with the reason in its title.
 *
 * @internal
 */
export const test = <S, P extends object, R>(
  ctx: Context<S, P, R>,
  title: string,
  needs: Needs<P>,
  body: () => Effect.Effect<void, unknown, S | R>
): void => {
  const missing = missingNeeds(ctx.capabilities, ctx.probes, needs)
  const run = () => Effect.provide(Effect.zipRight(ctx.empty, Effect.suspend(body)), ctx.layer)
  if (missing.length === 0) ctx.it.effect(title, run, ctx.timeout)
  else ctx.it.effect.skip(`${title} [skipped: ${missing.join("; ")}]`, run, ctx.timeout)
}

// Claims see every record a store holds: a test can only be exact about what it finds on a store of its own.
/** @internal */
export const emptyRecords = Effect.gen(function* () {
  const records = yield* Evidence.EvidenceRecords
  const far = DateTime.add(yield* DateTime.now, { days: 365_000 })
  const found = yield* records.claim(far, 1, 1)
  if (found.length > 0) {
    return yield* Effect.dieMessage(
      "EvidenceSuite: the layer under test opened evidence records that already hold some; each build of the layer must open an empty store"
    )
  }
})

/** A suite's timeout in milliseconds; throws at registration when it is not a positive, finite duration. @internal */
export const suiteTimeout = (where: string, timeout: Duration.DurationInput | undefined): number => {
  const millis = Option.getOrElse(
    Option.map(Duration.decodeUnknown(timeout ?? Duration.seconds(60)), Duration.toMillis),
    () => Number.NaN
  )
  if (!(millis > 0 && Number.isFinite(millis))) {
    throw new TypeError(`${where}: the timeout must be a positive, finite duration`)
  }
  return millis
}

/** A suite's options, read at registration. @internal */
export interface SuiteOptions<P> {
  readonly capabilities?: unknown
  readonly probes?: P | undefined
  readonly timeout?: Duration.DurationInput | undefined
}

/**
 * The context of a suite's tests, from its options; throws at registration, naming `where`, when the capabilities
 * are malformed or the timeout is not a positive duration.
 *
 * @internal
 */
export const makeContext = <
  S,
  P extends object,
  R,
  A extends { readonly concurrentWriters?: Capability | undefined },
  I
>(
  where: string,
  layer: Layer.Layer<NoInfer<S | R>, unknown>,
  options: SuiteOptions<NoInfer<P>>,
  capabilities: Schema.Schema<A, I>,
  empty: Effect.Effect<void, unknown, NoInfer<S | R>>
): Context<S, P, R> => ({
  it,
  layer,
  capabilities: {
    concurrentWriters: decodeCapabilities(capabilities, options.capabilities ?? {}, where).concurrentWriters ?? {
      supported: true
    }
  },
  probes: options.probes ?? ({} as P),
  timeout: suiteTimeout(where, options.timeout),
  empty
})

/** A tip. @internal */
export const tip = "tip_0193a1b2c3d4e5f60718293a4b5c" as Tip.TipId

/** Another tip. @internal */
export const otherTip = "tip_0193a1b2c3d4ffffffffffffffff" as Tip.TipId

/** The signature in the links' query strings: it must never appear in an error. @internal */
export const signature = "oh=00_AYBxSIGNATUREx9f3&oe=67A1B2C3"

/** A platform's media link, signed. @internal */
export const link = (n: number): string => `https://localhost/v/t39.30808-6/${4000 + n}_n.jpg?_nc_cat=1&${signature}`

/** The reason of the error an effect fails with. @internal */
export const reasonOf = <A, E extends { readonly reason: string }, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.map(Effect.flip(effect), (e) => e.reason)

/** Rows as text; a bigint column (PostgreSQL's) is written as its digits. @internal */
export const textOf = (rows: unknown): string =>
  JSON.stringify(rows, (_, value) => (typeof value === "bigint" ? value.toString() : value))
