/**
 * The Zalo OA adapter's cases for the channel suite: a delivery of every kind of event, and replies with Zalo's
 * answers, every error code among them. Shared with the test of the built package (test-dist).
 */
import { FetchHttpClient } from "@effect/platform"
import { Channel, Credentials, InboundMessage } from "@tinbao/core"
import type { ChannelSuite } from "@tinbao/testkit/vitest"
import { DateTime, Effect, Redacted } from "effect"
import type * as ZaloOaModule from "../src/ZaloOa.js"
import { appId, bodies, cdn, group, member, oa, user } from "./fixtures.js"

export const secretKey = Redacted.make("oa-secret-key-5Jq8xWm2")
export const appSecret = Redacted.make("app-secret-Zx81kLm0q")
export const accessToken = "oa-access-token-Pq7Rt2"
export const refreshToken = "oa-refresh-token-Hm3Vn8"
// Named by the ward rather than by the OA's id: the OA's id is the sender of its echoes, which the suite watches
// for as it watches any sender's.
export const channelId = "zalo-oa:cong-an-phuong-dong-thanh"

export const config = (url: string): ZaloOaModule.Config => ({
  id: channelId,
  oaId: oa,
  appId,
  secretKey,
  appSecret,
  apiUrl: url,
  oauthUrl: url
})

/** Memory credentials holding the OA's tokens, good for 25 hours. */
export const seededCredentials = (expiresInMillis = 25 * 3_600_000) =>
  Effect.gen(function* () {
    const credentials = Credentials.makeEncoded(Credentials.makeMemoryEncoded())
    const now = yield* DateTime.now
    yield* credentials.connect(channelId, {
      accessToken: Redacted.make(accessToken),
      refreshToken: Redacted.make(refreshToken),
      expiresAt: DateTime.add(now, { millis: expiresInMillis })
    })
    return credentials
  }).pipe(Effect.orDie)

/** An adapter on a platform URL, with seeded memory credentials and the fetch HTTP client. */
export const makeWith =
  (ZaloOa: typeof ZaloOaModule) =>
  (url: string, extra: Partial<ZaloOaModule.Config> = {}) =>
    Effect.gen(function* () {
      const credentials = yield* seededCredentials()
      return yield* ZaloOa.make({ ...config(url), ...extra }).pipe(
        Effect.provideService(Credentials.Credentials, credentials),
        Effect.provide(FetchHttpClient.layer)
      )
    }).pipe(Effect.orDie)

const direct = (id: string) => ({ kind: "direct" as const, id })

export const incomingCases = (ZaloOa: typeof ZaloOaModule): Array<ChannelSuite.IncomingCase> => {
  const signed = (body: object, options?: ZaloOaModule.DeliveryOptions) => ZaloOa.delivery(secretKey, body, options)
  const message = (
    name: string,
    body: object,
    expected: ChannelSuite.MessageExpectation,
    extra: Partial<ChannelSuite.IncomingCase> = {}
  ): ChannelSuite.IncomingCase => ({
    name,
    delivery: signed(body),
    expect: { status: 200, keep: true, messages: [expected], unsupported: 0 },
    ...extra
  })
  return [
    message("a text", bodies.text(), {
      kind: "message",
      platformMessageId: "b9f1c3a0d8e2",
      conversation: direct(user),
      text: "Báo tin: có đối tượng lạ đột nhập nhà số 12 ngõ 5",
      sentAt: 1735718400123
    }),
    message("an image with a caption", bodies.image(), {
      platformMessageId: "c01a9e",
      text: "ảnh biển số xe",
      attachments: [{ _tag: "Media", media: "image", url: `${cdn}/a.jpg` }]
    }),
    message("a location with coordinates as strings", bodies.location(), {
      platformMessageId: "d02b7f",
      text: "Chợ Rồng, Ninh Bình",
      attachments: [{ _tag: "Location", latitude: 20.2506, longitude: 105.9745 }]
    }),
    message("a link", bodies.link(), {
      attachments: [{ _tag: "Link", url: "https://news.example/vu-viec", title: "Vụ việc" }]
    }),
    message("a voice message", bodies.audio(), {
      attachments: [{ _tag: "Media", media: "audio", url: `${cdn}/voice.aac` }]
    }),
    message("a video", bodies.video(), { attachments: [{ _tag: "Media", media: "video", url: `${cdn}/clip.mp4` }] }),
    message("a sticker", bodies.sticker(), {
      attachments: [{ _tag: "Media", media: "sticker", url: `${cdn}/stk.png` }]
    }),
    message("a gif", bodies.gif(), { attachments: [{ _tag: "Media", media: "image", url: `${cdn}/anim.gif` }] }),
    message("a file with its size as a string", bodies.file(), {
      attachments: [{ _tag: "Media", media: "file", url: `${cdn}/bien-ban.pdf`, name: "biên bản.pdf", size: 24576 }]
    }),
    message("a business card", bodies.businessCard(), {
      attachments: [{ _tag: "Media", media: "image", url: `${cdn}/card.jpg` }]
    }),
    message("an anonymous user's text", bodies.anonymous(), {
      kind: "message",
      platformMessageId: "a01e11",
      conversation: direct(user)
    }),
    message("a text quoting the OA's message", bodies.quoted(), { replyTo: "oa-out-0042" }),
    message("a timestamp written as a number", bodies.numericTime(), { sentAt: 1735718400999 }),
    message("a text in an OA group", bodies.groupText(), {
      kind: "message",
      platformMessageId: "e03c9a",
      conversation: { kind: "group", id: group },
      text: "Tổ dân phố 3 báo có cháy nhỏ"
    }),
    message("an image in an OA group", bodies.groupImage(), {
      conversation: { kind: "group", id: group },
      attachments: [{ _tag: "Media", media: "image", url: `${cdn}/chay.jpg` }]
    }),
    message("a group message naming its group_id", bodies.groupWithId(), {
      conversation: { kind: "group", id: group }
    }),
    message("a follow", bodies.follow(), { kind: "follow", conversation: direct(user), sentAt: 1735718000000 }),
    message("an unfollow", bodies.unfollow(), { kind: "unfollow", conversation: direct(user) }),
    message(
      "a delivery receipt",
      bodies.received(),
      { kind: "delivery", conversation: direct(user), replyTo: "oa-out-0042" },
      { nature: "receipt" }
    ),
    {
      name: "a seen receipt for two messages, one named twice",
      nature: "receipt",
      delivery: signed(bodies.seen()),
      expect: {
        status: 200,
        keep: true,
        messages: [
          { kind: "seen", replyTo: "oa-out-0042" },
          { kind: "seen", replyTo: "oa-out-0043" }
        ]
      }
    },
    message(
      "the echo of the OA's own message",
      bodies.echo(),
      {
        kind: "echo",
        platformMessageId: "oa-out-0042",
        conversation: direct(user)
      },
      { nature: "echo" }
    ),
    message(
      "the echo of the OA's group message",
      bodies.groupEcho(),
      {
        kind: "echo",
        conversation: { kind: "group", id: group }
      },
      { nature: "echo" }
    ),
    message("contact details the user submitted", bodies.submitInfo(), {
      kind: "contact",
      conversation: direct(user),
      attachments: []
    }),
    message("contact details in the older flat form", bodies.submitInfoFlat(), { kind: "contact" }),
    {
      name: "an event tinbao does not know, kept",
      delivery: signed(bodies.unknown()),
      expect: { status: 200, keep: true, messages: [], unsupported: 1 }
    },
    {
      name: "a member joining an OA group, ignored",
      delivery: signed(bodies.lifecycle()),
      expect: { status: 200, keep: true, messages: [], unsupported: 0 }
    },
    {
      name: "a known event that cannot be read, kept",
      delivery: signed(bodies.malformed()),
      expect: { status: 200, keep: true, messages: [], unsupported: 1 }
    },
    {
      name: "an attachment of an unknown type, its text taken and the rest kept",
      delivery: signed(bodies.unknownAttachment()),
      expect: { status: 200, keep: true, messages: [{ text: "Kèm tệp lạ", attachments: [] }], unsupported: 1 }
    },
    {
      name: "a redelivery with num_retry",
      delivery: signed(bodies.text(), { headers: { num_retry: "2" } }),
      expect: { status: 200, messages: [{ platformMessageId: "b9f1c3a0d8e2" }] }
    },
    {
      name: "a delivery signed for another app",
      delivery: signed({ ...bodies.text(), app_id: "999000111222" }),
      expect: { error: "forbidden" }
    },
    {
      name: "a body re-serialised after signing",
      delivery: { ...signed(bodies.text()), body: new TextEncoder().encode(JSON.stringify(bodies.text(), null, 1)) },
      expect: { error: "bad_signature" }
    },
    {
      name: "a GET",
      delivery: { ...signed(bodies.text()), method: "GET" },
      expect: { error: "bad_request" }
    },
    {
      name: "a signature without mac=",
      delivery: {
        ...signed(bodies.text()),
        headers: { [ZaloOa.signatureHeader]: signed(bodies.text()).headers[ZaloOa.signatureHeader]!.slice(4) }
      },
      expect: { error: "bad_signature" }
    }
  ]
}

const reply = (fields: Partial<ConstructorParameters<typeof Channel.OutboundMessage>[0]> = {}) =>
  new Channel.OutboundMessage({
    key: "ack:T-0001",
    channel: channelId,
    conversation: InboundMessage.direct(user),
    text: "Công an phường đã nhận tin báo của bạn, mã NINHTIEN-2025-0001.",
    replyTo: "b9f1c3a0d8e2",
    ...fields
  })

const success = (id: string) => ({
  status: 200,
  body: { error: 0, message: "Success", data: { message_id: id, user_id: user } }
})
const zaloError = (code: number) => ({ status: 200, body: { error: code, message: "Zalo said no" } })
const tokenAnswer = {
  status: 200,
  body: { access_token: "oa-access-token-New9", refresh_token: "oa-refresh-token-New4", expires_in: "90000" }
}
const cs = "/v3.0/oa/message/cs"
const token = "/v4/oa/access_token"

const codeCase = (code: number, error: Channel.Reason, retryable: boolean): ChannelSuite.OutgoingCase => ({
  name: `Zalo's error ${code} is ${error}`,
  message: reply(),
  responses: [zaloError(code)],
  expect: { requests: [{ method: "POST", path: cs }], error, retryable }
})

export const outgoingCases: Array<ChannelSuite.OutgoingCase> = [
  {
    name: "a reply names the reporter's message, with the token in access_token",
    message: reply(),
    responses: [success("oa-out-0100")],
    expect: {
      id: "oa-out-0100",
      requests: [
        {
          method: "POST",
          path: cs,
          headers: ["access_token", "content-type"],
          body: {
            recipient: { user_id: user, message_id: "b9f1c3a0d8e2" },
            message: { text: "Công an phường đã nhận tin báo của bạn, mã NINHTIEN-2025-0001." }
          }
        }
      ]
    }
  },
  {
    name: "a message to an OA group",
    message: reply({ key: "group:1", conversation: { kind: "group", id: group }, replyTo: undefined }),
    responses: [
      { status: 200, body: { error: 0, message: "Success", data: { message_id: "oa-grp-0001", group_id: group } } }
    ],
    expect: {
      id: "oa-grp-0001",
      requests: [{ method: "POST", path: "/v3.0/oa/group/message", body: { recipient: { group_id: group } } }]
    }
  },
  {
    name: "a reply longer than 2,000 characters goes in two parts",
    message: reply({ key: "long:1", text: `${"Thông báo. ".repeat(190)}\n${"Phần hai. ".repeat(20)}` }),
    responses: [success("oa-out-0201"), success("oa-out-0202")],
    expect: {
      id: "oa-out-0201",
      requests: [
        { path: cs, body: { recipient: { message_id: "b9f1c3a0d8e2" } } },
        { path: cs, body: { recipient: { message_id: "b9f1c3a0d8e2" } } }
      ]
    }
  },
  {
    name: "an expired token is refreshed once and the reply sent again",
    message: reply(),
    responses: [zaloError(-216), tokenAnswer, success("oa-out-0300")],
    expect: {
      id: "oa-out-0300",
      requests: [{ path: cs }, { method: "POST", path: token, headers: ["secret_key"] }, { path: cs }]
    }
  },
  {
    name: "a token still refused after a refresh is token_expired",
    message: reply(),
    responses: [zaloError(-124), tokenAnswer, zaloError(-124)],
    expect: { requests: [{ path: cs }, { path: token }, { path: cs }], error: "token_expired", retryable: true }
  },
  {
    name: "a refused refresh asks for the OA to be connected again",
    message: reply(),
    responses: [zaloError(-216), { status: 200, body: { error: -14014, error_name: "Invalid refresh token" } }],
    expect: { requests: [{ path: cs }, { path: token }], error: "permanent", retryable: false }
  },
  {
    name: "a token endpoint that cannot answer leaves the reply to retry",
    message: reply(),
    responses: [zaloError(-216), { status: 503 }],
    expect: { requests: [{ path: cs }, { path: token }], error: "transient", retryable: true }
  },
  codeCase(-213, "recipient_unavailable", false),
  codeCase(-230, "outside_window", false),
  codeCase(-217, "outside_window", false),
  codeCase(-227, "outside_window", false),
  codeCase(-232, "outside_window", false),
  codeCase(-234, "outside_window", false),
  codeCase(-244, "outside_window", false),
  codeCase(-32, "rate_limited", true),
  codeCase(-100, "transient", true),
  codeCase(-201, "permanent", false),
  codeCase(-999, "permanent", false),
  {
    name: "an error code written as a string",
    message: reply(),
    responses: [{ status: 200, body: { error: "-230", message: "no" } }],
    expect: { requests: [{ path: cs }], error: "outside_window", retryable: false }
  },
  {
    name: "HTTP 500 is transient",
    message: reply(),
    responses: [{ status: 500, body: "oops" }],
    expect: { requests: [{ path: cs }], error: "transient", retryable: true }
  },
  {
    name: "HTTP 429 is rate_limited",
    message: reply(),
    responses: [{ status: 429 }],
    expect: { requests: [{ path: cs }], error: "rate_limited", retryable: true }
  },
  {
    name: "a dropped connection is transient",
    message: reply(),
    responses: [{ drop: true }],
    expect: { requests: [{ path: cs }], error: "transient", retryable: true }
  },
  {
    name: "success without a message id is not retried: it may have been sent",
    message: reply(),
    responses: [{ status: 200, body: { error: 0, message: "Success" } }],
    expect: { requests: [{ path: cs }], error: "permanent", retryable: false }
  },
  {
    name: "a direct reply naming no message of the reporter's is not sent as a paid proactive message",
    message: reply({ key: "officer:1", replyTo: undefined }),
    responses: [],
    expect: { requests: [], error: "outside_window", retryable: false }
  },
  {
    name: "a reply in a comment thread is refused without a request",
    message: reply({ key: "post:1", conversation: { kind: "post", id: "post-1" } }),
    responses: [],
    expect: { requests: [], error: "permanent", retryable: false }
  }
]

export const member_ = member
