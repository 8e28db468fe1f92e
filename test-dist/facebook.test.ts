// The published `@tinbao/facebook`, built, through the published channel suite of the built @tinbao/testkit, with the
// cases of the package's own tests: what users install is what this runs.
import { existsSync, readdirSync, readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "@effect/vitest"
import { Facebook } from "@tinbao/facebook"
import { ChannelSuite } from "@tinbao/testkit/vitest"
import { Effect, Redacted } from "effect"
import {
  appSecret,
  incomingCases,
  makeAdaptersWith,
  pageTokenA,
  pageTokenB,
  verifyToken
} from "../packages/facebook/test/inboundCases.js"
import { outgoingCases } from "../packages/facebook/test/outboundCases.js"

const facebookDir = fileURLToPath(new URL("../packages/facebook/", import.meta.url))
if (!existsSync(`${facebookDir}dist/index.js`)) {
  throw new Error(`${facebookDir}dist/index.js is missing: run \`npm run build\` (or \`npm test\`, which builds first)`)
}

ChannelSuite.suite("Facebook (built)", {
  make: (url) => Effect.map(makeAdaptersWith(Facebook)(url), (adapters) => adapters.pages[0]!),
  signatureHeader: Facebook.signatureHeader,
  incoming: incomingCases,
  outgoing: outgoingCases,
  secrets: [Redacted.value(appSecret), Redacted.value(verifyToken), pageTokenA, pageTokenB]
})

describe("the built @tinbao/facebook", () => {
  it("is the bundle, keeps effect, @effect/platform and @tinbao/core external, and needs no vitest", async () => {
    const bundle = await import(/* @vite-ignore */ `${facebookDir}dist/index.js`)
    expect(Facebook).toBe(bundle.Facebook)
    const files = readdirSync(`${facebookDir}dist`).filter((f) => f.endsWith(".js"))
    const specifiers = new Set(
      files.flatMap((f) =>
        [...readFileSync(`${facebookDir}dist/${f}`, "utf8").matchAll(/from "([^"]+)"/g)].map((m) => m[1]!)
      )
    )
    const external = [...specifiers].filter((s) => !s.startsWith("./"))
    expect(external.sort()).toEqual(["@effect/platform", "@tinbao/core", "crypto", "effect"])
  })
})
