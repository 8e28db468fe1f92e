import { Effect, Either, Layer, Option } from "effect"
import * as DateTime from "effect/DateTime"
import type { MemoryOptions, Options } from "../../Tips.js"
import * as Access from "../access/access.js"
import type { Actor } from "../access/actor.js"
import * as Calendar from "../calendar/calendar.js"
import * as LocalDate from "../calendar/localDate.js"
import { type CategoryId, standard } from "../lifecycle/category.js"
import * as Command from "../lifecycle/command.js"
import { deadlinesOf } from "../lifecycle/deadline.js"
import { decide, mergeTarget, rolesOf, writtenByAgency } from "../lifecycle/decide.js"
import { evidenceOf } from "../lifecycle/evidence.js"
import { RuleViolation } from "../lifecycle/graph.js"
import { defaultPolicy } from "../lifecycle/policy.js"
import { makeId, type Tip, TipId } from "../lifecycle/tip.js"
import * as TipEvent from "../lifecycle/tipEvent.js"
import * as Register from "../register/register.js"
import * as withheld from "../shared/withheld.js"
import * as UnitDirectory from "../units/directory.js"
import * as UnitHierarchy from "../units/hierarchy.js"
import type { UnitId } from "../units/unit.js"
import * as IdentityVault from "../vault/identityVault.js"
import { receiptTime } from "./receipt.js"
import * as TipStore from "./tipStore.js"
import { Receive, TipNotFound, Tips, VersionConflict } from "./tips.js"
import * as Transaction from "./transaction.js"

const staff = ["officer", "leader"] as const

/** @internal */
export const overdueScan = 1000

/** @internal */
export const make = (options: Options = {}) =>
  Effect.gen(function* () {
    const store = yield* TipStore.TipStore
    const directory = yield* UnitDirectory.UnitDirectory
    const vault = yield* IdentityVault.IdentityVault
    const register = yield* Register.Register
    const calendar = yield* Calendar.HolidayCalendar
    const transaction = yield* Transaction.Transaction
    const policy = options.policy ?? defaultPolicy
    const categories = new Set<string>(Array.from(options.taxonomy ?? standard, (c) => c.id))

    const now = DateTime.now
    const context = Effect.gen(function* () {
      const at = yield* now
      const hierarchy = yield* directory.hierarchy
      const today = LocalDate.ofInstant(at)
      const within: Access.Within = (unit, ancestor, date) => UnitHierarchy.isWithin(hierarchy, unit, ancestor, date)
      // A tip of a closed unit (merged, split, dissolved) is worked by the unit that answers for it now.
      const answers: Access.Within = (unit, ancestor, date) =>
        within(
          Option.getOrElse(UnitHierarchy.answeringUnit(hierarchy, unit, date), () => unit),
          ancestor,
          date
        )
      return { at, hierarchy, today, within, answers }
    })

    const notFound = (tip: TipId) =>
      new TipNotFound({ tip, message: `No tip ${tip} is visible to you: it does not exist or is outside your scope.` })

    const visible = (actor: Actor, id: TipId) =>
      Effect.gen(function* () {
        const { today, answers } = yield* context
        const tip = yield* store.get(id)
        if (tip === undefined || !Access.canRead(answers, actor, tip, today)) return yield* notFound(id)
        return tip
      })

    const conflict = (tip: TipId, expected: number, actual: number) =>
      new VersionConflict({
        tip,
        expected,
        actual,
        message: `Someone changed this tip first (version ${actual}, you had ${expected}). Nothing was changed; reload it.`
      })

    const conflictOr =
      (tip: TipId, expected: number) =>
      (e: TipStore.TipStoreError): Effect.Effect<never, TipStore.TipStoreError | VersionConflict> =>
        e.reason !== "conflict"
          ? Effect.fail(e)
          : Effect.flatMap(store.events(tip), (events) => Effect.fail(conflict(tip, expected, events.length)))

    const unitAt = (hierarchy: UnitHierarchy.UnitHierarchy) => (id: UnitId, date: LocalDate.LocalDate) =>
      Option.getOrUndefined(UnitHierarchy.get(hierarchy, id, date))

    // The tip's deadlines at an instant, with the receiving unit as it was on the day of receipt.
    const deadlinesAt = (tip: Tip, at: DateTime.Utc, hierarchy: UnitHierarchy.UnitHierarchy) => {
      const receivingUnit = unitAt(hierarchy)(tip.receivingUnit, LocalDate.ofInstant(tip.receivedAt))
      return deadlinesOf(tip, { now: at, calendar, policy, ...(receivingUnit ? { receivingUnit } : {}) })
    }
    const isOverdue = (tip: Tip, at: DateTime.Utc, hierarchy: UnitHierarchy.UnitHierarchy) =>
      deadlinesAt(tip, at, hierarchy).some((d) => d.status === "missed")

    const unknownCategory = (tip: TipId, command: string, category: CategoryId) =>
      categories.has(category)
        ? undefined
        : new RuleViolation({
            tip,
            command,
            rule: "unknown_category",
            message: `There is no category ${category} (lĩnh vực) in this list; choose one of: ${[...categories].join(", ")}.`
          })

    // Inputs are typed, but callers build them by hand: the actor is decoded and the input checked against its
    // schema before anything is read, numbered or sealed, so a bad one is a typed error that leaves nothing behind
    // and names fields and rules, never values (an input may hold a reporter's identity).
    const validReceive = withheld.validate(Receive)
    const validEnvelope = withheld.validate(Command.Envelope)
    const validId = withheld.validate(TipId)

    // Traced as `tinbao.command` (docs/tracing.md): the command's name and the tip it changed, never what it says.
    const traced =
      (name?: string) =>
      <E>(self: Effect.Effect<Tip, E>): Effect.Effect<Tip, E> =>
        self.pipe(
          Effect.tap((tip) =>
            Effect.annotateCurrentSpan({
              "tinbao.tip.id": tip.id,
              "tinbao.unit.id": tip.unit,
              "tinbao.tip.status": tip.status,
              "tinbao.tip.version": tip.version
            })
          ),
          Effect.withSpan("tinbao.command", name === undefined ? {} : { attributes: { "tinbao.command": name } })
        )

    const get: Tips["Type"]["get"] = (given, unchecked) =>
      Effect.gen(function* () {
        const actor = yield* Access.decodeActor(given)
        return yield* visible(actor, yield* validId(unchecked))
      })

    const receive: Tips["Type"]["receive"] = (given, unchecked) =>
      Effect.gen(function* () {
        const actor = yield* Access.decodeActor(given)
        const input = yield* validReceive(unchecked)
        const denied = Access.requireRole(actor, staff, "Receiving a tip")
        if (denied) return yield* denied
        const { at, hierarchy, today, answers } = yield* context
        const tip = makeId()
        const receivedAt = yield* receiptTime(tip, input.receivedAt, at)
        const day = LocalDate.ofInstant(receivedAt)
        // The unit as it was when the tip was received: it may have closed since (its tips are then worked by the
        // unit that answers for it), but it must have existed.
        const unit = UnitHierarchy.get(hierarchy, input.unit, day)
        if (Option.isNone(unit)) {
          return yield* new UnitHierarchy.UnitRuleError({
            rule: "not_valid_at_date",
            message: `Unit ${input.unit} does not exist or is not active on ${day}; a tip cannot be received there.`
          })
        }
        if (!answers(input.unit, actor.unit, today)) return yield* Access.outOfScope(actor, `Unit ${input.unit}`)
        const unknown = unknownCategory(tip, "Receive", input.category)
        if (unknown) return yield* unknown
        if (input.legalType === "kien_nghi_khoi_to" && !writtenByAgency(input.reporterKind, input.channel)) {
          return yield* new RuleViolation({
            tip,
            command: "Receive",
            rule: "written_agency_only",
            message: "Only a state agency, in writing, can recommend prosecution (kiến nghị khởi tố)."
          })
        }
        // The sealed identity, the register number and the tip are one fact: all stored, or none. Keyed by the
        // unit, whose register counter the block takes.
        return yield* transaction.atomically(
          Effect.gen(function* () {
            const alias = yield* vault.seal(input.identity)
            const entry = yield* register.assign({
              unit: input.unit,
              unitTag: Register.unitTagOf(input.unit, unit.value.code),
              tipId: tip,
              receivedAt
            })
            const received = new TipEvent.TipReceived(
              {
                tip,
                at: receivedAt,
                by: actor.id,
                ...(input.receivedAt !== undefined ? { enteredAt: at } : {}),
                unit: input.unit,
                code: entry.code,
                registerNumber: entry.number,
                registerYear: entry.year,
                channel: input.channel,
                ...(input.channelId !== undefined ? { channelId: input.channelId } : {}),
                reporterKind: input.reporterKind,
                alias,
                legalType: input.legalType,
                category: input.category,
                summary: input.summary,
                ...(input.routedBy !== undefined ? { routedBy: input.routedBy } : {})
              },
              // Built from the validated input; the store validates every event again as it encodes it.
              { disableValidation: true }
            )
            const [state] = yield* store.append([{ tip, expectedVersion: 0, events: [received] }])
            return state!
          }),
          { key: input.unit }
        )
      })

    const execute: Tips["Type"]["execute"] = (given, unchecked) =>
      Effect.gen(function* () {
        const actor = yield* Access.decodeActor(given)
        const envelope = yield* validEnvelope(unchecked)
        const { command } = envelope
        yield* Effect.annotateCurrentSpan({ "tinbao.command": command._tag, "tinbao.tip.id": envelope.tip })
        const tip = yield* visible(actor, envelope.tip)
        const { at, hierarchy, today, answers } = yield* context
        const denied = Access.requireRole(actor, rolesOf(command), command._tag)
        if (denied) return yield* denied
        if (!answers(Access.unitActingOn(tip, command._tag), actor.unit, today)) {
          return yield* Access.outOfScope(actor, `Tip ${tip.code}`)
        }
        if (tip.version !== envelope.expectedVersion)
          return yield* conflict(tip.id, envelope.expectedVersion, tip.version)
        if (command._tag === "Categorize") {
          const unknown = unknownCategory(tip.id, command._tag, command.category)
          if (unknown) return yield* unknown
        }
        const ctx = { now: at, actor, calendar, policy, unitAt: unitAt(hierarchy) }
        const events = yield* Either.match(decide(tip, command, ctx), {
          onLeft: Effect.fail,
          onRight: Effect.succeed
        })
        const batch = [{ tip: tip.id, expectedVersion: envelope.expectedVersion, events }]
        if (command._tag === "MergeInto") {
          const target = yield* visible(actor, command.target)
          if (target.duplicates.includes(tip.id) || tip.duplicates.includes(target.id)) {
            return yield* new RuleViolation({
              tip: tip.id,
              command: command._tag,
              rule: "duplicate_of_itself",
              message: `Tip ${tip.code} and tip ${target.code} are already linked as duplicates.`
            })
          }
          const merged = yield* Either.match(mergeTarget(tip, target, ctx), {
            onLeft: Effect.fail,
            onRight: Effect.succeed
          })
          batch.push({ tip: target.id, expectedVersion: target.version, events: [merged] })
        }
        // Through the transaction port, so that concurrent commands share commits (and join a caller's block).
        const [state] = yield* Effect.catchTag(
          transaction.atomically(store.append(batch)),
          "TipStoreError",
          conflictOr(tip.id, envelope.expectedVersion)
        )
        return state!
      }).pipe(traced())

    const history: Tips["Type"]["history"] = (actor, id) =>
      Effect.flatMap(get(actor, id), (tip) => store.events(tip.id))

    const deadlines: Tips["Type"]["deadlines"] = (actor, id) =>
      Effect.gen(function* () {
        const tip = yield* get(actor, id)
        const { at, hierarchy } = yield* context
        return deadlinesAt(tip, at, hierarchy)
      })

    // The units whose tips a listing reads: those answered within the asked unit (the actor's own when absent), which
    // must be within the actor's scope; each tip read is checked again as `get` checks it.
    const scoped = (given: Actor, unit: UnitId | undefined) =>
      Effect.gen(function* () {
        const actor = yield* Access.decodeActor(given)
        const { hierarchy, today, within, answers } = yield* context
        const root = unit ?? actor.unit
        if (!within(root, actor.unit, today)) return yield* Access.outOfScope(actor, `Unit ${root}`)
        return {
          actor,
          units: UnitHierarchy.answeredWithin(hierarchy, root, today),
          readable: (reader: Actor, tip: Tip) => Access.canRead(answers, reader, tip, today)
        }
      })

    return Tips.of({
      receive: (actor, input) => traced("Receive")(receive(actor, input)),
      execute,
      get,
      history,
      list: (given, query = {}) =>
        Effect.gen(function* () {
          const { actor, units, readable } = yield* scoped(given, query.unit)
          const { at, hierarchy } = yield* context
          const tips = yield* store.list({
            units,
            ...(query.receivedFrom !== undefined ? { receivedFrom: query.receivedFrom } : {}),
            ...(query.receivedBefore !== undefined ? { receivedBefore: query.receivedBefore } : {}),
            ...(query.open !== undefined ? { open: query.open } : {})
          })
          return tips.filter(
            (t) => readable(actor, t) && (query.overdue === undefined || isOverdue(t, at, hierarchy) === query.overdue)
          )
        }),
      page: (given, { unit, overdue, ...query }) =>
        Effect.gen(function* () {
          const { actor, units, readable } = yield* scoped(given, unit)
          if (overdue === undefined) {
            const found = yield* store.page({ ...query, units })
            // `next` stays the store's: a row left out here does not end the pages early.
            return { ...found, tips: found.tips.filter((t) => readable(actor, t)) }
          }
          // Deadlines are not stored, so the store's pages are read in order and filtered here, up to a bound;
          // `next` is where the reading stopped. An invalid limit goes to the store as it is, which refuses it.
          const { at, hierarchy } = yield* context
          const size = Number.isSafeInteger(query.limit) && query.limit >= 1 ? Math.max(query.limit, 100) : query.limit
          const tips: Array<Tip> = []
          let after = query.after
          let scanned = 0
          while (true) {
            const found = yield* store.page({ ...query, units, ...(after !== undefined ? { after } : {}), limit: size })
            for (const [i, t] of found.tips.entries()) {
              if (!readable(actor, t) || isOverdue(t, at, hierarchy) !== overdue) continue
              tips.push(t)
              if (tips.length === query.limit) {
                const last = i === found.tips.length - 1 && found.next === undefined
                return last
                  ? { tips }
                  : { tips, next: { registerYear: t.registerYear, registerNumber: t.registerNumber, id: t.id } }
              }
            }
            scanned += found.tips.length
            if (found.next === undefined) return { tips }
            if (scanned >= overdueScan) return { tips, next: found.next }
            after = found.next
          }
        }),
      evidence: (actor, id) => Effect.map(history(actor, id), evidenceOf),
      deadlines,
      revealIdentity: (given, id, expectedVersion, reason) =>
        Effect.gen(function* () {
          const actor = yield* Access.decodeActor(given)
          const tip = yield* execute(actor, { tip: id, expectedVersion, command: { _tag: "RevealIdentity", reason } })
          const identity = yield* vault.reveal(tip.alias)
          yield* Effect.annotateLogs(Effect.logInfo("identity revealed"), { tip: tip.code, by: actor.id })
          return identity
        })
    })
  })

/** @internal */
export const layer = (options?: Options) => Layer.effect(Tips, make(options))

/** @internal */
export const layerMemory = (options: MemoryOptions = {}) =>
  layer(options).pipe(
    Layer.provideMerge(
      Layer.mergeAll(
        TipStore.layerMemory,
        UnitDirectory.layerMemory,
        IdentityVault.layerMemory,
        Register.layerMemory,
        options.calendar === undefined
          ? Calendar.layerVietnam
          : Layer.succeed(Calendar.HolidayCalendar, options.calendar),
        Transaction.layerMemory
      )
    )
  )
