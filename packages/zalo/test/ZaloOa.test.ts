import { ChannelSuite } from "@tinbao/testkit/vitest"
import { Redacted } from "effect"
import * as ZaloOa from "../src/ZaloOa.js"
import { accessToken, appSecret, incomingCases, makeWith, outgoingCases, refreshToken, secretKey } from "./oaCases.js"

ChannelSuite.suite("ZaloOa", {
  make: (url) => makeWith(ZaloOa)(url),
  signatureHeader: ZaloOa.signatureHeader,
  incoming: incomingCases(ZaloOa),
  outgoing: outgoingCases,
  secrets: [
    Redacted.value(secretKey),
    Redacted.value(appSecret),
    accessToken,
    refreshToken,
    "oa-access-token-New9",
    "oa-refresh-token-New4"
  ]
})
