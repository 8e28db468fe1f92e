/**
 * The layers a tip line runs on, from its plain configuration: storage and the services over it, the channels, the
 * units recorded and the channels bound, then the webhook (with its worker) and the outbox dispatcher.
 *
 * @internal
 */
import {
  Binding,
  Calendar,
  Channels,
  Dispatcher,
  Inbox,
  Intake,
  Statistics,
  Tips,
  UnitChange,
  UnitDirectory,
  Webhook
} from "@tinbao/core"
import { SqlStorage } from "@tinbao/sql"
import { WebFormChannel } from "@tinbao/web"
import { Effect, Layer, Logger, LogLevel, Redacted, Schema } from "effect"
import type { Config, VaultConfig, WebFormConfig } from "../TipLine.js"
import { ConfigurationError } from "./errors.js"

/** The services every method of a tip line reaches. @internal */
export type Services =
  | Tips.Tips
  | Intake.Intake
  | Statistics.StatisticsEngine
  | UnitDirectory.UnitDirectory
  | Webhook.Webhook

const redacted = (value: string | Redacted.Redacted<string>) =>
  Redacted.isRedacted(value) ? value : Redacted.make(value)

const vaultOf = (vault: VaultConfig | undefined, storage: string) => {
  if (vault === undefined) {
    throw new ConfigurationError(
      `Storage in ${storage} needs the vault's keys (vault: keys, currentKeyId, fingerprintKey): make them with \`npx tinbao keys generate\`.`
    )
  }
  return {
    keys: Object.fromEntries(Object.entries(vault.keys).map(([id, key]) => [id, redacted(key)])),
    currentKeyId: vault.currentKeyId,
    fingerprintKey: redacted(vault.fingerprintKey)
  }
}

// Memory keeps its own random vault keys: nothing outlives the process, so no key needs to.
const storageOf = (config: Config) => {
  const { storage } = config
  if (storage.kind === "memory") {
    return Layer.mergeAll(Inbox.layerMemory, Statistics.layerMemory()).pipe(
      Layer.provideMerge(Intake.layerMemory(config.intake))
    )
  }
  const database =
    storage.kind === "sqlite"
      ? SqlStorage.layerSqlite({
          filename: storage.filename,
          vault: vaultOf(config.vault, "SQLite"),
          ...(storage.synchronous === undefined ? {} : { synchronous: storage.synchronous })
        })
      : SqlStorage.layerPg({
          url: storage.url,
          vault: vaultOf(config.vault, "PostgreSQL"),
          ...(storage.maxConnections === undefined ? {} : { maxConnections: storage.maxConnections })
        })
  return Intake.layer(config.intake).pipe(
    Layer.provideMerge(Tips.layer()),
    Layer.provideMerge(Calendar.layerVietnam),
    Layer.provideMerge(database)
  )
}

/** A web form's channel id: its own, else `web:<unit>`. @internal */
export const webChannelId = (form: WebFormConfig): string => form.id ?? `web:${form.unit}`

const channelsOf = (config: Config) =>
  Layer.unwrapEffect(
    Effect.map(
      Effect.forEach(config.channels?.web ?? [], (form) =>
        WebFormChannel.make({
          id: webChannelId(form),
          secret: redacted(form.secret),
          endpoint: form.replyUrl,
          ...(form.verifyToken === undefined ? {} : { verifyToken: redacted(form.verifyToken) }),
          ...(form.fetch === undefined ? {} : { fetch: form.fetch })
        })
      ),
      Channels.layer
    )
  )

const Changes = Schema.Array(UnitChange.UnitChange)

// The units are an append-only log: record what the directory does not hold yet (nothing when another instance
// recorded it first or is ahead), and refuse a directory whose changes the configuration's do not begin.
const recordUnits = (units: Config["units"]) =>
  Effect.gen(function* () {
    const changes = yield* typeof units === "string"
      ? Schema.decodeUnknown(Schema.parseJson(Changes))(units)
      : Schema.decodeUnknown(Changes)(units)
    yield* Effect.flatMap(UnitDirectory.UnitDirectory, (directory) => directory.recordMissing(changes))
  }).pipe(
    Effect.catchTag("UnitLogError", (error) =>
      Effect.fail(
        new ConfigurationError(
          `The database's unit change ${error.position + 1} is not in the configured units: the database was set up from other units. Configure those, or use another database.`,
          { tag: error._tag }
        )
      )
    )
  )

const bindChannels = (config: Config) =>
  Effect.gen(function* () {
    const bindings = yield* Binding.Bindings
    for (const form of config.channels?.web ?? []) {
      const binding = yield* Schema.decodeUnknown(Binding.Binding)({ channel: webChannelId(form), unit: form.unit })
      yield* bindings.bind(binding)
    }
  })

// The outbox's deliveries are reported to intake: an acknowledgement sent marks its tip acknowledged.
const dispatcher = Layer.scopedDiscard(
  Effect.flatMap(Intake.Intake, (intake) =>
    Dispatcher.run({
      onSent: (entry) =>
        intake.delivered({
          key: entry.key,
          channel: entry.channel,
          platformMessageId: entry.platformMessageId ?? entry.key,
          ...(entry.tip === undefined ? {} : { tip: entry.tip })
        })
    })
  )
)

/**
 * Everything a tip line runs on. Throws a `ConfigurationError` for what can be told before anything opens (vault
 * keys missing for a database); the rest fails when the layer is built.
 *
 * @internal
 */
export const layerOf = (config: Config): Layer.Layer<Services, unknown> => {
  const storage = storageOf(config)
  const setup = Layer.effectDiscard(Effect.zipRight(recordUnits(config.units), bindChannels(config)))
  // The inbox keeps raw deliveries (reporters' ids and names): processed ones are purged after 7 days, dead letters
  // after 90, as the tip-line server does (docs/privacy.md).
  const workers = Layer.mergeAll(
    Webhook.layer({ process: Intake.process }),
    dispatcher,
    Layer.scopedDiscard(Inbox.runRetention())
  )
  // The log level first, so that every fiber of the tip line, the background workers' too, runs under it.
  const logLevel = Logger.minimumLogLevel(LogLevel.fromLiteral(logLevels[config.logLevel ?? "info"]))
  return workers.pipe(
    Layer.provide(setup),
    Layer.provideMerge(channelsOf(config)),
    Layer.provideMerge(storage),
    Layer.provide(logLevel)
  )
}

const logLevels = {
  all: "All",
  debug: "Debug",
  info: "Info",
  warning: "Warning",
  error: "Error",
  none: "None"
} as const
