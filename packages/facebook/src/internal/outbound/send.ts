/**
 * Facebook replies out, from one page with its token from `Credentials` (in the `Authorization` header, never in
 * the URL): on Messenger through the Send API, a long text in parts; to a commenter in private (one Messenger
 * message per comment), or under the comment in public when an officer marked the reply so.
 *
 * @internal
 */
import { HttpClientRequest } from "@effect/platform"
import { Channel, ChannelHttp, type Credentials } from "@tinbao/core"
import { DateTime, Effect, Either, Redacted } from "effect"
import { commentIdOf } from "../shared/ids.js"
import type { SendConfig } from "./config.js"
import { refusal } from "./errors.js"
import { messagingOf } from "./window.js"

export { defaultCodes } from "./errors.js"

// A page token has no refresh flow: asked for a token past the one Meta refused, Credentials finds no way to get
// one and marks the page "reconnect".
const rejecting: Credentials.Refresher = () =>
  Effect.fail({ _tag: "Rejected", message: "Meta refused the page's access token, and a page token has no refresh" })

/** @internal */
export const makeSender = (
  config: SendConfig,
  http: ChannelHttp.Http,
  credentials: Credentials.Credentials["Type"]
) => {
  const { channel } = config
  const sendParts = Channel.partsSender()
  const fail = (reason: Channel.Reason, message: string, platformCode?: string) =>
    Effect.fail(ChannelHttp.failure(channel, reason, message, platformCode))

  const reconnect = (why: string) =>
    ChannelHttp.failure(
      channel,
      "permanent",
      `Facebook page ${channel} must be connected again (Cần kết nối lại trang Facebook): ${why}`,
      "reconnect"
    )

  const fromCredentials = (e: Credentials.CredentialsError) =>
    e.reason === "reconnect"
      ? reconnect("Meta refused its access token; connect it with a new page token")
      : e.reason === "not_connected"
        ? reconnect("no access token is stored for it")
        : ChannelHttp.failure(channel, e.retryable ? "transient" : "permanent", e.message)

  const token = Effect.mapError(credentials.token(config.account, { refresh: rejecting }), fromCredentials)

  // Meta refused the token used (190): a token past its generation marks the page "reconnect", unless someone
  // connected the page again meanwhile, when the next attempt takes the new one.
  const refused = (used: Credentials.Credential, error: Channel.ChannelError) =>
    Effect.matchEffect(credentials.token(config.account, { refresh: rejecting, after: used.generation }), {
      onFailure: (e) =>
        Effect.fail(
          e.reason === "reconnect"
            ? reconnect(`Meta refused its access token (code ${error.platformCode})`)
            : fromCredentials(e)
        ),
      onSuccess: () =>
        fail(
          "transient",
          "Meta refused the page's previous access token; the next attempt uses the one connected since",
          error.platformCode
        )
    })

  /** A POST to the Graph API; the answer's JSON when it is a success. */
  const post = (what: string, path: string, body: object) =>
    Effect.flatMap(token, (used) =>
      ChannelHttp.execute(
        http,
        HttpClientRequest.post(`${config.graphUrl}/${config.graphVersion}${path}`).pipe(
          HttpClientRequest.bearerToken(used.accessToken),
          HttpClientRequest.bodyUnsafeJson(body)
        ),
        what
      ).pipe(
        Effect.flatMap((answer) => {
          const error = refusal(channel, config.codes, what, answer)
          return error === undefined ? Effect.succeed(answer.json) : Effect.fail(error)
        }),
        Effect.catchIf(
          (e) => e.reason === "token_expired",
          (e) => refused(used, e)
        )
      )
    )

  const idIn = (what: string, field: string) => (json: Readonly<Record<string, unknown>>) => {
    const id = ChannelHttp.idOf(json[field])
    return id === undefined
      ? fail("permanent", `${what}: Facebook answered success without a ${field}: it may have sent it`)
      : Effect.succeed(id)
  }

  const messages = { what: "POST /{page}/messages", path: `/${encodeURIComponent(config.pageId)}/messages` }

  /** A Messenger reply, in parts when it is longer than a part, under the rule its window allows; the first part's id. */
  const direct = (message: Channel.OutboundMessage, recipient: Redacted.Redacted<string>) =>
    Effect.gen(function* () {
      const messaging = messagingOf(config, message, yield* DateTime.now)
      if (Either.isLeft(messaging)) return yield* fail("outside_window", messaging.left)
      const parts = Channel.splitText(message.text, config.partLength)
      const quote = config.quoteReplies && message.replyTo !== undefined ? { reply_to: { mid: message.replyTo } } : {}
      // The person's id is revealed here, into the request's body, and nowhere else.
      return yield* sendParts(message.key, parts, (text, i) =>
        Effect.flatMap(
          post(messages.what, messages.path, {
            recipient: { id: Redacted.value(recipient) },
            ...messaging.right,
            message: { text },
            ...(i === 0 ? quote : {})
          }),
          idIn(messages.what, "message_id")
        )
      )
    })

  /**
   * A reply to a comment: in private by default (Meta allows one, within 7 days of the comment), in public under
   * the comment when the message is marked `public`. Either is one message: a text longer than a part is refused
   * rather than sent in half.
   */
  const comment = (message: Channel.OutboundMessage) => {
    if (message.replyTo === undefined) {
      return fail(
        "permanent",
        "Trả lời trong bình luận phải chỉ rõ bình luận được trả lời / the reply names no comment: Facebook " +
          "replies to a commenter, not to a post"
      )
    }
    if (message.text.length > config.partLength) {
      return fail(
        "permanent",
        `Tin trả lời bình luận dài ${message.text.length} ký tự, tối đa ${config.partLength}: hãy rút gọn / the reply ` +
          `to a comment has ${message.text.length} characters; it goes as one message of at most ${config.partLength}`
      )
    }
    const commentId = commentIdOf(message.replyTo)
    if (message.public) {
      const what = "POST /{comment}/comments"
      const path = `/${encodeURIComponent(commentId)}/comments`
      return Effect.flatMap(post(what, path, { message: message.text }), idIn(what, "id"))
    }
    const body = { recipient: { comment_id: commentId }, message: { text: message.text } }
    return Effect.flatMap(post(messages.what, messages.path, body), idIn(messages.what, "message_id"))
  }

  /** Sends a reply; the platform's id of the (first) message sent. */
  const send = (message: Channel.OutboundMessage): Effect.Effect<string, Channel.ChannelError> => {
    const { conversation } = message
    if (message.text.length > config.maxTextLength) {
      return fail(
        "permanent",
        `the reply has ${message.text.length} characters; this Facebook page sends at most ${config.maxTextLength}`
      )
    }
    return conversation.kind === "direct"
      ? direct(message, conversation.id)
      : conversation.kind === "post"
        ? comment(message)
        : fail("permanent", "a Facebook page has no group conversations to reply in")
  }

  return { send }
}
