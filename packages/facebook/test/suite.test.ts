// The channel suite of the Facebook adapter: the incoming cases (inboundCases.ts) and the outgoing ones
// (outboundCases.ts), against page A's adapter of `inboundCases.config(url)`, whose Graph URL is the suite's fake
// platform and whose pages' tokens are in memory credentials under their channel ids.
import { ChannelSuite } from "@tinbao/testkit/vitest"
import { Effect, Redacted } from "effect"
import * as Facebook from "../src/Facebook.js"
import { appSecret, incomingCases, makeAdapters, pageTokenA, pageTokenB, verifyToken } from "./inboundCases.js"
import { outgoingCases } from "./outboundCases.js"

ChannelSuite.suite("Facebook", {
  make: (url) => Effect.map(makeAdapters(url), (adapters) => adapters.pages[0]!),
  signatureHeader: Facebook.signatureHeader,
  incoming: incomingCases,
  outgoing: outgoingCases,
  secrets: [Redacted.value(appSecret), Redacted.value(verifyToken), pageTokenA, pageTokenB]
})
