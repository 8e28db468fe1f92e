/**
 * Zalo OA deliveries, one per kind of event, after platforms.md §6 and §8 (made-up ids and values), and the
 * identities they use: `user` writes 1:1, `member` in the OA group, the OA echoes its own messages.
 */
export const appId = "348217821659"
export const oa = "207145032978"
export const user = "843009701254"
export const member = "771230045918"
export const group = "612389004551"
export const at = "1735718400123"

const from = (event_name: string, message: object, timestamp: string | number = at) => ({
  app_id: appId,
  user_id_by_app: "551104692735",
  event_name,
  timestamp,
  sender: { id: user },
  recipient: { id: oa },
  message
})

const inGroup = (event_name: string, message: object) => ({
  app_id: appId,
  user_id_by_app: "551104692735",
  event_name,
  timestamp: "1735718600000",
  sender: { id: member },
  recipient: { id: group },
  message
})

const media = (type: string, payload: object) => ({ attachments: [{ type, payload }] })

export const cdn = "https://f.zalo.example"

export const bodies = {
  text: () =>
    from("user_send_text", { msg_id: "b9f1c3a0d8e2", text: "Báo tin: có đối tượng lạ đột nhập nhà số 12 ngõ 5" }),
  image: () =>
    from("user_send_image", {
      msg_id: "c01a9e",
      text: "ảnh biển số xe",
      ...media("image", { url: `${cdn}/a.jpg`, thumbnail: `${cdn}/a_t.jpg` })
    }),
  location: () =>
    from("user_send_location", {
      msg_id: "d02b7f",
      text: "Chợ Rồng, Ninh Bình",
      ...media("location", { coordinates: { latitude: "20.2506", longitude: "105.9745" } })
    }),
  link: () =>
    from("user_send_link", {
      msg_id: "d03c01",
      ...media("link", { url: "https://news.example/vu-viec", title: "Vụ việc" })
    }),
  audio: () => from("user_send_audio", { msg_id: "d04d02", ...media("audio", { url: `${cdn}/voice.aac` }) }),
  video: () =>
    from("user_send_video", {
      msg_id: "d05e03",
      ...media("video", { url: `${cdn}/clip.mp4`, thumbnail: `${cdn}/clip.jpg` })
    }),
  sticker: () =>
    from("user_send_sticker", { msg_id: "d06f04", ...media("sticker", { id: "stk-11", url: `${cdn}/stk.png` }) }),
  gif: () => from("user_send_gif", { msg_id: "d07a05", ...media("gif", { url: `${cdn}/anim.gif` }) }),
  file: () =>
    from("user_send_file", {
      msg_id: "d08b06",
      ...media("file", { url: `${cdn}/bien-ban.pdf`, name: "biên bản.pdf", size: "24576", type: "pdf" })
    }),
  businessCard: () =>
    from("user_send_business_card", {
      msg_id: "d09c07",
      ...media("business_card", { thumbnail: `${cdn}/card.jpg`, description: '{"qrCodeUrl":"x"}' })
    }),
  anonymous: () => ({ ...from("anonymous_send_text", { msg_id: "a01e11", text: "Tôi không muốn lộ danh tính" }) }),
  quoted: () => from("user_send_text", { msg_id: "b9f1c3a0d8f3", text: "Trả lời mã tin", quote_msg_id: "oa-out-0042" }),
  numericTime: () => from("user_send_text", { msg_id: "b9f1c3a0d9a4", text: "Thời gian dạng số" }, 1735718400999),
  groupText: () => inGroup("user_send_group_text", { msg_id: "e03c9a", text: "Tổ dân phố 3 báo có cháy nhỏ" }),
  groupImage: () =>
    inGroup("user_send_group_image", { msg_id: "e04d9b", ...media("image", { url: `${cdn}/chay.jpg` }) }),
  groupWithId: () => ({
    ...inGroup("user_send_group_text", { msg_id: "e05e9c", text: "Tin có group_id riêng" }),
    recipient: { id: oa, group_id: group }
  }),
  follow: () => ({
    app_id: appId,
    oa_id: oa,
    event_name: "follow",
    timestamp: "1735718000000",
    source: "oa_profile",
    follower: { id: user }
  }),
  unfollow: () => ({
    app_id: appId,
    oa_id: oa,
    event_name: "unfollow",
    timestamp: "1735718100000",
    follower: { id: user }
  }),
  received: () => ({
    app_id: appId,
    event_name: "user_received_message",
    timestamp: "1735718700000",
    sender: { id: oa },
    recipient: { id: user },
    message: { msg_id: "oa-out-0042", delivery_time: "1735718699000" }
  }),
  seen: () => ({
    app_id: appId,
    event_name: "user_seen_message",
    timestamp: "1735718800000",
    sender: { id: oa },
    recipient: { id: user },
    message: { msg_ids: ["oa-out-0042", "oa-out-0043", "oa-out-0042"] }
  }),
  echo: () => ({
    app_id: appId,
    event_name: "oa_send_text",
    timestamp: "1735718650000",
    sender: { id: oa },
    recipient: { id: user },
    message: { msg_id: "oa-out-0042", text: "Công an phường đã nhận tin báo, mã TB-2025-0001." }
  }),
  groupEcho: () => ({
    app_id: appId,
    event_name: "oa_send_group_text",
    timestamp: "1735718660000",
    sender: { id: oa },
    recipient: { id: group },
    message: { msg_id: "oa-out-0050", text: "Công an phường đã ghi nhận." }
  }),
  submitInfo: () => ({
    app_id: appId,
    event_name: "user_submit_info",
    timestamp: "1735718900000",
    sender: { id: user },
    recipient: { id: oa },
    info: {
      name: "Phạm Thị Hồng Nhung",
      phone: "84912345678",
      user_dob: "01/01/1990",
      full_address: {
        user_address: "Số 7 ngõ 12 Lê Hồng Phong",
        user_ward: "Phường Đông Thành",
        user_city: "Ninh Bình"
      }
    }
  }),
  submitInfoFlat: () => ({
    app_id: appId,
    event_name: "user_submit_info",
    timestamp: 1735718900500,
    sender: { id: user },
    recipient: { id: oa },
    info: { name: "Phạm Thị Hồng Nhung", phone: 84912345678, address: "Số 7", ward: "Đông Thành", city: "Ninh Bình" }
  }),
  unknown: () => ({
    app_id: appId,
    event_name: "shop_has_order",
    timestamp: at,
    sender: { id: user },
    order: { id: "o-1" }
  }),
  lifecycle: () => ({
    app_id: appId,
    oa_id: oa,
    group_id: group,
    event_name: "user_join_group",
    timestamp: at,
    users: [{ id: member }]
  }),
  malformed: () => ({
    app_id: appId,
    event_name: "user_send_text",
    timestamp: at,
    sender: { id: { nested: true } },
    message: { text: "x" }
  }),
  unknownAttachment: () =>
    from("user_send_text", { msg_id: "f01a01", text: "Kèm tệp lạ", ...media("hologram", { url: `${cdn}/h.bin` }) })
} as const

/** A message that cannot be told apart from the text's but for the id. */
export const names = { reporterName: "Phạm Thị Hồng Nhung", phone: "84912345678" } as const
