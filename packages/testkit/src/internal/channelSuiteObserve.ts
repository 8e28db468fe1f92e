/**
 * What the channel suite watches while an adapter works: every log line (the default logger replaced, every
 * level let through) and every rendering of what it produced (String, JSON, util.inspect, error messages and
 * causes), then a check that none of it holds a secret or a sender's identity.
 *
 * @internal
 */
import { inspect } from "node:util"
import { expect } from "@effect/vitest"
import type { Channel, InboundMessage } from "@tinbao/core"
import { Cause, Effect, Exit, Logger, LogLevel, Redacted } from "effect"
import type { Received } from "./channelSuiteCases.js"

/** @internal */
export interface Observation {
  readonly lines: Array<string>
  readonly renderings: Array<string>
  readonly identities: Set<string>
}

/** @internal */
export const observation = (): Observation => ({ lines: [], renderings: [], identities: new Set() })

const json = (value: unknown): string => {
  try {
    return JSON.stringify(value) ?? ""
  } catch (error) {
    return `(JSON.stringify threw: ${String(error)})`
  }
}

const renderings = (value: unknown): Array<string> => [
  String(value),
  json(value),
  inspect(value, { depth: 12, showHidden: false, getters: true })
]

const capture = (lines: Array<string>) =>
  Logger.make<unknown, void>((options) => {
    lines.push(Logger.logfmtLogger.log(options), json(Logger.structuredLogger.log(options)))
    lines.push(inspect(options.message, { depth: 12 }), inspect(options.annotations, { depth: 12 }))
  })

/**
 * The identities a message carries: its sender's platform id and display name, and a direct conversation's id.
 *
 * @internal
 */
export const senderIdentities = (message: InboundMessage.InboundMessage): Array<string> => {
  const sender = Redacted.value(message.sender)
  return [
    sender.platformUserId,
    ...(sender.displayName === undefined ? [] : [sender.displayName]),
    ...(message.conversation.kind === "direct" ? [Redacted.value(message.conversation.id)] : [])
  ]
}

const renderExit = <A>(exit: Exit.Exit<A, Channel.ChannelError>): Array<string> =>
  Exit.match(exit, {
    onSuccess: (value) => renderings(value),
    onFailure: (cause) => [
      Cause.pretty(cause),
      ...Cause.failures(cause)
        .pipe((chunk) => [...chunk])
        .flatMap((e) => [e.message, ...renderings(e), ...(e.cause === undefined ? [] : renderings(e.cause))])
    ]
  })

/**
 * Runs an adapter's effect with its logs captured into `into`, and records how its outcome renders and the
 * identities of the messages it produced.
 *
 * @internal
 */
export const observe = <A>(
  into: Observation,
  effect: Effect.Effect<A, Channel.ChannelError>
): Effect.Effect<Exit.Exit<A, Channel.ChannelError>> =>
  effect.pipe(
    Effect.exit,
    Effect.provide(Logger.replace(Logger.defaultLogger, capture(into.lines))),
    Logger.withMinimumLogLevel(LogLevel.All),
    Effect.tap((exit) =>
      Effect.sync(() => {
        into.renderings.push(...renderExit(exit))
        if (Exit.isSuccess(exit) && typeof exit.value === "object" && exit.value !== null && "decoded" in exit.value) {
          const { decoded } = exit.value as unknown as Received
          for (const message of decoded.messages) {
            for (const identity of senderIdentities(message)) into.identities.add(identity)
            into.renderings.push(...renderings(message), ...renderings(message.sender))
            into.renderings.push(...renderings(message.conversation), ...renderings(message.conversation.id))
          }
        }
      })
    )
  )

/**
 * Fails the test when a log line or a rendering holds a secret or one of `identities` (those observed, unless
 * given); the failure names what leaked and where, not the secret itself.
 *
 * @internal
 */
export const assertNoLeaks = (
  observed: Observation,
  secrets: ReadonlyArray<string>,
  identities: ReadonlySet<string> = observed.identities
): void => {
  const forbidden = [
    ...secrets.map((value, i) => ({ value, label: `secret #${i + 1}` })),
    ...[...identities].filter((value) => value.length > 0).map((value) => ({ value, label: `identity "${value}"` }))
  ]
  const leaks: Array<string> = []
  const scan = (texts: ReadonlyArray<string>, what: string) => {
    for (const text of texts) {
      for (const { value, label } of forbidden) {
        if (text.includes(value))
          leaks.push(`${label} in a ${what}: ${text.replaceAll(value, `<${label}>`).slice(0, 300)}`)
      }
    }
  }
  scan(observed.lines, "log line")
  scan(observed.renderings, "produced value or error")
  if (leaks.length > 0) {
    expect.fail(
      `secrets and reporters' identities must never reach logs, errors or produced values:\n${leaks.join("\n")}`
    )
  }
}
