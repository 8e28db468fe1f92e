import { createHash, createHmac } from "node:crypto"
import { describe, expect, it } from "@effect/vitest"
import { Either, FastCheck as fc, Redacted } from "effect"
import * as ChannelCheck from "../src/ChannelCheck.js"

const encode = (text: string) => new TextEncoder().encode(text)
const reason = (result: Either.Either<unknown, { reason: string; message: string }>) =>
  Either.match(result, { onLeft: (e) => `${e.reason}: ${e.message}`, onRight: () => "read" })

// The depth of a parsed value, for comparison with the count made without parsing.
const depthOf = (value: unknown): number =>
  Array.isArray(value)
    ? 1 + Math.max(0, ...value.map(depthOf))
    : typeof value === "object" && value !== null
      ? 1 + Math.max(0, ...Object.values(value).map(depthOf))
      : 0

describe("ChannelCheck", () => {
  it("reads a JSON body within its limits, and says why it refuses one, quoting nothing of it", () => {
    expect(ChannelCheck.readJson("sms:1", encode('{"a":[1,{"b":"c"}]}'))).toEqual(Either.right({ a: [1, { b: "c" }] }))
    const secretish = '{"token":"sk-live-9f8e7d","x":'
    const cases: ReadonlyArray<[Uint8Array, ChannelCheck.JsonLimits, RegExp]> = [
      [encode(`${secretish}1}`), { maxBytes: 10 }, /^bad_request: the body has 32 bytes, over 10$/],
      [new Uint8Array([...encode('{"a":"'), 0xc3, 0x28, ...encode('"}')]), {}, /not valid UTF-8/],
      [encode(`${"[".repeat(10_000)}${"]".repeat(10_000)}`), {}, /nested deeper than 64 levels/],
      [encode(`{"a":${"[".repeat(5)}1${"]".repeat(5)}}`), { maxDepth: 5 }, /nested deeper than 5 levels/],
      [encode(secretish), {}, /not valid JSON \(is it truncated\?\)/]
    ]
    for (const [body, limits, expected] of cases) {
      const refused = reason(ChannelCheck.readJson("sms:1", body, limits))
      expect(refused).toMatch(expected)
      expect(refused).not.toContain("sk-live")
    }
    expect(
      Either.isRight(ChannelCheck.readJson("sms:1", encode(`{"a":${"[".repeat(5)}1${"]".repeat(5)}}`), { maxDepth: 6 }))
    ).toBe(true)
    expect(Either.getOrThrow(ChannelCheck.readText("sms:1", encode("Tin báo")))).toBe("Tin báo")
  })

  it("counts nesting without parsing, ignoring brackets inside strings, as deep as JSON.parse finds it", () => {
    expect(ChannelCheck.nestingDepth('{"a":"[[[{{{\\"]]"}')).toBe(1)
    expect(ChannelCheck.nestingDepth("[".repeat(1_000_000), 64)).toBe(65)
    fc.assert(
      fc.property(fc.json({ depthSize: "medium" }), (text) => {
        expect(ChannelCheck.nestingDepth(text)).toBe(depthOf(JSON.parse(text)))
      }),
      { numRuns: 300 }
    )
  })

  it("lower-cases header names", () => {
    expect(ChannelCheck.lowerCaseHeaders({ "X-Gateway-Token": "t", "content-type": "application/json" })).toEqual({
      "x-gateway-token": "t",
      "content-type": "application/json"
    })
  })

  it("compares secrets whatever their lengths and forms, answering as equality does", () => {
    expect(ChannelCheck.sameSecret("token-1", Redacted.make("token-1"))).toBe(true)
    expect(ChannelCheck.sameSecret(encode("token-1"), "token-1")).toBe(true)
    expect(ChannelCheck.sameSecret("token-1", "token-12")).toBe(false)
    expect(ChannelCheck.sameSecret("", Redacted.make("x"))).toBe(false)
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        expect(ChannelCheck.sameSecret(a, b)).toBe(a === b)
        expect(ChannelCheck.sameSecret(a, Redacted.make(a))).toBe(true)
      })
    )
  })

  it("computes HMAC-SHA256 and SHA-256 in hex over the parts one after the other", () => {
    const key = "gateway-key-0c4d"
    const body = encode('{"events":[]}')
    const expected = createHmac("sha256", key).update("1735718400.").update(body).digest("hex")
    expect(ChannelCheck.hmacSha256Hex(Redacted.make(key), "1735718400.", body)).toBe(expected)
    expect(ChannelCheck.hmacSha256Hex(encode(key), "1735718400.", body)).toBe(expected)
    expect(ChannelCheck.sha256Hex("ab", encode("c"))).toBe(createHash("sha256").update("abc").digest("hex"))
  })

  it("checks a timestamp in seconds or milliseconds against a tolerance, either way", () => {
    const now = 1_735_718_400_000
    const seconds = { unit: "seconds", toleranceSeconds: 300 } as const
    expect(ChannelCheck.checkTimestamp("1735718100", now, seconds)).toEqual(Either.right(1_735_718_100_000))
    expect(ChannelCheck.checkTimestamp(1735718099, now, seconds)).toEqual(Either.left("stale"))
    expect(ChannelCheck.checkTimestamp("1735718701", now, seconds)).toEqual(Either.left("stale"))
    const millis = { unit: "milliseconds", toleranceSeconds: 60 } as const
    expect(ChannelCheck.checkTimestamp(String(now - 60_000), now, millis)).toEqual(Either.right(now - 60_000))
    expect(ChannelCheck.checkTimestamp(now - 60_001, now, millis)).toEqual(Either.left("stale"))
    for (const bad of ["", "12a", "-5", "1.5", "1".repeat(17)]) {
      expect(ChannelCheck.checkTimestamp(bad, now, seconds), bad).toEqual(Either.left("malformed"))
    }
    expect(ChannelCheck.checkTimestamp(undefined, now, seconds)).toEqual(Either.left("missing"))
  })
})
