/**
 * The Facebook adapter's outgoing cases for the channel suite: Messenger replies within and after the windows,
 * private and public replies to comments, and Meta's error codes with the reason and retry each gets. They hold for
 * any page adapter with the default options (`humanAgent` off, Graph `v25.0`, parts of 2,000), whatever its page:
 * the suite runs them against the inbound tests' page; outbound.test.ts against {@link makeAdapter}'s.
 */
import { FetchHttpClient } from "@effect/platform"
import { Channel, Credentials } from "@tinbao/core"
import type { ChannelSuite } from "@tinbao/testkit/vitest"
import { DateTime, Effect, Redacted } from "effect"
import * as Facebook from "../src/Facebook.js"

export const pageId = "190055512340001"
// Named by the ward rather than by the page's id: the page's id is the sender of its echoes, which the suite
// watches for as it watches any sender's.
export const channelId = "facebook:cong-an-phuong-dong-thanh"
export const pageToken = "EAAG-page-token-Vx93kQm7Lp2"
export const appSecret = Redacted.make("fb-app-secret-Qz81wNc4")
export const verifyToken = Redacted.make("fb-verify-token-Hs62pLe9")
/** A person's page-scoped id, distinctive so that the leak check finds it anywhere. */
export const psid = "24680135792468013"
export const postId = `${pageId}_880011223344`
export const commentId = "880011223344_551122334455"

export const config = (url: string, extra: Partial<Facebook.Config> = {}): Facebook.Config => ({
  appSecret,
  verifyToken,
  pages: [{ pageId, id: channelId }],
  graphUrl: url,
  ...extra
})

/** Memory credentials holding the page's token. */
export const seededCredentials = (token = pageToken) =>
  Effect.gen(function* () {
    const credentials = Credentials.makeEncoded(Credentials.makeMemoryEncoded())
    yield* Facebook.connectPage(channelId, Redacted.make(token)).pipe(
      Effect.provideService(Credentials.Credentials, credentials)
    )
    return credentials
  }).pipe(Effect.orDie)

/** The app's adapters on a Graph URL, with the given credentials and the fetch HTTP client. */
export const makeAdapters = (
  url: string,
  credentials: Credentials.Credentials["Type"],
  extra: Partial<Facebook.Config> = {}
) =>
  Facebook.make(config(url, extra)).pipe(
    Effect.provideService(Credentials.Credentials, credentials),
    Effect.provide(FetchHttpClient.layer),
    Effect.orDie
  )

/** The page's adapter on a Graph URL, with seeded memory credentials. */
export const makeAdapter = (url: string, extra: Partial<Facebook.Config> = {}) =>
  Effect.flatMap(seededCredentials(), (credentials) =>
    Effect.map(makeAdapters(url, credentials, extra), (adapters) => adapters.pages[0]!)
  )

const hoursAgo = (hours: number) => DateTime.unsafeMake(Date.now() - hours * 3_600_000)

export const reply = (fields: Partial<ConstructorParameters<typeof Channel.OutboundMessage>[0]> = {}) =>
  new Channel.OutboundMessage({
    key: "reply:fb-0001",
    channel: channelId,
    conversation: { kind: "direct", id: Redacted.make(psid) },
    text: "Công an phường đã nhận tin báo của bạn, mã DONGTHANH-2026-0001.",
    replyTo: "m_user-message-0001",
    lastInboundAt: hoursAgo(2),
    ...fields
  })

export const toComment = (fields: Partial<ConstructorParameters<typeof Channel.OutboundMessage>[0]> = {}) =>
  reply({
    key: "reply:fb-comment-0001",
    conversation: { kind: "post", id: postId },
    replyTo: commentId,
    text: "Cảm ơn bạn, công an phường sẽ liên hệ riêng qua Messenger.",
    lastInboundAt: undefined,
    ...fields
  })

export const messagesPath = `/v25.0/${pageId}/messages`
// Any page's: the suite may run the cases against another page.
const anyPageMessages = /^\/v25\.0\/\d+\/messages$/

const sent = (messageId: string) => ({ status: 200, body: { recipient_id: psid, message_id: messageId } })

export const metaError = (code: number, status = 400, subcode?: number) => ({
  status,
  body: {
    error: {
      message: `(#${code}) An error the test gives, about ${psid}`,
      type: "OAuthException",
      code,
      ...(subcode !== undefined ? { error_subcode: subcode } : {}),
      fbtrace_id: "AbC123xYz_trace"
    }
  }
})

const refused = (
  name: string,
  response: ChannelSuite.OutgoingCase["responses"][number],
  error: Channel.Reason,
  message = reply()
): ChannelSuite.OutgoingCase => ({
  name,
  message,
  responses: [response],
  expect: {
    requests: [{ method: "POST", path: message.public ? `/v25.0/${commentId}/comments` : anyPageMessages }],
    error,
    retryable: Channel.isRetryable(error)
  }
})

const longText = `${"Thông báo về vụ việc. ".repeat(90)}\n${"Phần hai của tin trả lời. ".repeat(40)}`

export const outgoingCases: ReadonlyArray<ChannelSuite.OutgoingCase> = [
  {
    name: "a Messenger reply within 24 hours goes as a RESPONSE, the token in the Authorization header",
    message: reply(),
    responses: [sent("m_page-out-0001")],
    expect: {
      id: "m_page-out-0001",
      requests: [
        {
          method: "POST",
          path: anyPageMessages,
          headers: ["authorization", "content-type"],
          body: {
            recipient: { id: psid },
            messaging_type: "RESPONSE",
            message: { text: "Công an phường đã nhận tin báo của bạn, mã DONGTHANH-2026-0001." }
          }
        }
      ]
    }
  },
  {
    name: "a Messenger reply without a known last message goes as a RESPONSE, and Meta decides",
    message: reply({ lastInboundAt: undefined }),
    responses: [sent("m_page-out-0002")],
    expect: { id: "m_page-out-0002", requests: [{ path: anyPageMessages, body: { messaging_type: "RESPONSE" } }] }
  },
  {
    name: "a reply after 24 hours without the tag is outside_window, and Meta is not called",
    message: reply({ lastInboundAt: hoursAgo(25) }),
    responses: [],
    expect: { requests: [], error: "outside_window", retryable: false }
  },
  {
    name: "an officer's reply after 24 hours without humanAgent (the default) is outside_window, and Meta is not called",
    message: reply({ humanAgent: true, lastInboundAt: hoursAgo(30) }),
    responses: [],
    expect: { requests: [], error: "outside_window", retryable: false }
  },
  {
    name: "an officer's reply after 7 days is outside_window, and Meta is not called",
    message: reply({ humanAgent: true, lastInboundAt: hoursAgo(24 * 7 + 1) }),
    responses: [],
    expect: { requests: [], error: "outside_window", retryable: false }
  },
  {
    name: "a Messenger reply longer than 2,000 characters goes in parts; the first part's id",
    message: reply({ key: "reply:fb-long", text: longText }),
    responses: [sent("m_page-out-0101"), sent("m_page-out-0102")],
    expect: {
      id: "m_page-out-0101",
      requests: [
        { path: anyPageMessages, body: { recipient: { id: psid }, messaging_type: "RESPONSE" } },
        {
          path: anyPageMessages,
          body: { recipient: { id: psid }, message: { text: "Phần hai của tin trả lời. ".repeat(40) } }
        }
      ]
    }
  },
  {
    name: "a reply to a comment goes to its author in private, by comment_id",
    message: toComment(),
    responses: [sent("m_page-private-0001")],
    expect: {
      id: "m_page-private-0001",
      requests: [
        {
          method: "POST",
          path: anyPageMessages,
          headers: ["authorization"],
          body: {
            recipient: { comment_id: commentId },
            message: { text: "Cảm ơn bạn, công an phường sẽ liên hệ riêng qua Messenger." }
          }
        }
      ]
    }
  },
  {
    name: "a reply to an edited comment goes to the comment itself",
    message: toComment({ replyTo: `${commentId}#edit:0123456789abcdef` }),
    responses: [sent("m_page-private-0002")],
    expect: {
      id: "m_page-private-0002",
      requests: [{ path: anyPageMessages, body: { recipient: { comment_id: commentId } } }]
    }
  },
  {
    name: "a reply marked public goes under the comment",
    message: toComment({ public: true, replyTo: `${commentId}#edit:fedcba9876543210` }),
    responses: [{ status: 200, body: { id: "880011223344_551122339999" } }],
    expect: {
      id: "880011223344_551122339999",
      requests: [
        {
          method: "POST",
          path: `/v25.0/${commentId}/comments`,
          headers: ["authorization"],
          body: { message: "Cảm ơn bạn, công an phường sẽ liên hệ riêng qua Messenger." }
        }
      ]
    }
  },
  {
    name: "a reply in a post's thread that names no comment is refused without a request",
    message: toComment({ replyTo: undefined }),
    responses: [],
    expect: { requests: [], error: "permanent", retryable: false }
  },
  {
    name: "a reply to a comment longer than one message is refused without a request",
    message: toComment({ text: longText }),
    responses: [],
    expect: { requests: [], error: "permanent", retryable: false }
  },
  refused(
    "190 (the page's token refused) asks for the page to be connected again",
    metaError(190, 400, 460),
    "permanent"
  ),
  refused("10/2018278 (outside the window) is outside_window", metaError(10, 400, 2018278), "outside_window"),
  refused("10 is outside_window", metaError(10, 403), "outside_window"),
  refused("200 (permissions) is permanent", metaError(200, 403), "permanent"),
  refused("230 (the person disallows messages) is permanent", metaError(230, 403), "permanent"),
  refused("551 (the person is not available) is recipient_unavailable", metaError(551), "recipient_unavailable"),
  refused(
    "100/2018001 (no matching user) is recipient_unavailable",
    metaError(100, 400, 2018001),
    "recipient_unavailable"
  ),
  refused("4 (the app's rate limit) is rate_limited", metaError(4, 403), "rate_limited"),
  refused("17 (the user's rate limit) is rate_limited", metaError(17, 403), "rate_limited"),
  refused("32 (the page's rate limit) is rate_limited", metaError(32, 403), "rate_limited"),
  refused("613 (a rate limit) is rate_limited", metaError(613), "rate_limited"),
  refused("2 (a temporary failure) is transient", metaError(2, 400), "transient"),
  refused("1200 (a temporary send failure) is transient", metaError(1200, 400), "transient"),
  refused("100 (an invalid parameter) is permanent", metaError(100), "permanent"),
  refused("368 (deemed abusive) is permanent", metaError(368, 403), "permanent"),
  refused(
    "10900 (the comment's one private reply is spent) is outside_window",
    metaError(10900),
    "outside_window",
    toComment()
  ),
  refused(
    "10903 (the commenter cannot get a private reply) is outside_window",
    metaError(10903),
    "outside_window",
    toComment()
  ),
  refused("10904 (the page's messaging is off) is permanent", metaError(10904), "permanent", toComment()),
  refused(
    "a code a public reply meets goes by the same table",
    metaError(200, 403),
    "permanent",
    toComment({ public: true })
  ),
  refused("an unknown code with HTTP 500 is transient", metaError(99_999, 500), "transient"),
  refused("an unknown code with HTTP 400 is permanent", metaError(99_999, 400), "permanent"),
  refused("HTTP 502 without JSON is transient", { status: 502, body: "<html>Bad gateway</html>" }, "transient"),
  refused("HTTP 429 without JSON is rate_limited", { status: 429 }, "rate_limited"),
  refused("a dropped connection is transient", { drop: true }, "transient"),
  refused(
    "a success without a message_id is permanent: it may have sent it",
    { status: 200, body: { recipient_id: psid } },
    "permanent"
  ),
  refused(
    "a public reply answered without an id is permanent",
    { status: 200, body: { success: true } },
    "permanent",
    toComment({ public: true })
  )
]
