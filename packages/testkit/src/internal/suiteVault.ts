/**
 * The identity vault part of the storage suite: seal and reveal, amend, forget, fingerprints, unknown aliases, and what
 * the backend itself holds (`vaultContains`): no identity in clear text, and nothing left after `forget`.
 *
 * @internal
 */
import { expect } from "@effect/vitest"
import { IdentityVault } from "@tinbao/core"
import { Effect, Redacted, Schema } from "effect"
import { type Context, fresh, freshAlias, freshTag, test } from "./suiteFixtures.js"

const digits = (): string => Array.from(globalThis.crypto.getRandomValues(new Uint8Array(15)), (b) => b % 10).join("")

/** A reporter no other test uses, so that a probe's answer is about this test's data only. */
const reporter = (): IdentityVault.Identity => ({
  channel: "zalo-oa:4318097521",
  platformUserId: `8${digits()}`,
  displayName: `Nguyễn Thị Hoà ${freshTag()}`,
  phone: `09${digits().slice(0, 8)}`
})

const seal = (identity: IdentityVault.Identity) =>
  Effect.flatMap(IdentityVault.IdentityVault, (v) => v.seal(Redacted.make(identity)))

const failsWith = <A>(
  effect: Effect.Effect<A, IdentityVault.IdentityVaultError>,
  reason: IdentityVault.IdentityVaultError["reason"]
) =>
  Effect.map(Effect.flip(effect), (error) => {
    expect(error).toBeInstanceOf(IdentityVault.IdentityVaultError)
    expect(error.reason).toBe(reason)
  })

/** @internal */
export const vaultTests = <R>(ctx: Context<R | IdentityVault.IdentityVault>): void => {
  test(ctx, "seals an identity under a fresh alias and reveals it", {}, () =>
    Effect.gen(function* () {
      const vault = yield* IdentityVault.IdentityVault
      const identity = reporter()
      const alias = yield* seal(identity)
      expect(Schema.is(IdentityVault.AliasId)(alias)).toBe(true)
      expect(Redacted.value(yield* vault.reveal(alias))).toEqual(identity)
      const again = yield* seal(identity)
      expect(again).not.toBe(alias)
      expect(Redacted.value(yield* vault.reveal(again))).toEqual(identity)
      const bare = { channel: "fb-page:1029384756", platformUserId: `7${digits()}` }
      expect(Redacted.value(yield* vault.reveal(yield* seal(bare)))).toEqual(bare)
    })
  )

  test(ctx, "forgets the identity behind one alias, idempotently", {}, () =>
    Effect.gen(function* () {
      const vault = yield* IdentityVault.IdentityVault
      const identity = reporter()
      const [alias, kept] = [yield* seal(identity), yield* seal(identity)]
      yield* vault.forget(alias)
      yield* failsWith(vault.reveal(alias), "forgotten")
      yield* vault.forget(alias)
      yield* failsWith(vault.reveal(alias), "forgotten")
      expect(Redacted.value(yield* vault.reveal(kept))).toEqual(identity)
    })
  )

  test(ctx, "amends an identity with shared contact details, and never revives a forgotten one", {}, () =>
    Effect.gen(function* () {
      const vault = yield* IdentityVault.IdentityVault
      const identity = reporter()
      const [alias, other] = [yield* seal(identity), yield* seal(identity)]
      const address = `Xóm ${freshTag()}, thôn Đông`
      yield* vault.amend(alias, Redacted.make({ address }))
      expect(Redacted.value(yield* vault.reveal(alias))).toEqual({ ...identity, address })
      yield* vault.amend(alias, Redacted.make({ phone: "0987654321" }))
      expect(Redacted.value(yield* vault.reveal(alias))).toEqual({ ...identity, address, phone: "0987654321" })
      expect(Redacted.value(yield* vault.reveal(other))).toEqual(identity)
      yield* vault.forget(alias)
      yield* failsWith(vault.amend(alias, Redacted.make({ address })), "forgotten")
      yield* failsWith(vault.reveal(alias), "forgotten")
      yield* failsWith(vault.amend(freshAlias(), Redacted.make({ address })), "not_found")
    })
  )

  test(ctx, "gives a reporter the same fingerprint whatever name or phone they show", {}, () =>
    Effect.gen(function* () {
      const vault = yield* IdentityVault.IdentityVault
      const identity = reporter()
      const fingerprint = (i: IdentityVault.Identity) => vault.fingerprint(Redacted.make(i))
      const f = yield* fingerprint(identity)
      expect(f.length).toBeGreaterThan(0)
      expect(f).not.toContain(identity.platformUserId)
      expect(yield* fingerprint(identity)).toBe(f)
      expect(yield* fingerprint({ channel: identity.channel, platformUserId: identity.platformUserId })).toBe(f)
      expect(yield* fingerprint({ ...identity, displayName: "Hoà", phone: "0987654321" })).toBe(f)
      expect(yield* fingerprint({ ...identity, platformUserId: `${identity.platformUserId}1` })).not.toBe(f)
      expect(yield* fingerprint({ ...identity, channel: "zalo-oa:1111111111" })).not.toBe(f)
    })
  )

  test(ctx, "answers not_found for an alias it never sealed", {}, () =>
    Effect.gen(function* () {
      const vault = yield* IdentityVault.IdentityVault
      yield* failsWith(vault.reveal(freshAlias()), "not_found")
      yield* failsWith(vault.forget(freshAlias()), "not_found")
      yield* failsWith(vault.reveal(IdentityVault.AliasId.make(`AL-${"0".repeat(16)}`)), "not_found")
      yield* failsWith(vault.reveal(fresh("alias") as IdentityVault.AliasId), "not_found")
    })
  )

  test(ctx, "the backend keeps no trace of an identity once forgotten", { probes: ["vaultContains"] }, () =>
    Effect.gen(function* () {
      const vault = yield* IdentityVault.IdentityVault
      const contains = ctx.probes.vaultContains!
      const identity = reporter()
      const address = `Xóm ${freshTag()}, thôn Đông`
      const secrets = [identity.platformUserId, identity.displayName!, identity.phone!, address]
      const alias = yield* seal(identity)
      yield* vault.amend(alias, Redacted.make({ address }))
      // Where the backend keeps identities readable, the probe must see them first, or it proves nothing below.
      if (!ctx.capabilities.encryptedIdentities.supported) {
        for (const secret of secrets) expect(yield* contains(secret)).toBe(true)
      }
      yield* vault.forget(alias)
      for (const secret of secrets) expect(yield* contains(secret)).toBe(false)
    })
  )

  test(
    ctx,
    "the backend never holds an identity in clear text",
    { capabilities: ["encryptedIdentities"], probes: ["vaultContains"] },
    () =>
      Effect.gen(function* () {
        const contains = ctx.probes.vaultContains!
        const identity = reporter()
        const address = `Xóm ${freshTag()}, thôn Đông`
        const alias = yield* seal(identity)
        yield* (yield* IdentityVault.IdentityVault).amend(alias, Redacted.make({ address }))
        for (const secret of [identity.platformUserId, identity.displayName!, identity.phone!, address]) {
          expect(yield* contains(secret)).toBe(false)
        }
      })
  )
}
