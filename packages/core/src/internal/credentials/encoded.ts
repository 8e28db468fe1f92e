import { DateTime, Effect, Either, ParseResult, Redacted, Schedule, Schema } from "effect"
import type { Encoded, Row } from "../../Credentials.js"
import { Credential, type Credentials, CredentialsError, type Tokens } from "./credentials.js"

const decodeRow = Schema.decodeUnknownEither(
  Schema.Struct({
    account: Schema.NonEmptyTrimmedString,
    accessToken: Schema.NonEmptyString,
    expiresAt: Schema.DateTimeUtcFromNumber,
    refreshToken: Schema.NullOr(Schema.NonEmptyString),
    refreshExpiresAt: Schema.NullOr(Schema.DateTimeUtcFromNumber),
    generation: Schema.NonNegativeInt,
    status: Credential.fields.status,
    problem: Schema.NullOr(Schema.String),
    updatedAt: Schema.DateTimeUtcFromNumber
  }),
  { errors: "all" }
)

// Only the paths: the values are tokens.
const paths = (error: ParseResult.ParseError) =>
  [
    ...new Set(ParseResult.ArrayFormatter.formatErrorSync(error).map((i) => i.path.join(".") || "the whole value"))
  ].join(", ")

const failure = (account: string, reason: CredentialsError["reason"], message: string) =>
  new CredentialsError({ account, reason, message })

const fromRow = (row: Row): Either.Either<Credential, CredentialsError> =>
  Either.match(decodeRow(row), {
    onLeft: (error) =>
      Either.left(
        failure(
          String(row.account),
          "corrupt",
          `The stored tokens of ${String(row.account)} are not valid: check ${paths(error)}.`
        )
      ),
    onRight: (r) =>
      Either.right(
        new Credential(
          {
            account: r.account,
            accessToken: Redacted.make(r.accessToken),
            expiresAt: r.expiresAt,
            ...(r.refreshToken !== null ? { refreshToken: Redacted.make(r.refreshToken) } : {}),
            ...(r.refreshExpiresAt !== null ? { refreshExpiresAt: r.refreshExpiresAt } : {}),
            generation: r.generation,
            status: r.status,
            ...(r.problem !== null ? { problem: r.problem } : {}),
            updatedAt: r.updatedAt
          },
          { disableValidation: true }
        )
      )
  })

const toRow = (c: Credential): Row => ({
  account: c.account,
  accessToken: Redacted.value(c.accessToken),
  expiresAt: DateTime.toEpochMillis(c.expiresAt),
  refreshToken: c.refreshToken === undefined ? null : Redacted.value(c.refreshToken),
  refreshExpiresAt: c.refreshExpiresAt === undefined ? null : DateTime.toEpochMillis(c.refreshExpiresAt),
  generation: c.generation,
  status: c.status,
  problem: c.problem ?? null,
  updatedAt: DateTime.toEpochMillis(c.updatedAt)
})

const blank = (value: Redacted.Redacted<string> | undefined) =>
  value !== undefined && Redacted.value(value).trim().length === 0

/** The default of `earlyMillis`: an access token with less than 30 minutes left is refreshed. @internal */
export const defaultEarlyMillis = 30 * 60_000

/** @internal */
export const makeEncoded = (store: Encoded): Credentials["Type"] => {
  // Callers in this process wait for each other here; the store's own lock holds off other processes.
  const locks = new Map<string, Effect.Semaphore>()
  const exclusive = <A, E>(account: string, effect: Effect.Effect<A, E>) => {
    let lock = locks.get(account)
    if (lock === undefined) {
      lock = Effect.unsafeMakeSemaphore(1)
      locks.set(account, lock)
    }
    return lock.withPermits(1)(store.exclusive(account, effect))
  }

  const read = (account: string) =>
    Effect.flatMap(store.get(account), (row) =>
      row === undefined
        ? Effect.succeed(undefined)
        : Either.match(fromRow(row), { onLeft: Effect.fail, onRight: Effect.succeed })
    )

  const required = (account: string) =>
    Effect.flatMap(read(account), (c) =>
      c === undefined
        ? Effect.fail(failure(account, "not_connected", `Account ${account} has no stored tokens: connect it first.`))
        : Effect.succeed(c)
    )

  // A write that follows a refresh the platform has already answered: the old refresh token is spent, so the new
  // pair is worth a few retries before giving up.
  const put = (credential: Credential) =>
    store.put(toRow(credential)).pipe(
      Effect.retry({
        schedule: Schedule.exponential("50 millis"),
        times: 3,
        while: (e) => e.reason === "unavailable"
      })
    )

  const reconnectError = (c: Credential) =>
    failure(
      c.account,
      "reconnect",
      `Account ${c.account} must be connected again (Cần kết nối lại): ${c.problem ?? "its refresh token was refused"}`
    )

  const markReconnect = (c: Credential, problem: string, now: DateTime.Utc) =>
    Effect.zipRight(
      put(new Credential({ ...c, status: "reconnect", problem, updatedAt: now })),
      Effect.fail(reconnectError(new Credential({ ...c, problem })))
    )

  const build = (account: string, tokens: Tokens, generation: number, now: DateTime.Utc) =>
    Effect.try({
      try: () => {
        if (blank(tokens.accessToken) || blank(tokens.refreshToken)) throw new Error("blank")
        return new Credential({
          account,
          accessToken: tokens.accessToken,
          expiresAt: tokens.expiresAt,
          ...(tokens.refreshToken !== undefined ? { refreshToken: tokens.refreshToken } : {}),
          ...(tokens.refreshExpiresAt !== undefined ? { refreshExpiresAt: tokens.refreshExpiresAt } : {}),
          generation,
          status: "active",
          updatedAt: now
        })
      },
      catch: () => failure(account, "invalid", `The tokens given for ${account} are blank or malformed.`)
    })

  const connect: Credentials["Type"]["connect"] = (account, tokens) =>
    exclusive(
      account,
      Effect.gen(function* () {
        const now = yield* DateTime.now
        const before = yield* read(account)
        const credential = yield* build(account, tokens, (before?.generation ?? 0) + 1, now)
        yield* put(credential)
        return credential
      })
    )

  const token: Credentials["Type"]["token"] = (account, options) =>
    Effect.gen(function* () {
      const early = options.earlyMillis ?? defaultEarlyMillis
      const usable = (c: Credential, now: DateTime.Utc) =>
        c.status === "active" &&
        (options.after === undefined || c.generation > options.after) &&
        DateTime.toEpochMillis(c.expiresAt) - DateTime.toEpochMillis(now) > early
      const first = yield* required(account)
      if (first.status === "reconnect") return yield* reconnectError(first)
      if (usable(first, yield* DateTime.now)) return first
      // Re-read under the lock: another caller, here or in another process, may have refreshed meanwhile.
      return yield* exclusive(
        account,
        Effect.gen(function* () {
          const now = yield* DateTime.now
          const current = yield* required(account)
          if (current.status === "reconnect") return yield* reconnectError(current)
          if (usable(current, now)) return current
          if (current.refreshToken === undefined) {
            return yield* markReconnect(
              current,
              "its token cannot be refreshed: no refresh token is stored (a page token or a trial OA has none)",
              now
            )
          }
          if (current.refreshExpiresAt !== undefined && DateTime.lessThanOrEqualTo(current.refreshExpiresAt, now)) {
            return yield* markReconnect(current, "its refresh token has expired", now)
          }
          const refreshed = yield* Effect.either(
            options
              .refresh(current.refreshToken)
              .pipe(
                Effect.catchAllDefect(() =>
                  Effect.fail({ _tag: "Unavailable", message: "the refresh failed unexpectedly" } as const)
                )
              )
          )
          if (Either.isLeft(refreshed)) {
            const { _tag, message } = refreshed.left
            if (_tag === "Rejected")
              return yield* markReconnect(current, `the platform refused its refresh token: ${message}`, now)
            // An early refresh that failed leaves a token that still works: use it while it lasts.
            const stillValid = options.after === undefined && DateTime.greaterThan(current.expiresAt, now)
            if (stillValid) return current
            return yield* failure(
              account,
              "refresh_failed",
              `The tokens of ${account} could not be refreshed: ${message}`
            )
          }
          const next = yield* build(account, refreshed.right, current.generation + 1, now)
          yield* put(next)
          return next
        })
      )
    })

  return {
    connect,
    get: read,
    list: Effect.flatMap(store.list, (rows) =>
      Effect.forEach(rows, (row) => Either.match(fromRow(row), { onLeft: Effect.fail, onRight: Effect.succeed }))
    ),
    token,
    disconnect: (account) => exclusive(account, store.remove(account))
  }
}
