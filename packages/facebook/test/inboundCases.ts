/**
 * The Facebook adapter's incoming cases for the channel suite: a delivery of every kind of event (Messenger and
 * the feed), the handshake, and the refusals, after platforms.md §6 and §8.
 */
import { FetchHttpClient } from "@effect/platform"
import { type Channel, Credentials } from "@tinbao/core"
import type { ChannelSuite } from "@tinbao/testkit/vitest"
import { Effect, Redacted } from "effect"
import * as Facebook from "../src/Facebook.js"
import {
  bodies,
  cdn,
  escaped,
  hugeSenderId,
  lateSeconds,
  otherUser,
  pageA,
  pageB,
  post,
  user
} from "./inboundFixtures.js"

export const appSecret = Redacted.make("fb-app-secret-Qw7Lm2Zx9")
export const verifyToken = Redacted.make("fb-verify-token-Hn4Rt8")
// Named by the ward rather than by the page's id: the page's id is the sender of its echoes, which the suite
// watches for as it watches any sender's.
export const channelA = "facebook:dong-thanh"
export const channelB = "facebook:ninh-phong"

export const config = (graphUrl: string, extra: Partial<Facebook.Config> = {}): Facebook.Config => ({
  appSecret,
  verifyToken,
  pages: [
    { pageId: pageA, id: channelA },
    { pageId: pageB, id: channelB }
  ],
  graphUrl,
  ...extra
})

export const pageTokenA = "fb-page-token-A7kq2Vd"
export const pageTokenB = "fb-page-token-B3mz8Wp"

/**
 * The app's adapters on a Graph URL, with the fetch HTTP client and memory credentials holding each page's token
 * under its channel id.
 */
export const makeAdaptersWith =
  (facebook: Pick<typeof Facebook, "make" | "connectPage">) =>
  (graphUrl = "http://127.0.0.1:9", extra: Partial<Facebook.Config> = {}) =>
    Effect.gen(function* () {
      yield* facebook.connectPage(channelA, Redacted.make(pageTokenA))
      yield* facebook.connectPage(channelB, Redacted.make(pageTokenB))
      return yield* facebook.make(config(graphUrl, extra))
    }).pipe(Effect.provide(Credentials.layerMemory), Effect.provide(FetchHttpClient.layer), Effect.orDie)

/** {@link makeAdaptersWith} the package's source (the built package's tests give it the bundle). */
export const makeAdapters = makeAdaptersWith(Facebook)

export const signed = (body: object | string, options?: Facebook.DeliveryOptions) =>
  Facebook.delivery(appSecret, body, options)

export const get = (query: string): Channel.RawDelivery => ({
  method: "GET",
  url: `/webhooks/facebook?${query}`,
  headers: {},
  body: new Uint8Array()
})

const direct = (id: string) => ({ kind: "direct" as const, id })
const onPost = { kind: "post" as const, id: post }

const kept = (
  name: string,
  body: object | string,
  messages: ReadonlyArray<ChannelSuite.MessageExpectation>,
  unsupported = 0,
  extra: Partial<ChannelSuite.IncomingCase> = {}
): ChannelSuite.IncomingCase => ({
  name,
  delivery: signed(body),
  expect: { status: 200, body: "EVENT_RECEIVED", keep: true, messages, unsupported },
  ...extra
})

export const incomingCases: Array<ChannelSuite.IncomingCase> = [
  kept("a text and an image in one batch (§6)", bodies.textAndImage(), [
    {
      kind: "message",
      platformMessageId: "m_AbC123xyz",
      conversation: direct(user),
      text: "Tôi muốn báo tin về ma túy ở chợ",
      attachments: [],
      sentAt: 1735718400123
    },
    {
      kind: "message",
      platformMessageId: "m_DeF456uvw",
      conversation: direct(user),
      attachments: [{ _tag: "Media", media: "image", url: `${cdn}/x.jpg` }],
      sentAt: 1735718400123
    }
  ]),
  kept("a postback (§6)", bodies.postback(), [
    {
      kind: "postback",
      platformMessageId: "m_JkL012",
      conversation: direct(user),
      text: "Gửi tin báo",
      sentAt: 1735718499500
    }
  ]),
  kept("a quick reply", bodies.quickReply(), [{ kind: "message", platformMessageId: "m_Qr0001", text: "Ma túy" }]),
  kept("a message quoting another", bodies.quoting(), [{ platformMessageId: "m_Rt0002", replyTo: "m_AbC123xyz" }]),
  kept("a video, a voice message, a file and a sticker", bodies.media(), [
    {
      attachments: [
        { _tag: "Media", media: "video", url: `${cdn}/clip.mp4` },
        { _tag: "Media", media: "audio", url: `${cdn}/voice.mp4` },
        { _tag: "Media", media: "file", url: `${cdn}/bien-ban.pdf` },
        { _tag: "Media", media: "sticker", url: `${cdn}/like.png` }
      ]
    }
  ]),
  kept("shared links: payload null, a string or an object, url or URL", bodies.fallbacks(), [
    {
      attachments: [
        { _tag: "Link", url: `${cdn}/tin/vu-viec`, title: "Vụ việc" },
        { _tag: "Link", url: `${cdn}/tin/khac` },
        { _tag: "Link", url: `${cdn}/tin/ben-trong`, title: "Bên trong" }
      ]
    }
  ]),
  kept("legacy locations, coordinates as numbers and strings", bodies.locations(), [
    {
      attachments: [
        { _tag: "Location", latitude: 20.2506, longitude: 105.9745 },
        { _tag: "Location", latitude: 20.2507, longitude: 105.9746 }
      ]
    }
  ]),
  kept("a shared reel and Instagram post, as links", bodies.shared(), [
    {
      attachments: [
        { _tag: "Link", url: `${cdn}/reel/r1` },
        { _tag: "Link", url: `${cdn}/ig/p2`, title: "Bài đăng" }
      ]
    }
  ]),
  kept(
    "attachments tinbao cannot read are noted, the text taken",
    bodies.unreadableAttachments(),
    [{ platformMessageId: "m_Un0007", text: "Kèm tệp lạ", attachments: [] }],
    4
  ),
  kept("ids written as JSON numbers", bodies.numericIds(), [
    {
      platformMessageId: "mid.1457764197618:41d102a3e1ae206a38",
      conversation: direct(user),
      sentAt: 1735718400999
    }
  ]),
  kept(
    "a sender id beyond 2^53 is refused, the rest of the batch taken",
    hugeSenderId(),
    [{ platformMessageId: "m_DeF456uvw" }],
    1
  ),
  kept(
    "the echo of the page's message (an app_id beyond 2^53)",
    bodies.echo(),
    [{ kind: "echo", platformMessageId: "m_Ec0008", conversation: direct(user), sentAt: 1735718700123 }],
    0,
    { nature: "echo" }
  ),
  kept(
    "a delivery receipt without a timestamp, two messages (one named twice)",
    bodies.delivered(),
    [
      { kind: "delivery", conversation: direct(user), replyTo: "m_Out0001", sentAt: 1735718800500 },
      { kind: "delivery", conversation: direct(user), replyTo: "m_Out0002", sentAt: 1735718800500 }
    ],
    0,
    { nature: "receipt" }
  ),
  kept(
    "a delivery receipt without mids or an entry time: the watermark",
    bodies.deliveredWithoutMids(),
    [{ kind: "delivery", conversation: direct(user), sentAt: 1735718800000 }],
    0,
    { nature: "receipt" }
  ),
  kept("a read receipt", bodies.read(), [{ kind: "seen", conversation: direct(user), sentAt: 1735718900123 }], 0, {
    nature: "receipt"
  }),
  kept("a comment under the page's post (§6), times in seconds", bodies.comment(), [
    {
      kind: "comment",
      platformMessageId: "1221316769_1213590066",
      conversation: onPost,
      text: "Có vụ trộm xe ở đường Lê Lợi tối qua",
      sentAt: 1735718598000
    }
  ]),
  kept("a reply to a comment names it", bodies.reply(), [
    {
      kind: "comment",
      platformMessageId: "1221316769_1213590077",
      conversation: onPost,
      replyTo: "1221316769_1213590066"
    }
  ]),
  kept("an edited comment names the comment it changes", bodies.edited(), [
    { kind: "comment", conversation: onPost, text: "Có vụ trộm xe máy", replyTo: "1221316769_1213590066" }
  ]),
  kept("a removed comment, without created_time: the entry's time", bodies.removed(), [
    { kind: "removed", conversation: onPost, replyTo: "1221316769_1213590066", sentAt: 1735718900000 }
  ]),
  kept("a hidden comment", bodies.hidden(), [{ kind: "removed", replyTo: "1221316769_1213590066" }]),
  kept("a comment shown again", bodies.unhidden(), [{ kind: "removed", replyTo: "1221316769_1213590066" }]),
  kept("an older comment: sender_id as a number and sender_name", bodies.olderComment(), [
    { kind: "comment", platformMessageId: "1221316769_1213590088" }
  ]),
  kept("a comment with a photo", bodies.commentWithPhoto(), [
    { text: "Ảnh hiện trường", attachments: [{ _tag: "Media", media: "image", url: `${cdn}/hien-truong.jpg` }] }
  ]),
  kept("a feed entry's time in ms beside created_time in seconds", bodies.commentWithEntryMillis(), [
    { sentAt: 1735718598000 }
  ]),
  kept("a status and a reaction on the feed, known and ignored", bodies.postItem(), []),
  kept("a feed item tinbao does not know, kept", bodies.unknownItem(), [], 1),
  kept("a field tinbao does not take, kept", bodies.unknownField(), [], 1),
  kept("a comment's verb tinbao does not know, kept", bodies.unknownVerb(), [], 1),
  kept("a Messenger event tinbao does not know, kept", bodies.unknownEvent(), [], 1),
  kept("standby events, kept", bodies.standby(), [], 1),
  kept("the dashboard's Test button, acknowledged and ignored", bodies.testButton(), []),
  kept("an entry for a page the app does not serve, kept", bodies.otherPage(), [], 1),
  kept("an object other than page, kept", bodies.instagram(), [], 1),
  kept("a batch mixing messages, a postback, an echo and comments", bodies.mixed(), [
    { kind: "message", platformMessageId: "m_Mx0001", conversation: direct(user) },
    { kind: "postback", platformMessageId: "m_Mx0002", conversation: direct(otherUser) },
    { kind: "message", platformMessageId: "m_Mx0003", conversation: direct(otherUser) },
    { kind: "echo", platformMessageId: "m_Mx0004", conversation: direct(otherUser) },
    { kind: "comment", platformMessageId: "1221316769_1213590066", conversation: onPost },
    { kind: "removed", replyTo: "1221316769_1213590066" }
  ]),
  kept(
    "malformed events in a batch are described, the others taken",
    bodies.oneMalformed(),
    [{ platformMessageId: "m_Ok0001" }, { platformMessageId: "m_Ok0002" }],
    3
  ),
  kept("a Messenger time in ms", bodies.lateMillis(), [{ sentAt: lateSeconds * 1000 }]),
  kept("a comment's time in seconds, the same instant", bodies.lateSeconds(), [{ sentAt: lateSeconds * 1000 }]),
  kept("a body with non-ASCII escaped, as Meta signs it", escaped(bodies.textAndImage()), [
    { text: "Tôi muốn báo tin về ma túy ở chợ" },
    { platformMessageId: "m_DeF456uvw" }
  ]),
  {
    name: "the handshake (§6): the bare challenge",
    delivery: get(`hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=${Redacted.value(verifyToken)}`),
    expect: { status: 200, body: "1158201444", keep: false }
  },
  {
    name: "the handshake with a wrong token",
    delivery: get("hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=not-the-token"),
    expect: { error: "forbidden" }
  },
  {
    name: "the handshake with another mode",
    delivery: get(`hub.mode=unsubscribe&hub.challenge=1158201444&hub.verify_token=${Redacted.value(verifyToken)}`),
    expect: { error: "forbidden" }
  },
  {
    name: "the handshake with a challenge that is not a plain token",
    delivery: get(`hub.mode=subscribe&hub.challenge=%3Cscript%3E&hub.verify_token=${Redacted.value(verifyToken)}`),
    expect: { error: "bad_request" }
  },
  {
    name: "a body re-serialised after signing",
    delivery: {
      ...signed(escaped(bodies.textAndImage())),
      body: new TextEncoder().encode(JSON.stringify(bodies.textAndImage()))
    },
    expect: { error: "bad_signature" }
  },
  {
    name: "a signed body that is not JSON",
    delivery: signed('{"object":"page","entry":['),
    expect: { error: "bad_request" }
  },
  {
    name: "only the legacy sha1 signature, not accepted unless configured",
    delivery: {
      ...signed(bodies.textAndImage()),
      headers: { "content-type": "application/json", "x-hub-signature": "sha1=0000" }
    },
    expect: { error: "bad_signature" }
  },
  {
    name: "a PUT",
    delivery: { ...signed(bodies.textAndImage()), method: "PUT" },
    expect: { error: "bad_request" }
  }
]
