// The published `@tinbao/web`, built, through the published channel suite of the built @tinbao/testkit, with the
// cases of the package's own test: what users install is what this runs.
import { existsSync, readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "@effect/vitest"
import { ChannelSuite } from "@tinbao/testkit/vitest"
import { WebFormChannel } from "@tinbao/web"
import { Effect, Redacted } from "effect"
import { incomingCases, outgoingCases, repliesPath } from "../packages/web/test/cases.js"

const webDir = fileURLToPath(new URL("../packages/web/", import.meta.url))
if (!existsSync(`${webDir}dist/index.js`)) {
  throw new Error(`${webDir}dist/index.js is missing: run \`npm run build\` (or \`npm test\`, which builds first)`)
}

const secret = Redacted.make("wf-secret-7c0d5e9a41b2f3c8")
const verifyToken = Redacted.make("wf-verify-93a1b7e2")

ChannelSuite.suite("WebFormChannel (built)", {
  make: (url) =>
    Effect.orDie(
      WebFormChannel.make({ id: "web:congan-ninhbinh", secret, verifyToken, endpoint: `${url}${repliesPath}` })
    ),
  signatureHeader: WebFormChannel.headers.signature,
  incoming: incomingCases(secret, verifyToken),
  outgoing: outgoingCases,
  secrets: [Redacted.value(secret), Redacted.value(verifyToken)]
})

describe("the built @tinbao/web", () => {
  it("is the bundle, keeps effect and @tinbao/core external, and needs no vitest", async () => {
    const bundle = await import(/* @vite-ignore */ `${webDir}dist/index.js`)
    expect(WebFormChannel).toBe(bundle.WebFormChannel)
    const text = readFileSync(`${webDir}dist/index.js`, "utf8")
    expect(text).toMatch(/^import .* from "effect";$/m)
    expect(text).toMatch(/^import .* from "@tinbao\/core";$/m)
    expect(text).not.toMatch(/vitest|@tinbao\/testkit/)
  })
})
