/**
 * Zalo OA replies out: consultation messages to a user (`/v3.0/oa/message/cs`) and messages to an OA group
 * (`/v3.0/oa/group/message`), a long text in parts, an image or a file uploaded then sent; each call carries the
 * access token the credentials give, refreshed once when Zalo says it has expired.
 *
 * @internal
 */
import { HttpClientRequest } from "@effect/platform"
import { Channel, type Credentials } from "@tinbao/core"
import { Effect, Option, Redacted } from "effect"
import type { Destination, File } from "../../ZaloOa.js"
import { codeOf, execute, failure, type Http, idOf, reasonOfStatus } from "../shared/http.js"
import { record } from "../shared/read.js"
import { describe } from "./errors.js"
import { type OAuthConfig, refresher } from "./tokens.js"

/**
 * How a reply names the user's message it answers: in `recipient.message_id` (Zalo counts it as a reply within the
 * free quota), as `message.quote_message_id` (shown as a quote), or both.
 *
 * @internal
 */
export type ReplyReference = "recipient" | "quote" | "both"

/** @internal */
export interface SendConfig extends OAuthConfig {
  readonly channel: string
  readonly account: string
  readonly apiUrl: string
  readonly replyReference: ReplyReference
  readonly withoutReference: "refuse" | "send"
  readonly partLength: number
  readonly maxTextLength: number
  readonly earlyMillis: number
  readonly codes: Readonly<Record<string, Channel.Reason>>
}

type Target = Destination
type Upload = File

/** @internal */
export const paths = {
  direct: "/v3.0/oa/message/cs",
  group: "/v3.0/oa/group/message",
  uploadImage: "/v2.0/oa/upload/image",
  uploadFile: "/v2.0/oa/upload/file"
} as const

const fromCredentials = (channel: string) => (e: Credentials.CredentialsError) =>
  e.reason === "reconnect" || e.reason === "not_connected"
    ? failure(
        channel,
        "permanent",
        `Zalo OA ${channel} must be connected again (Cần kết nối lại OA): ${e.message}`,
        "reconnect"
      )
    : failure(channel, e.retryable ? "transient" : "permanent", e.message)

/** @internal */
export const makeSender = (config: SendConfig, http: Http, credentials: Credentials.Credentials["Type"]) => {
  const { channel } = config
  const refresh = refresher(http, config)
  const sendParts = Channel.partsSender()

  const token = (after?: number) =>
    credentials
      .token(config.account, { refresh, earlyMillis: config.earlyMillis, ...(after !== undefined ? { after } : {}) })
      .pipe(Effect.mapError(fromCredentials(channel)))

  // Once more with a fresh token when Zalo says the one used has expired: the credentials refresh it once for every
  // caller that used that generation, here and in other processes.
  const authorized = <A>(call: (accessToken: string) => Effect.Effect<A, Channel.ChannelError>) =>
    Effect.flatMap(token(), (used) =>
      Effect.catchIf(
        call(Redacted.value(used.accessToken)),
        (e) => e.reason === "token_expired",
        () => Effect.flatMap(token(used.generation), (fresh) => call(Redacted.value(fresh.accessToken)))
      )
    )

  const interpret = (what: string, answer: { status: number; json: Readonly<Record<string, unknown>> }) => {
    const { json, status } = answer
    const code = codeOf(json.error)
    if (status >= 200 && status < 300 && code === 0) {
      return Effect.succeed(Option.getOrElse(record(json.data), () => ({}) as Readonly<Record<string, unknown>>))
    }
    if (code !== undefined && code !== 0) {
      const reason = config.codes[String(code)] ?? (status >= 500 ? "transient" : "permanent")
      return Effect.fail(
        failure(channel, reason, `${what}: Zalo refused it with code ${code}: ${describe[reason]}`, String(code))
      )
    }
    if (status < 200 || status >= 300) {
      const reason = reasonOfStatus(status)
      return Effect.fail(failure(channel, reason, `${what}: Zalo answered HTTP ${status}`, String(status)))
    }
    return Effect.fail(failure(channel, "permanent", `${what}: Zalo answered without a result: it may have sent it`))
  }

  const call = (path: string, body: HttpClientRequest.HttpClientRequest) => (accessToken: string) =>
    Effect.flatMap(
      execute(http, body.pipe(HttpClientRequest.setHeader("access_token", accessToken)), `POST ${path}`),
      (answer) => interpret(`POST ${path}`, answer)
    )

  const postJson = (path: string, body: object) =>
    authorized(
      call(path, HttpClientRequest.post(`${config.apiUrl}${path}`).pipe(HttpClientRequest.bodyUnsafeJson(body)))
    )

  const address = (target: Target) => {
    const { conversation, replyTo } = target
    const quote = replyTo !== undefined && config.replyReference !== "recipient" ? replyTo : undefined
    if (conversation.kind !== "direct") {
      return conversation.kind === "post"
        ? Effect.fail(failure(channel, "permanent", "a Zalo OA has no comment threads to reply in"))
        : Effect.succeed({ path: paths.group, recipient: { group_id: conversation.id } as object, quote })
    }
    if (replyTo === undefined && config.withoutReference === "refuse") {
      return Effect.fail(
        failure(
          channel,
          "outside_window",
          "the reply names none of the reporter's messages, so Zalo would count it as a paid proactive message " +
            "(tin chủ động): it is not sent"
        )
      )
    }
    const reference = replyTo !== undefined && config.replyReference !== "quote" ? { message_id: replyTo } : {}
    // The user's id is revealed here, into the request's body, and nowhere else.
    const user: string = Redacted.value(conversation.id)
    return Effect.succeed({ path: paths.direct, recipient: { user_id: user, ...reference }, quote })
  }

  const messageId = (what: string) => (data: Readonly<Record<string, unknown>>) => {
    const id = idOf(data.message_id)
    return id === undefined
      ? Effect.fail(
          failure(channel, "permanent", `${what}: Zalo answered success without a message id: it may have sent it`)
        )
      : Effect.succeed(id)
  }

  /** Sends an outbound message's text, in parts when it is longer than a part; the first part's id. */
  const sendText = (message: Channel.OutboundMessage): Effect.Effect<string, Channel.ChannelError> =>
    Effect.gen(function* () {
      if (message.text.length > config.maxTextLength) {
        return yield* failure(
          channel,
          "permanent",
          `the reply has ${message.text.length} characters; this Zalo OA channel sends at most ${config.maxTextLength}`
        )
      }
      const { path, recipient, quote } = yield* address(message)
      const parts = Channel.splitText(message.text, config.partLength)
      return yield* sendParts(message.key, parts, (text, i) => {
        const quoted = i === 0 && quote !== undefined ? { quote_message_id: quote } : {}
        return Effect.flatMap(postJson(path, { recipient, message: { text, ...quoted } }), messageId(`POST ${path}`))
      })
    })

  const upload = (path: string, file: Upload, field: "attachment_id" | "token") =>
    Effect.suspend(() => {
      const form = new FormData()
      form.append("file", new Blob([file.bytes], { type: file.contentType }), file.filename)
      const request = HttpClientRequest.post(`${config.apiUrl}${path}`).pipe(HttpClientRequest.bodyFormData(form))
      return Effect.flatMap(authorized(call(path, request)), (data) => {
        const id = idOf(data[field])
        return id === undefined
          ? Effect.fail(failure(channel, "permanent", `POST ${path}: Zalo gave no ${field} for the upload`))
          : Effect.succeed(id)
      })
    })

  const sendAttachment = (target: Target, attachment: object, caption: string | undefined) =>
    Effect.gen(function* () {
      const { path, recipient, quote } = yield* address(target)
      const body = {
        recipient,
        message: {
          ...(caption !== undefined ? { text: caption } : {}),
          attachment,
          ...(quote !== undefined ? { quote_message_id: quote } : {})
        }
      }
      return yield* Effect.flatMap(postJson(path, body), messageId(`POST ${path}`))
    })

  /** Uploads an image, then sends it; the message id. */
  const sendImage = (target: Target, image: Upload, caption?: string) =>
    Effect.flatMap(upload(paths.uploadImage, image, "attachment_id"), (attachmentId) =>
      sendAttachment(
        target,
        {
          type: "template",
          payload: { template_type: "media", elements: [{ media_type: "image", attachment_id: attachmentId }] }
        },
        caption
      )
    )

  /** Uploads a file, then sends it; the message id. */
  const sendFile = (target: Target, file: Upload) =>
    Effect.flatMap(upload(paths.uploadFile, file, "token"), (fileToken) =>
      sendAttachment(target, { type: "file", payload: { token: fileToken } }, undefined)
    )

  // The token when it still has more than `earlyMillis` left; else a refreshed one (one refresh for every caller).
  const keepFresh = Effect.asVoid(token())

  return { sendText, sendImage, sendFile, keepFresh }
}
