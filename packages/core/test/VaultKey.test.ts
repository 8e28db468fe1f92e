import { randomBytes } from "node:crypto"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Redacted } from "effect"
import * as IdentityVault from "../src/IdentityVault.js"
import { run } from "../src/internal/cli/tinbao.js"
import * as VaultKey from "../src/VaultKey.js"

const exactly = { exactly: 32 }
const ruleOf = (bytes: Uint8Array | Array<number>, length: VaultKey.Length = exactly) =>
  VaultKey.weakness(Uint8Array.from(bytes), length)?.rule

describe("VaultKey.weakness", () => {
  it("refuses keys of the wrong length: a vault key is exactly 32 bytes, a fingerprint key at least 32", () => {
    expect(VaultKey.weakness(randomBytes(16), exactly)).toEqual({
      rule: "length",
      message: "it is 16 bytes long, and it must be exactly 32"
    })
    expect(ruleOf(randomBytes(33))).toBe("length")
    expect(ruleOf(randomBytes(31), { atLeast: 32 })).toBe("length")
    expect(ruleOf(randomBytes(48), { atLeast: 32 })).toBeUndefined()
  })

  it("refuses keys that are plainly not random, by a rule an operator can read", () => {
    const block = [...randomBytes(16)]
    expect(ruleOf(new Array(32).fill(0x41))).toBe("few_distinct_bytes")
    expect(ruleOf(Array.from({ length: 32 }, (_, i) => [0, 1, 2, 3, 4, 5, 6][i % 7]!))).toBe("few_distinct_bytes")
    expect(ruleOf([...block, ...block])).toBe("repeating")
    expect(VaultKey.weakness(Uint8Array.from([...block, ...block]), exactly)?.message).toBe(
      "it repeats a block of 16 bytes"
    )
    expect(ruleOf(Array.from({ length: 32 }, (_, i) => i))).toBe("steps")
    expect(ruleOf(Array.from({ length: 32 }, (_, i) => 255 - 3 * i))).toBe("steps")
    expect(ruleOf(Buffer.from("abcdefghijklmnopqrstuvwxyz012345"))).toBe("steps")
  })

  it("accepts random keys, and keys written as text of random bytes used as a fingerprint key", () => {
    for (let i = 0; i < 2000; i++) expect(ruleOf(randomBytes(32))).toBeUndefined()
    for (let i = 0; i < 200; i++) {
      expect(ruleOf(Buffer.from(randomBytes(32).toString("hex")), { atLeast: 32 })).toBeUndefined()
      expect(ruleOf(Buffer.from(randomBytes(32).toString("base64")), { atLeast: 32 })).toBeUndefined()
    }
  })

  it("names the key and the rule in a refusal, never the key", () => {
    const weak = VaultKey.weakness(Buffer.alloc(32, 0x61), exactly)!
    expect(VaultKey.refusal(`vault key "k1"`, weak)).toBe(
      `vault key "k1" is refused by the rule "few_distinct_bytes": it has 1 distinct byte values, and a key needs at least 8. Make a key with \`npx tinbao keys generate\`.`
    )
  })
})

describe("VaultKey.generate", () => {
  it("makes 32 random bytes in base64 or hex, which the rules accept", () => {
    const keys = Array.from({ length: 50 }, () => Redacted.value(VaultKey.generate()))
    expect(new Set(keys).size).toBe(50)
    for (const key of keys) {
      expect(key).toMatch(/^[A-Za-z0-9+/]{43}=$/)
      expect(VaultKey.weakness(Buffer.from(key, "base64"), exactly)).toBeUndefined()
    }
    const hex = Redacted.value(VaultKey.generate("hex"))
    expect(hex).toMatch(/^[0-9a-f]{64}$/)
    expect(String(VaultKey.generate())).not.toMatch(/[A-Za-z0-9+/]{43}=/)
  })
})

describe("the fingerprint key", () => {
  const refused = (key: IdentityVault.FingerprintKey) =>
    Effect.flip(Layer.build(IdentityVault.layerMemoryWithKey(key)).pipe(Effect.scoped))

  it.effect("is refused when shorter than 32 bytes or plainly not random, with key_refused and the rule", () =>
    Effect.gen(function* () {
      const short = yield* refused("short-key-of-sixteen")
      expect([short.reason, short.message]).toEqual([
        "key_refused",
        `the fingerprint key is refused by the rule "length": it is 20 bytes long, and it must be at least 32. Make a key with \`npx tinbao keys generate\`.`
      ])
      const identical = yield* refused(Redacted.make(new Uint8Array(32).fill(7)))
      expect([identical.reason, identical.message]).toEqual([
        "key_refused",
        expect.stringContaining(`the fingerprint key is refused by the rule "few_distinct_bytes"`)
      ])
      const doubled = "0123456789abcdefghijklmnopqrstuv"
      const repeating = yield* refused(Redacted.make(doubled + doubled))
      expect(repeating.message).toContain(`rule "repeating"`)
      expect(repeating.message).not.toContain(doubled)
    })
  )

  it.effect("is accepted as a generated key, in base64 or hex, used as it is written", () =>
    Effect.gen(function* () {
      for (const key of [VaultKey.generate(), VaultKey.generate("hex")]) {
        yield* Layer.build(IdentityVault.layerMemoryWithKey(key)).pipe(Effect.scoped)
      }
    })
  )
})

describe("tinbao keys generate", () => {
  it("prints new keys, one a line, in base64 or hex", () => {
    const one = run(["keys", "generate"])
    expect(one.exitCode).toBe(0)
    expect(one.stdout).toMatch(/^[A-Za-z0-9+/]{43}=\n$/)
    const hex = run(["keys", "generate", "--hex", "--count", "3"])
    const lines = hex.stdout.trimEnd().split("\n")
    expect(lines).toHaveLength(3)
    expect(new Set(lines).size).toBe(3)
    for (const line of lines) expect(line).toMatch(/^[0-9a-f]{64}$/)
  })

  it("explains itself when asked, and refuses what it does not know", () => {
    expect(run(["--help"])).toMatchObject({ exitCode: 0, stdout: expect.stringContaining("tinbao keys generate") })
    expect(run([])).toMatchObject({ exitCode: 2, stdout: "" })
    const unknown = run(["keys", "delete"])
    expect(unknown.exitCode).toBe(2)
    expect(unknown.stderr).toContain("unknown command: keys delete")
    expect(run(["keys", "generate", "--count", "0"]).stderr).toContain("--count takes a whole number")
    expect(run(["keys", "generate", "--bits"]).stderr).toContain("unknown option: --bits")
  })
})
