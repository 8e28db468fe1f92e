/**
 * The Zalo Bot adapter's halves: deliveries in (the secret token compared in constant time), messages out through
 * `sendMessage` and `sendPhoto` under `<apiUrl>/bot<token>/`, whose path never reaches an error or a log.
 *
 * @internal
 */
import { HttpClientRequest } from "@effect/platform"
import { Channel, ChannelCheck, type InboundMessage } from "@tinbao/core"
import { Effect, Either, Redacted } from "effect"
import { codeOf, execute, failure, type Http, idOf, reasonOfStatus } from "../shared/http.js"
import { record } from "../shared/read.js"
import { type BotEventOptions, decodeBody, isTestOnly } from "./events.js"

/** @internal */
export const secretHeader = "x-bot-api-secret-token"

/** @internal */
export interface BotConfig extends BotEventOptions {
  readonly token: Redacted.Redacted<string>
  readonly secretToken: Redacted.Redacted<string>
  readonly apiUrl: string
  readonly maxBodyBytes: number
  readonly partLength: number
  readonly maxTextLength: number
}

const limits = (config: BotConfig) => ({ maxBytes: config.maxBodyBytes, maxDepth: 16 })

/** @internal */
export const verify =
  (config: BotConfig) =>
  (delivery: Channel.RawDelivery): Effect.Effect<Channel.Verified, Channel.ChannelError> =>
    Effect.gen(function* () {
      if (delivery.method.toUpperCase() !== "POST") {
        return yield* failure(config.channel, "bad_request", "Zalo Bot POSTs its updates; this request is not a POST")
      }
      const given = ChannelCheck.lowerCaseHeaders(delivery.headers)[secretHeader]
      if (given === undefined || !ChannelCheck.sameSecret(given, config.secretToken)) {
        return yield* failure(config.channel, "bad_signature", `the delivery's ${secretHeader} is missing or wrong`)
      }
      const json = yield* ChannelCheck.readJson(config.channel, delivery.body, limits(config))
      return { answer: { status: 200, body: '{"ok":true}' }, keep: !isTestOnly(json) }
    })

/** @internal */
export const decode =
  (config: BotConfig) =>
  (delivery: Channel.RawDelivery): Either.Either<Channel.Decoded, Channel.ChannelError> =>
    Either.map(ChannelCheck.readJson(config.channel, delivery.body, limits(config)), (json) => decodeBody(config, json))

// Bot API codes, as Telegram's: 400 a bad request, 401 a token Zalo refuses (reset in Bot Creator), 403 a user who
// blocked the bot, 429 too many requests.
const reasonOf = (code: number): Channel.Reason => (code === 403 ? "recipient_unavailable" : reasonOfStatus(code))

/** @internal */
export const makeBotSender = (config: BotConfig, http: Http) => {
  const { channel } = config
  const call = (method: string, body: object) =>
    Effect.gen(function* () {
      const request = HttpClientRequest.post(`${config.apiUrl}/bot${Redacted.value(config.token)}/${method}`).pipe(
        HttpClientRequest.bodyUnsafeJson(body)
      )
      const answer = yield* execute(http, request, method)
      const { json, status } = answer
      if (json.ok === true) {
        const result = record(json.result)
        const id = result._tag === "Some" ? idOf(result.value.message_id) : undefined
        if (id !== undefined) return id
        return yield* failure(
          channel,
          "permanent",
          `${method}: Zalo Bot answered ok without a message id: it may have sent it`
        )
      }
      const code = codeOf(json.error_code) ?? status
      const reason = status >= 500 ? "transient" : reasonOf(code)
      const hint = code === 401 ? ": the bot's token was refused (reset it in Zalo Bot Creator)" : ""
      return yield* failure(
        channel,
        reason,
        `${method}: Zalo Bot refused it with code ${code} (${reason})${hint}`,
        String(code)
      )
    })

  const chatOf = (conversation: InboundMessage.Conversation) =>
    conversation.kind === "direct"
      ? Effect.succeed(Redacted.value(conversation.id))
      : conversation.kind === "group" && config.groups
        ? Effect.succeed(conversation.id)
        : Effect.fail(failure(channel, "permanent", `this Zalo bot cannot send to a ${conversation.kind} conversation`))

  const progress = new Map<string, Array<string>>()

  const sendText = (message: Channel.OutboundMessage) =>
    Effect.gen(function* () {
      if (message.text.length > config.maxTextLength) {
        return yield* failure(
          channel,
          "permanent",
          `the reply has ${message.text.length} characters; this Zalo bot sends at most ${config.maxTextLength}`
        )
      }
      const chat = yield* chatOf(message.conversation)
      const parts = Channel.splitText(message.text, config.partLength)
      const sent = [...(progress.get(message.key) ?? [])]
      for (let i = sent.length; i < parts.length; i++) {
        sent.push(yield* call("sendMessage", { chat_id: chat, text: parts[i] }))
        if (i + 1 < parts.length) {
          if (progress.size >= 10_000) progress.delete(progress.keys().next().value!)
          progress.set(message.key, [...sent])
        }
      }
      progress.delete(message.key)
      return sent[0]!
    })

  const sendPhoto = (to: InboundMessage.Conversation, photo: string, caption?: string) =>
    Effect.flatMap(chatOf(to), (chat) =>
      call("sendPhoto", { chat_id: chat, photo, ...(caption !== undefined ? { caption: caption.slice(0, 2000) } : {}) })
    )

  return { sendText, sendPhoto }
}
