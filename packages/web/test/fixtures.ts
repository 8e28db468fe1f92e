/**
 * Sample web form bodies, one per kind of event (the JSON files under `fixtures/` hold the same), the made-up
 * identities they use (`reporter` sends all but the echo, which `officer` sends), and a handshake builder.
 */
import type { Channel } from "@tinbao/core"
import type { WebFormChannel } from "@tinbao/web"

type Body = WebFormChannel.Body

export const reporter = { id: "wf-user-5f3a9c1e77", name: "Trần Thị Mai" } as const

export const officer = { id: "wf-staff-0b7d2e41", name: "Cán bộ trực ban Phường Hoa Lư" } as const

// A direct conversation is the reporter's own: their events name no other conversation.
const direct = { sender: reporter }

export const bodies = {
  text: (): Body => ({
    events: [
      {
        type: "message",
        id: "wf-msg-0001",
        ...direct,
        text: "Báo tin: có đối tượng lạ đột nhập nhà số 12 ngõ 5, phố Lê Hồng Phong",
        time: 1735718400123
      }
    ]
  }),
  imageWithLocation: (): Body => ({
    events: [
      {
        type: "message",
        id: "wf-msg-0002",
        ...direct,
        text: "Ảnh biển số xe máy",
        attachments: [
          { type: "image", url: "https://cdn.example.vn/tinbao/a1.jpg", name: "bien-so.jpg", size: 245760 },
          { type: "link", url: "https://maps.example.vn/p/19.25,105.97", title: "Vị trí" }
        ],
        time: "1735718460"
      },
      {
        type: "message",
        id: "wf-msg-0003",
        ...direct,
        location: { latitude: 20.2506, longitude: 105.9745 },
        time: "2025-01-01T08:01:30.000Z"
      }
    ]
  }),
  group: (): Body => ({
    events: [
      {
        type: "message",
        id: "wf-msg-0004",
        conversation: "wf-group-tdp3",
        group: true,
        sender: reporter,
        text: "Tổ dân phố 3 báo có cháy nhỏ ở chợ",
        time: 1735718600000
      }
    ]
  }),
  follow: (): Body => ({ events: [{ type: "follow", id: "wf-evt-0005", ...direct, time: 1735718000 }] }),
  receipt: (): Body => ({
    events: [{ type: "delivery", id: "wf-rcpt-0006", ...direct, replyTo: "wf-out-0042", time: 1735718700000 }]
  }),
  echo: (): Body => ({
    events: [
      {
        type: "echo",
        id: "wf-out-0042",
        conversation: reporter.id,
        sender: officer,
        text: "Công an phường đã nhận tin báo, mã TB-2025-0001.",
        time: 1735718650000
      }
    ]
  }),
  unknown: (): Body => ({
    events: [
      { type: "poll", id: "wf-evt-0007", ...direct, question: "Bạn có hài lòng?", time: 1735718800000 },
      { type: "message", id: "wf-msg-0008", ...direct, text: "Cảm ơn các anh", time: 1735718801000 }
    ]
  }),
  postback: (): Body => ({
    events: [{ type: "postback", id: "wf-btn-0009", ...direct, text: "Gửi tin báo", time: 1735718900000 }]
  })
} as const

/** A GET handshake delivery: `?challenge=<challenge>&verify=<verify>`. */
export const handshake = (challenge: string, verify: string, path = "/webhooks/web"): Channel.RawDelivery => ({
  method: "GET",
  url: `${path}?${new URLSearchParams({ challenge, verify }).toString()}`,
  headers: {},
  body: new Uint8Array(0)
})
