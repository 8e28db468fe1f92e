// The published `@tinbao/zalo`, built, through the published channel suite of the built @tinbao/testkit, with the
// cases of the package's own tests: what users install is what this runs.
import { existsSync, readdirSync, readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "@effect/vitest"
import { ChannelSuite } from "@tinbao/testkit/vitest"
import { ZaloBot, ZaloOa } from "@tinbao/zalo"
import { Redacted } from "effect"
import {
  botIncomingCases,
  botOutgoingCases,
  botToken,
  makeBotWith,
  secretToken
} from "../packages/zalo/test/botCases.js"
import {
  accessToken,
  appSecret,
  incomingCases,
  makeWith,
  outgoingCases,
  refreshToken,
  secretKey
} from "../packages/zalo/test/oaCases.js"

const zaloDir = fileURLToPath(new URL("../packages/zalo/", import.meta.url))
if (!existsSync(`${zaloDir}dist/index.js`)) {
  throw new Error(`${zaloDir}dist/index.js is missing: run \`npm run build\` (or \`npm test\`, which builds first)`)
}

ChannelSuite.suite("ZaloOa (built)", {
  make: (url) => makeWith(ZaloOa)(url),
  signatureHeader: ZaloOa.signatureHeader,
  incoming: incomingCases(ZaloOa),
  outgoing: outgoingCases,
  secrets: [Redacted.value(secretKey), Redacted.value(appSecret), accessToken, refreshToken]
})

ChannelSuite.suite("ZaloBot (built)", {
  make: (url) => makeBotWith(ZaloBot)(url),
  signatureHeader: ZaloBot.secretHeader,
  incoming: botIncomingCases(ZaloBot),
  outgoing: botOutgoingCases,
  secrets: [Redacted.value(botToken), Redacted.value(secretToken)]
})

describe("the built @tinbao/zalo", () => {
  it("is the bundle, keeps effect, @effect/platform and @tinbao/core external, and needs no vitest", async () => {
    const bundle = await import(/* @vite-ignore */ `${zaloDir}dist/index.js`)
    expect(ZaloOa).toBe(bundle.ZaloOa)
    const files = readdirSync(`${zaloDir}dist`).filter((f) => f.endsWith(".js"))
    const specifiers = new Set(
      files.flatMap((f) =>
        [...readFileSync(`${zaloDir}dist/${f}`, "utf8").matchAll(/from "([^"]+)"/g)].map((m) => m[1]!)
      )
    )
    const external = [...specifiers].filter((s) => !s.startsWith("./"))
    expect(external.sort()).toEqual(["@effect/platform", "@tinbao/core", "crypto", "effect"])
  })
})
