import * as DateTime from "effect/DateTime"
import * as Either from "effect/Either"
import type { Context } from "../../Lifecycle.js"
import * as LocalDate from "../calendar/localDate.js"
import * as Period from "../calendar/period.js"
import type { UnitId } from "../units/unit.js"
import { legalTypeLabels, type Track, trackOf } from "./category.js"
import type { Command } from "./command.js"
import { extendFrom, verificationDue } from "./deadline.js"
import { graph, type Rule, RuleViolation, target } from "./graph.js"
import { type ChannelKind, type ReporterKind, statusLabels, type Tip } from "./tip.js"
import * as E from "./tipEvent.js"

type Result = Either.Either<ReadonlyArray<E.TipEvent>, RuleViolation>

/** @internal */
export const outcomesOf: { readonly [K in Track]: ReadonlyArray<E.Outcome["_tag"]> } = {
  criminal: ["Prosecuted", "NotProsecuted"],
  feedback: ["Handled", "NotConfirmed", "Referred"],
  denunciation: ["Founded", "PartlyFounded", "Unfounded", "Referred"]
}

const fail = (tip: Tip, command: Command, rule: Rule, message: string): Result =>
  Either.left(new RuleViolation({ tip: tip.id, command: command._tag, rule, message }))

const activeUnit = (tip: Tip, command: Command, ctx: Context, id: UnitId): Result | undefined => {
  const unit = ctx.unitAt(id, LocalDate.ofInstant(ctx.now))
  if (unit === undefined) {
    return fail(tip, command, "unit_not_active", `Unit ${id} does not exist or is no longer active on this date.`)
  }
  return undefined
}

/** @internal */
export const decide = (tip: Tip, command: Command, ctx: Context): Result => {
  if (target(command._tag, tip.status) === undefined) {
    return fail(
      tip,
      command,
      "transition_not_allowed",
      `${command._tag} is not allowed while the tip is ${statusLabels[tip.status].en.toLowerCase()} (${statusLabels[tip.status].vi}).`
    )
  }
  const base = { tip: tip.id, at: ctx.now, by: ctx.actor.id }
  const one = (event: E.TipEvent): Result => Either.right([event])
  const track = trackOf(tip.legalType)
  switch (command._tag) {
    case "Acknowledge":
      return tip.acknowledgedAt !== undefined
        ? fail(tip, command, "already_acknowledged", "The reporter was already notified of the receipt.")
        : one(new E.Acknowledged(base))
    case "Assign":
      if (command.unit === tip.unit) return fail(tip, command, "same_unit", "The tip is already with that unit.")
      return activeUnit(tip, command, ctx, command.unit) ?? one(new E.Assigned({ ...base, unit: command.unit }))
    case "Accept":
      return tip.pendingTransfer !== undefined ? pending(tip, command) : one(new E.Accepted(base))
    case "RequestTransfer":
      return transfer(tip, command, ctx, command.to, command.reason, false)
    case "Escalate": {
      const parent = ctx.unitAt(tip.unit, LocalDate.ofInstant(ctx.now))?.parent
      if (parent === undefined) {
        return fail(tip, command, "no_parent_unit", "The unit holding the tip has no parent unit to escalate to.")
      }
      return transfer(tip, command, ctx, parent, command.reason, true)
    }
    case "AcceptTransfer":
    case "RefuseTransfer": {
      const p = tip.pendingTransfer
      if (p === undefined)
        return fail(tip, command, "no_transfer_pending", "No transfer of this tip is waiting for an answer.")
      if (command._tag === "RefuseTransfer") return one(new E.TransferRefused({ ...base, reason: command.reason }))
      return activeUnit(tip, command, ctx, p.to) ?? one(new E.TransferAccepted(base))
    }
    case "Categorize":
      return one(new E.Categorized({ ...base, category: command.category }))
    case "Reclassify": {
      if (command.to === tip.legalType) {
        return fail(
          tip,
          command,
          "same_legal_type",
          `The tip is already a ${legalTypeLabels[command.to].en.toLowerCase()}.`
        )
      }
      if (command.to === "kien_nghi_khoi_to" && !writtenByAgency(tip.reporterKind, tip.channel)) {
        return fail(
          tip,
          command,
          "written_agency_only",
          "Only a state agency, in writing, can recommend prosecution (kiến nghị khởi tố)."
        )
      }
      return one(new E.Reclassified({ ...base, from: tip.legalType, to: command.to, reason: command.reason }))
    }
    case "ExtendVerification":
      return extend(tip, command, ctx, track)
    case "GrantProcuracyExtension":
      return procuracy(tip, command, ctx, track)
    case "Suspend": {
      if (track !== "criminal")
        return wrongTrack(tip, command, "Suspension (tạm đình chỉ) applies to crime reports only.")
      const due = verificationDue(tip, ctx.calendar, ctx.policy)!
      if (DateTime.lessThan(ctx.now, due)) {
        return fail(
          tip,
          command,
          "suspension_before_expiry",
          `Verification can be suspended only after its period expires (${DateTime.formatIso(due)}), BLTTHS Art. 148.`
        )
      }
      return one(new E.Suspended({ ...base, ground: command.ground, reason: command.reason }))
    }
    case "NotifySuspension":
      return tip.suspension?.notifiedAt !== undefined
        ? fail(tip, command, "already_notified", "The suspension was already notified.")
        : one(new E.SuspensionNotified(base))
    case "Restore":
      return one(new E.Restored({ ...base, reason: command.reason }))
    case "Resolve":
      if (!outcomesOf[track].includes(command.outcome._tag)) {
        return fail(
          tip,
          command,
          "outcome_not_of_track",
          `${command.outcome._tag} is not an outcome of a ${legalTypeLabels[tip.legalType].en.toLowerCase()}; allowed: ${outcomesOf[track].join(", ")}.`
        )
      }
      return one(new E.Resolved({ ...base, outcome: command.outcome }))
    case "Reject":
      return one(new E.Rejected({ ...base, rejection: command.rejection }))
    case "MergeInto":
      if (command.target === tip.id)
        return fail(tip, command, "duplicate_of_itself", "A tip cannot be a duplicate of itself.")
      return one(new E.Rejected({ ...base, rejection: { _tag: "Duplicate", of: command.target } }))
    case "Reopen":
      return one(new E.Reopened({ ...base, reason: command.reason }))
    case "MarkUrgent":
      return one(new E.MarkedUrgent({ ...base, reason: command.reason }))
    case "Dispatch":
      return one(new E.Dispatched({ ...base, team: command.team }))
    case "ArriveOnSite": {
      const last = tip.dispatches.at(-1)
      if (last === undefined) return fail(tip, command, "not_dispatched", "No team was dispatched to this tip.")
      if (last.arrivedAt !== undefined)
        return fail(tip, command, "already_arrived", "The team already arrived on site.")
      return one(new E.ArrivedOnSite(base))
    }
    case "AddNote":
      return one(new E.NoteAdded({ ...base, text: command.text }))
    case "AddAttachment":
      return one(new E.AttachmentAdded({ ...base, ref: command.ref, mediaType: command.mediaType }))
    case "AppendFollowUp":
      return one(new E.FollowUpAppended({ ...base, text: command.text }))
    case "MessageReporter":
      return one(
        new E.ReporterMessaged({
          ...base,
          text: command.text,
          key: `reply:${tip.id}:${tip.version + 1}`,
          ...(command.public === true ? { public: true as const } : {})
        })
      )
    case "RevealIdentity":
      return one(new E.IdentityRevealed({ ...base, reason: command.reason }))
    case "RecordReporterContact":
      return one(new E.ReporterContactShared({ ...base, fields: command.fields }))
    case "RecordMessageRemoved":
      return one(
        new E.ReporterMessageRemoved({ ...base, platformMessageId: command.platformMessageId, how: command.how })
      )
    case "AttachEvidence":
      return one(new E.AttachmentAdded({ ...base, ref: command.url, mediaType: command.mediaType, evidence: true }))
    case "RecordEvidence": {
      const { result } = command
      return one(
        result._tag === "Stored"
          ? new E.EvidenceStored({ ...base, item: result.item })
          : new E.EvidenceNotRetrieved({
              ...base,
              originalUrl: result.originalUrl,
              reason: result.reason,
              message: result.message
            })
      )
    }
  }
}

/** @internal */
export const writtenByAgency = (reporter: ReporterKind, channel: ChannelKind): boolean =>
  reporter === "state_agency" && channel !== "phone" && channel !== "hotline_113"

const pending = (tip: Tip, command: Command): Result =>
  fail(tip, command, "transfer_pending", "A transfer of this tip is waiting for an answer; settle it first.")

const wrongTrack = (tip: Tip, command: Command, message: string): Result => fail(tip, command, "wrong_track", message)

const transfer = (
  tip: Tip,
  command: Command,
  ctx: Context,
  to: UnitId,
  reason: string,
  escalation: boolean
): Result => {
  if (tip.pendingTransfer !== undefined) return pending(tip, command)
  if (to === tip.unit) return fail(tip, command, "same_unit", "The tip is already with that unit.")
  return (
    activeUnit(tip, command, ctx, to) ??
    Either.right([new E.TransferRequested({ tip: tip.id, at: ctx.now, by: ctx.actor.id, to, reason, escalation })])
  )
}

const extend = (tip: Tip, command: Extract<Command, { _tag: "ExtendVerification" }>, ctx: Context, track: Track) => {
  const base = { tip: tip.id, at: ctx.now, by: ctx.actor.id, reason: command.reason }
  if (track === "feedback") return wrongTrack(tip, command, "Feedback (phản ánh) has no statutory extension.")
  if (track === "denunciation") {
    if (tip.complexExtensions >= ctx.policy.denunciationExtensionsMax) {
      return fail(tip, command, "extension_already_used", "A denunciation can be extended at most twice.")
    }
    return Either.right([new E.VerificationExtended(base)])
  }
  if (tip.complexExtensions > 0 || tip.procuracyExtendedUntil !== undefined) {
    return fail(tip, command, "extension_already_used", "The verification period was already extended for complexity.")
  }
  const due = verificationDue(tip, ctx.calendar, ctx.policy)!
  if (DateTime.greaterThan(ctx.now, due)) {
    return fail(
      tip,
      command,
      "extension_after_expiry",
      "The verification period has already expired; it cannot be extended now."
    )
  }
  return Either.right([new E.VerificationExtended(base)])
}

const procuracy = (
  tip: Tip,
  command: Extract<Command, { _tag: "GrantProcuracyExtension" }>,
  ctx: Context,
  track: Track
): Result => {
  if (track !== "criminal") return wrongTrack(tip, command, "Only crime reports are extended by the procuracy.")
  if (tip.procuracyExtendedUntil !== undefined) {
    return fail(tip, command, "extension_already_used", "The procuracy may extend verification only once (Art. 147).")
  }
  const due = verificationDue(tip, ctx.calendar, ctx.policy)!
  const lastDay = LocalDate.addDays(LocalDate.ofInstant(due), -1)
  if (command.requestedOn > LocalDate.addDays(lastDay, -ctx.policy.procuracyRequestLeadDays)) {
    return fail(
      tip,
      command,
      "procuracy_request_too_late",
      `The extension must be requested at least ${ctx.policy.procuracyRequestLeadDays} days before the period ends on ${lastDay}.`
    )
  }
  const untilEnd = LocalDate.endOf(command.until)
  const byExtension = Period.end(extendFrom(due), ctx.policy.procuracyExtensionMax, ctx.calendar)
  const byMaximum = Period.end(tip.receivedAt, ctx.policy.verificationMax, ctx.calendar)
  if (
    DateTime.lessThanOrEqualTo(untilEnd, due) ||
    DateTime.greaterThan(untilEnd, byExtension) ||
    DateTime.greaterThan(untilEnd, byMaximum)
  ) {
    return fail(
      tip,
      command,
      "extension_too_long",
      "The procuracy's extension must end after the current period, add at most 2 months, and stay within 4 months of receipt."
    )
  }
  return Either.right([
    new E.ProcuracyExtended({
      tip: tip.id,
      at: ctx.now,
      by: ctx.actor.id,
      until: command.until,
      decision: command.decision
    })
  ])
}

/** @internal */
export const mergeTarget = (duplicate: Tip, target: Tip, ctx: Context): Either.Either<E.TipEvent, RuleViolation> => {
  if (target.status === "rejected" || target.status === "resolved") {
    return Either.left(
      new RuleViolation({
        tip: duplicate.id,
        command: "MergeInto",
        rule: "duplicate_target_closed",
        message: `Tip ${target.code} is closed; merge duplicates into an open tip.`
      })
    )
  }
  return Either.right(new E.DuplicateMerged({ tip: target.id, at: ctx.now, by: ctx.actor.id, duplicate: duplicate.id }))
}

/** @internal */
export const rolesOf = (command: Command) => graph[command._tag].roles
