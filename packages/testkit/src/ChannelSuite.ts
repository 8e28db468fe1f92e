/**
 * The channel conformance suite, after Courier's handlertest: an adapter's test file declares incoming cases
 * (a raw delivery and what should come of it) and outgoing cases (a message, the platform's scripted answers and
 * the requests it should have received), and gets built-in checks for free:
 *
 * - a delivery whose signature header is altered by one byte, or missing, is refused with `bad_signature`;
 * - the same delivery decoded twice gives the same platform message ids, so intake can de-duplicate;
 * - a delivery `verify` accepted decodes the same way two days later: `decode` never checks the time again;
 * - cases marked as echoes or receipts yield nothing that is tip material;
 * - a direct conversation's id, revealed, is its sender's platform id (an echo's sender is the channel itself);
 * - what comes out keeps to the declared capabilities (groups, comments, attachments, location), and a reply
 *   longer than `maxTextLength` or to a conversation kind the channel lacks is refused without a request;
 * - no secret, no sender's platform id or display name and no direct conversation's id reaches a log line, an
 *   error message, or the String, JSON or util.inspect rendering of anything produced, in any case. Redacted
 *   values render as `<redacted>`, so an adapter that keeps identities in them passes.
 *
 * An incoming case runs as the webhook and its worker do: `verify`, then `decode` when `verify` keeps the
 * delivery.
 *
 * ```ts
 * import { WebFormChannel } from "@tinbao/web"
 *
 * ChannelSuite.suite("web form", {
 *   make: (url) => Effect.orDie(WebFormChannel.make({ id: "web:test", secret, endpoint: `${url}/replies` })),
 *   signatureHeader: "x-tinbao-signature",
 *   incoming: [...], outgoing: [...], secrets: [Redacted.value(secret)]
 * })
 * ```
 *
 * Outgoing cases run against a {@link FakePlatform} whose URL is given to `make`. Use distinctive sender ids and
 * names in the cases (not "1" or "An"): the leak check looks for them as they are.
 *
 * @since 0.1.0
 */
import { describe } from "@effect/vitest"
import type { Channel, InboundMessage } from "@tinbao/core"
import type { Effect, Scope } from "effect"
import type * as FakePlatform from "./FakePlatform.js"
import { builtinTests } from "./internal/channelSuiteBuiltin.js"
import { incomingTest, outgoingTest } from "./internal/channelSuiteCases.js"

/**
 * What a produced message should look like; only the fields given are compared (`sentAt` in epoch ms,
 * `attachments` element by element, a direct conversation's id revealed).
 *
 * @since 0.1.0
 * @category models
 */
export interface MessageExpectation {
  readonly kind?: InboundMessage.Kind
  readonly platformMessageId?: string
  readonly text?: string
  readonly conversation?: { readonly kind?: InboundMessage.Conversation["kind"]; readonly id?: string }
  readonly attachments?: ReadonlyArray<Partial<InboundMessage.Attachment>>
  readonly replyTo?: string
  readonly sentAt?: number
}

/**
 * A delivery and what should come of it: the answer's `status` and `body`, whether `verify` keeps it, the
 * messages `decode` makes of it (all of them, in order), how many events are unsupported, or the reason of the
 * error (of `verify`, or of `decode`). `nature` marks an echo of our own message or a delivery/seen receipt, which
 * must yield nothing that is tip material.
 *
 * @since 0.1.0
 * @category models
 */
export interface IncomingCase {
  readonly name: string
  readonly delivery: Channel.RawDelivery
  readonly nature?: "echo" | "receipt"
  readonly expect: {
    readonly status?: number
    readonly body?: string
    readonly keep?: boolean
    readonly messages?: ReadonlyArray<MessageExpectation>
    readonly unsupported?: number
    readonly error?: Channel.Reason
  }
}

/**
 * What a request the platform received should look like: `path` includes the query string; `body` is a subset of
 * the JSON body; `headers` are names that must be present (lower case).
 *
 * @since 0.1.0
 * @category models
 */
export interface RequestExpectation {
  readonly method?: string
  readonly path?: string | RegExp
  readonly body?: Readonly<Record<string, unknown>>
  readonly headers?: ReadonlyArray<string>
}

/**
 * A message to send, the platform's answers in order, and what should happen: the requests (all of them, in
 * order), then the returned id, or the error's reason and whether it is retryable.
 *
 * @since 0.1.0
 * @category models
 */
export interface OutgoingCase {
  readonly name: string
  readonly message: Channel.OutboundMessage
  readonly responses: ReadonlyArray<FakePlatform.Response>
  readonly expect: {
    readonly requests: ReadonlyArray<RequestExpectation>
    readonly id?: string
    readonly error?: Channel.Reason
    readonly retryable?: boolean
  }
}

/**
 * The suite's input: how to build the adapter against a platform URL, the header that carries the signature
 * (or the secret token), the cases, and the secrets that must never show.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  readonly make: (platformUrl: string) => Effect.Effect<Channel.ChannelAdapter, never, Scope.Scope>
  readonly signatureHeader: string
  readonly incoming: ReadonlyArray<IncomingCase>
  readonly outgoing: ReadonlyArray<OutgoingCase>
  readonly secrets: ReadonlyArray<string>
}

/**
 * Registers the channel conformance suite: a `describe` block named `name` with one test per case and the
 * built-in checks. Throws at registration when there is no secret to watch for, a secret is shorter than 8
 * characters (it would be found by chance), or two cases share a name.
 *
 * @since 0.1.0
 * @category constructors
 */
export const suite = (name: string, options: Options): void => {
  const refuse = (why: string) => {
    throw new TypeError(`ChannelSuite.suite("${name}"): ${why}`)
  }
  if (options.secrets.length === 0) refuse("give at least one secret to watch for")
  if (options.secrets.some((s) => s.length < 8)) refuse("every secret must have at least 8 characters")
  const names = [...options.incoming, ...options.outgoing].map((c) => c.name)
  const twice = names.find((n, i) => names.indexOf(n) !== i)
  if (twice !== undefined) refuse(`two cases are named "${twice}"`)
  describe(name, () => {
    describe("incoming", () => {
      for (const c of options.incoming) incomingTest(options, c)
    })
    describe("outgoing", () => {
      for (const c of options.outgoing) outgoingTest(options, c)
    })
    describe("built-in checks", () => builtinTests(options))
  })
}
