import { DateTime, Effect, Either, ParseResult, Schema } from "effect"
import type { Encoded, Row } from "../../Inbox.js"
import { Delivery, Entry, type Inbox, InboxError, InboxId, Status } from "./inbox.js"

const Millis = Schema.DateTimeUtcFromNumber

const codec = {
  decodeRow: Schema.decodeUnknownEither(
    Schema.Struct({
      id: InboxId,
      channel: Schema.NonEmptyTrimmedString,
      method: Delivery.fields.method,
      url: Delivery.fields.url,
      headers: Delivery.fields.headers,
      body: Schema.Uint8ArrayFromBase64,
      receivedAt: Millis,
      status: Status,
      attempts: Schema.NonNegativeInt,
      nextAttemptAt: Millis,
      leaseUntil: Schema.NullOr(Millis),
      deadReason: Schema.NullOr(Schema.String),
      lastError: Schema.NullOr(Schema.String)
    }),
    { errors: "all" }
  ),
  validateDelivery: Schema.validateEither(Delivery, { errors: "all" }),
  encodeBody: Schema.encodeSync(Schema.Uint8ArrayFromBase64)
}

// Only the paths: a delivery's values are what a platform sent, identities included.
const paths = (error: ParseResult.ParseError) => {
  const all = ParseResult.ArrayFormatter.formatErrorSync(error).map((i) => i.path.join(".") || "the whole value")
  return [...new Set(all)].join(", ")
}

const fail = (reason: InboxError["reason"], message: string) => Effect.fail(new InboxError({ reason, message }))

const fromRow = (row: Row): Effect.Effect<Entry, InboxError> =>
  Either.match(codec.decodeRow(row), {
    onLeft: (error) => fail("corrupt", `The stored delivery ${String(row.id)} is not valid: check ${paths(error)}.`),
    onRight: (r) =>
      Effect.succeed(
        new Entry(
          {
            id: r.id,
            channel: r.channel,
            delivery: { method: r.method, url: r.url, headers: r.headers, body: r.body },
            receivedAt: r.receivedAt,
            status: r.status,
            attempts: r.attempts,
            nextAttemptAt: r.nextAttemptAt,
            ...(r.leaseUntil !== null ? { leaseUntil: r.leaseUntil } : {}),
            ...(r.deadReason !== null ? { deadReason: r.deadReason } : {}),
            ...(r.lastError !== null ? { lastError: r.lastError } : {})
          },
          { disableValidation: true }
        )
      )
  })

const newId = (): InboxId => `IB-${crypto.randomUUID().replaceAll("-", "")}` as InboxId

const isPositiveInt = (n: number) => Number.isSafeInteger(n) && n > 0
const millis = DateTime.toEpochMillis

/** @internal */
export const makeEncoded = (store: Encoded): Inbox["Type"] => {
  const change = (
    id: InboxId,
    from: ReadonlyArray<Status>,
    next: Parameters<Encoded["update"]>[2],
    action: string
  ): Effect.Effect<void, InboxError> =>
    Effect.flatMap(store.update(id, from, next), (updated) =>
      updated
        ? Effect.void
        : Effect.flatMap(store.get(id), (current) =>
            current === undefined
              ? fail("not_found", `No stored delivery has the id ${id}.`)
              : fail("conflict", `Delivery ${id} is ${current.status}: it cannot be ${action}.`)
          )
    )

  return {
    store: (channel, delivery, receivedAt, options) =>
      Effect.gen(function* () {
        const checked = codec.validateDelivery(delivery)
        if (Either.isLeft(checked))
          return yield* fail("invalid", `This delivery is malformed: check ${paths(checked.left)}.`)
        if (channel.trim().length === 0) return yield* fail("invalid", "A delivery must name its channel.")
        const dead = options?.deadLetter
        const id = newId()
        yield* store.insert({
          id,
          channel,
          method: delivery.method,
          url: delivery.url,
          headers: { ...delivery.headers },
          body: codec.encodeBody(delivery.body),
          receivedAt: millis(receivedAt),
          status: dead === undefined ? "pending" : "dead",
          attempts: 0,
          nextAttemptAt: millis(receivedAt),
          leaseUntil: null,
          deadReason: dead ?? null,
          lastError: null
        })
        return id
      }),
    claim: (now, limit, leaseMillis) =>
      !isPositiveInt(limit) || !isPositiveInt(leaseMillis)
        ? fail("invalid", `A claim needs a positive whole limit and lease, not ${limit} and ${leaseMillis} ms.`)
        : Effect.flatMap(store.claim(millis(now), limit, millis(now) + leaseMillis), (rows) =>
            Effect.forEach(rows, fromRow)
          ),
    done: (id) => change(id, ["processing"], { status: "done", lastError: null }, "marked done"),
    retryAt: (id, at, error) =>
      change(id, ["processing"], { status: "pending", nextAttemptAt: millis(at), lastError: error }, "retried"),
    deadLetter: (id, reason, lastError) =>
      change(
        id,
        ["pending", "processing", "dead"],
        { status: "dead", deadReason: reason, ...(lastError !== undefined ? { lastError } : {}) },
        "made a dead letter"
      ),
    deadLetters: () => Effect.flatMap(store.list("dead"), (rows) => Effect.forEach(rows, fromRow)),
    replay: (id) =>
      Effect.flatMap(DateTime.now, (now) =>
        change(id, ["dead"], { status: "pending", nextAttemptAt: millis(now), attempts: 0 }, "replayed")
      ),
    // Only a dead letter: a delivery in flight belongs to its worker, and a done one to retention.
    deleteDeadLetter: (id) =>
      Effect.flatMap(store.remove(id, ["dead"]), (removed) =>
        removed
          ? Effect.void
          : Effect.flatMap(store.get(id), (current) =>
              current === undefined
                ? fail("not_found", `No stored delivery has the id ${id}.`)
                : fail("conflict", `Delivery ${id} is ${current.status}, not a dead letter: it cannot be deleted.`)
            )
      ),
    get: (id) => Effect.flatMap(store.get(id), (row) => (row === undefined ? Effect.succeed(undefined) : fromRow(row))),
    lastReceived: () =>
      Effect.map(store.lastReceived(), (rows) =>
        rows.map((r) => ({ channel: r.channel, receivedAt: DateTime.unsafeMake(r.receivedAt) }))
      ),
    purge: (before) => store.purge("done", millis(before)),
    purgeDeadLetters: (before) => store.purge("dead", millis(before))
  }
}
