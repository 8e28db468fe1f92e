/**
 * The channels: for each ward and commune that holds today, a web form `web:<unit>`; a Zalo OA `zalo-oa:<oa id>`,
 * a Zalo bot `zalo-bot:<unit>` and a fanpage `facebook:<page id>` of one Meta app (whose deliveries all reach the
 * webhook channel `facebook`), each bound to its unit. A platform in sandbox mode has an OA, a bot and a page for
 * every unit (`sandbox-<unit>`), with the local secrets, its replies sent to the sandbox; a configured one has the
 * OAs, bots and pages its variables list.
 */
import { FetchHttpClient } from "@effect/platform"
import { Binding, type Channel, Credentials, type Unit } from "@tinbao/core"
import { Facebook } from "@tinbao/facebook"
import { WebFormChannel } from "@tinbao/web"
import { ZaloBot, ZaloOa } from "@tinbao/zalo"
import { DateTime, Effect, Redacted } from "effect"
import { type Accounts, type Config, ConfigError } from "./config.js"
import type * as Connect from "./connect.js"
import type { Sandbox } from "./sandbox.js"
import type { Secrets } from "./secrets.js"

/** A platform's channels as the start-up lines tell them: its mode, and each channel with its unit. */
export interface Platform {
  /** The core's platform id (`Channel.builtinPlatforms`). */
  readonly id: "web" | "zalo" | "facebook"
  readonly label: string
  readonly sandbox: boolean
  /** Whether its channels hold tokens in the core's `Credentials` (OAs and pages; not web forms or bots). */
  readonly credentials: boolean
  /** The channels whose webhook URLs are entered at the platform (Facebook's one per app). */
  readonly webhooks: ReadonlyArray<string>
  readonly bound: ReadonlyArray<{ readonly channel: string; readonly unit: Unit.UnitId }>
}

/** The adapters to register, and what each platform has. */
export interface Built {
  readonly adapters: ReadonlyArray<Channel.ChannelAdapter>
  readonly platforms: ReadonlyArray<Platform>
  /** For each Zalo OA, a refresh of its tokens when they near expiry (the token refresh worker runs them). */
  readonly keepFresh: ReadonlyArray<{ readonly channel: string; readonly refresh: ZaloOa.Adapter["keepFresh"] }>
  /** The Zalo app that OAs are connected to (the sandbox's in sandbox mode). */
  readonly zaloApp: Connect.ZaloApp
}

const sandboxId = (unit: string) => `sandbox-${unit}`

/**
 * Each platform's accounts and their units, named as the server names them (the configured ones, or one
 * `sandbox-<unit>` per ward and commune in sandbox mode): for the server and for `tinbao channels`, which reads them
 * without building or connecting anything.
 */
export const accountsOf = (config: Config, units: ReadonlyArray<Unit.Unit>) => {
  const sandboxed = units.map((u) => ({ unit: u.id as string, account: sandboxId(u.id) }))
  return {
    web: units.map((u) => ({ unit: u.id as string, channel: `web:${u.id}` })),
    oas: config.zalo?.oas ?? sandboxed,
    // A configured bot is named by its unit (its token is no name to show).
    bots: config.zaloBots?.bots.map((b) => ({ unit: b.unit, account: b.unit })) ?? sandboxed,
    pages: config.facebook?.pages ?? sandboxed
  }
}

// A configured platform's accounts must name units that take tips today.
const checked = (name: string, accounts: Accounts, units: ReadonlyArray<Unit.Unit>) =>
  Effect.forEach(accounts, ({ unit, account }) => {
    const found = units.find((u) => u.id === unit)
    return found === undefined
      ? Effect.fail(
          new ConfigError({ message: `${name} names ${unit}, which is not a ward or commune of the units file today.` })
        )
      : Effect.succeed({ unit: found.id, account })
  })

/**
 * Builds every channel's adapter and binds it to its unit. In sandbox mode, each OA's and page's tokens are
 * connected anew in the sandbox at every start.
 */
export const build = (
  config: Config,
  units: ReadonlyArray<Unit.Unit>,
  secrets: Secrets | undefined,
  sandbox: Sandbox | undefined
) =>
  Effect.gen(function* () {
    const credentials = yield* Credentials.Credentials
    const ids = units.map((u) => u.id)
    const accounts = accountsOf(config, units)

    const web = config.web ?? {
      secret: Redacted.make(secrets!.web.secret),
      replyUrl: `${sandbox!.url}/web/replies`
    }
    const forms = yield* Effect.forEach(ids, (unit) =>
      WebFormChannel.make({ id: `web:${unit}`, secret: web.secret, endpoint: web.replyUrl })
    )

    const zalo = config.zalo ?? {
      appId: "sandbox-zalo-app",
      appSecret: Redacted.make(secrets!.zalo.appSecret),
      oaSecretKey: Redacted.make(secrets!.zalo.oaSecretKey),
      apiUrl: `${sandbox!.url}/zalo`,
      oauthUrl: `${sandbox!.url}/zalo`
    }
    const oas = yield* checked("ZALO_OAS", accounts.oas, units)
    const zaloAdapters = yield* Effect.forEach(oas, ({ account }) =>
      Effect.gen(function* () {
        const adapter = yield* ZaloOa.make({
          oaId: account,
          appId: zalo.appId,
          appSecret: zalo.appSecret,
          secretKey: zalo.oaSecretKey,
          apiUrl: zalo.apiUrl,
          oauthUrl: zalo.oauthUrl
        })
        if (config.zalo === undefined) {
          const pair = sandbox!.connectOa(account)
          yield* credentials.connect(adapter.id, {
            accessToken: Redacted.make(pair.accessToken),
            refreshToken: Redacted.make(pair.refreshToken),
            expiresAt: DateTime.add(yield* DateTime.now, { hours: 25 })
          })
        }
        return adapter
      })
    )

    // A bot's token does not expire until it is reset: it is configuration, not a credential to refresh.
    const zaloBots = config.zaloBots ?? {
      secretToken: Redacted.make(secrets!.zaloBot.secretToken),
      apiUrl: `${sandbox!.url}/zalo-bot`,
      bots: ids.map((unit) => ({ unit, token: Redacted.make(sandbox!.connectBot(sandboxId(unit))) }))
    }
    const bots = yield* checked("ZALO_BOTS", accounts.bots, units)
    const botAdapters = yield* Effect.forEach(bots, ({ account }, i) =>
      ZaloBot.make({
        id: `zalo-bot:${account}`,
        token: zaloBots.bots[i]!.token,
        secretToken: zaloBots.secretToken,
        apiUrl: zaloBots.apiUrl
      })
    )

    const facebook = config.facebook ?? {
      appSecret: Redacted.make(secrets!.facebook.appSecret),
      verifyToken: Redacted.make(secrets!.facebook.verifyToken),
      graphUrl: `${sandbox!.url}/facebook`,
      graphVersion: undefined
    }
    const pages = yield* checked("FACEBOOK_PAGES", accounts.pages, units)
    const [first, ...rest] = pages.map(({ account }) => ({ pageId: account }))
    const app =
      first === undefined
        ? undefined
        : yield* Facebook.make({
            appSecret: facebook.appSecret,
            verifyToken: facebook.verifyToken,
            graphUrl: facebook.graphUrl,
            ...(facebook.graphVersion !== undefined ? { graphVersion: facebook.graphVersion } : {}),
            pages: [first, ...rest]
          })
    if (config.facebook === undefined) {
      for (const page of app?.pages ?? []) {
        yield* Facebook.connectPage(page.id, Redacted.make(sandbox!.connectPage(page.id.slice("facebook:".length))))
      }
    }

    const platforms: ReadonlyArray<Platform> = [
      {
        id: "web",
        label: "Web forms",
        sandbox: config.web === undefined,
        credentials: false,
        webhooks: forms.map((a) => a.id),
        bound: forms.map((a, i) => ({ channel: a.id, unit: ids[i]! }))
      },
      {
        id: "zalo",
        label: "Zalo OAs",
        sandbox: config.zalo === undefined,
        credentials: true,
        webhooks: zaloAdapters.map((a) => a.id),
        bound: zaloAdapters.map((a, i) => ({ channel: a.id, unit: oas[i]!.unit }))
      },
      {
        id: "facebook",
        label: "Facebook pages",
        sandbox: config.facebook === undefined,
        credentials: true,
        webhooks: app === undefined ? [] : [app.webhook.id],
        bound: (app?.pages ?? []).map((a, i) => ({ channel: a.id, unit: pages[i]!.unit }))
      },
      {
        id: "zalo",
        label: "Zalo bots",
        sandbox: config.zaloBots === undefined,
        credentials: false,
        webhooks: botAdapters.map((a) => a.id),
        bound: botAdapters.map((a, i) => ({ channel: a.id, unit: bots[i]!.unit }))
      }
    ]
    const bindings = yield* Binding.Bindings
    for (const { channel, unit } of platforms.flatMap((p) => p.bound)) {
      yield* bindings.bind(Binding.Binding.make({ channel, unit }))
    }
    return {
      adapters: [...forms, ...zaloAdapters, ...botAdapters, ...(app?.all ?? [])],
      platforms,
      keepFresh: zaloAdapters.map((a) => ({ channel: a.id, refresh: a.keepFresh })),
      zaloApp: { appId: zalo.appId, appSecret: zalo.appSecret, oauthUrl: zalo.oauthUrl }
    } satisfies Built
  }).pipe(Effect.provide(FetchHttpClient.layer))
