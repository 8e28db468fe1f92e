/**
 * The Zalo bot adapter's cases for the channel suite: both body forms, every kind of update, and Bot API answers.
 */
import { FetchHttpClient } from "@effect/platform"
import { Channel, InboundMessage } from "@tinbao/core"
import type { ChannelSuite } from "@tinbao/testkit/vitest"
import { Effect, Redacted } from "effect"
import type * as ZaloBotModule from "../src/ZaloBot.js"

export const botToken = Redacted.make("1234567890:bot-token-QwE7rT")
export const secretToken = Redacted.make("bot-secret-Xy9Kp2Lm")
export const botChannel = "zalo-bot:congan-ninhbinh"
export const botUser = "6ede9afa66b88fe6d6a9"
export const botUserName = "Nguyễn Thị Lan Hương"

export const makeBotWith =
  (ZaloBot: typeof ZaloBotModule) =>
  (url: string, extra: Partial<ZaloBotModule.Config> = {}) =>
    ZaloBot.make({ id: botChannel, token: botToken, secretToken, apiUrl: url, ...extra }).pipe(
      Effect.provide(FetchHttpClient.layer),
      Effect.orDie
    )

const from = { id: botUser, display_name: botUserName, is_bot: false }
const chat = { id: botUser, chat_type: "PRIVATE" }
const update = (event_name: string, message: object) => ({ event_name, message: { from, chat, ...message } })

export const botBodies = {
  flatText: () =>
    update("message.text.received", {
      message_id: "2d758cb5e222177a4e35",
      date: 1750316131602,
      text: "Xin chào công an phường"
    }),
  wrappedText: () => ({
    ok: true,
    result: update("message.text.received", {
      message_id: "2d758cb5e222177a4e36",
      date: 1750316131700,
      text: "Báo tin trộm xe"
    })
  }),
  photoUrl: () =>
    update("message.image.received", {
      message_id: "3e8",
      date: 1750316132000,
      message_type: "CHAT_PHOTO",
      photo_url: "https://f.zalo.example/bot/p1.jpg",
      caption: "Ảnh hiện trường"
    }),
  photo: () => ({
    ok: true,
    result: update("message.image.received", {
      message_id: "3e9",
      date: 1750316133000,
      photo: "https://f.zalo.example/bot/p2.jpg"
    })
  }),
  photos: () =>
    update("message.image.received", {
      message_id: "3ea",
      date: 1750316134,
      photos: [{ url: "https://f.zalo.example/bot/p3.jpg" }]
    }),
  sticker: () =>
    update("message.sticker.received", {
      message_id: "3eb",
      date: 1750316135000,
      sticker: { id: "s1", url: "https://f.zalo.example/bot/s.png" }
    }),
  stickerString: () => update("message.sticker.received", { message_id: "3ec", date: 1750316136000, sticker: "s2" }),
  protected: () => update("message.unsupported.received", { message_id: "3ed", date: 1750316137000 }),
  protectedBare: () => ({ event_name: "message.unsupported.received" }),
  otherNames: () => ({
    event_name: "message.text.received",
    message: {
      message_id: "3ee",
      date: 1750316138000,
      text: "Tên khác",
      from: { id: botUser, first_name: botUserName },
      chat: { id: botUser, chat_type: "individual" }
    }
  }),
  group: () =>
    update("message.text.received", {
      message_id: "3ef",
      date: 1750316139000,
      text: "Nhóm",
      chat: { id: "grp-b0t-77", chat_type: "GROUP" }
    }),
  list: () => ({
    ok: true,
    result: [
      update("message.text.received", { message_id: "3f0", date: 1750316140000, text: "Một" }),
      update("message.text.received", { message_id: "3f1", date: 1750316141000, text: "Hai" })
    ]
  }),
  follow: () => ({ event_name: "user.follow", timestamp: 1750316142000, user: { id: botUser } }),
  test: () => ({ event_name: "webhook.test" }),
  unknown: () => update("message.poll.created", { message_id: "3f2", date: 1750316143000 }),
  weird: () => ({ event_name: "order.created", order: 1 })
} as const

export const botIncomingCases = (ZaloBot: typeof ZaloBotModule): Array<ChannelSuite.IncomingCase> => {
  const signed = (body: object) => ZaloBot.delivery(secretToken, body)
  const direct = { kind: "direct" as const, id: botUser }
  return [
    {
      name: "a text, flat as live traffic has it",
      delivery: signed(botBodies.flatText()),
      expect: {
        status: 200,
        keep: true,
        messages: [
          {
            kind: "message",
            platformMessageId: "message.text.received:2d758cb5e222177a4e35",
            conversation: direct,
            text: "Xin chào công an phường",
            sentAt: 1750316131602
          }
        ],
        unsupported: 0
      }
    },
    {
      name: "a text wrapped in ok and result, as the docs have it",
      delivery: signed(botBodies.wrappedText()),
      expect: {
        messages: [{ platformMessageId: "message.text.received:2d758cb5e222177a4e36", text: "Báo tin trộm xe" }]
      }
    },
    {
      name: "an image as photo_url with a caption",
      delivery: signed(botBodies.photoUrl()),
      expect: {
        messages: [
          {
            text: "Ảnh hiện trường",
            attachments: [{ _tag: "Media", media: "image", url: "https://f.zalo.example/bot/p1.jpg" }]
          }
        ]
      }
    },
    {
      name: "an image as photo",
      delivery: signed(botBodies.photo()),
      expect: { messages: [{ attachments: [{ _tag: "Media", url: "https://f.zalo.example/bot/p2.jpg" }] }] }
    },
    {
      name: "an image as photos, dated in seconds",
      delivery: signed(botBodies.photos()),
      expect: { messages: [{ sentAt: 1750316134000, attachments: [{ url: "https://f.zalo.example/bot/p3.jpg" }] }] }
    },
    {
      name: "a sticker with a url",
      delivery: signed(botBodies.sticker()),
      expect: { messages: [{ attachments: [{ _tag: "Media", media: "sticker" }] }] }
    },
    {
      name: "a sticker by id alone",
      delivery: signed(botBodies.stickerString()),
      expect: { messages: [{ attachments: [] }] }
    },
    {
      name: "a protected sender's message: kept without content, the delivery a dead letter",
      delivery: signed(botBodies.protected()),
      expect: {
        status: 200,
        keep: true,
        messages: [{ kind: "message", conversation: direct, attachments: [] }],
        unsupported: 1
      }
    },
    {
      name: "a protected sender's update without a message, kept",
      delivery: signed(botBodies.protectedBare()),
      expect: { keep: true, messages: [], unsupported: 1 }
    },
    {
      name: "a sender named by first_name in an individual chat",
      delivery: signed(botBodies.otherNames()),
      expect: { messages: [{ conversation: direct, text: "Tên khác" }] }
    },
    {
      name: "a group chat, which the bot does not take by default, kept",
      delivery: signed(botBodies.group()),
      expect: { keep: true, messages: [], unsupported: 1 }
    },
    {
      name: "a list of updates",
      delivery: signed(botBodies.list()),
      expect: { messages: [{ text: "Một" }, { text: "Hai" }] }
    },
    {
      name: "a follow",
      delivery: signed(botBodies.follow()),
      expect: { messages: [{ kind: "follow", conversation: direct }] }
    },
    {
      name: "the console's test button, answered and not kept",
      delivery: signed(botBodies.test()),
      expect: { status: 200, keep: false }
    },
    {
      name: "an unknown message event, kept",
      delivery: signed(botBodies.unknown()),
      expect: { keep: true, unsupported: 1 }
    },
    {
      name: "an unknown event, kept",
      delivery: signed(botBodies.weird()),
      expect: { keep: true, messages: [], unsupported: 1 }
    },
    {
      name: "a body that is not JSON",
      delivery: ZaloBot.delivery(secretToken, '{"event_name":'),
      expect: { error: "bad_request" }
    },
    {
      name: "a wrong secret token",
      delivery: ZaloBot.delivery(Redacted.make("bot-secret-guessed1"), botBodies.flatText()),
      expect: { error: "bad_signature" }
    },
    { name: "a GET", delivery: { ...signed(botBodies.flatText()), method: "GET" }, expect: { error: "bad_request" } }
  ]
}

const reply = (fields: Partial<ConstructorParameters<typeof Channel.OutboundMessage>[0]> = {}) =>
  new Channel.OutboundMessage({
    key: "ack:T-0002",
    channel: botChannel,
    conversation: InboundMessage.direct(botUser),
    text: "Công an phường đã nhận tin báo, mã NINHTIEN-2025-0002.",
    ...fields
  })

const path = `/bot${Redacted.value(botToken)}/sendMessage`
const ok = (id: string) => ({ status: 200, body: { ok: true, result: { message_id: id, date: 1750316200000 } } })
const refused = (code: number, status = 200) => ({ status, body: { ok: false, error_code: code, description: "no" } })

export const botOutgoingCases: Array<ChannelSuite.OutgoingCase> = [
  {
    name: "a reply to the user's chat",
    message: reply(),
    responses: [ok("bot-out-0001")],
    expect: {
      id: "bot-out-0001",
      requests: [
        {
          method: "POST",
          path,
          body: { chat_id: botUser, text: "Công an phường đã nhận tin báo, mã NINHTIEN-2025-0002." }
        }
      ]
    }
  },
  {
    name: "a long reply in two parts",
    message: reply({ key: "long:b", text: "Nội dung dài. ".repeat(200) }),
    responses: [ok("bot-out-0002"), ok("bot-out-0003")],
    expect: { id: "bot-out-0002", requests: [{ path }, { path }] }
  },
  {
    name: "a 401 says the bot's token was refused, not retried",
    message: reply(),
    responses: [refused(401, 401)],
    expect: { requests: [{ path }], error: "permanent", retryable: false }
  },
  {
    name: "a user who blocked the bot",
    message: reply(),
    responses: [refused(403)],
    expect: { requests: [{ path }], error: "recipient_unavailable", retryable: false }
  },
  {
    name: "too many requests",
    message: reply(),
    responses: [refused(429, 429)],
    expect: { requests: [{ path }], error: "rate_limited", retryable: true }
  },
  {
    name: "a bad request",
    message: reply(),
    responses: [refused(400, 400)],
    expect: { requests: [{ path }], error: "permanent", retryable: false }
  },
  {
    name: "a server error",
    message: reply(),
    responses: [{ status: 502, body: "bad gateway" }],
    expect: { requests: [{ path }], error: "transient", retryable: true }
  },
  {
    name: "a dropped connection",
    message: reply(),
    responses: [{ drop: true }],
    expect: { requests: [{ path }], error: "transient", retryable: true }
  }
]
