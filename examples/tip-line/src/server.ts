/**
 * The tip-line server, put together: storage and the services over it, the units, the sandbox platforms where a
 * platform has no secrets, the channels, the webhook, the workers and the HTTP server, all in one scope. Closing
 * the scope stops the server in the reverse order: HTTP first (requests in progress finish), then the workers
 * (rounds in progress finish), the sandbox, and the database last.
 */
import { SqlClient } from "@effect/sql/SqlClient"
import {
  Calendar,
  Channels,
  type Credentials,
  type IdentityVault,
  type Inbox,
  Intake,
  type Outbox,
  type Register,
  Tips,
  type UnitDirectory,
  Webhook
} from "@tinbao/core"
import { SqlMigrations, type SqlStorage } from "@tinbao/sql"
import { type Context, Effect, Layer, Queue, Redacted } from "effect"
import * as Accounts from "./accounts.js"
import * as Channel from "./channels.js"
import type { Config } from "./config.js"
import * as Connect from "./connect.js"
import * as Http from "./http.js"
import * as Sandbox from "./sandbox.js"
import * as Secrets from "./secrets.js"
import * as Staff from "./staff.js"
import * as StaffEvents from "./staffEvents.js"
import * as Storage from "./storage.js"
import * as Units from "./units.js"
import * as Workers from "./workers.js"

/** The running server, as the start-up lines and the tests see it. */
export interface Running {
  /** The base URL of the webhooks, e.g. `http://127.0.0.1:8080`. */
  readonly url: string
  readonly listening: { readonly host: string; readonly port: number }
  readonly storage: string
  readonly unitsFile: string
  readonly unitsRecorded: number
  /** The secrets file, when the vault's keys or a sandbox platform's secrets come from it. */
  readonly secretsFile: string | undefined
  readonly sandbox: Sandbox.Sandbox | undefined
  readonly platforms: ReadonlyArray<Channel.Platform>
  /** The URL to register in the Zalo app, where Zalo sends an OA's admin back after granting it. */
  readonly connectCallback: string
  /** The services over the server's storage, for its tests. */
  readonly services: Context.Context<
    | Tips.Tips
    | Intake.Intake
    | Register.Register
    | IdentityVault.IdentityVault
    | Inbox.Inbox
    | Outbox.Outbox
    | UnitDirectory.UnitDirectory
    | Credentials.Credentials
    | SqlClient
  >
}

/** The vault's keys: from the environment, or else from the secrets file. */
export const vaultOf = (config: Config, secrets: Secrets.Secrets | undefined): SqlStorage.Config["vault"] =>
  config.vault !== undefined
    ? { keys: { env: config.vault.key }, currentKeyId: "env", fingerprintKey: config.vault.fingerprintKey }
    : {
        keys: { [secrets!.vault.keyId]: Redacted.make(secrets!.vault.key) },
        currentKeyId: secrets!.vault.keyId,
        fingerprintKey: Redacted.make(secrets!.vault.fingerprintKey)
      }

const services = (config: Config, vault: SqlStorage.Config["vault"]) =>
  Intake.layer().pipe(
    Layer.provideMerge(Tips.layer()),
    Layer.provideMerge(Calendar.layerVietnam),
    Layer.provideMerge(Storage.layer(config, vault))
  )

// The evidence worker fetches from the sandbox (when a platform is in it) and the hosts MEDIA_HOSTS names.
const mediaAllowed = (config: Config, sandbox: Sandbox.Sandbox | undefined) => {
  const sandboxHost = sandbox === undefined ? undefined : new URL(sandbox.url).host
  return (url: URL) =>
    url.host === sandboxHost ||
    config.mediaHosts.some((host) => url.hostname === host || url.hostname.endsWith(`.${host}`))
}

/** Starts the server for as long as the scope lives. */
export const start = (config: Config) =>
  Effect.gen(function* () {
    yield* Storage.prepare(config.dataDir)
    const sandboxed =
      config.web === undefined ||
      config.zalo === undefined ||
      config.zaloBots === undefined ||
      config.facebook === undefined
    const secrets = sandboxed || config.vault === undefined ? yield* Secrets.load(config.dataDir) : undefined
    const context = yield* Layer.build(services(config, vaultOf(config, secrets)))
    // The staff accounts' tables, beside the library's (migrated when the storage opened); one instance at a time,
    // since instances starting together on PostgreSQL would race through their `CREATE TABLE IF NOT EXISTS`.
    yield* Effect.provide(
      SqlMigrations.oneAtATime("staff_tables")(Effect.zipRight(Accounts.migrate, Connect.migrate)),
      context
    ).pipe(Effect.mapError(Storage.explain))
    return yield* Effect.gen(function* () {
      const unitsRecorded = yield* Units.record(config.unitsFile, yield* Units.load(config.unitsFile))
      const units = yield* Units.localUnits
      const sandbox = sandboxed
        ? yield* Sandbox.start({
            webSecret: Redacted.make(secrets!.web.secret),
            zaloAppSecret: Redacted.make(secrets!.zalo.appSecret)
          })
        : undefined
      const built = yield* Channel.build(config, units, secrets, sandbox)
      if (sandbox !== undefined) yield* Sandbox.announce(config.dataDir, sandbox, built.platforms)
      const channels = yield* Channels.make(built.adapters)
      const webhook = yield* Webhook.make({ worker: false, process: Intake.process }).pipe(
        Effect.provideService(Channels.Channels, channels)
      )
      const wakeups = yield* Queue.sliding<void>(1)
      yield* Workers.start({
        webhook,
        wakeups,
        allowMedia: mediaAllowed(config, sandbox),
        keepFresh: built.keepFresh
      }).pipe(Effect.provideService(Channels.Channels, channels))
      const notReady = Effect.provideService(Storage.notReady, SqlClient, yield* SqlClient)
      // The URL Zalo sends an OA's admin back to is known once the server listens (PORT=0 takes any port).
      let url = ""
      const connector: Connect.Connector = {
        zaloApp: built.zaloApp,
        connectable: {
          zalo: built.platforms.flatMap((p) => p.bound.filter((b) => b.channel.startsWith("zalo-oa:"))),
          facebook: built.platforms.filter((p) => p.id === "facebook").flatMap((p) => p.bound)
        },
        redirectUri: () => `${config.publicUrl ?? url}${Connect.zaloCallbackPath}`
      }
      const events = yield* StaffEvents.make(context)
      const api = StaffEvents.withEvents(yield* Staff.app(context, built.platforms, connector), events, context)
      const pages = Connect.callbackRoute(connector, context)
      const wake = Effect.asVoid(Queue.offer(wakeups, undefined))
      const routes = Http.app(wake, notReady, api, pages)
      const address = yield* Http.serve(config.host, config.port, routes, { webhook, wake })
      // Added after the server, so run before it closes: the event streams end, and the close waits for no stream.
      yield* Effect.addFinalizer(() => events.close)
      const shown = address.hostname === "0.0.0.0" || address.hostname === "::" ? "127.0.0.1" : address.hostname
      url = `http://${shown.includes(":") ? `[${shown}]` : shown}:${address.port}`
      return {
        url,
        listening: { host: address.hostname, port: address.port },
        storage: Storage.describe(config.database),
        unitsFile: config.unitsFile,
        unitsRecorded,
        secretsFile: secrets === undefined ? undefined : Secrets.fileOf(config.dataDir),
        sandbox,
        platforms: built.platforms,
        connectCallback: connector.redirectUri(),
        services: context
      } satisfies Running
    }).pipe(Effect.provide(context))
  })

const examples = (url: string, channels: ReadonlyArray<string>) => {
  const shown = channels.slice(0, 2).map((channel) => `${url}${Http.webhookPath(channel)}`)
  return channels.length > 2 ? `${shown.join(", ")}, …` : shown.join(", ")
}

/** What the server prints once it listens. */
export const lines = (running: Running): ReadonlyArray<string> => [
  `tinbao tip-line: listening on ${running.listening.host}:${running.listening.port} (${running.url})`,
  `  storage: ${running.storage}, migrated`,
  `  units: ${running.unitsFile}${running.unitsRecorded > 0 ? ` (${running.unitsRecorded} changes recorded now)` : ""}`,
  ...(running.secretsFile === undefined
    ? []
    : [`  local secrets: ${running.secretsFile} (mode 0600; the vault's keys unless TINBAO_VAULT_KEY is set)`]),
  "Webhook URLs (the platforms reach them through your HTTPS proxy: docs/deploy.md):",
  ...running.platforms.map((p) => {
    const mode = p.sandbox ? "sandbox" : "configured"
    const count = p.webhooks.length === p.bound.length ? `${p.bound.length}` : `${p.bound.length} on one webhook`
    return `  ${p.label} (${mode}, ${count}): ${p.webhooks.length === 0 ? "none" : examples(running.url, p.webhooks)}`
  }),
  `  (URLs of the form ${running.url}/webhooks/<channel id>, entered at a platform before, are still answered.)`,
  ...(running.sandbox === undefined
    ? []
    : [
        `Sandbox: the replies of the platforms in sandbox mode go to ${running.sandbox.url} (127.0.0.1 only);`,
        `  what it took: GET ${running.sandbox.url}/sent. Deliveries are signed with the secrets in the secrets file.`
      ]),
  `Health: GET ${running.url}/health (liveness), GET ${running.url}/ready (database and migrations).`,
  `Staff API: ${running.url}/api (log in: POST ${running.url}/api/login with a user name and password;`,
  "  create the first administrator with `npm run users -- add <name> --unit <unit id> --role administrator`).",
  `  API reference: ${running.url}/api/docs (OpenAPI: ${running.url}/api/openapi.json). Dashboard: ${running.url}/`,
  // A configured OA or page sends nothing until connected; the sandbox's are connected at start.
  ...(running.platforms.some((p) => p.credentials && !p.sandbox)
    ? [
        "Replies go out once each OA and page is connected: an administrator calls POST /api/channels/zalo/authorize",
        `  (Zalo sends back to ${running.connectCallback}) or PUT /api/channels/<page>/token (docs/deploy.md).`
      ]
    : []),
  "Stop with Ctrl-C or SIGTERM: requests and rounds in progress finish."
]
