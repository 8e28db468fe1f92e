// Errors never carry a reporter's identity. Every public API that takes an identity, or a text that may hold one, is
// given bad input holding a distinctive one (a phone number, a platform user id, a Vietnamese name), and every way an
// error can be read is searched for it: its message, `String(error)`, `JSON.stringify`, `util.inspect`, the
// formatters of a parse error, its `cause` chain, and (for tinbao's own entry points) every value held inside it.
// Identity fields' errors name the field and the rule instead.
import { inspect } from "node:util"
import { describe, expect, it } from "@effect/vitest"
import { FakeChannel } from "@tinbao/testkit"
import {
  Cause,
  DateTime,
  Effect,
  Either,
  Exit,
  Layer,
  Logger,
  Option,
  ParseResult,
  Redacted,
  Schema,
  TestClock
} from "effect"
import * as Binding from "../src/Binding.js"
import * as Channel from "../src/Channel.js"
import * as ChannelCheck from "../src/ChannelCheck.js"
import * as Channels from "../src/Channels.js"
import * as ConversationActivity from "../src/ConversationActivity.js"
import type { AliasId, Identity } from "../src/IdentityVault.js"
import * as IdentityVault from "../src/IdentityVault.js"
import * as InboundMessage from "../src/InboundMessage.js"
import * as Inbox from "../src/Inbox.js"
import * as Intake from "../src/Intake.js"
import * as Outbox from "../src/Outbox.js"
import type { Tip } from "../src/Tip.js"
import * as Tips from "../src/Tips.js"
import * as Webhook from "../src/Webhook.js"
import { actors, ids, monday, receiveInput, recordUnits } from "./fixtures.js"

const PHONE = "0912345678"
const USER = "zalo-user-8842113"
const NAME = "Nguyễn Văn Bí Mật"
const secrets = [PHONE, USER, NAME, "Bí Mật", "Nguy\\u1ec5n"]
const CHANNEL = "web:scan"

// Everything an error says, however it is read.
const readings = (error: unknown, seen = new Set<unknown>()): Array<string> => {
  if (error === null || error === undefined || seen.has(error)) return []
  seen.add(error)
  const out = [String(error), inspect(error, { depth: Number.POSITIVE_INFINITY })]
  try {
    out.push(JSON.stringify(error) ?? "")
  } catch {
    // A value JSON cannot hold says nothing through JSON.
  }
  if (typeof error === "object" && "message" in error) out.push(String(error.message))
  if (ParseResult.isParseError(error)) {
    out.push(ParseResult.TreeFormatter.formatErrorSync(error))
    out.push(JSON.stringify(ParseResult.ArrayFormatter.formatErrorSync(error)))
  }
  if (typeof error === "object" && "cause" in error) out.push(...readings(error.cause, seen))
  return out
}

// Every string held anywhere inside a value, a redacted value excepted (it prints as `<redacted>`).
const held = (value: unknown, seen = new Set<unknown>()): Array<string> => {
  if (typeof value === "string") return [value]
  if (typeof value !== "object" || value === null || seen.has(value) || Redacted.isRedacted(value)) return []
  seen.add(value)
  return Reflect.ownKeys(value).flatMap((key) => held((value as Record<PropertyKey, unknown>)[key], seen))
}

interface Row {
  readonly api: string
  /** What the error names instead of the value. */
  readonly names: string
  /** tinbao's own entry point (its error is searched inside too), or Schema's own constructor or decoder. */
  readonly own: boolean
  readonly fail: Effect.Effect<
    unknown,
    unknown,
    Intake.Intake | Tips.Tips | IdentityVault.IdentityVault | Outbox.Outbox | Binding.Bindings
  >
}

const badIdentity = (change: Record<string, unknown>) =>
  Redacted.make({ channel: "oa-ninh-tien", platformUserId: USER, displayName: NAME, phone: PHONE, ...change }) as
    | Redacted.Redacted<Identity>
    | never

const sender = (change: Record<string, unknown>) =>
  Redacted.make({ platformUserId: USER, displayName: NAME, ...change })

const messageFields = (change: Record<string, unknown>) =>
  ({
    kind: "message",
    channel: CHANNEL,
    platformMessageId: "msg-1",
    conversation: InboundMessage.direct(PHONE),
    sender: sender({}),
    text: `Tôi là ${NAME}, số ${PHONE}`,
    sentAt: DateTime.unsafeMake(monday),
    ...change
  }) as ConstructorParameters<typeof InboundMessage.InboundMessage>[0]

// A message an adapter built without validation.
const unchecked = (change: Record<string, unknown>) => InboundMessage.InboundMessage.make(messageFields(change), true)

const thrown = (f: () => unknown) =>
  Effect.suspend(() => {
    try {
      f()
      return Effect.die("it did not throw")
    } catch (error) {
      return Effect.fail(error)
    }
  })

const withTip = <A, E, R>(f: (tip: Tip) => Effect.Effect<A, E, R>) =>
  Effect.flatMap(Effect.orDie(Effect.flatMap(Tips.Tips, (t) => t.receive(actors.communeLeader, receiveInput()))), f)

// A tip taken in from the channel, so that an officer can reply to its reporter.
const withChannelTip = <A, E, R>(f: (tip: Tip) => Effect.Effect<A, E, R>) =>
  Effect.gen(function* () {
    yield* (yield* Binding.Bindings).bind(Binding.Binding.make({ channel: CHANNEL, unit: ids.commune }))
    const outcome = yield* Effect.orDie(
      (yield* Intake.Intake).handle(new InboundMessage.InboundMessage(messageFields({})), "web")
    )
    if (outcome._tag !== "Created") return yield* Effect.die(`expected a new tip, got ${outcome._tag}`)
    return yield* f(outcome.tip)
  })

const rows: ReadonlyArray<Row> = [
  {
    api: "Tips.receive: a platform id with stray spaces",
    names: "platformUserId",
    own: true,
    fail: Effect.flatMap(Tips.Tips, (t) =>
      t.receive(actors.communeLeader, receiveInput({ identity: badIdentity({ platformUserId: ` ${USER} ` }) }))
    )
  },
  {
    api: "Tips.receive: a display name of the wrong type",
    names: "displayName",
    own: true,
    fail: Effect.flatMap(Tips.Tips, (t) =>
      t.receive(actors.communeLeader, receiveInput({ identity: badIdentity({ displayName: [NAME, PHONE] }) }))
    )
  },
  {
    api: "Tips.receive: a phone number with a NUL character",
    names: "phone",
    own: true,
    fail: Effect.flatMap(Tips.Tips, (t) =>
      t.receive(actors.communeLeader, receiveInput({ identity: badIdentity({ phone: `${PHONE}\u0000` }) }))
    )
  },
  {
    api: "Tips.receive: an identity that is not redacted",
    names: "identity",
    own: true,
    fail: Effect.flatMap(Tips.Tips, (t) =>
      t.receive(actors.communeLeader, {
        ...receiveInput(),
        identity: { channel: "oa", platformUserId: USER, displayName: NAME, phone: PHONE } as never
      })
    )
  },
  {
    api: "Tips.receive: a summary too long, which names the reporter",
    names: "summary",
    own: true,
    fail: Effect.flatMap(Tips.Tips, (t) =>
      t.receive(actors.communeLeader, receiveInput({ summary: `${NAME} ${PHONE} `.repeat(1000) }))
    )
  },
  {
    api: "Tips.execute: a note with a NUL character, which names the reporter",
    names: "text",
    own: true,
    fail: withTip((tip) =>
      Effect.flatMap(Tips.Tips, (t) =>
        t.execute(actors.communeLeader, {
          tip: tip.id,
          expectedVersion: tip.version,
          command: { _tag: "AddNote", text: `${NAME} gọi từ ${PHONE}\u0000` }
        })
      )
    )
  },
  {
    api: "Intake.reply: a reply with a NUL character, which names the reporter",
    names: "text",
    own: true,
    fail: withChannelTip((tip) =>
      Effect.flatMap(Intake.Intake, (i) => i.reply(actors.communeLeader, tip.id, tip.version, `Chào ${NAME}\u0000`))
    )
  },
  {
    api: "Intake.handle: a sender's platform id with stray spaces",
    names: "platformUserId",
    own: true,
    fail: Effect.flatMap(Intake.Intake, (i) =>
      i.handle(unchecked({ sender: sender({ platformUserId: ` ${PHONE} ` }) }), "web")
    )
  },
  {
    api: "Intake.handle: a sender's name with a NUL character",
    names: "displayName",
    own: true,
    fail: Effect.flatMap(Intake.Intake, (i) =>
      i.handle(unchecked({ sender: sender({ displayName: `${NAME}\u0000` }) }), "web")
    )
  },
  {
    api: "Intake.handle: a direct conversation's id (the sender's phone number) with a NUL character",
    names: "conversation",
    own: true,
    fail: Effect.flatMap(Intake.Intake, (i) =>
      i.handle(unchecked({ conversation: { kind: "direct", id: Redacted.make(`${PHONE}\u0000`) } }), "web")
    )
  },
  {
    api: "ChannelCheck.message: a sender's name of the wrong type",
    names: "displayName",
    own: true,
    fail: Effect.suspend(() =>
      Either.match(ChannelCheck.message(CHANNEL, messageFields({ sender: sender({ displayName: 42 }) })), {
        onLeft: Effect.fail,
        onRight: () => Effect.die("accepted")
      })
    )
  },
  {
    api: "IdentityVault.seal: a platform id with stray spaces",
    names: "platformUserId",
    own: true,
    fail: Effect.flatMap(IdentityVault.IdentityVault, (v) => v.seal(badIdentity({ platformUserId: ` ${USER} ` })))
  },
  {
    api: "IdentityVault.fingerprint: a display name of the wrong type",
    names: "displayName",
    own: true,
    fail: Effect.flatMap(IdentityVault.IdentityVault, (v) =>
      v.fingerprint(badIdentity({ displayName: { name: NAME } }))
    )
  },
  {
    api: "IdentityVault.reveal: a phone number given as an alias",
    names: "alias",
    own: true,
    fail: Effect.flatMap(IdentityVault.IdentityVault, (v) => v.reveal(PHONE as AliasId))
  },
  {
    api: "ConversationActivity.directKey: a platform id with stray spaces",
    names: "platformUserId",
    own: true,
    fail: ConversationActivity.directKey(CHANNEL, ` ${PHONE} `)
  },
  {
    api: "Outbox.enqueue: a direct conversation keyed by a phone number, a text with a NUL character",
    names: "conversation.id",
    own: true,
    fail: Effect.flatMap(Outbox.Outbox, (o) =>
      o.enqueue({
        key: "ack:1",
        channel: CHANNEL,
        conversation: { kind: "direct", id: ` ${PHONE} ` },
        text: `Chào ${NAME}\u0000`
      })
    )
  },
  {
    api: "new InboundMessage: a sender's platform id with stray spaces and a name with a NUL character",
    names: "platformUserId",
    own: false,
    fail: thrown(
      () =>
        new InboundMessage.InboundMessage(
          messageFields({ sender: sender({ platformUserId: ` ${USER} `, displayName: `${NAME}\u0000` }) })
        )
    )
  },
  {
    api: "Schema.decodeUnknown(InboundMessage): a sender's name of the wrong type",
    names: "displayName",
    own: false,
    fail: Schema.decodeUnknown(InboundMessage.InboundMessage)({
      kind: "message",
      channel: CHANNEL,
      conversation: { kind: "direct", id: PHONE },
      sender: { platformUserId: USER, displayName: [NAME] },
      sentAt: "2024-03-04T02:00:00Z"
    })
  },
  {
    api: "new OutboundMessage: a direct conversation's id with stray spaces",
    names: "conversation",
    own: false,
    fail: thrown(
      () =>
        new Channel.OutboundMessage({
          key: "k",
          channel: CHANNEL,
          conversation: { kind: "direct", id: Redacted.make(` ${PHONE} `) },
          text: "Xin chào"
        })
    )
  },
  {
    api: "Schema.decodeUnknown(IdentityVault.Identity): a platform id with stray spaces, a phone with a NUL character",
    names: "platformUserId",
    own: false,
    fail: Schema.decodeUnknown(IdentityVault.Identity)(
      { channel: "oa", platformUserId: ` ${USER}`, displayName: NAME, phone: `${PHONE}\u0000` },
      { errors: "all" }
    )
  }
]

const live = Layer.mergeAll(Intake.layerMemory(), Logger.remove(Logger.defaultLogger))

describe("Errors of the public API's bad input", () => {
  it.effect("name the field and the rule, and never hold the input's identity", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(monday)
      yield* recordUnits
      const wrong: Array<string> = []
      for (const row of rows) {
        const exit = yield* Effect.exit(row.fail)
        if (Exit.isSuccess(exit)) {
          wrong.push(`${row.api}: the bad input was taken`)
          continue
        }
        const failure = Cause.failureOption(exit.cause)
        if (Option.isNone(failure)) {
          wrong.push(`${row.api}: a defect, not a typed error`)
          continue
        }
        const error = failure.value
        const said = readings(error)
        const message = typeof error === "object" && error !== null && "message" in error ? String(error.message) : ""
        if (!message.includes(row.names)) wrong.push(`${row.api}: its message does not name ${row.names}`)
        const inside = row.own ? held(error) : []
        for (const secret of secrets) {
          const found = [...said, ...inside].find((text) => text.includes(secret))
          if (found !== undefined) wrong.push(`${row.api}: holds ${secret} in ${found.slice(0, 300)}`)
        }
      }
      expect(wrong).toEqual([])
    }).pipe(Effect.provide(live))
  )

  it.scoped("the webhook's dead letter and logs of a delivery whose sender breaks the rules", () =>
    Effect.gen(function* () {
      const lines: Array<string> = []
      const capture = Logger.replace(
        Logger.defaultLogger,
        Logger.make(({ message }) => {
          lines.push(inspect(message, { depth: 10 }))
        })
      )
      const fake = FakeChannel.make({ id: CHANNEL })
      const lax: Channel.ChannelAdapter = {
        ...fake.adapter,
        decode: () =>
          Either.right({
            messages: [unchecked({ sender: sender({ platformUserId: ` ${USER} `, displayName: `${NAME}\u0000` }) })],
            unsupported: []
          })
      }
      const layer = Layer.mergeAll(Inbox.layerMemory, Channels.layer([lax]), capture)
      yield* Effect.gen(function* () {
        const webhook = yield* Webhook.make({ worker: false, process: () => Effect.void })
        const inbox = yield* Inbox.Inbox
        const id = yield* inbox.store(
          CHANNEL,
          yield* fake.delivery([{ type: "message", id: "m", from: USER }]),
          yield* DateTime.now
        )
        expect(yield* webhook.drain).toMatchObject({ dead: 1 })
        const reason = (yield* inbox.get(id))?.deadReason ?? ""
        expect(reason).toContain("sender.platformUserId")
        expect(reason).toContain("sender.displayName")
        for (const secret of secrets) {
          expect(reason).not.toContain(secret)
          expect(lines.join("\n")).not.toContain(secret)
        }
      }).pipe(Effect.provide(layer))
    })
  )
})
