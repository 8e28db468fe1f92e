import type * as DateTime from "effect/DateTime"
import type { UnitId } from "../units/unit.js"
import type { Custody, Tip } from "./tip.js"
import type * as TipEvent from "./tipEvent.js"

/** @internal */
export const evolve = (state: Tip | undefined, event: TipEvent.TipEvent): Tip => {
  if (event._tag === "TipReceived") {
    if (state !== undefined) throw new Error(`tip ${event.tip} was received twice in its log`)
    return {
      id: event.tip,
      version: 1,
      code: event.code,
      registerNumber: event.registerNumber,
      registerYear: event.registerYear,
      receivingUnit: event.unit,
      unit: event.unit,
      status: "received",
      legalType: event.legalType,
      category: event.category,
      channel: event.channel,
      ...(event.channelId !== undefined ? { channelId: event.channelId } : {}),
      reporterKind: event.reporterKind,
      alias: event.alias,
      summary: event.summary,
      receivedAt: event.at,
      ...(event.enteredAt !== undefined ? { enteredAt: event.enteredAt } : {}),
      custody: [{ unit: event.unit, from: event.at }],
      complexExtensions: 0,
      duplicates: [],
      urgent: false,
      dispatches: [],
      notes: 0,
      attachments: 0,
      evidence: noEvidence,
      followUps: 0,
      repliesToReporter: 0,
      ...(event.routedBy !== undefined ? { routedBy: event.routedBy } : {}),
      reveals: [],
      lastEventAt: event.at
    }
  }
  if (state === undefined) throw new Error(`tip ${event.tip}: ${event._tag} before TipReceived in its log`)
  const next = apply(state, event)
  return { ...next, version: state.version + 1, lastEventAt: event.at }
}

const noEvidence = { pending: 0, stored: 0, notRetrieved: 0 }

// A settled file leaves the pending ones; a file settled that was never pending (a link intake could not fetch at
// all) is counted as settled alone.
const settled = (s: Tip, key: "stored" | "notRetrieved"): Tip => ({
  ...s,
  evidence: { ...s.evidence, pending: Math.max(0, s.evidence.pending - 1), [key]: s.evidence[key] + 1 }
})

const handOver = (custody: ReadonlyArray<Custody>, unit: UnitId, at: DateTime.Utc): ReadonlyArray<Custody> => [
  ...custody.map((c) => (c.until === undefined ? { ...c, until: at } : c)),
  { unit, from: at }
]

const without = <A extends object, K extends keyof A>(a: A, key: K): Omit<A, K> => {
  const { [key]: _, ...rest } = a
  return rest
}

// A decision closes the tip and any transfer still waiting; the first decision is kept for the verification deadline.
const decided = (s: Tip, status: "resolved" | "rejected", at: DateTime.Utc): Tip => ({
  ...without(s, "pendingTransfer"),
  status,
  decidedAt: at,
  firstDecidedAt: s.firstDecidedAt ?? at
})

const apply = (s: Tip, e: Exclude<TipEvent.TipEvent, TipEvent.TipReceived>): Tip => {
  switch (e._tag) {
    case "Acknowledged":
      return { ...s, acknowledgedAt: e.at, status: s.status === "received" ? "acknowledged" : s.status }
    case "Assigned":
      return {
        ...s,
        status: "assigned",
        unit: e.unit,
        custody: s.unit === e.unit ? s.custody : handOver(s.custody, e.unit, e.at)
      }
    case "Accepted":
      return { ...s, status: "verifying", acceptedAt: s.acceptedAt ?? e.at }
    case "TransferRequested":
      return {
        ...s,
        firstTransferAt: s.firstTransferAt ?? e.at,
        pendingTransfer: { to: e.to, requestedAt: e.at, escalation: e.escalation, reason: e.reason }
      }
    case "TransferAccepted": {
      const to = s.pendingTransfer!.to
      return {
        ...without(s, "pendingTransfer"),
        unit: to,
        status: "verifying",
        acceptedAt: s.acceptedAt ?? e.at,
        custody: handOver(s.custody, to, e.at)
      }
    }
    case "TransferRefused":
      return without(s, "pendingTransfer")
    case "Categorized":
      return { ...s, category: e.category }
    case "Reclassified":
      return { ...s, legalType: e.to }
    case "VerificationExtended":
      return { ...s, complexExtensions: s.complexExtensions + 1 }
    case "ProcuracyExtended":
      return { ...s, procuracyExtendedUntil: e.until }
    case "Suspended":
      return { ...s, status: "suspended", suspension: { ground: e.ground, at: e.at } }
    case "SuspensionNotified":
      return { ...s, suspension: { ...s.suspension!, notifiedAt: e.at } }
    case "Restored":
      return { ...s, status: "verifying", restoredAt: e.at }
    case "Resolved":
      return { ...decided(s, "resolved", e.at), outcome: e.outcome }
    case "Rejected":
      return { ...decided(s, "rejected", e.at), rejection: e.rejection }
    case "DuplicateMerged":
      return { ...s, duplicates: [...s.duplicates, e.duplicate] }
    case "Reopened": {
      const reopened = without(without(without(s, "outcome"), "rejection"), "decidedAt")
      return { ...reopened, status: "verifying", reopenedAt: e.at }
    }
    case "MarkedUrgent":
      return { ...s, urgent: true }
    case "Dispatched":
      return { ...s, dispatches: [...s.dispatches, { team: e.team, at: e.at }] }
    case "ArrivedOnSite":
      return {
        ...s,
        dispatches: s.dispatches.map((d, i) => (i === s.dispatches.length - 1 ? { ...d, arrivedAt: e.at } : d))
      }
    case "NoteAdded":
      return { ...s, notes: s.notes + 1 }
    case "AttachmentAdded":
      return {
        ...s,
        attachments: s.attachments + 1,
        ...(e.evidence ? { evidence: { ...s.evidence, pending: s.evidence.pending + 1 } } : {})
      }
    case "EvidenceStored":
      return settled(s, "stored")
    case "EvidenceNotRetrieved":
      return settled(s, "notRetrieved")
    case "FollowUpAppended":
      return { ...s, followUps: s.followUps + 1 }
    case "ReporterMessaged":
      return { ...s, repliesToReporter: s.repliesToReporter + 1 }
    // What was shared is in the vault; what a removed message said stays in the tip: the tip's state does not change.
    case "ReporterContactShared":
    case "ReporterMessageRemoved":
      return s
    case "IdentityRevealed":
      return { ...s, reveals: [...s.reveals, { by: e.by, at: e.at, reason: e.reason }] }
  }
}
