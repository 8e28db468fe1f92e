import type * as DateTime from "effect/DateTime"
import type { CategoryId, LegalType } from "../lifecycle/category.js"
import { type Custody, evolve, type PendingTransfer, type Status, type Tip } from "../lifecycle/tip.js"
import type { Outcome, Rejection, SuspensionGround, TipEvent, TipReceived } from "../lifecycle/tipEvent.js"
import type { UnitId } from "../units/unit.js"

/**
 * The lifecycle part of a tip's state, updated in place. `Tip.evolve` copies the whole state on every event, which
 * costs tens of microseconds per event and most of a statistics run in garbage collection; statistics read only these
 * fields, so they are folded here with the same rules, and checked against `Tip.fold` by a property test
 * (`StatisticsProperty.test.ts`). Events that change nothing statistics read (notes, attachments, follow-ups,
 * dispatches, reveals, messages, evidence, shared contact details, messages taken down on the platform) only count
 * towards `version`: those fields keep their values at receipt.
 */
export class Projection {
  version = 1
  lastEventAt: DateTime.Utc
  status: Status = "received"
  unit: UnitId
  category: CategoryId
  legalType: LegalType
  custody: Array<Custody>
  acknowledgedAt: DateTime.Utc | undefined
  acceptedAt: DateTime.Utc | undefined
  firstTransferAt: DateTime.Utc | undefined
  pendingTransfer: PendingTransfer | undefined
  complexExtensions = 0
  procuracyExtendedUntil: string | undefined
  suspension: { ground: SuspensionGround; at: DateTime.Utc; notifiedAt?: DateTime.Utc } | undefined
  restoredAt: DateTime.Utc | undefined
  decidedAt: DateTime.Utc | undefined
  firstDecidedAt: DateTime.Utc | undefined
  reopenedAt: DateTime.Utc | undefined
  outcome: Outcome | undefined
  rejection: Rejection | undefined

  constructor(readonly received: TipReceived) {
    this.lastEventAt = received.at
    this.unit = received.unit
    this.category = received.category
    this.legalType = received.legalType
    this.custody = [{ unit: received.unit, from: received.at }]
  }

  private handOver(unit: UnitId, at: DateTime.Utc): void {
    this.custody = this.custody.map((c) => (c.until === undefined ? { ...c, until: at } : c))
    this.custody.push({ unit, from: at })
  }

  private decide(at: DateTime.Utc): void {
    this.pendingTransfer = undefined
    this.decidedAt = at
    this.firstDecidedAt ??= at
  }

  /** Applies one event of this tip, received before; throws where the log breaks the lifecycle, as `evolve` does. */
  apply(e: Exclude<TipEvent, TipReceived>): void {
    this.version++
    this.lastEventAt = e.at
    switch (e._tag) {
      case "Acknowledged":
        this.acknowledgedAt = e.at
        if (this.status === "received") this.status = "acknowledged"
        return
      case "Assigned":
        this.status = "assigned"
        if (this.unit !== e.unit) this.handOver(e.unit, e.at)
        this.unit = e.unit
        return
      case "Accepted":
        this.status = "verifying"
        this.acceptedAt ??= e.at
        return
      case "TransferRequested":
        this.firstTransferAt ??= e.at
        this.pendingTransfer = { to: e.to, requestedAt: e.at, escalation: e.escalation, reason: e.reason }
        return
      case "TransferAccepted": {
        if (this.pendingTransfer === undefined) throw new Error("a transfer was accepted with none pending")
        this.unit = this.pendingTransfer.to
        this.pendingTransfer = undefined
        this.status = "verifying"
        this.acceptedAt ??= e.at
        this.handOver(this.unit, e.at)
        return
      }
      case "TransferRefused":
        this.pendingTransfer = undefined
        return
      case "Categorized":
        this.category = e.category
        return
      case "Reclassified":
        this.legalType = e.to
        return
      case "VerificationExtended":
        this.complexExtensions++
        return
      case "ProcuracyExtended":
        this.procuracyExtendedUntil = e.until
        return
      case "Suspended":
        this.status = "suspended"
        this.suspension = { ground: e.ground, at: e.at }
        return
      case "SuspensionNotified":
        this.suspension = { ...this.suspension!, notifiedAt: e.at }
        return
      case "Restored":
        this.status = "verifying"
        this.restoredAt = e.at
        return
      case "Resolved":
        this.decide(e.at)
        this.status = "resolved"
        this.outcome = e.outcome
        return
      case "Rejected":
        this.decide(e.at)
        this.status = "rejected"
        this.rejection = e.rejection
        return
      case "Reopened":
        this.status = "verifying"
        this.outcome = undefined
        this.rejection = undefined
        this.decidedAt = undefined
        this.reopenedAt = e.at
        return
    }
  }

  /**
   * The state as a `Tip`: the receipt's fields with the lifecycle laid over them. Optional fields that are not set are
   * present as `undefined`, which every reader of a `Tip` treats as absent.
   */
  toTip(): Tip {
    // Adding keys to a copy of the receipt state costs microseconds each; laying the copy over an object that has
    // them already, then storing into existing keys, costs almost nothing.
    const tip: { -readonly [K in keyof Tip]?: Tip[K] | undefined } = {
      acknowledgedAt: undefined,
      acceptedAt: undefined,
      firstTransferAt: undefined,
      pendingTransfer: undefined,
      procuracyExtendedUntil: undefined,
      suspension: undefined,
      restoredAt: undefined,
      decidedAt: undefined,
      firstDecidedAt: undefined,
      reopenedAt: undefined,
      outcome: undefined,
      rejection: undefined,
      // The state at receipt has every field of `Tip`; built only for the tips that are counted.
      ...evolve(undefined, this.received)
    }
    tip.version = this.version
    tip.lastEventAt = this.lastEventAt
    tip.status = this.status
    tip.unit = this.unit
    tip.category = this.category
    tip.legalType = this.legalType
    tip.custody = this.custody
    tip.complexExtensions = this.complexExtensions
    tip.acknowledgedAt = this.acknowledgedAt
    tip.acceptedAt = this.acceptedAt
    tip.firstTransferAt = this.firstTransferAt
    tip.pendingTransfer = this.pendingTransfer
    tip.procuracyExtendedUntil = this.procuracyExtendedUntil
    tip.suspension = this.suspension
    tip.restoredAt = this.restoredAt
    tip.decidedAt = this.decidedAt
    tip.firstDecidedAt = this.firstDecidedAt
    tip.reopenedAt = this.reopenedAt
    tip.outcome = this.outcome
    tip.rejection = this.rejection
    return tip as Tip
  }
}
