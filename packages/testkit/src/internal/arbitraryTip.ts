/**
 * Random tip ids, aliases, receipts and reporter identities, drawn from fast-check's seed (never from
 * `crypto`), so that a failing run can be replayed.
 *
 * @internal
 */
import { Actor, Category, Channel, IdentityVault, Register, Tip, TipEvent, type Unit } from "@tinbao/core"
import { type Array as Arr, DateTime, FastCheck } from "effect"
import { base32, digits, personName, summary } from "./arbitraryText.js"

const hex = FastCheck.array(FastCheck.constantFrom(..."0123456789abcdef"), { minLength: 32, maxLength: 32 })

/** @internal */
export const arbitraryTipId: FastCheck.Arbitrary<Tip.TipId> = hex.map((cs) => Tip.TipId.make(`tip_${cs.join("")}`))

/** @internal */
export const arbitraryAlias: FastCheck.Arbitrary<IdentityVault.AliasId> = FastCheck.array(
  FastCheck.constantFrom(...base32),
  { minLength: 16, maxLength: 16 }
).map((cs) => IdentityVault.AliasId.make(`AL-${cs.join("")}`))

/** @internal */
export const identity: FastCheck.Arbitrary<IdentityVault.Identity> = FastCheck.record(
  {
    channel: FastCheck.oneof(
      digits(10).map((d) => `zalo-oa:${d}`),
      digits(12).map((d) => `zalo-bot:${d}`),
      digits(15).map((d) => `fb-page:${d}`)
    ),
    platformUserId: digits(16).map((d) => `1${d}`),
    displayName: personName,
    phone: FastCheck.constantFrom("3", "5", "7", "8", "9").chain((p) => digits(8).map((d) => `0${p}${d}`))
  },
  { requiredKeys: ["channel", "platformUserId"] }
)

/** @internal */
export interface ReceivedOptions {
  readonly units: Arr.NonEmptyReadonlyArray<Unit.UnitId>
  readonly at?: DateTime.Utc
  readonly tip?: Tip.TipId
}

/** @internal */
export const channelKind: FastCheck.Arbitrary<Tip.ChannelKind> = FastCheck.oneof(
  { arbitrary: FastCheck.constantFrom(...Object.keys(Channel.builtinPlatforms)), weight: 6 },
  { arbitrary: FastCheck.constantFrom("sms", "hotline_1900", "walk_in", "zalo_group"), weight: 3 },
  { arbitrary: FastCheck.stringMatching(Channel.platformIdPattern), weight: 1 }
)
const reporters = ["individual", "organisation", "state_agency", "media"] as const
const legalTypes = ["to_giac", "tin_bao", "kien_nghi_khoi_to", "phan_anh", "to_cao"] as const

/** @internal */
export const tipReceived = (options: ReceivedOptions): FastCheck.Arbitrary<TipEvent.TipReceived> => {
  const at = options.at ?? DateTime.unsafeMake("2025-07-01T02:00:00Z")
  const year = Register.yearOf(at)
  return FastCheck.record({
    tip: options.tip === undefined ? arbitraryTipId : FastCheck.constant(options.tip),
    unit: FastCheck.constantFrom(...options.units),
    number: FastCheck.integer({ min: 1, max: 20_000 }),
    channel: channelKind,
    channelId: FastCheck.option(
      digits(10).map((d) => `zalo-oa:${d}`),
      { nil: undefined }
    ),
    reporterKind: FastCheck.constantFrom(...reporters),
    alias: arbitraryAlias,
    legalType: FastCheck.constantFrom(...legalTypes),
    category: FastCheck.constantFrom(...Category.standard.map((c) => c.id)),
    summary
  }).map(
    (r) =>
      new TipEvent.TipReceived({
        tip: r.tip,
        at,
        by: Actor.ActorId.make("system:intake"),
        unit: r.unit,
        code: Register.codeOf({ unitTag: Register.unitTagOf(r.unit), year, number: r.number }),
        registerNumber: r.number,
        registerYear: year,
        channel: r.channel,
        ...(r.channelId === undefined ? {} : { channelId: r.channelId }),
        reporterKind: r.reporterKind,
        alias: r.alias,
        legalType: r.legalType,
        category: r.category,
        summary: r.summary
      })
  )
}
