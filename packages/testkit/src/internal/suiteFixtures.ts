/**
 * What every part of the storage suite shares: fresh ids (the layer is shared by all tests, so no test may
 * reuse another's ids), event builders, the way a test that needs a capability or a probe is registered, and
 * comparisons through the JSON form that storage keeps.
 *
 * @internal
 */
import type { Vitest } from "@effect/vitest"
import { Actor, Category, IdentityVault, type Tip, TipEvent, Unit } from "@tinbao/core"
import { DateTime, type Effect, Schema } from "effect"
import { type Capability, missingNeeds } from "./suiteNeeds.js"

/** @internal */
export type CapabilityName = "concurrentWriters" | "largeLogs" | "encryptedIdentities"

/** @internal */
export type ProbeName = "eventCount" | "registerNumbers" | "vaultContains"

/** @internal */
export type { Capability } from "./suiteNeeds.js"

/** @internal */
export interface Probes<R> {
  readonly eventCount?: (tip: Tip.TipId) => Effect.Effect<number, unknown, R>
  readonly registerNumbers?: (unit: Unit.UnitId, year: number) => Effect.Effect<ReadonlyArray<number>, unknown, R>
  readonly vaultContains?: (text: string) => Effect.Effect<boolean, unknown, R>
}

/** @internal */
export interface Context<R> {
  readonly it: Vitest.MethodsNonLive<R, true>
  readonly capabilities: { readonly [K in CapabilityName]: Capability }
  readonly probes: Probes<R>
}

/** @internal */
export interface Needs {
  readonly capabilities?: ReadonlyArray<CapabilityName>
  readonly probes?: ReadonlyArray<ProbeName>
  readonly timeout?: number
}

/**
 * Registers a test, or registers it skipped with the reason in its title when it needs a capability the backend
 * declared unsupported or a probe that was not given, so a report shows what was not checked and why.
 *
 * @internal
 */
export const test = <R>(
  ctx: Context<R>,
  title: string,
  needs: Needs,
  body: () => Effect.Effect<void, unknown, R>
): void => {
  const missing = missingNeeds(ctx.capabilities, ctx.probes, needs)
  if (missing.length === 0) ctx.it.effect(title, body, needs.timeout)
  else ctx.it.effect.skip(`${title} [skipped: ${missing.join("; ")}]`, body, needs.timeout)
}

const random = (length: number): string => {
  let out = ""
  while (out.length < length) out += globalThis.crypto.randomUUID().replaceAll("-", "")
  return out.slice(0, length)
}

/** A fresh id: the suite's prefix, a label and 12 random hex digits. @internal */
export const fresh = (label: string): string => `suite-${label}-${random(12)}`

/** @internal */
export const freshUnit = (label: string): Unit.UnitId => Unit.UnitId.make(fresh(label))

/** A fresh register tag: "S" and 9 random characters, so that codes of different test units never clash. @internal */
export const freshTag = (): string => `S${random(9).toUpperCase()}`

const base32 = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

/** @internal */
export const freshAlias = (): IdentityVault.AliasId => {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(16))
  return IdentityVault.AliasId.make(`AL-${Array.from(bytes, (b) => base32[b & 31]).join("")}`)
}

/** @internal */
export const by = Actor.ActorId.make("suite:storage")

/** @internal */
export const instant = (iso: string): DateTime.Utc => DateTime.unsafeMake(iso)

/** @internal */
export const plusMinutes = (at: DateTime.Utc, minutes: number): DateTime.Utc => DateTime.add(at, { minutes })

/** @internal */
export const received = (
  tip: Tip.TipId,
  unit: Unit.UnitId,
  at: DateTime.Utc,
  summary = "Người dân phản ánh có nhóm thanh niên tụ tập đánh bạc tại nhà văn hoá tổ dân phố 3."
): TipEvent.TipReceived =>
  new TipEvent.TipReceived({
    tip,
    at,
    by,
    unit,
    code: `SUITE-${DateTime.getPartUtc(at, "year")}-0001`,
    registerNumber: 1,
    registerYear: DateTime.getPartUtc(at, "year"),
    channel: "zalo",
    reporterKind: "individual",
    alias: freshAlias(),
    legalType: "to_giac",
    category: Category.CategoryId.make("crime"),
    summary
  })

/** @internal */
export const note = (tip: Tip.TipId, at: DateTime.Utc, n: number): TipEvent.NoteAdded =>
  new TipEvent.NoteAdded({ tip, at, by, text: `Ghi chú số ${n}: đã liên hệ người báo tin qua Zalo.` })

/** A tip's log: received, then `notes` notes a minute apart. @internal */
export const log = (tip: Tip.TipId, unit: Unit.UnitId, at: DateTime.Utc, notes = 0): Array<TipEvent.TipEvent> => [
  received(tip, unit, at),
  ...Array.from({ length: notes }, (_, i) => note(tip, plusMinutes(at, i + 1), i + 1))
]

/** The JSON form of events, as a backend keeps them: comparing it compares what was persisted. @internal */
export const encodeEvents = Schema.encodeSync(Schema.Array(TipEvent.TipEvent))

/** @internal */
export const ids = (tips: ReadonlyArray<{ readonly id: Tip.TipId }>): ReadonlyArray<Tip.TipId> => tips.map((t) => t.id)
