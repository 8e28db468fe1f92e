/**
 * The checks every adapter gets from the channel suite without declaring a case for them, driven by its declared
 * capabilities and by the cases it did declare. A check with nothing to work on is reported as skipped, with the
 * reason in its title.
 *
 * @internal
 */
import { expect, it, type TestContext } from "@effect/vitest"
import { Channel, InboundMessage } from "@tinbao/core"
import { Effect, Either, type Scope } from "effect"
import type { IncomingCase, Options } from "../ChannelSuite.js"
import { decodeLater, failure, revealed, runIncoming, runOutgoing, setup, success } from "./channelSuiteCases.js"
import { capabilityProblems, directConversationProblem, tamperings } from "./channelSuiteChecks.js"
import { assertNoLeaks, observation, observe } from "./channelSuiteObserve.js"

const test = (
  title: string,
  skipped: string | undefined,
  body: (ctx: TestContext) => Effect.Effect<void, never, Scope.Scope>
): void => {
  if (skipped === undefined) it.scopedLive(title, body)
  else it.scopedLive.skip(`${title} [skipped: ${skipped}]`, body)
}

/** @internal */
export const builtinTests = (options: Options): void => {
  const header = options.signatureHeader.toLowerCase()
  const accepted = options.incoming.filter((c) => c.expect.error === undefined)
  const signed = accepted.filter((c) => c.delivery.headers[header] !== undefined)
  const natured = accepted.filter((c) => c.nature !== undefined)
  const template = options.outgoing[0]?.message

  const receive = (c: IncomingCase) => {
    const observed = observation()
    return Effect.map(runIncoming(options, c, observed), (exit) => ({ exit, observed }))
  }

  test("declares well-formed capabilities", undefined, () =>
    Effect.map(setup(options), ({ adapter }) => expect(capabilityProblems(adapter)).toEqual([]))
  )

  test(
    "refuses a delivery whose signature is altered by one byte, or missing, with bad_signature",
    signed.length === 0 ? `no accepted incoming case carries ${header}` : undefined,
    () =>
      Effect.forEach(signed, (c) =>
        Effect.forEach(tamperings(c, header), (t) =>
          Effect.map(receive(t), ({ exit, observed }) => {
            expect(failure(exit, t.name).reason, `${t.name}: the error's reason`).toBe("bad_signature")
            assertNoLeaks(observed, options.secrets)
          })
        )
      )
  )

  test("decodes the same delivery twice, in two adapters, to the same platform message ids", undefined, () =>
    Effect.forEach(accepted, (c) =>
      Effect.gen(function* () {
        const [first, second] = [yield* receive(c), yield* receive(c)]
        const ids = (exit: typeof first.exit) =>
          success(exit, c.name).decoded.messages.map((m) => [m.kind, m.platformMessageId])
        expect(ids(second.exit), `${c.name}: the second decoding's ids`).toEqual(ids(first.exit))
      })
    )
  )

  test(
    "yields no tip material from echoes and receipts",
    natured.length === 0 ? "no incoming case is marked as an echo or a receipt" : undefined,
    () =>
      Effect.forEach(natured, (c) =>
        Effect.map(receive(c), ({ exit }) => {
          const kinds = c.nature === "echo" ? ["echo"] : ["delivery", "seen"]
          for (const m of success(exit, c.name).decoded.messages) {
            expect(kinds, `${c.name}: the kind of a message in an ${c.nature}`).toContain(m.kind)
            expect(InboundMessage.isTipMaterial(m), `${c.name}: tip material in an ${c.nature}`).toBe(false)
          }
        })
      )
  )

  test("keeps what it receives within its declared capabilities", undefined, () =>
    Effect.gen(function* () {
      const { adapter } = yield* setup(options)
      const { groups, comments, attachments, location } = adapter.capabilities
      for (const c of accepted) {
        for (const m of success((yield* receive(c)).exit, c.name).decoded.messages) {
          if (!groups) expect(m.conversation.kind, `${c.name}: a group without groups`).not.toBe("group")
          if (!comments) expect([m.kind, m.conversation.kind], `${c.name}: a comment`).not.toContain("comment")
          if (!comments) expect(m.conversation.kind, `${c.name}: a post without comments`).not.toBe("post")
          const tags = m.attachments.map((a) => a._tag)
          if (!attachments)
            expect(
              tags.filter((t) => t !== "Location"),
              `${c.name}: attachments`
            ).toEqual([])
          if (!location) expect(tags, `${c.name}: a location without location`).not.toContain("Location")
        }
      }
    })
  )

  test(
    "identifies a direct conversation by its sender's platform id, redacted",
    accepted.length === 0 ? "no accepted incoming case" : undefined,
    (ctx) =>
      Effect.gen(function* () {
        let direct = 0
        for (const c of accepted) {
          for (const m of success((yield* receive(c)).exit, c.name).decoded.messages) {
            if (m.conversation.kind === "direct" && m.kind !== "echo") direct += 1
            expect(directConversationProblem(m), `${c.name}: a ${m.kind}`).toBeUndefined()
          }
        }
        if (direct === 0) ctx.skip("no incoming case yields a direct conversation")
      })
  )

  test(
    "decodes what it accepted the same way two days later, without checking the time again",
    accepted.length === 0 ? "no accepted incoming case" : undefined,
    () =>
      Effect.gen(function* () {
        const { adapter } = yield* setup(options)
        for (const c of accepted) {
          const now = success((yield* receive(c)).exit, c.name)
          if (!now.verified.keep) continue
          const later = decodeLater(adapter, c.delivery)
          if (Either.isLeft(later)) expect.fail(`${c.name}: decoding two days later failed with ${later.left.reason}`)
          else {
            const view = (d: typeof now.decoded) => ({
              messages: d.messages.map((m) => [m.kind, m.platformMessageId, m.text, revealed(m.conversation)]),
              unsupported: d.unsupported
            })
            expect(view(later.right), `${c.name}: decoded two days later`).toEqual(view(now.decoded))
          }
        }
      })
  )

  // Variations of the first outgoing case's message that the adapter must refuse before calling the platform.
  const refusesWithoutRequest = (
    ctx: TestContext,
    title: string,
    variants: (adapter: Channel.ChannelAdapter) => Array<object>,
    none: string
  ) =>
    Effect.gen(function* () {
      const { adapter, platform } = yield* setup(options)
      const observed = observation()
      const changes = variants(adapter)
      if (changes.length === 0 || template === undefined) return ctx.skip(none)
      for (const change of changes) {
        const message = new Channel.OutboundMessage({ ...template, key: `${template.key}-suite`, ...change })
        const error = failure(yield* observe(observed, adapter.send(message)), title)
        expect(error.retryable, `${title}: a retry cannot help`).toBe(false)
      }
      expect(yield* platform.requests, `${title}: requests made`).toEqual([])
      assertNoLeaks(observed, options.secrets)
    })

  test(
    "refuses a reply longer than maxTextLength without a request",
    template === undefined ? "no outgoing case to take a message from" : undefined,
    (ctx) =>
      refusesWithoutRequest(
        ctx,
        "a reply too long",
        ({ capabilities: { maxTextLength } }) =>
          maxTextLength >= 20000 ? [] : [{ text: "á".repeat(maxTextLength + 1) }],
        "maxTextLength is not below the 20,000 characters an OutboundMessage holds"
      )
  )

  test(
    "refuses a reply to a conversation kind it lacks without a request",
    template === undefined ? "no outgoing case to take a message from" : undefined,
    (ctx) =>
      refusesWithoutRequest(
        ctx,
        "a reply to a kind it lacks",
        ({ capabilities: { groups, comments } }) => [
          ...(groups ? [] : [{ conversation: { kind: "group", id: "suite-group-0001" } }]),
          ...(comments ? [] : [{ conversation: { kind: "post", id: "suite-post-0001" } }])
        ],
        "the adapter declares both groups and comments"
      )
  )

  test("lets no secret or sender identity reach a log, an error or a produced value, in any case", undefined, () =>
    Effect.gen(function* () {
      const observed = observation()
      for (const c of options.incoming) {
        yield* runIncoming(options, c, observed)
        for (const t of tamperings(c, header)) yield* runIncoming(options, t, observed)
      }
      for (const c of options.outgoing) yield* runOutgoing(options, c, observed)
      assertNoLeaks(observed, options.secrets)
    })
  )
}
