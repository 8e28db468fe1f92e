import { FetchHttpClient } from "@effect/platform"
import {
  Binding,
  Calendar,
  type Channel,
  Channels,
  type ConversationActivity,
  Credentials,
  Dispatcher,
  Evidence,
  type IdentityVault,
  Inbox,
  Intake,
  type IntakeLedger,
  LocalDate,
  MediaStore,
  type Outbox,
  type Register,
  StatisticalPeriod,
  Statistics,
  type Tip,
  TipStore,
  Tips,
  type Transaction,
  type Unit,
  UnitDirectory,
  type UnitHierarchy,
  Webhook
} from "@tinbao/core"
import { Facebook } from "@tinbao/facebook"
import { WebFormChannel } from "@tinbao/web"
import { ZaloOa } from "@tinbao/zalo"
import { DateTime, Effect, Layer, Logger, LogLevel, Redacted } from "effect"
import * as SimClock from "./clock.js"
import * as FacebookStandIn from "./facebookStandIn.js"
import type { Env, FacebookMessage, WebEvent, ZaloMessage } from "./plan.js"
import * as Random from "./random.js"
import { type IntakeCounts, report } from "./report.js"
import { run } from "./run.js"
import { plan } from "./simulate.js"
import * as Site from "./site.js"
import type { Units } from "./units.js"
import * as ZaloStandIn from "./zaloStandIn.js"

const secret = Redacted.make("ninh-binh-demo-web-form-secret")
const channelOf = (unit: Unit.UnitId) => `web:${unit}`

// Each ward's Zalo OA: one app for the city, an OA per unit, its secret key signing the deliveries as Zalo does.
const zaloApp = { appId: "3482178216590001", appSecret: "ninh-binh-demo-zalo-app-secret" }
const zaloSecretKey = Redacted.make("ninh-binh-demo-zalo-oa-secret-key")
const zaloChannelOf = (unit: Unit.UnitId) => `zalo-oa:${unit}`
const oaIdOf = (unit: Unit.UnitId) => `oa-${unit}`

// The city's Meta app: one webhook for every ward's fanpage, each page's messages on the page's own channel.
const facebookApp = {
  appSecret: Redacted.make("ninh-binh-demo-facebook-app-secret"),
  verifyToken: Redacted.make("ninh-binh-demo-facebook-verify-token"),
  graphVersion: "v25.0"
}
const pageIdOf = (unit: Unit.UnitId) => `page-${unit}`
const facebookChannelOf = (unit: Unit.UnitId) => `facebook:${pageIdOf(unit)}`
// The ward's pinned post, under which citizens comment.
const postIdOf = (unit: Unit.UnitId) => `${pageIdOf(unit)}_an-ninh-trat-tu`

/**
 * What a run is made of: the random seed, the police statistical year, and the units (from `units.json`);
 * `progress` hears of each step of the simulation (how many are done, of how many, at what simulated time).
 */
export interface Options {
  readonly seed: number
  readonly year: number
  readonly units: Units
  readonly progress?: (done: number, total: number, at: number) => void
}

/**
 * The storage ports the demo runs on: `SqlStorage.layerSqlite`/`layerPg` provide them with a `MediaStore` beside
 * them, and so does memory.
 */
export type StorageServices =
  | TipStore.TipStore
  | Register.Register
  | IdentityVault.IdentityVault
  | UnitDirectory.UnitDirectory
  | Outbox.Outbox
  | Inbox.Inbox
  | IntakeLedger.IntakeLedger
  | Binding.Bindings
  | ConversationActivity.ConversationActivity
  | Transaction.Transaction
  | Statistics.StatisticsEngine
  | Evidence.EvidenceRecords
  | MediaStore.MediaStore

/** What the simulation leaves for the report besides the event log: the planned tips' ids and intake's counts. */
export interface Ran {
  readonly ids: ReadonlyMap<number, Tip.TipId>
  readonly counts: IntakeCounts
  readonly zalo: IntakeCounts
  readonly facebook: IntakeCounts
}

// Memory provides every storage port too (and an intake and tips service the demo builds anew over them).
const memory: Layer.Layer<StorageServices> = Statistics.layerMemory().pipe(
  Layer.provideMerge(Layer.mergeAll(Intake.layerMemory(), MediaStore.layerMemory, Inbox.layerMemory))
)

/** Intake and the tips service over a storage layer. */
export const services = <R, E>(storage: Layer.Layer<StorageServices | R, E>) =>
  Intake.layer().pipe(
    Layer.provideMerge(Tips.layer()),
    Layer.provideMerge(Calendar.layerVietnam),
    Layer.provideMerge(storage)
  )

const planYear = (options: Options, hierarchy: UnitHierarchy.UnitHierarchy) => {
  const root = options.units.province
  const planned = plan(Random.make(options.seed), hierarchy, options.year, { root, ninhTien: options.units.ninhTien })
  // The report is as of the end of the statistical year: what was planned for later has not happened yet.
  const yearEnd = DateTime.toEpochMillis(LocalDate.endOf(StatisticalPeriod.policeYear(options.year).last))
  return { planned, reader: planned.staff.handler(root), yearEnd }
}

/**
 * Records the Ninh Bình units and runs one police statistical year of tips through the lifecycle (a third of
 * them through each unit's web form, the reference channel adapter), moving the simulated clock.
 */
export const simulateYear = (options: Options, clock: SimClock.SimClock) =>
  Effect.gen(function* () {
    const { units } = options
    const directory = yield* UnitDirectory.UnitDirectory
    yield* directory.record(units.changes)
    const hierarchy = yield* directory.hierarchy
    const tips = yield* Tips.Tips
    const intake = yield* Intake.Intake
    // The police website that posts the forms and takes the replies: a stand-in server on 127.0.0.1.
    const site = yield* Site.make(secret)
    const adapters = yield* Effect.forEach(units.localUnitIds, (unit) =>
      WebFormChannel.make({ id: channelOf(unit), secret, endpoint: `${site.url}/replies` })
    )
    // The Zalo Open API, standing in on 127.0.0.1; each OA connected once, its tokens kept (and refreshed, as the
    // simulated days pass) by the credentials.
    const zalo = yield* ZaloStandIn.make(zaloApp.appSecret)
    const credentials = Credentials.makeEncoded(Credentials.makeMemoryEncoded())
    const oas = yield* Effect.forEach(units.localUnitIds, (unit) =>
      Effect.gen(function* () {
        const pair = zalo.connect(oaIdOf(unit))
        yield* credentials.connect(zaloChannelOf(unit), {
          accessToken: Redacted.make(pair.accessToken),
          refreshToken: Redacted.make(pair.refreshToken),
          expiresAt: DateTime.add(yield* DateTime.now, { hours: 25 })
        })
        return yield* ZaloOa.make({
          id: zaloChannelOf(unit),
          oaId: oaIdOf(unit),
          appId: zaloApp.appId,
          appSecret: Redacted.make(zaloApp.appSecret),
          secretKey: zaloSecretKey,
          apiUrl: zalo.url,
          oauthUrl: zalo.url
        })
      })
    ).pipe(Effect.provideService(Credentials.Credentials, credentials), Effect.provide(FetchHttpClient.layer))
    // The Graph API, standing in on 127.0.0.1; each ward's page connected once with its page token.
    const graph = yield* FacebookStandIn.make(facebookApp.graphVersion)
    const facebook = yield* Effect.gen(function* () {
      for (const unit of units.localUnitIds) {
        yield* Facebook.connectPage(facebookChannelOf(unit), Redacted.make(graph.connect(pageIdOf(unit))))
      }
      const [first, ...rest] = units.localUnitIds.map((unit) => ({ pageId: pageIdOf(unit) }))
      return yield* Facebook.make({
        ...facebookApp,
        graphUrl: graph.url,
        pages: [first!, ...rest]
      })
    }).pipe(Effect.provideService(Credentials.Credentials, credentials), Effect.provide(FetchHttpClient.layer))
    const bindings = yield* Binding.Bindings
    yield* Effect.forEach(units.localUnitIds, (unit) =>
      Effect.all([
        bindings.bind(Binding.Binding.make({ channel: channelOf(unit), unit })),
        bindings.bind(Binding.Binding.make({ channel: zaloChannelOf(unit), unit })),
        bindings.bind(Binding.Binding.make({ channel: facebookChannelOf(unit), unit }))
      ])
    )
    const all = [...adapters, ...oas, ...facebook.all]
    const channels = yield* Channels.make(all)
    const byId = new Map<string, Channel.ChannelAdapter>(all.map((a) => [a.id, a]))
    const ports = yield* Effect.context<
      | Outbox.Outbox
      | IdentityVault.IdentityVault
      | ConversationActivity.ConversationActivity
      | Evidence.EvidenceRecords
      | MediaStore.MediaStore
    >()
    // The forms' photos are fetched from the site alone: a deployment lets the worker fetch from its platforms'
    // media hosts only (docs/evidence.md).
    const siteHost = new URL(site.url).host
    // The report counts what the worker kept; its line per file would drown the report.
    const evidence = Evidence.runOnce({
      onSettled: intake.evidenceSettled,
      retrieval: { allowUrl: (url) => url.host === siteHost }
    }).pipe(Logger.withMinimumLogLevel(LogLevel.Error))
    const counts: IntakeCounts = { deliveries: 0, created: 0, duplicates: 0, appended: 0, purged: 0 }
    const zaloCounts: IntakeCounts = { deliveries: 0, created: 0, duplicates: 0, appended: 0, purged: 0 }
    const facebookCounts: IntakeCounts = { deliveries: 0, created: 0, duplicates: 0, appended: 0, purged: 0 }
    const tallies: Readonly<Record<string, IntakeCounts>> = { zalo: zaloCounts, facebook: facebookCounts }
    const tallyOf = (channel: string) => tallies[byId.get(channel)!.platform.id] ?? counts
    let last: Intake.Outcome = { _tag: "Ignored", reason: "empty" }
    // The webhook as a server runs it, its worker's rounds run by the steps: verified and kept in the inbox (sealed,
    // on SQL storage), then decoded and taken in by intake.
    const webhook = yield* Webhook.make({
      worker: false,
      process: (messages) =>
        Effect.forEach(
          messages,
          (message) =>
            Effect.map(intake.handle(message, byId.get(message.channel)!.platform.id), (outcome) => {
              const tally = tallyOf(message.channel)
              last = outcome
              if (outcome._tag === "Created") tally.created++
              else if (outcome._tag === "Duplicate") tally.duplicates++
              else if (outcome._tag === "Appended") tally.appended++
            }),
          { discard: true }
        )
    }).pipe(Effect.provideService(Channels.Channels, channels))
    const inbox = yield* Inbox.Inbox
    // A delivery as a platform posts it: accepted (verified, kept), then the worker's round takes it in.
    const take = (channel: string, delivery: Channel.RawDelivery) =>
      Effect.gen(function* () {
        const answer = yield* webhook.accept(channel, delivery)
        last = { _tag: "Ignored", reason: "empty" }
        const round = yield* webhook.drain
        if (answer.status !== 200 || round.done !== 1) {
          return yield* Effect.fail(`a delivery to ${channel} was not taken in (${answer.status}: ${answer.body})`)
        }
        tallyOf(channel).deliveries++
        return last
      })
    const env: Env = {
      tips,
      deliver: (unit: Unit.UnitId, event: WebEvent) =>
        Effect.gen(function* () {
          const now = DateTime.toEpochMillis(yield* DateTime.now)
          const delivery = WebFormChannel.delivery(secret, { events: [event] }, { timestamp: Math.floor(now / 1000) })
          return yield* take(channelOf(unit), delivery)
        }),
      // The body Zalo posts for a text to the OA, signed with the OA secret key as Zalo signs it; a redelivery is
      // the same bytes again, with Zalo's retry count in a header.
      deliverZalo: (unit: Unit.UnitId, message: ZaloMessage, retry: number) =>
        take(
          zaloChannelOf(unit),
          ZaloOa.delivery(
            zaloSecretKey,
            {
              app_id: zaloApp.appId,
              user_id_by_app: message.user,
              event_name: "user_send_text",
              timestamp: String(message.at),
              sender: { id: message.user },
              recipient: { id: oaIdOf(unit) },
              message: { msg_id: message.msgId, text: message.text }
            },
            { url: `/webhooks/${zaloChannelOf(unit)}`, headers: retry > 0 ? { num_retry: String(retry) } : {} }
          )
        ),
      // The body Meta posts for a Messenger message (times in milliseconds) or a comment under the ward's post (times
      // in seconds), signed with the app's secret; a redelivery is the same bytes again.
      deliverFacebook: (unit: Unit.UnitId, message: FacebookMessage, _retry: number) =>
        take(facebook.webhook.id, Facebook.delivery(facebookApp.appSecret, facebookBody(unit, message))),
      dispatch: Dispatcher.runOnce({
        onSent: (entry) =>
          intake.delivered({
            key: entry.key,
            channel: entry.channel,
            platformMessageId: entry.platformMessageId!,
            ...(entry.tip !== undefined ? { tip: entry.tip } : {})
          })
      }).pipe(
        Effect.provideService(Channels.Channels, channels),
        Effect.zipRight(evidence),
        // The inbox's retention: what intake took in is purged 7 days after it arrived.
        Effect.zipRight(
          Effect.map(Inbox.purgeExpired(), (purged) => {
            counts.purged += purged.done + purged.dead
          })
        ),
        Effect.provide(ports),
        Effect.provideService(Inbox.Inbox, inbox)
      ),
      photo: site.photo
    }
    const { planned, reader, yearEnd } = planYear(options, hierarchy)
    const ids = yield* run(
      env,
      reader,
      planned.steps.filter((s) => s.at < yearEnd),
      clock.set,
      options.progress
    )
    return {
      ids,
      counts,
      zalo: { ...zaloCounts, replied: zalo.sent.length },
      facebook: {
        ...facebookCounts,
        replied: graph.sent.length,
        privateReplies: graph.sent.filter((m) => "comment" in m.to).length
      }
    } satisfies Ran
  }).pipe(Effect.scoped)

const facebookBody = (unit: Unit.UnitId, message: FacebookMessage) => {
  const page = pageIdOf(unit)
  if (message._tag === "Messenger") {
    const event = { sender: { id: message.user }, recipient: { id: page }, timestamp: message.at }
    return {
      object: "page",
      entry: [
        { id: page, time: message.at, messaging: [{ ...event, message: { mid: message.mid, text: message.text } }] }
      ]
    }
  }
  const seconds = Math.floor(message.at / 1000)
  const post = postIdOf(unit)
  const value = {
    item: "comment",
    verb: message.verb,
    post_id: post,
    comment_id: message.commentId,
    parent_id: post,
    from: { id: message.user, name: message.name },
    message: message.text,
    created_time: seconds,
    post: { id: post, status_type: "mobile_status_update", is_published: true }
  }
  return { object: "page", entry: [{ id: page, time: seconds, changes: [{ field: "feed", value }] }] }
}

/** The year's report from what is stored, as of the end of the year. */
export const reportYear = (options: Options, clock: SimClock.SimClock, ran: Ran) =>
  Effect.gen(function* () {
    const hierarchy = yield* (yield* UnitDirectory.UnitDirectory).hierarchy
    const { planned, reader, yearEnd } = planYear(options, hierarchy)
    clock.set(yearEnd)
    const store = yield* TipStore.TipStore
    return yield* report(yield* Tips.Tips, yield* Statistics.StatisticsEngine, store, reader, {
      year: options.year,
      root: planned.root,
      highlights: planned.highlights,
      ids: ran.ids,
      intake: ran.counts,
      zalo: ran.zalo,
      facebook: ran.facebook
    })
  })

/**
 * Builds the Ninh Bình units, runs one police statistical year of tips through the lifecycle and returns the
 * report. Deterministic for a seed, on any storage: in memory without a `storage` layer.
 */
export const demo = <E = never>(
  options: Options,
  storage: Layer.Layer<StorageServices, E> = memory as Layer.Layer<StorageServices, E>
) => {
  const clock = SimClock.make()
  return Effect.gen(function* () {
    const ran = yield* simulateYear(options, clock)
    return yield* reportYear(options, clock, ran)
  }).pipe(Effect.provide(services(storage)), Effect.withClock(clock.clock))
}
