/**
 * The channel suite's declared cases: running them against a fresh adapter and fake platform, and comparing
 * what happened with what the case expects.
 *
 * @internal
 */
import { expect, it, vi } from "@effect/vitest"
import type { Channel, InboundMessage } from "@tinbao/core"
import { Cause, DateTime, Effect, Either, Exit, Option, Redacted, type Scope } from "effect"
import type { IncomingCase, Options, OutgoingCase, RequestExpectation } from "../ChannelSuite.js"
import { assertNoLeaks, type Observation, observation, observe } from "./channelSuiteObserve.js"
import * as FakePlatform from "./fakePlatform.js"

/** A fresh fake platform and an adapter pointed at it. @internal */
export const setup = (
  options: Options
): Effect.Effect<
  { readonly platform: FakePlatform.FakePlatform; readonly adapter: Channel.ChannelAdapter },
  never,
  Scope.Scope
> =>
  Effect.gen(function* () {
    const platform = yield* FakePlatform.make
    return { platform, adapter: yield* options.make(platform.url) }
  })

/** The error an exit failed with; a defect or an interruption fails the test with its cause. @internal */
export const failure = <A>(exit: Exit.Exit<A, Channel.ChannelError>, what: string): Channel.ChannelError => {
  if (Exit.isSuccess(exit)) return expect.fail(`${what}: expected a ChannelError, but it succeeded`)
  return Option.getOrElse(Cause.failureOption(exit.cause), () =>
    expect.fail(`${what}: expected a ChannelError, but it died:\n${Cause.pretty(exit.cause)}`)
  )
}

/** The value an exit succeeded with; a failure fails the test with its cause. @internal */
export const success = <A>(exit: Exit.Exit<A, Channel.ChannelError>, what: string): A => {
  if (Exit.isSuccess(exit)) return exit.value
  return expect.fail(`${what}: expected success, but it failed:\n${Cause.pretty(exit.cause)}`)
}

/**
 * What an adapter made of a delivery: `verify`'s verdict and, when it keeps the delivery, `decode`'s messages.
 *
 * @internal
 */
export interface Received {
  readonly verified: Channel.Verified
  readonly decoded: Channel.Decoded
}

const nothing: Channel.Decoded = { messages: [], unsupported: [] }

/**
 * A delivery through both steps of the contract, as the webhook and its worker take it: `verify`, then, if it
 * keeps the delivery, `decode`. A `decode` that throws dies.
 *
 * @internal
 */
export const receive = (
  adapter: Channel.ChannelAdapter,
  delivery: Channel.RawDelivery
): Effect.Effect<Received, Channel.ChannelError> =>
  Effect.flatMap(adapter.verify(delivery), (verified) =>
    verified.keep
      ? Effect.map(Effect.flatten(Effect.sync(() => adapter.decode(delivery))), (decoded) => ({ verified, decoded }))
      : Effect.succeed({ verified, decoded: nothing })
  )

/**
 * A delivery decoded as if two days had passed. Only `Date` is faked: `decode` returns an `Either`, so the Effect
 * clock cannot reach it.
 *
 * @internal
 */
export const decodeLater = (
  adapter: Channel.ChannelAdapter,
  delivery: Channel.RawDelivery
): Either.Either<Channel.Decoded, Channel.ChannelError> => {
  vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 2 * 24 * 3_600_000 })
  try {
    return adapter.decode(delivery)
  } finally {
    vi.useRealTimers()
  }
}

/** A conversation as expectations name it: a direct one's id revealed. @internal */
export const revealed = (conversation: InboundMessage.Conversation): { kind: string; id: string } =>
  conversation.kind === "direct"
    ? { kind: "direct", id: Redacted.value(conversation.id) }
    : { kind: conversation.kind, id: conversation.id }

const view = (m: InboundMessage.InboundMessage) => ({
  kind: m.kind,
  platformMessageId: m.platformMessageId,
  text: m.text,
  conversation: revealed(m.conversation),
  attachments: m.attachments,
  replyTo: m.replyTo,
  sentAt: DateTime.toEpochMillis(m.sentAt)
})

/** @internal */
export const checkIncoming = (c: IncomingCase, exit: Exit.Exit<Received, Channel.ChannelError>): void => {
  const e = c.expect
  if (e.error !== undefined) {
    expect(failure(exit, c.name).reason, `${c.name}: the error's reason`).toBe(e.error)
    return
  }
  const { verified, decoded } = success(exit, c.name)
  if (e.status !== undefined) expect(verified.answer.status, `${c.name}: the answer's status`).toBe(e.status)
  if (e.body !== undefined) expect(verified.answer.body, `${c.name}: the answer's body`).toBe(e.body)
  if (e.keep !== undefined) expect(verified.keep, `${c.name}: whether the delivery is kept`).toBe(e.keep)
  if (e.unsupported !== undefined) {
    expect(decoded.unsupported, `${c.name}: the unsupported events`).toHaveLength(e.unsupported)
  }
  if (e.messages !== undefined) {
    expect(decoded.messages.map(view), `${c.name}: the messages`).toMatchObject(e.messages)
  }
}

const checkRequest = (c: OutgoingCase, request: FakePlatform.Recorded, e: RequestExpectation, i: number): void => {
  const what = `${c.name}: request ${i + 1}`
  if (e.method !== undefined) expect(request.method, `${what}'s method`).toBe(e.method.toUpperCase())
  if (typeof e.path === "string") expect(request.path, `${what}'s path`).toBe(e.path)
  else if (e.path !== undefined) expect(request.path, `${what}'s path`).toMatch(e.path)
  for (const name of e.headers ?? []) {
    expect(Object.keys(request.headers), `${what}'s headers`).toContain(name.toLowerCase())
  }
  if (e.body !== undefined) {
    const body = Either.try(() => JSON.parse(request.body) as unknown)
    if (Either.isLeft(body)) expect.fail(`${what}'s body is not JSON: ${request.body.slice(0, 200)}`)
    else expect(body.right, `${what}'s body`).toMatchObject(e.body)
  }
}

/** @internal */
export const checkOutgoing = (
  c: OutgoingCase,
  exit: Exit.Exit<string, Channel.ChannelError>,
  requests: ReadonlyArray<FakePlatform.Recorded>
): void => {
  const e = c.expect
  const seen = requests.map((r) => `${r.method} ${r.path}`)
  expect(seen, `${c.name}: the requests the platform received`).toHaveLength(e.requests.length)
  for (const [i, expected] of e.requests.entries()) checkRequest(c, requests[i], expected, i)
  if (e.error !== undefined || e.retryable !== undefined) {
    const error = failure(exit, c.name)
    if (e.error !== undefined) expect(error.reason, `${c.name}: the error's reason`).toBe(e.error)
    if (e.retryable !== undefined) expect(error.retryable, `${c.name}: whether it is retryable`).toBe(e.retryable)
  } else {
    const id = success(exit, c.name)
    if (e.id !== undefined) expect(id, `${c.name}: the returned id`).toBe(e.id)
  }
}

/** Runs an incoming case, recording into `observed`. @internal */
export const runIncoming = (options: Options, c: IncomingCase, observed: Observation) =>
  Effect.flatMap(setup(options), ({ adapter }) => observe(observed, receive(adapter, c.delivery)))

/**
 * Runs an outgoing case, recording into `observed`; a direct conversation's id, the reporter's platform id, counts
 * among the observed identities.
 *
 * @internal
 */
export const runOutgoing = (options: Options, c: OutgoingCase, observed: Observation) =>
  Effect.gen(function* () {
    const { adapter, platform } = yield* setup(options)
    yield* Effect.orDie(platform.respondWith(...c.responses))
    const { conversation } = c.message
    if (conversation.kind === "direct") observed.identities.add(Redacted.value(conversation.id))
    const exit = yield* observe(observed, adapter.send(c.message))
    return { exit, requests: yield* platform.requests }
  })

/** @internal */
export const incomingTest = (options: Options, c: IncomingCase): void => {
  it.scopedLive(c.name, () =>
    Effect.gen(function* () {
      const observed = observation()
      checkIncoming(c, yield* runIncoming(options, c, observed))
      assertNoLeaks(observed, options.secrets)
    })
  )
}

/** @internal */
export const outgoingTest = (options: Options, c: OutgoingCase): void => {
  it.scopedLive(c.name, () =>
    Effect.gen(function* () {
      const observed = observation()
      const { exit, requests } = yield* runOutgoing(options, c, observed)
      checkOutgoing(c, exit, requests)
      assertNoLeaks(observed, options.secrets)
    })
  )
}
