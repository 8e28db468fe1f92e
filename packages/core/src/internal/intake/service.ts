import { createHash } from "node:crypto"
import { Duration, Effect, Layer, Option, Redacted, Schedule } from "effect"
import { isNonEmptyReadonlyArray } from "effect/Array"
import * as DateTime from "effect/DateTime"
import type { Options, Outcome } from "../../Intake.js"
import type { MemoryOptions as TipsOptions } from "../../Tips.js"
import { decodeActor } from "../access/access.js"
import * as Actor from "../access/actor.js"
import * as LocalDate from "../calendar/localDate.js"
import type { ConversationKey, InboundMessage } from "../channel/inboundMessage.js"
import { isTipMaterial, MessageFields } from "../channel/inboundMessage.js"
import { type Entry as EvidenceEntry, EvidenceRecords } from "../evidence/model.js"
import { layerMemory as evidenceLayerMemory } from "../evidence/recordsMemory.js"
import { parseUrl } from "../evidence/url.js"
import * as Category from "../lifecycle/category.js"
import type * as Command from "../lifecycle/command.js"
import { evidenceOf } from "../lifecycle/evidence.js"
import { RuleViolation } from "../lifecycle/graph.js"
import { fold, isOpen, type Tip, type TipId } from "../lifecycle/tip.js"
import type { MessageRemoval } from "../lifecycle/tipEvent.js"
import { layerMemory as activityLayerMemory, ConversationActivity } from "../messaging/activity.js"
import { Outbox } from "../messaging/outbox.js"
import { layerMemory as outboxLayerMemory } from "../messaging/outboxMemory.js"
import { Register } from "../register/register.js"
import { bucketOf } from "../shared/hash.js"
import * as withheld from "../shared/withheld.js"
import { layerMemory as tipsLayerMemory } from "../tips/service.js"
import { TipNotFound, Tips } from "../tips/tips.js"
import { Transaction } from "../tips/transaction.js"
import { UnitDirectory } from "../units/directory.js"
import * as UnitHierarchy from "../units/hierarchy.js"
import type { UnitId } from "../units/unit.js"
import { IdentityVault } from "../vault/identityVault.js"
import { Bindings, layerMemory as bindingsLayerMemory } from "./binding.js"
import { acknowledgementText, actorId, evidenceActorId, Intake } from "./intake.js"
import { type Entry, IntakeLedger, layerMemory as ledgerLayerMemory } from "./ledger.js"
import * as Routing from "./routing.js"

// Bounded striped locks: messages of one reporter in one conversation are taken in one at a time, which is
// what makes "one tip per message" and "join the open tip" hold under concurrent deliveries.
const STRIPES = 64

/**
 * The stripe of a key. (A plain `h * 31 + c` taken modulo 64 kept only a few stripes for keys that repeat the
 * fingerprint, and serialised nearly all concurrent intake behind four locks.)
 *
 * @internal
 */
export const stripeOf = (key: string): number => bucketOf(key, STRIPES)

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex")

const contentOf = (m: InboundMessage) => JSON.stringify([m.kind, m.text ?? "", m.attachments])

type Attachment = InboundMessage["attachments"][number]

// The attachments that are no file to fetch: a place, a link, and a media link no worker could fetch (not http or
// https), which is recorded as not retrieved at once, so that it is seen.
const plainCommands = (a: Attachment): ReadonlyArray<Command.Command> =>
  a._tag === "Location"
    ? [{ _tag: "AddAttachment", ref: `geo:${a.latitude},${a.longitude}`, mediaType: "application/geo" }]
    : a._tag === "Link"
      ? [{ _tag: "AddAttachment", ref: a.url, mediaType: "text/uri-list" }]
      : [
          { _tag: "AddAttachment", ref: a.url, mediaType: a.media },
          {
            _tag: "RecordEvidence",
            result: {
              _tag: "NotRetrieved",
              originalUrl: a.url,
              reason: "invalid_url",
              message: "The attachment's link is not an http or https URL: the file cannot be fetched."
            }
          }
        ]

// A removal's payload, as `InboundMessage` gives it, and what the tip records.
const removals: ReadonlyMap<string | undefined, MessageRemoval> = new Map([
  ["remove", "removed"],
  ["hide", "hidden"],
  ["unhide", "unhidden"]
])

const resultOf = (entry: EvidenceEntry): Extract<Command.Command, { _tag: "RecordEvidence" }>["result"] | undefined =>
  entry.status === "stored" && entry.item !== undefined
    ? { _tag: "Stored", item: entry.item }
    : entry.status === "not_retrieved"
      ? {
          _tag: "NotRetrieved",
          originalUrl: entry.originalUrl,
          reason: entry.lastError?.reason ?? "interrupted",
          message: entry.lastError?.message ?? "The file could not be retrieved."
        }
      : undefined

/** @internal */
export const make = (options: Options = {}) =>
  Effect.gen(function* () {
    const tips = yield* Tips
    const vault = yield* IdentityVault
    const ledger = yield* IntakeLedger
    const bindings = yield* Bindings
    const register = yield* Register
    const outbox = yield* Outbox
    const directory = yield* UnitDirectory
    const activity = yield* ConversationActivity
    const records = yield* EvidenceRecords
    const { atomically } = yield* Transaction
    const locks = yield* Effect.forEach(Array.from({ length: STRIPES }), () => Effect.makeSemaphore(1))
    const rules = options.rules ?? [{ _tag: "Binding" as const }]
    const taxonomy = [...(options.taxonomy ?? Category.standard)]
    const quiet = Duration.toMillis(Duration.decode(options.quietPeriod ?? "10 minutes"))
    const hashWindow = Duration.toMillis(Duration.decode(options.hashWindow ?? "1 hour"))
    const legalType = options.legalType ?? "tin_bao"
    const ackText = options.acknowledgement ?? acknowledgementText

    // One actor per unit, made once: intake acts as an officer of the unit a tip is routed to, and as the system,
    // which alone attaches evidence; the evidence worker's outcomes are recorded by the system alone.
    const actorsOf = (id: string, roles: ReadonlyArray<Actor.Role>) => {
      const actors = new Map<UnitId, Actor.Actor>()
      return (unit: UnitId) => {
        const known = actors.get(unit)
        if (known !== undefined) return known
        const actor = Actor.make(id, unit, roles)
        actors.set(unit, actor)
        return actor
      }
    }
    const actorFor = actorsOf(actorId, ["officer", "system"])
    const evidenceActorFor = actorsOf(evidenceActorId, ["system"])
    const now = Effect.map(DateTime.now, DateTime.toEpochMillis)

    // A follow-up may race an officer's command on the same tip: re-read and retry on a version conflict.
    const onTip = (tip: Tip, commands: ReadonlyArray<Command.Command>) =>
      Effect.reduce(commands, tip, (state, command) =>
        Effect.suspend(() =>
          tips.execute(actorFor(state.unit), { tip: state.id, expectedVersion: state.version, command })
        ).pipe(
          Effect.catchTag("VersionConflict", () =>
            Effect.flatMap(tips.get(actorFor(state.unit), state.id), (fresh) =>
              tips.execute(actorFor(fresh.unit), { tip: fresh.id, expectedVersion: fresh.version, command })
            )
          ),
          Effect.retry({ while: (e) => e._tag === "VersionConflict", schedule: Schedule.recurs(3) })
        )
      )

    // The commands of a message's attachments to a tip. A media file is evidence: its record is requested here, in
    // the tip's block, so that the tip and the records of its files commit together; then it is attached as
    // evidence, which the worker will fetch and keep. A link the tip has a record for already (the same file sent
    // again) is attached as a plain attachment: the tip counts each evidence file once.
    const attachmentCommands = (tip: TipId, message: InboundMessage) =>
      message.attachments.length === 0
        ? Effect.succeed([])
        : Effect.map(
            Effect.forEach(message.attachments, (a) =>
              a._tag === "Media" && parseUrl(a.url) !== undefined
                ? Effect.map(
                    records.request(tip, a.url),
                    ({ created }): ReadonlyArray<Command.Command> => [
                      created
                        ? { _tag: "AttachEvidence", url: a.url, mediaType: a.media }
                        : { _tag: "AddAttachment", ref: a.url, mediaType: a.media }
                    ]
                  )
                : Effect.succeed(plainCommands(a))
            ),
            (commands) => commands.flat()
          )

    const followUpCommands = (tip: TipId, message: InboundMessage) =>
      Effect.map(
        attachmentCommands(tip, message),
        (attachments): ReadonlyArray<Command.Command> => [
          ...(message.text !== undefined && message.text.trim().length > 0
            ? [{ _tag: "AppendFollowUp", text: message.text } as const]
            : []),
          ...attachments
        ]
      )

    const openTip = (id: TipId, unit: UnitId) =>
      Effect.map(Effect.option(tips.get(actorFor(unit), id)), (t) => Option.filter(t, isOpen))

    // Which open tip, if any, this message continues: an answer to our message, a quoted code of the same
    // reporter's tip, or the conversation's tip within the quiet period.
    const continuation = (message: InboundMessage, fingerprint: string, last: Option.Option<Entry>, at: number) =>
      Effect.gen(function* () {
        const recordOf = (tip: TipId) => ledger.get(`tip:${tip}`)
        const candidate = (tip: TipId, by: "quiet_period" | "code" | "reply") =>
          Effect.gen(function* () {
            const record = yield* recordOf(tip)
            if (Option.isNone(record) || record.value.fingerprint !== fingerprint) return Option.none()
            const unit = yield* Effect.map(
              register.byTip(tip),
              Option.map((e) => e.unit)
            )
            if (Option.isNone(unit)) return Option.none()
            const state = yield* openTip(tip, unit.value)
            return Option.map(state, (s) => ({ tip: s, by }))
          })
        // An answer to our message, or a message naming the reporter's own earlier one: an edited comment names the
        // comment it edits, and a Messenger reply may quote the reporter's own message. `candidate` checks that the
        // tip is the same reporter's, so someone else answering a comment starts a tip of their own.
        if (message.replyTo !== undefined) {
          const sent = `sent:${message.channel}:${message.replyTo}`
          const own = `msg:${message.channel}:${message.replyTo}`
          const known = yield* ledger.getAll([sent, own])
          for (const entry of [known.get(sent), known.get(own)]) {
            if (entry === undefined) continue
            const found = yield* candidate(entry.tip, "reply")
            if (Option.isSome(found)) return found
          }
        }
        if (message.text !== undefined) {
          const entry = yield* register.byCode(message.text)
          if (Option.isSome(entry)) {
            const found = yield* candidate(entry.value.tipId as TipId, "code")
            if (Option.isSome(found)) return found
          }
        }
        if (Option.isSome(last) && at - last.value.at < quiet) return yield* candidate(last.value.tip, "quiet_period")
        return Option.none()
      })

    const receiveNew = (
      message: InboundMessage,
      route: Option.Option<Routing.Route>,
      conversation: ConversationKey,
      platform: Tip["channel"],
      fingerprint: string,
      at: number
    ) =>
      Effect.gen(function* () {
        if (Option.isNone(route)) return Option.none<{ readonly tip: Tip; readonly record: Entry }>()
        const { category, rule, unit } = route.value
        const sender = Redacted.value(message.sender)
        let tip = yield* tips.receive(actorFor(unit), {
          unit,
          channel: platform,
          channelId: message.channel,
          identity: Redacted.make({
            channel: message.channel,
            platformUserId: sender.platformUserId,
            ...(sender.displayName !== undefined ? { displayName: sender.displayName } : {}),
            ...(sender.phone !== undefined ? { phone: sender.phone } : {})
          }),
          reporterKind: "individual",
          legalType,
          category,
          summary: message.text ?? "",
          routedBy: rule
        })
        tip = yield* onTip(tip, yield* attachmentCommands(tip.id, message))
        const hierarchy = yield* directory.hierarchy
        const name = Option.match(UnitHierarchy.get(hierarchy, unit, LocalDate.ofInstant(tip.receivedAt)), {
          onNone: () => ({ vi: unit, en: unit }),
          onSome: (u) => u.name
        })
        yield* outbox.enqueue({
          key: `ack:${tip.id}`,
          channel: message.channel,
          conversation,
          recipient: tip.alias,
          text: ackText(tip.code, name),
          ...(message.platformMessageId !== undefined ? { replyTo: message.platformMessageId } : {}),
          humanAgent: false,
          tip: tip.id
        })
        // The tip's own record: who reported it (by fingerprint) and where to answer.
        const record: Entry = {
          tip: tip.id,
          at,
          fingerprint,
          conversation,
          ...(message.platformMessageId !== undefined ? { replyTo: message.platformMessageId } : {})
        }
        return Option.some({ tip, record })
      })

    // A message is checked before anything is read or written: one an adapter built without validation (a NUL
    // character, which storage cannot hold) is a typed error that names its fields and rules, never its values.
    const validMessage = withheld.validate(MessageFields)

    // Contact details the reporter shared (Zalo's `user_submit_info`) join the sealed identity of the tip the
    // conversation feeds, in one block with the tip's event that says which fields came (never their values).
    const takeContact = (message: InboundMessage) =>
      Effect.gen(function* () {
        const sender = Redacted.value(message.sender)
        const details = {
          ...(sender.phone !== undefined && sender.phone.trim().length > 0 ? { phone: sender.phone } : {}),
          ...(sender.address !== undefined && sender.address.trim().length > 0 ? { address: sender.address } : {})
        }
        const fields = (["phone", "address"] as const).filter((field) => details[field] !== undefined)
        if (!isNonEmptyReadonlyArray(fields)) return { _tag: "Ignored", reason: "contact_empty" } satisfies Outcome
        if (message.conversation.kind !== "direct") {
          return { _tag: "Ignored", reason: "contact_not_direct" } satisfies Outcome
        }
        const fingerprint = yield* vault.fingerprint(
          Redacted.make({ channel: message.channel, platformUserId: sender.platformUserId })
        )
        const thread = `thread:${message.channel}:${fingerprint}:${fingerprint}`
        return yield* locks[stripeOf(thread)]!.withPermits(1)(
          atomically(
            Effect.gen(function* () {
              const at = yield* now
              // A redelivery has the same time: the key holds no detail shared, only who and when.
              const key =
                message.platformMessageId !== undefined
                  ? `msg:${message.channel}:${message.platformMessageId}`
                  : `contact:${message.channel}:${fingerprint}:${DateTime.toEpochMillis(message.sentAt)}`
              const known = yield* ledger.getAll([key, thread])
              const seen = known.get(key)
              if (seen !== undefined) return { _tag: "Duplicate", tip: seen.tip } satisfies Outcome
              const last = known.get(thread)
              const registered = last === undefined ? Option.none() : yield* register.byTip(last.tip)
              if (last === undefined || Option.isNone(registered)) {
                return { _tag: "Ignored", reason: "contact_without_tip" } satisfies Outcome
              }
              const tip = yield* tips.get(actorFor(registered.value.unit), last.tip)
              const amended = yield* vault.amend(tip.alias, Redacted.make(details)).pipe(
                Effect.as(true),
                Effect.catchIf(
                  (error) => error.reason === "forgotten" || error.reason === "not_found",
                  () => Effect.succeed(false)
                )
              )
              if (!amended) return { _tag: "Ignored", reason: "contact_erased" } satisfies Outcome
              const after = yield* onTip(tip, [{ _tag: "RecordReporterContact", fields }])
              yield* ledger.put(key, { tip: tip.id, at })
              return { _tag: "ContactShared", tip: after } satisfies Outcome
            })
          )
        )
      })

    // A message or comment taken down on its platform, or shown again, is recorded on the tip it fed, which keeps
    // what it said. A removal that changes nothing (the same as the last one recorded for that message: a
    // redelivery) is a duplicate; so a hidden comment shown and hidden again is recorded each time.
    const takeRemoval = (message: InboundMessage) =>
      Effect.gen(function* () {
        const how = removals.get(message.payload)
        if (message.replyTo === undefined || how === undefined) {
          return { _tag: "Ignored", reason: "removed_malformed" } satisfies Outcome
        }
        const platformMessageId = message.replyTo
        const key = `msg:${message.channel}:${platformMessageId}`
        return yield* locks[stripeOf(key)]!.withPermits(1)(
          atomically(
            Effect.gen(function* () {
              const fed = yield* ledger.get(key)
              const registered = Option.isNone(fed) ? Option.none() : yield* register.byTip(fed.value.tip)
              if (Option.isNone(fed) || Option.isNone(registered)) {
                return { _tag: "Ignored", reason: "removed_unknown" } satisfies Outcome
              }
              const events = yield* tips.history(actorFor(registered.value.unit), fed.value.tip)
              const last = events.findLast(
                (e) => e._tag === "ReporterMessageRemoved" && e.platformMessageId === platformMessageId
              )
              if (last?._tag === "ReporterMessageRemoved" && last.how === how) {
                return { _tag: "Duplicate", tip: fed.value.tip } satisfies Outcome
              }
              const after = yield* onTip(fold(events)!, [{ _tag: "RecordMessageRemoved", platformMessageId, how }])
              return { _tag: "MessageRemoved", tip: after } satisfies Outcome
            })
          )
        )
      })

    const handle: Intake["Type"]["handle"] = (message, platform) =>
      Effect.gen(function* () {
        yield* validMessage(message)
        if (message.kind === "contact") return yield* takeContact(message)
        if (message.kind === "removed") return yield* takeRemoval(message)
        if (!isTipMaterial(message)) return { _tag: "Ignored", reason: message.kind } satisfies Outcome
        const sender = Redacted.value(message.sender)
        const fingerprint = yield* vault.fingerprint(
          Redacted.make({ channel: message.channel, platformUserId: sender.platformUserId })
        )
        // A direct conversation's id is the reporter's platform id: key and keep it by the fingerprint, as
        // `ConversationActivity.directKey` does.
        const conversation: ConversationKey =
          message.conversation.kind === "direct" ? { kind: "direct", id: fingerprint } : message.conversation
        const thread = `thread:${message.channel}:${conversation.id}:${fingerprint}`
        // Routed before the block: its unit is the block's key, so that a group commit writes each unit's tips in
        // one stream and two batches never wait for each other's register counters.
        const binding = yield* bindings.resolve(message.channel, conversation.id)
        const route = Routing.route(rules, message, binding, taxonomy)
        // Dedupe, routing, the tip, the ledger and the acknowledgement commit together: a redelivery after a
        // crash finds either all of them (a duplicate) or none (taken in anew), never a tip without its answer.
        return yield* locks[stripeOf(thread)]!.withPermits(1)(
          atomically(
            Effect.gen(function* () {
              // The reporter wrote: this opens or extends the platform's reply window for the conversation.
              // Keep it the block's first write: on a shared database its row lock holds a second instance that
              // got the same message (a redelivery) until this block commits, so that instance's dedupe below
              // then finds the message taken in. (The striped locks above only order one instance's fibers.)
              yield* activity.recordInbound(message.channel, conversation, message.sentAt)
              const at = yield* now
              const key =
                message.platformMessageId !== undefined
                  ? `msg:${message.channel}:${message.platformMessageId}`
                  : `hash:${message.channel}:${conversation.id}:${fingerprint}:${sha256(contentOf(message))}`
              // The message's key and the conversation's thread, in one read.
              const known = yield* ledger.getAll([key, thread])
              const seen = Option.fromNullable(known.get(key))
              if (
                Option.isSome(seen) &&
                (message.platformMessageId !== undefined || at - seen.value.at <= hashWindow)
              ) {
                return { _tag: "Duplicate", tip: seen.value.tip } satisfies Outcome
              }
              // The message was taken in, into this tip, which the conversation now feeds: one write.
              const remember = (tip: TipId, record: ReadonlyArray<readonly [string, Entry]> = []) =>
                ledger.putAll([[key, { tip, at }], [thread, { tip, at }], ...record])
              const continued = yield* continuation(message, fingerprint, Option.fromNullable(known.get(thread)), at)
              if (Option.isSome(continued)) {
                const tip = yield* onTip(continued.value.tip, yield* followUpCommands(continued.value.tip.id, message))
                yield* remember(tip.id)
                return { _tag: "Appended", tip, by: continued.value.by } satisfies Outcome
              }
              const created = yield* receiveNew(message, route, conversation, platform, fingerprint, at)
              if (Option.isNone(created)) return { _tag: "Unrouted", channel: message.channel } satisfies Outcome
              const { record, tip } = created.value
              yield* remember(tip.id, [[`tip:${tip.id}`, record]])
              return { _tag: "Created", tip } satisfies Outcome
            }),
            { key: Option.getOrUndefined(Option.map(route, (r) => r.unit)) }
          )
        )
      })

    const delivered: Intake["Type"]["delivered"] = (d) =>
      atomically(
        Effect.gen(function* () {
          if (d.tip === undefined) return
          const at = yield* now
          yield* ledger.put(`sent:${d.channel}:${d.platformMessageId}`, { tip: d.tip, at })
          if (!d.key.startsWith("ack:")) return
          const entry = yield* register.byTip(d.tip)
          if (Option.isNone(entry)) return
          const tip = yield* tips.get(actorFor(entry.value.unit), d.tip)
          if (tip.acknowledgedAt === undefined && isOpen(tip)) yield* onTip(tip, [{ _tag: "Acknowledge" }])
        })
      )

    // The recorded message and its outbox row commit together, or the reporter is told something that was
    // never sent (or sent something never recorded).
    const reply: Intake["Type"]["reply"] = (given, id, expectedVersion, text, options = {}) =>
      atomically(
        Effect.gen(function* () {
          const actor = yield* decodeActor(given)
          const before = yield* tips.get(actor, id)
          const record: Option.Option<Entry> = yield* ledger.get(`tip:${id}`)
          if (Option.isNone(record) || record.value.conversation === undefined || before.channelId === undefined) {
            return yield* new RuleViolation({
              tip: id,
              command: "MessageReporter",
              rule: "no_reply_channel",
              message: `Tip ${before.code} did not come through a channel that can carry a reply.`
            })
          }
          // Only a comment can be answered where everyone sees it; every other reply is the reporter's alone.
          const isPublic = options.public === true
          if (isPublic && record.value.conversation.kind !== "post") {
            return yield* new RuleViolation({
              tip: id,
              command: "MessageReporter",
              rule: "public_reply_not_comment",
              message: `Tip ${before.code} did not come from a comment: a reply to it can only go to the reporter in private.`
            })
          }
          const tip = yield* tips.execute(actor, {
            tip: id,
            expectedVersion,
            command: { _tag: "MessageReporter", text, ...(isPublic ? { public: true } : {}) }
          })
          const event = (yield* tips.history(actor, id)).at(-1)
          if (event?._tag !== "ReporterMessaged") return tip
          yield* outbox.enqueue({
            key: event.key,
            channel: before.channelId,
            conversation: record.value.conversation,
            recipient: tip.alias,
            text,
            // The reporter's message the tip began with: Zalo counts a reply that names it as a reply within its
            // free quota, not as a paid proactive message.
            ...(record.value.replyTo !== undefined ? { replyTo: record.value.replyTo } : {}),
            humanAgent: true,
            public: isPublic,
            tip: id
          })
          return tip
        })
      )

    // Records a settled file on its tip, once: the worker may call this twice for one record (a crash between the
    // two), and a concurrent append makes a version conflict, after which the log is read again.
    const evidenceSettled: Intake["Type"]["evidenceSettled"] = (entry) =>
      Effect.gen(function* () {
        const result = resultOf(entry)
        if (result === undefined) return
        const registered = yield* register.byTip(entry.tip)
        if (Option.isNone(registered)) {
          return yield* new TipNotFound({ tip: entry.tip, message: `No tip ${entry.tip} has evidence to record.` })
        }
        // The receiving unit always keeps read access (custody); the unit holding the tip now records.
        const reader = evidenceActorFor(registered.value.unit)
        yield* Effect.gen(function* () {
          const events = yield* tips.history(reader, entry.tip)
          const known = evidenceOf(events).find((f) => f.originalUrl === entry.originalUrl)
          if (known !== undefined && known.status !== "pending") return
          const tip = fold(events)!
          yield* tips.execute(evidenceActorFor(tip.unit), {
            tip: tip.id,
            expectedVersion: tip.version,
            command: { _tag: "RecordEvidence", result }
          })
        }).pipe(Effect.retry({ while: (e) => e._tag === "VersionConflict", times: 5 }))
      })

    // Traced as `tinbao.intake` (docs/tracing.md): where the message came from and what became of it, never who sent it
    // or what it says.
    const traced: Intake["Type"]["handle"] = (message, platform) =>
      handle(message, platform).pipe(
        Effect.tap((outcome) =>
          Effect.annotateCurrentSpan({
            "tinbao.intake.outcome": outcome._tag,
            ...("tip" in outcome
              ? typeof outcome.tip === "string"
                ? { "tinbao.tip.id": outcome.tip }
                : { "tinbao.tip.id": outcome.tip.id, "tinbao.unit.id": outcome.tip.unit }
              : {}),
            ...(outcome._tag === "Ignored" ? { "tinbao.intake.reason": outcome.reason } : {})
          })
        ),
        Effect.withSpan("tinbao.intake", {
          attributes: {
            "tinbao.channel.id": message.channel,
            "tinbao.platform": platform,
            "tinbao.message.kind": message.kind
          }
        })
      )

    return Intake.of({ handle: traced, delivered, reply, evidenceSettled })
  })

/** @internal */
export const layer = (options?: Options) => Layer.effect(Intake, make(options))

/** @internal */
export const layerMemory = (options: Options = {}, tipsOptions: TipsOptions = {}) =>
  layer(options).pipe(
    Layer.provideMerge(
      Layer.mergeAll(
        ledgerLayerMemory,
        bindingsLayerMemory,
        outboxLayerMemory,
        activityLayerMemory,
        evidenceLayerMemory
      )
    ),
    // The tips take the categories intake routes to, unless told otherwise.
    Layer.provideMerge(
      tipsLayerMemory(
        tipsOptions.taxonomy === undefined && options.taxonomy !== undefined
          ? { ...tipsOptions, taxonomy: options.taxonomy }
          : tipsOptions
      )
    )
  )
