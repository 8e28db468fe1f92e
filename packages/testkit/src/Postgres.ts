/**
 * PostgreSQL in tests: whether a server answers, and the one rule for tests that need it. Under `CI=true` a
 * PostgreSQL test must run, so an unreachable server is a failing test that says where it looked; anywhere else
 * the tests are skipped, with one line naming the host and port.
 *
 * ```ts
 * import { Postgres } from "@tinbao/testkit/vitest"
 *
 * const pg = await Postgres.check() // 127.0.0.1:5432, one second
 *
 * Postgres.describe(pg, "SqlOutbox on postgresql", () => {
 *   it.effect("claims with SKIP LOCKED", () => ...)
 * })
 * ```
 *
 * The probe only opens a TCP connection (no login, no query), so it answers in a moment whether or not a server
 * is there, and a test file can make it once at load, with top-level `await`.
 *
 * @since 0.1.0
 */
import { Socket } from "node:net"
import { describe as describe_, it } from "@effect/vitest"
import { Duration, Effect, Either, Option, ParseResult, Schema } from "effect"

/**
 * Where a server is looked for, and how long the probe waits (1 second by default).
 *
 * @since 0.1.0
 * @category models
 */
export const Server = Schema.Struct({
  host: Schema.optionalWith(Schema.NonEmptyTrimmedString, { default: () => "127.0.0.1" }),
  port: Schema.optionalWith(Schema.Int.pipe(Schema.between(1, 65535)), { default: () => 5432 }),
  timeout: Schema.optionalWith(Schema.DurationFromSelf.pipe(Schema.betweenDuration(1, 60_000)), {
    default: () => Duration.seconds(1)
  })
}).annotations({ identifier: "PostgresServer" })

/**
 * `timeout` as any `Duration` input (`"500 millis"`, a number of milliseconds).
 *
 * @since 0.1.0
 * @category models
 */
export interface ServerInput {
  readonly host?: string
  readonly port?: number
  readonly timeout?: Duration.DurationInput
}

/**
 * The one error of this module: `invalid`, the server was described wrongly (an empty host, a port outside
 * 1–65535, a timeout that is not between 1 millisecond and 1 minute).
 *
 * @since 0.1.0
 * @category errors
 */
export class PostgresError extends Schema.TaggedError<PostgresError>("@tinbao/testkit/PostgresError")("PostgresError", {
  reason: Schema.Literal("invalid"),
  message: Schema.String,
  cause: Schema.optional(Schema.Defect)
}) {}

/**
 * What a test file learns at load: where it looked, whether a server answered there, and whether the tests
 * are required to run (`CI=true`).
 *
 * @since 0.1.0
 * @category models
 */
export interface Check {
  readonly host: string
  readonly port: number
  readonly reachable: boolean
  readonly required: boolean
}

const decodeServer = Schema.decodeUnknownEither(Server, { errors: "all" })

const server = (input: ServerInput): Either.Either<typeof Server.Type, PostgresError> =>
  Either.mapLeft(
    decodeServer({
      ...input,
      ...(input.timeout !== undefined
        ? { timeout: Option.getOrElse(Duration.decodeUnknown(input.timeout), () => input.timeout) }
        : {})
    }),
    (error) =>
      new PostgresError({
        reason: "invalid",
        message: `This PostgreSQL server is described wrongly:\n${ParseResult.TreeFormatter.formatErrorSync(error)}`
      })
  )

// The socket's own timer, not the Effect clock: the probe must give up in real time even when a test clock runs.
const connects = (host: string, port: number, timeout: Duration.Duration): Effect.Effect<boolean> =>
  Effect.async<boolean>((resume) => {
    const socket = new Socket()
    let settled = false
    const done = (ok: boolean) => {
      if (settled) return
      settled = true
      socket.destroy()
      resume(Effect.succeed(ok))
    }
    socket.setTimeout(Duration.toMillis(timeout), () => done(false))
    socket.once("error", () => done(false))
    socket.connect(port, host, () => done(true))
    return Effect.sync(() => socket.destroy())
  })

/**
 * Whether a TCP connection to the server opens within the timeout. A server that refuses, a host that does not
 * resolve and a probe that times out all answer `false`; only a wrongly described server fails.
 *
 * @since 0.1.0
 * @category constructors
 */
export const reachable = (input: ServerInput = {}): Effect.Effect<boolean, PostgresError> =>
  Effect.flatMap(server(input), (s) => connects(s.host, s.port, s.timeout))

/**
 * Probes the server once and reads `CI` from the environment (`env`, `process.env` by default): `required` is
 * true when `CI` is `"true"`. Rejects with {@link PostgresError} when the server is described wrongly.
 *
 * @since 0.1.0
 * @category constructors
 */
export const check = (
  input: ServerInput = {},
  env: Readonly<Record<string, string | undefined>> = process.env
): Promise<Check> =>
  Effect.runPromise(
    Effect.gen(function* () {
      const s = yield* server(input)
      return {
        host: s.host,
        port: s.port,
        reachable: yield* connects(s.host, s.port, s.timeout),
        required: env.CI === "true"
      }
    }).pipe(Effect.either)
  ).then(Either.getOrThrowWith((error) => error))

/**
 * What stands in for PostgreSQL tests that cannot run: nothing when the server answered; a failing test when CI
 * requires them; else one skipped test. Both titles name the host and port.
 *
 * @since 0.1.0
 * @category models
 */
export type StandIn =
  | { readonly _tag: "None" }
  | { readonly _tag: "Fail"; readonly title: string; readonly message: string }
  | { readonly _tag: "Skip"; readonly title: string }

/**
 * The stand-in the rule gives for a check.
 *
 * @since 0.1.0
 * @category getters
 */
export const standIn = (check: Check): StandIn => {
  const where = `${check.host}:${check.port}`
  if (check.reachable) return { _tag: "None" }
  return check.required
    ? {
        _tag: "Fail",
        title: `PostgreSQL is reachable at ${where} (required in CI)`,
        message: `PostgreSQL is not reachable at ${where}, and CI=true requires these tests to run`
      }
    : { _tag: "Skip", title: `PostgreSQL not reachable at ${where}: its tests are skipped (CI=true fails them)` }
}

/**
 * Registers the stand-in of an unreachable server as a test in the current block (see {@link standIn}), and
 * prints a skip's title as a warning so that it shows in any reporter; does nothing when the server answered.
 * For files that register their PostgreSQL tests themselves.
 *
 * @since 0.1.0
 * @category constructors
 */
export const registerStandIn = (check: Check): void => {
  const stand = standIn(check)
  if (stand._tag === "Fail") {
    it(stand.title, () => {
      throw new Error(stand.message)
    })
  } else if (stand._tag === "Skip") {
    // A reporter lists a skipped test by name only when asked to (verbose); the printed line is what one sees.
    console.warn(stand.title)
    it.skip(stand.title, () => {})
  }
}

/**
 * A `describe` block of PostgreSQL tests: `body` registers them when the server answered; otherwise the block
 * holds only the stand-in, failing in CI and skipped elsewhere.
 *
 * @since 0.1.0
 * @category constructors
 */
export const describe = (check: Check, name: string, body: () => void): void => {
  describe_(name, () => (check.reachable ? body() : registerStandIn(check)))
}
