import { createHash } from "node:crypto"
import { FetchHttpClient } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { Credentials } from "@tinbao/core"
import { FakePlatform } from "@tinbao/testkit"
import { Effect, Redacted } from "effect"
import * as ZaloConnect from "../src/ZaloConnect.js"
import { appSecret, channelId } from "./oaCases.js"

describe("ZaloConnect", () => {
  it("makes an S256 PKCE pair and the permission URL", () => {
    const { verifier, challenge } = ZaloConnect.pkce()
    expect(Redacted.value(verifier)).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(challenge).toBe(createHash("sha256").update(Redacted.value(verifier)).digest("base64url"))
    const url = new URL(
      ZaloConnect.authorizationUrl({
        oauthUrl: "http://127.0.0.1:9",
        appId: "348217821659",
        redirectUri: "http://localhost:3000/zalo/callback",
        codeChallenge: challenge,
        state: "st-1"
      })
    )
    expect(url.pathname).toBe("/v4/oa/permission")
    expect(Object.fromEntries(url.searchParams)).toEqual({
      app_id: "348217821659",
      redirect_uri: "http://localhost:3000/zalo/callback",
      code_challenge: challenge,
      state: "st-1"
    })
    expect(ZaloConnect.state()).not.toBe(ZaloConnect.state())
  })

  it.scopedLive("exchanges the code with its verifier and stores the OA's tokens; a refused code stores nothing", () =>
    Effect.gen(function* () {
      const platform = yield* FakePlatform.make
      yield* platform.respondWith(
        {
          status: 200,
          body: { access_token: "connect-access-A1", refresh_token: "connect-refresh-R1", expires_in: "90000" }
        },
        { status: 200, body: { error: -14002, error_name: "Invalid code" } }
      )
      const { verifier } = ZaloConnect.pkce()
      const exchange = {
        oauthUrl: platform.url,
        appId: "348217821659",
        appSecret,
        code: "auth-code-123",
        codeVerifier: verifier,
        account: channelId
      }
      const credentials = Credentials.makeEncoded(Credentials.makeMemoryEncoded())
      const run = <A, E>(
        effect: Effect.Effect<A, E, Credentials.Credentials | import("@effect/platform").HttpClient.HttpClient>
      ) =>
        effect.pipe(Effect.provideService(Credentials.Credentials, credentials), Effect.provide(FetchHttpClient.layer))
      const connected = yield* run(ZaloConnect.connect(exchange))
      expect(connected).toMatchObject({ account: channelId, generation: 1, status: "active" })
      expect(Redacted.value(connected.accessToken)).toBe("connect-access-A1")
      const [request] = yield* platform.requests
      expect(request?.path).toBe("/v4/oa/access_token")
      expect(request?.headers.secret_key).toBe(Redacted.value(appSecret))
      expect(Object.fromEntries(new URLSearchParams(request!.body))).toEqual({
        code: "auth-code-123",
        grant_type: "authorization_code",
        code_verifier: Redacted.value(verifier),
        app_id: "348217821659"
      })
      const refused = yield* Effect.flip(run(ZaloConnect.connect({ ...exchange, account: "zalo-oa:other" })))
      expect(refused.reason).toBe("permanent")
      expect(refused.message).not.toContain("auth-code-123")
      expect(yield* credentials.get("zalo-oa:other")).toBeUndefined()
    })
  )
})
