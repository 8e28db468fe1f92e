import { inspect } from "node:util"
import { describe, expect, it } from "@effect/vitest"
import { Cause, Effect, Exit, Layer, Logger, Option, Redacted } from "effect"
import * as IdentityVault from "../src/IdentityVault.js"
import { makeMemoryStore } from "../src/internal/vault/memory.js"

const { AliasId, IdentityVaultError } = IdentityVault
type Identity = IdentityVault.Identity

const KEY = "tinbao-test-key-0123456789abcdef"

const lan: Identity = {
  channel: "zalo-oa-4021",
  platformUserId: "8831904456172203",
  displayName: "Trần Thị Lan",
  phone: "0912345678"
}

const seal = (identity: Identity) => Effect.flatMap(IdentityVault.IdentityVault, (v) => v.seal(Redacted.make(identity)))
const reveal = (alias: string) =>
  Effect.flatMap(IdentityVault.IdentityVault, (v) => v.reveal(alias as IdentityVault.AliasId))
const fingerprint = (identity: Identity) =>
  Effect.flatMap(IdentityVault.IdentityVault, (v) => v.fingerprint(Redacted.make(identity)))
const forget = (alias: string) =>
  Effect.flatMap(IdentityVault.IdentityVault, (v) => v.forget(alias as IdentityVault.AliasId))

const reasonOf = <A>(effect: Effect.Effect<A, IdentityVault.IdentityVaultError, IdentityVault.IdentityVault>) =>
  Effect.map(Effect.flip(effect), (e) => e.reason)

describe("IdentityVault", () => {
  it.effect("seals and reveals an identity", () =>
    Effect.gen(function* () {
      const alias = yield* seal(lan)
      expect(alias).toMatch(/^AL-[0-9A-HJKMNP-TV-Z]{16}$/)
      expect(Redacted.value(yield* reveal(alias))).toEqual(lan)
      const bare = yield* seal({ channel: "fb-page-77", platformUserId: "psid-1" })
      expect(Redacted.value(yield* reveal(bare))).toEqual({ channel: "fb-page-77", platformUserId: "psid-1" })
    }).pipe(Effect.provide(IdentityVault.layerMemory))
  )

  it.effect("gives every seal its own alias and one fingerprint per reporter", () =>
    Effect.gen(function* () {
      const first = yield* seal(lan)
      const second = yield* seal(lan)
      expect(first).not.toBe(second)
      const fp = yield* fingerprint(lan)
      expect(fp).toMatch(/^[0-9a-f]{64}$/)
      expect(yield* fingerprint({ ...lan, displayName: "Lan", phone: "0900000000" })).toBe(fp)
      expect(yield* fingerprint({ ...lan, channel: "zalo-oa-9999" })).not.toBe(fp)
      expect(yield* fingerprint({ ...lan, platformUserId: "8831904456172204" })).not.toBe(fp)
      // The JSON framing keeps field boundaries: "ab"+"c" is not "a"+"bc".
      expect(yield* fingerprint({ channel: "ab", platformUserId: "c" })).not.toBe(
        yield* fingerprint({ channel: "a", platformUserId: "bc" })
      )
    }).pipe(Effect.provide(IdentityVault.layerMemory))
  )

  it.effect("keeps fingerprints stable under one key and apart under another", () =>
    Effect.gen(function* () {
      const one = yield* fingerprint(lan).pipe(Effect.provide(IdentityVault.layerMemoryWithKey(KEY)))
      const again = yield* fingerprint(lan).pipe(
        Effect.provide(IdentityVault.layerMemoryWithKey(Redacted.make(new TextEncoder().encode(KEY))))
      )
      const other = yield* fingerprint(lan).pipe(Effect.provide(IdentityVault.layerMemoryWithKey(`${KEY}!`)))
      const random = yield* fingerprint(lan).pipe(Effect.provide(IdentityVault.layerMemory))
      expect(again).toBe(one)
      // Pinned: changing how fingerprints are computed would split every known reporter in two.
      expect(one).toBe("365dcac9884a1505506e777923baa9cfda896c93133f518b7b29ee4e838f1701")
      expect(other).not.toBe(one)
      expect(random).not.toBe(one)
    })
  )

  it.effect("refuses a key shorter than 32 bytes, or 16 identical bytes, and never quotes it", () =>
    Effect.gen(function* () {
      for (const key of ["short", "0123456789abcdef", Redacted.make(new Uint8Array(16).fill(0x41))]) {
        const error = yield* Effect.flip(Layer.build(IdentityVault.layerMemoryWithKey(key)).pipe(Effect.scoped))
        expect(error.reason).toBe("key_refused")
        expect(error.message).toContain("at least 32")
        expect(error.message).not.toContain(typeof key === "string" ? key : "AAAA")
      }
    })
  )

  it.effect("fails with not_found for an alias it never sealed", () =>
    Effect.gen(function* () {
      expect(yield* reasonOf(reveal("AL-0000000000000000"))).toBe("not_found")
      expect(yield* reasonOf(reveal("not an alias"))).toBe("not_found")
      expect(yield* reasonOf(forget("AL-0000000000000000"))).toBe("not_found")
      const error = yield* Effect.flip(reveal("AL-0000000000000000"))
      expect(error).toBeInstanceOf(IdentityVaultError)
      expect(error._tag).toBe("IdentityVaultError")
    }).pipe(Effect.provide(IdentityVault.layerMemory))
  )

  it.effect("forgets: reveal then fails with forgotten and the vault keeps nothing", () =>
    Effect.gen(function* () {
      const memory = makeMemoryStore()
      const vault = yield* IdentityVault.make({ key: KEY, store: memory.store })
      const alias = yield* vault.seal(Redacted.make(lan))
      const kept = yield* vault.seal(Redacted.make(lan))
      const cell = memory.cells.get(alias)
      expect(cell?._tag).toBe("Sealed")
      yield* vault.forget(alias)
      expect((yield* Effect.flip(vault.reveal(alias))).reason).toBe("forgotten")
      expect(memory.cells.get(alias)).toEqual({ _tag: "Forgotten" })
      if (cell?._tag === "Sealed") expect(() => Redacted.value(cell.identity)).toThrow()
      yield* vault.forget(alias)
      expect(Redacted.value(yield* vault.reveal(kept))).toEqual(lan)
    })
  )

  it.effect("refuses malformed identities without quoting them", () =>
    Effect.gen(function* () {
      const bad = { channel: "zalo-oa-4021", platformUserId: "   ", phone: 912345678 } as unknown as Identity
      const error = yield* Effect.flip(seal(bad))
      expect(error.reason).toBe("corrupt")
      expect(error.message).toContain("platformUserId")
      expect(error.message).toContain("phone")
      expect(error.message).not.toContain("912345678")
      const plain = yield* Effect.flip(
        Effect.flatMap(IdentityVault.IdentityVault, (v) => v.seal(lan as unknown as Redacted.Redacted<Identity>))
      )
      expect(plain.reason).toBe("corrupt")
      const wiped = Redacted.make(lan)
      Redacted.unsafeWipe(wiped)
      expect(
        (yield* Effect.flip(Effect.flatMap(IdentityVault.IdentityVault, (v) => v.fingerprint(wiped)))).reason
      ).toBe("corrupt")
    }).pipe(Effect.provide(IdentityVault.layerMemory))
  )

  it.effect("reports a store's broken or missing data as corrupt or unavailable", () =>
    Effect.gen(function* () {
      const alias = AliasId.make("AL-K7Q2000000000000")
      const erased: Array<string> = []
      const broken = yield* IdentityVault.make({
        key: KEY,
        store: {
          put: () => Effect.void,
          replace: () => Effect.succeed(true),
          get: () =>
            Effect.succeed(Option.some({ _tag: "Sealed", identity: Redacted.make('{"phone":"0912345678"') } as const)),
          erase: (alias) => Effect.sync(() => void erased.push(alias))
        }
      })
      const corrupt = yield* Effect.flip(broken.reveal(alias))
      expect(corrupt.reason).toBe("corrupt")
      expect(corrupt.message).toContain(alias)
      expect(corrupt.message).not.toContain("0912345678")
      // What does not open is erased all the same: erasing needs no key.
      yield* broken.forget(alias)
      expect(erased).toEqual([alias])
      const down = new IdentityVaultError({ reason: "unavailable", message: "the vault database is unreachable" })
      const offline = yield* IdentityVault.make({
        key: KEY,
        store: {
          put: () => Effect.fail(down),
          get: () => Effect.fail(down),
          replace: () => Effect.fail(down),
          erase: () => Effect.fail(down)
        }
      })
      expect(yield* Effect.flip(offline.seal(Redacted.make(lan)))).toBe(down)
      expect(yield* Effect.flip(offline.forget(alias))).toBe(down)
    })
  )

  it("names the reporter for officers from the alias", () => {
    const alias = AliasId.make("AL-K7Q2ABCDEFGHJKMN")
    expect(IdentityVault.aliasName(alias)).toBe("Người báo tin #K7Q2")
    expect(IdentityVault.aliasLabel(alias)).toEqual({ vi: "Người báo tin #K7Q2", en: "Reporter #K7Q2" })
  })
})

describe("IdentityVault redaction", () => {
  const secret: Identity = {
    channel: "zalo-oa-4021",
    platformUserId: "uid-7730018829455610",
    displayName: "Hoàng Văn Bảomật",
    phone: "0977123456"
  }
  const secrets = [secret.platformUserId, secret.displayName!, secret.phone!]

  const render = (value: unknown): ReadonlyArray<string> => [
    String(value),
    JSON.stringify(value) ?? "",
    inspect(value, { depth: null, showHidden: true, getters: true })
  ]

  it.effect("never shows the name, phone or platform id in values, errors or logs", () => {
    const logged: Array<string> = []
    const capture = Logger.make((options) => {
      logged.push(
        Logger.logfmtLogger.log(options),
        Logger.jsonLogger.log(options),
        Logger.stringLogger.log(options),
        inspect(Logger.structuredLogger.log(options), { depth: null }),
        inspect(options.message, { depth: null }),
        inspect(options.cause, { depth: null })
      )
    })
    return Effect.gen(function* () {
      const vault = yield* IdentityVault.IdentityVault
      const sealed = Redacted.make(secret)
      const alias = yield* vault.seal(sealed)
      const revealed = yield* vault.reveal(alias)
      const fp = yield* vault.fingerprint(revealed)
      const malformed = Redacted.make({ ...secret, platformUserId: 42 } as unknown as Identity)
      const failures: Array<Exit.Exit<unknown, IdentityVault.IdentityVaultError>> = [
        yield* Effect.exit(vault.seal(malformed)),
        yield* Effect.exit(vault.fingerprint(malformed)),
        yield* Effect.exit(vault.reveal(AliasId.make("AL-ZZZZZZZZZZZZZZZZ")))
      ]
      yield* vault.forget(alias)
      failures.push(yield* Effect.exit(vault.reveal(alias)))
      const broken = yield* IdentityVault.make({
        key: KEY,
        store: {
          put: () => Effect.void,
          replace: () => Effect.succeed(true),
          get: () =>
            Effect.succeed(
              Option.some({
                _tag: "Sealed",
                identity: Redacted.make(JSON.stringify({ ...secret, channel: 7 }))
              } as const)
            ),
          erase: () => Effect.void
        }
      })
      failures.push(yield* Effect.exit(broken.reveal(alias)))
      const errors = failures.map((exit) => (Exit.isFailure(exit) ? Cause.squash(exit.cause) : undefined))
      expect(errors.every((e) => e instanceof IdentityVaultError)).toBe(true)

      yield* Effect.log("sealed", alias, sealed, revealed).pipe(Effect.annotateLogs({ identity: revealed, fp }))
      for (const exit of failures) {
        yield* Effect.logError("vault failed", exit)
        if (Exit.isFailure(exit)) yield* Effect.logError(exit.cause)
      }
      for (const error of errors) yield* Effect.logWarning(error)
      yield* vault.seal(malformed).pipe(Effect.tapErrorCause(Effect.logError), Effect.ignore)

      const produced: ReadonlyArray<unknown> = [sealed, alias, revealed, fp, malformed, ...failures, ...errors]
      const rendered = [...produced.flatMap(render), ...logged]
      for (const text of rendered) for (const s of secrets) expect(text).not.toContain(s)

      // The checks above are only worth something if the secrets were really inside and the logs were captured.
      for (const s of secrets) expect(inspect(Redacted.value(revealed))).toContain(s)
      expect(logged.length).toBeGreaterThan(20)
      expect(logged.some((line) => line.includes(alias))).toBe(true)
      expect(logged.some((line) => line.includes("<redacted>"))).toBe(true)
    }).pipe(Effect.provide(Layer.merge(IdentityVault.layerMemory, Logger.replace(Logger.defaultLogger, capture))))
  })
})
