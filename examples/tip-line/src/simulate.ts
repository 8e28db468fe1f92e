/**
 * `npm run simulate` (`tinbao simulate`): a seeded stream of signed deliveries to a running tip-line server in sandbox mode, as the
 * platforms and the police website would post them: Zalo OA 1:1 and group messages, Zalo bot messages, Messenger
 * messages, page comments (and an edit), web-form posts; some sent twice (a redelivery), some followed by a photo
 * (served by the sandbox, for the evidence worker to fetch) or a place; receipts and echoes. It reads the server's
 * secrets and its sandbox's address from DATA_DIR, and tells what it sent, how the server answered, and what the
 * sandbox was sent back: one acknowledgement per new tip, none for a redelivery or a follow-up.
 */
import { readFileSync } from "node:fs"
import type { Channel } from "@tinbao/core"
import { Facebook } from "@tinbao/facebook"
import { WebFormChannel } from "@tinbao/web"
import { ZaloBot, ZaloOa } from "@tinbao/zalo"
import { Clock, Data, Duration, Effect, Either, Random, Redacted, Schedule, Schema } from "effect"
import { webhookPath } from "./http.js"
import { Announced, announcedFile, mediaPath, type Sent } from "./sandbox.js"
import * as Secrets from "./secrets.js"

/** The simulation cannot run: no server, no sandbox, or an answer it cannot read; the message says which. */
export class SimulateError extends Data.TaggedError("SimulateError")<{ readonly message: string }> {}

// The sandbox has not taken all it will yet: polled again, and after 30 s what it took is the answer.
class NotSettled extends Data.TaggedError("NotSettled")<{ readonly sent: ReadonlyArray<Sent> }> {}

/** The kinds of first message a tip comes in. */
export const kinds = ["web", "zalo-oa", "zalo-group", "zalo-bot", "messenger", "comment"] as const
export type Kind = (typeof kinds)[number]

/** What a delivery is, for the tally. */
export type DeliveryKind = Kind | "redelivery" | "photo" | "location" | "edit" | "receipt" | "echo"

export interface Options {
  readonly url: string
  readonly dataDir: string
  /** How many tips the stream starts (default 30). */
  readonly count?: number
  /** The seed of the stream: the same seed, the same deliveries (default 1). */
  readonly seed?: number
  /** Called after each delivery with how many were sent and how many are planned. */
  readonly onProgress?: (sent: number, total: number) => void
}

/** A tip the stream started, as the simulator planned it and as the sandbox saw it answered. */
export interface PlannedTip {
  readonly kind: Kind
  readonly channel: string
  readonly unit: string
  readonly redelivered: boolean
  readonly followUps: number
  readonly photos: number
  readonly acknowledgements: number
}

export interface Summary {
  readonly deliveries: Readonly<Partial<Record<DeliveryKind, number>>>
  /** The server's answers by HTTP status. */
  readonly answers: Readonly<Record<string, number>>
  readonly tips: ReadonlyArray<PlannedTip>
  /** Tips started, by unit then channel. */
  readonly byUnit: Readonly<Record<string, Readonly<Record<string, number>>>>
  /** Redeliveries sent, and follow-ups (photos, places, an edit) sent after a tip's first message. */
  readonly redeliveries: number
  readonly followUps: number
  readonly photos: number
  /** Acknowledgements the sandbox took for this stream's tips. */
  readonly acknowledgements: number
  /** Whether every tip got exactly one acknowledgement: no redelivery or follow-up made a tip of its own. */
  readonly ok: boolean
  /** Tips without an acknowledgement, or with more than one. */
  readonly problems: ReadonlyArray<string>
}

// Effect's seeded generator, so that a seed gives the same stream.
const random = (seed: number) => {
  const generator = Random.make(seed)
  const next = () => Effect.runSync(generator.next)
  return {
    chance: (p: number) => next() < p,
    pick: <A>(items: ReadonlyArray<A>): A => items[Math.floor(next() * items.length)]!,
    near: (x: number) => Math.round((x + (next() - 0.5) / 20) * 1e5) / 1e5
  }
}

const reports = [
  "Mất trộm xe máy trước cửa nhà văn hoá thôn.",
  "Có nhóm thanh niên đua xe trên đường Lê Thái Tổ lúc nửa đêm.",
  "Nhận cuộc gọi giả danh công an yêu cầu chuyển tiền.",
  "Bị lừa đặt cọc mua hàng qua Facebook.",
  "Nghi có người tụ tập sử dụng ma tuý ở nhà hoang cuối ngõ.",
  "Nhóm người lạ đến đòi nợ thuê, đe doạ gia đình.",
  "Tờ rơi cho vay nặng lãi dán khắp ngõ 12.",
  "Có người lạ dò xét các nhà trong xóm.",
  "Xe tải đổ trộm phế thải xuống ven sông.",
  "Quán karaoke mở nhạc to sau 23 giờ."
]
const followUpTexts = ["Ảnh hiện trường đây ạ.", "Bổ sung: sự việc vẫn đang tiếp diễn.", "Tôi gửi thêm vị trí."]

interface Delivery {
  readonly kind: DeliveryKind
  readonly path: string
  readonly request: Channel.RawDelivery
}

const prefixOf = (kind: Kind) =>
  kind === "web"
    ? "web:"
    : kind === "zalo-bot"
      ? "zalo-bot:"
      : kind === "zalo-oa" || kind === "zalo-group"
        ? "zalo-oa:"
        : "facebook:"

const accountOf = (channel: string) => channel.slice(channel.indexOf(":") + 1)

/** Plans the stream: for each tip its deliveries in order, and who the acknowledgement goes to. */
const plan = (
  options: { readonly count: number; readonly seed: number; readonly sandboxUrl: string; readonly now: number },
  secrets: Secrets.Secrets,
  channels: ReadonlyArray<{ readonly channel: string; readonly unit: string }>
) => {
  const r = random(options.seed)
  const now = options.now
  const run = `s${options.seed}-${now.toString(36)}`
  const zaloKey = Redacted.make(secrets.zalo.oaSecretKey)
  const facebookSecret = Redacted.make(secrets.facebook.appSecret)
  const webSecret = Redacted.make(secrets.web.secret)
  const botSecret = Redacted.make(secrets.zaloBot.secretToken)
  const photoUrl = (name: string) => `${options.sandboxUrl}${mediaPath(`${run}-${name}.jpg`)}`
  const units = [...new Set(channels.map((c) => c.unit))]
  const channelOf = (prefix: string, unit: string) =>
    channels.find((c) => c.unit === unit && c.channel.startsWith(prefix))?.channel
  const tips: Array<{ kind: Kind; channel: string; unit: string; to: string; deliveries: Array<Delivery> }> = []
  for (let i = 0; i < options.count; i++) {
    const unit = r.pick(units)
    const available = kinds.filter((k) => channelOf(prefixOf(k), unit) !== undefined)
    if (available.length === 0) continue
    // Every kind in turn, so that a short stream has each; another where the unit lacks that channel.
    const turn = kinds[i % kinds.length]!
    const kind = available.includes(turn) ? turn : r.pick(available)
    const prefix = prefixOf(kind)
    const channel = channelOf(prefix, unit)!
    const account = accountOf(channel)
    const user = `${run}-u${i}`
    const text = r.pick(reports)
    const at = (step: number) => now + i * 10 + step
    const deliveries: Array<Delivery> = []
    const photo = r.chance(0.5)
    const place = r.chance(0.3)
    let to = user
    const web = (k: DeliveryKind, id: string, event: Record<string, unknown>) =>
      deliveries.push({
        kind: k,
        path: webhookPath(channel),
        request: WebFormChannel.delivery(webSecret, {
          events: [{ id, sender: { id: user, name: "Người báo tin" }, time: at(deliveries.length), ...event }]
        })
      })
    const zalo = (k: DeliveryKind, body: Record<string, unknown>) =>
      deliveries.push({
        kind: k,
        path: webhookPath(channel),
        request: ZaloOa.delivery(
          zaloKey,
          { app_id: "sandbox-zalo-app", timestamp: String(at(deliveries.length)), ...body },
          { url: webhookPath(channel) }
        )
      })
    const page = (k: DeliveryKind, event: Record<string, unknown>) =>
      deliveries.push({
        kind: k,
        path: webhookPath("facebook"),
        request: Facebook.delivery(facebookSecret, {
          object: "page",
          entry: [{ id: account, time: at(deliveries.length), ...event }]
        })
      })
    const messenger = (k: DeliveryKind, message: Record<string, unknown>) =>
      page(k, {
        messaging: [{ sender: { id: user }, recipient: { id: account }, timestamp: at(deliveries.length), ...message }]
      })
    const bot = (k: DeliveryKind, id: string, message: Record<string, unknown>) =>
      deliveries.push({
        kind: k,
        path: webhookPath(channel),
        request: ZaloBot.delivery(botSecret, {
          ok: true,
          result: {
            event_name: message.photo_url === undefined ? "message.text.received" : "message.image.received",
            message: {
              message_id: id,
              date: at(deliveries.length),
              from: { id: user, display_name: "Người báo tin", is_bot: false },
              chat: { id: user, chat_type: "PRIVATE" },
              ...message
            }
          }
        })
      })
    const group = `${run}-g${i}`
    const zaloUser = (event: string, msgId: string, message: Record<string, unknown>) =>
      zalo(
        event === "user_send_text" ? kind : "photo",
        kind === "zalo-group"
          ? {
              event_name: event.replace("user_send_", "user_send_group_"),
              sender: { id: user },
              recipient: { id: group },
              message: { msg_id: msgId, ...message }
            }
          : {
              event_name: event,
              user_id_by_app: user,
              sender: { id: user },
              recipient: { id: account },
              message: { msg_id: msgId, ...message }
            }
      )
    switch (kind) {
      case "web":
        web("web", `${user}-m1`, { type: "message", text })
        if (photo) {
          web("photo", `${user}-m2`, {
            type: "message",
            text: followUpTexts[0],
            attachments: [{ type: "image", url: photoUrl(`${i}`) }]
          })
        }
        if (place) {
          web("location", `${user}-m3`, {
            type: "message",
            text: followUpTexts[2],
            location: { latitude: r.near(20.25), longitude: r.near(105.97) }
          })
        }
        break
      case "zalo-oa":
      case "zalo-group":
        if (kind === "zalo-group") to = group
        zaloUser("user_send_text", `${user}-m1`, { text })
        if (photo) {
          zaloUser("user_send_image", `${user}-m2`, {
            text: followUpTexts[0],
            attachments: [{ type: "image", payload: { url: photoUrl(`${i}`), thumbnail: photoUrl(`${i}`) } }]
          })
        }
        if (place && kind === "zalo-oa") {
          zalo("location", {
            event_name: "user_send_location",
            user_id_by_app: user,
            sender: { id: user },
            recipient: { id: account },
            message: {
              msg_id: `${user}-m3`,
              attachments: [
                { type: "location", payload: { coordinates: { latitude: r.near(20.25), longitude: r.near(105.97) } } }
              ]
            }
          })
        }
        if (kind === "zalo-oa") {
          // The OA's answer reaches the webhook too (an echo), then the reporter's receipt: neither is a tip.
          zalo("echo", {
            event_name: "oa_send_text",
            sender: { id: account },
            recipient: { id: user },
            message: { msg_id: `${user}-echo`, text: "Đã nhận." }
          })
          zalo("receipt", {
            event_name: "user_seen_message",
            sender: { id: account },
            recipient: { id: user },
            message: { msg_ids: [`${user}-echo`] }
          })
        }
        break
      case "zalo-bot":
        bot("zalo-bot", `${user}-m1`, { text })
        if (photo) bot("photo", `${user}-m2`, { caption: followUpTexts[0], photo_url: photoUrl(`${i}`) })
        break
      case "messenger":
        messenger("messenger", { message: { mid: `m_${user}-1`, text } })
        if (photo) {
          messenger("photo", {
            message: { mid: `m_${user}-2`, attachments: [{ type: "image", payload: { url: photoUrl(`${i}`) } }] }
          })
        }
        if (place) {
          messenger("location", {
            message: {
              mid: `m_${user}-3`,
              attachments: [
                { type: "location", payload: { coordinates: { lat: r.near(20.25), long: r.near(105.97) } } }
              ]
            }
          })
        }
        page("receipt", {
          messaging: [
            { sender: { id: user }, recipient: { id: account }, timestamp: at(9), read: { watermark: at(9) } }
          ]
        })
        page("echo", {
          messaging: [
            {
              sender: { id: account },
              recipient: { id: user },
              timestamp: at(8),
              message: { mid: `m_${user}-echo`, is_echo: true, text: "Đã nhận." }
            }
          ]
        })
        break
      case "comment": {
        const post = `${account}_post-1`
        to = `${post}_${user}`
        const comment = (k: DeliveryKind, verb: "add" | "edited", message: string) =>
          page(k, {
            changes: [
              {
                field: "feed",
                value: {
                  item: "comment",
                  verb,
                  post_id: post,
                  comment_id: to,
                  parent_id: post,
                  from: { id: user, name: "Người báo tin" },
                  message,
                  created_time: Math.floor(at(0) / 1000),
                  post: { id: post, status_type: "mobile_status_update", is_published: true }
                }
              }
            ]
          })
        comment("comment", "add", text)
        if (r.chance(0.5)) comment("edit", "edited", `${text} (sửa: ${followUpTexts[1]})`)
        break
      }
    }
    // A redelivery is the first delivery again, byte for byte, as a platform sends it when its answer was lost.
    if (r.chance(0.3)) deliveries.splice(1, 0, { ...deliveries[0]!, kind: "redelivery" })
    tips.push({ kind, channel, unit, to, deliveries })
  }
  return tips
}

const send = (url: string, delivery: Delivery) =>
  Effect.tryPromise({
    try: async () => {
      const response = await fetch(`${url}${delivery.path}`, {
        method: delivery.request.method,
        headers: delivery.request.headers,
        body: delivery.request.body
      })
      await response.arrayBuffer()
      return response.status
    },
    catch: (cause) =>
      new SimulateError({ message: `Cannot reach the server at ${url}: ${String((cause as Error).cause ?? cause)}.` })
  })

const readAnnounced = (dataDir: string) =>
  Effect.gen(function* () {
    const file = announcedFile(dataDir)
    const text = yield* Effect.try({
      try: () => readFileSync(file, "utf8"),
      catch: () =>
        new SimulateError({
          message: `${file} does not exist: start the server (npm start) with DATA_DIR=${dataDir}, with its platforms in sandbox mode.`
        })
    })
    return yield* Either.mapLeft(
      Schema.decodeUnknownEither(Schema.parseJson(Announced))(text),
      () => new SimulateError({ message: `${file} is not a sandbox announcement of this server.` })
    )
  })

const sentBy = (sandboxUrl: string) =>
  Effect.tryPromise({
    try: async () => (await (await fetch(`${sandboxUrl}/sent`)).json()) as ReadonlyArray<Sent>,
    catch: () => new SimulateError({ message: `Cannot read what the sandbox took at ${sandboxUrl}/sent.` })
  })

/**
 * Runs the stream against the server at `url` whose data folder is `dataDir`, then waits (at most 30 s) until the
 * sandbox has taken every acknowledgement it expects or its count stops changing.
 */
export const run = (options: Options): Effect.Effect<Summary, SimulateError | Secrets.SecretsError> =>
  Effect.gen(function* () {
    const secrets = yield* Secrets.load(options.dataDir, { create: false })
    const announced = yield* readAnnounced(options.dataDir)
    const before = (yield* sentBy(announced.url)).length
    const tips = plan(
      {
        count: options.count ?? 30,
        seed: options.seed ?? 1,
        sandboxUrl: announced.url,
        now: yield* Clock.currentTimeMillis
      },
      secrets,
      announced.channels
    )
    const total = tips.reduce((n, t) => n + t.deliveries.length, 0)
    const deliveries: Partial<Record<DeliveryKind, number>> = {}
    const answers: Record<string, number> = {}
    let done = 0
    for (const tip of tips) {
      for (const delivery of tip.deliveries) {
        const status = yield* send(options.url, delivery)
        deliveries[delivery.kind] = (deliveries[delivery.kind] ?? 0) + 1
        answers[String(status)] = (answers[String(status)] ?? 0) + 1
        options.onProgress?.(++done, total)
      }
    }
    // The acknowledgements of this stream: those sent to its reporters, groups and comments.
    const recipients = new Set(tips.map((t) => t.to))
    const ours = (all: ReadonlyArray<Sent>) => all.slice(before).filter((s) => recipients.has(s.to))
    // Settled: all expected and nothing more for 3 s (a second acknowledgement would show), or nothing new for 8 s.
    let last = -1
    let stable = 0
    const settled = yield* sentBy(announced.url).pipe(
      Effect.map(ours),
      Effect.flatMap((sent) => {
        stable = sent.length === last ? stable + 1 : 0
        last = sent.length
        return (sent.length >= tips.length && stable >= 3) || stable >= 8
          ? Effect.succeed(sent)
          : Effect.fail(new NotSettled({ sent }))
      }),
      Effect.retry(Schedule.spaced(Duration.seconds(1)).pipe(Schedule.upTo(Duration.seconds(30)))),
      Effect.catchTag("NotSettled", ({ sent }) => Effect.succeed(sent))
    )
    const planned: Array<PlannedTip> = tips.map((t) => ({
      kind: t.kind,
      channel: t.channel,
      unit: t.unit,
      redelivered: t.deliveries.some((d) => d.kind === "redelivery"),
      followUps: t.deliveries.filter((d) => ["photo", "location", "edit"].includes(d.kind)).length,
      photos: t.deliveries.filter((d) => d.kind === "photo").length,
      acknowledgements: settled.filter((s) => s.to === t.to).length
    }))
    const byUnit: Record<string, Record<string, number>> = {}
    for (const t of planned) {
      const unit = byUnit[t.unit] ?? {}
      unit[t.channel] = (unit[t.channel] ?? 0) + 1
      byUnit[t.unit] = unit
    }
    const problems = planned.flatMap((t, i) =>
      t.acknowledgements === 1
        ? []
        : [`tip ${i + 1} (${t.kind} on ${t.channel}): ${t.acknowledgements} acknowledgements, 1 expected`]
    )
    return {
      deliveries,
      answers,
      tips: planned,
      byUnit,
      redeliveries: deliveries.redelivery ?? 0,
      followUps: planned.reduce((n, t) => n + t.followUps, 0),
      photos: planned.reduce((n, t) => n + t.photos, 0),
      acknowledgements: settled.length,
      ok: problems.length === 0 && Object.keys(answers).every((s) => s === "200"),
      problems
    } satisfies Summary
  })

/** The summary as the command prints it. */
export const lines = (summary: Summary): ReadonlyArray<string> => [
  `Đã gửi / sent: ${Object.entries(summary.deliveries)
    .map(([k, n]) => `${k} ${n}`)
    .join(", ")}`,
  `Trả lời / answers: ${Object.entries(summary.answers)
    .map(([s, n]) => `${s} × ${n}`)
    .join(", ")}`,
  `Tin báo mới / tips started: ${summary.tips.length} (${summary.redeliveries} redeliveries, ${summary.followUps} follow-ups of which ${summary.photos} photos)`,
  ...Object.entries(summary.byUnit).map(
    ([unit, channels]) =>
      `  ${unit}: ${Object.entries(channels)
        .map(([c, n]) => `${c} ${n}`)
        .join(", ")}`
  ),
  `Xác nhận / acknowledgements the sandbox took: ${summary.acknowledgements} (one per tip expected)`,
  ...summary.problems.map((p) => `  ! ${p}`),
  summary.ok
    ? "OK: every tip acknowledged once; no redelivery or follow-up made a tip of its own."
    : "NOT OK: see above."
]
