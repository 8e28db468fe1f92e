/**
 * The web form's conformance cases for the channel suite: each sample body and the handshake in, and the site's
 * answers to a reply out, with what should come of them. Deliveries are signed when the cases are built.
 */
import { Channel, InboundMessage } from "@tinbao/core"
import type { FakePlatform } from "@tinbao/testkit"
import type { ChannelSuite } from "@tinbao/testkit/vitest"
import { WebFormChannel } from "@tinbao/web"
import { Redacted } from "effect"
import { bodies, handshake, reporter } from "./fixtures.js"

type IncomingCase = ChannelSuite.IncomingCase
type OutgoingCase = ChannelSuite.OutgoingCase
const { delivery } = WebFormChannel

/** Where the cases expect replies: the adapter's `endpoint` is the platform URL plus this path. */
export const repliesPath = "/api/tinbao/replies"

// The reporter's conversation is the reporter: its id is theirs.
const direct = { kind: "direct", id: reporter.id } as const

/** Every sample body, handshakes right and wrong, a replay and a wrong content type, signed now. */
export const incomingCases = (
  secret: Redacted.Redacted<string>,
  verifyToken: Redacted.Redacted<string>
): ReadonlyArray<IncomingCase> => {
  const signed = (body: keyof typeof bodies) => delivery(secret, bodies[body]())
  return [
    {
      name: "a text message",
      delivery: signed("text"),
      expect: {
        status: 200,
        keep: true,
        unsupported: 0,
        messages: [{ kind: "message", platformMessageId: "wf-msg-0001", conversation: direct, sentAt: 1735718400123 }]
      }
    },
    {
      name: "an image, a link and a location in one batch, with times in seconds and ISO",
      delivery: signed("imageWithLocation"),
      expect: {
        messages: [
          {
            text: "Ảnh biển số xe máy",
            sentAt: 1735718460000,
            attachments: [
              { _tag: "Media", media: "image", url: "https://cdn.example.vn/tinbao/a1.jpg", size: 245760 },
              { _tag: "Link", title: "Vị trí" }
            ]
          },
          { sentAt: Date.parse("2025-01-01T08:01:30Z"), attachments: [{ _tag: "Location", latitude: 20.2506 }] }
        ]
      }
    },
    {
      name: "a group message",
      delivery: signed("group"),
      expect: { messages: [{ kind: "message", conversation: { kind: "group", id: "wf-group-tdp3" } }] }
    },
    { name: "a follow", delivery: signed("follow"), expect: { messages: [{ kind: "follow", sentAt: 1735718000000 }] } },
    {
      name: "a delivery receipt",
      delivery: signed("receipt"),
      nature: "receipt",
      expect: { messages: [{ kind: "delivery", replyTo: "wf-out-0042" }] }
    },
    {
      name: "an echo of our reply",
      delivery: signed("echo"),
      nature: "echo",
      expect: { messages: [{ kind: "echo", conversation: direct }] }
    },
    {
      name: "an unknown event type beside a message",
      delivery: signed("unknown"),
      expect: { status: 200, unsupported: 1, messages: [{ kind: "message", platformMessageId: "wf-msg-0008" }] }
    },
    {
      name: "a button press",
      delivery: signed("postback"),
      expect: { messages: [{ kind: "postback", text: "Gửi tin báo" }] }
    },
    {
      name: "a handshake",
      delivery: handshake("1158201444", Redacted.value(verifyToken)),
      expect: { status: 200, body: "1158201444", keep: false, messages: [] }
    },
    {
      name: "a handshake with a wrong token is forbidden",
      delivery: handshake("1158201444", "wf-verify-guess"),
      expect: { error: "forbidden" }
    },
    {
      name: "a direct message naming someone else's conversation",
      delivery: delivery(secret, { events: [{ ...bodies.text().events[0], conversation: "wf-user-other-9d1e" }] }),
      expect: { error: "bad_request" }
    },
    {
      name: "a delivery signed six minutes ago",
      delivery: delivery(secret, bodies.text(), { timestamp: Math.floor(Date.now() / 1000) - 360 }),
      expect: { error: "bad_signature" }
    },
    {
      name: "a form-encoded body",
      delivery: delivery(secret, bodies.text(), { headers: { "content-type": "application/x-www-form-urlencoded" } }),
      expect: { error: "bad_request" }
    }
  ]
}

/** The acknowledgement a unit sends the reporter of the sample text message. */
export const reply = new Channel.OutboundMessage({
  key: "ack-TB-2025-0001",
  channel: "web:congan-ninhbinh",
  conversation: InboundMessage.direct(reporter.id),
  text: "Công an phường đã nhận tin báo của bạn, mã TB-2025-0001.",
  replyTo: "wf-msg-0001"
})

const groupReply = new Channel.OutboundMessage({
  ...reply,
  key: "ack-TB-2025-0002",
  conversation: { kind: "group", id: "wf-group-tdp3" }
})

const post = { method: "POST", path: repliesPath }

const refused = (
  name: string,
  response: FakePlatform.Response,
  error: Channel.Reason,
  retryable: boolean
): OutgoingCase => ({
  name,
  message: reply,
  responses: [response],
  expect: { requests: [post], error, retryable }
})

/** A reply, to a reporter and to a group, and each way the site can refuse it. */
export const outgoingCases: ReadonlyArray<OutgoingCase> = [
  {
    name: "a reply is posted signed, with its idempotency key, and its id returned",
    message: reply,
    responses: [{ status: 201, body: { id: "wf-out-0100" } }],
    expect: {
      id: "wf-out-0100",
      requests: [
        {
          ...post,
          headers: ["x-tinbao-signature", "x-tinbao-timestamp", "idempotency-key", "content-type"],
          body: { key: reply.key, conversation: reporter.id, group: false, replyTo: "wf-msg-0001" }
        }
      ]
    }
  },
  {
    name: "a reply to a group",
    message: groupReply,
    responses: [{ status: 200, body: { id: "wf-out-0101" } }],
    expect: { id: "wf-out-0101", requests: [{ ...post, body: { conversation: "wf-group-tdp3", group: true } }] }
  },
  refused("a 429 is rate_limited", { status: 429, body: { error: "slow_down" } }, "rate_limited", true),
  refused("a 401 is token_expired", { status: 401 }, "token_expired", true),
  refused("a 403 outside the window", { status: 403, body: { error: "outside_window" } }, "outside_window", false),
  refused("any other 403 is permanent", { status: 403, body: { error: "forbidden" } }, "permanent", false),
  refused("a 404 is recipient_unavailable", { status: 404 }, "recipient_unavailable", false),
  refused("a 410 is recipient_unavailable", { status: 410, body: "gone" }, "recipient_unavailable", false),
  refused("a 503 is transient", { status: 503 }, "transient", true),
  refused("a dropped connection is transient", { drop: true }, "transient", true),
  refused("a 422 is permanent", { status: 422, body: { error: "invalid_text" } }, "permanent", false),
  refused("a 200 without an id is permanent", { status: 200, body: { ok: true } }, "permanent", false),
  refused(
    "a redirect is not followed",
    { status: 307, headers: { location: "https://elsewhere.example/" } },
    "permanent",
    false
  )
]
