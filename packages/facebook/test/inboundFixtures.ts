/**
 * Meta's deliveries, one per kind of event, after platforms.md §6 and §8 (made-up ids and values), and the
 * identities they use. `pageA` is the ward whose posts are commented on; `pageB` sends the echoes: the channel suite
 * counts an echo's sender (the page) among the identities it watches, and every post id holds its page's id.
 */
export const pageA = "1048576001"
export const pageB = "2097152017"
export const user = "67123456789"
export const otherUser = "58230017746"
export const commenter = "77889900112"
export const commenterName = "Nguyễn Văn Thượng"
export const olderCommenter = 88990011223
export const olderCommenterName = "Lê Thị Xuân Hoà"
export const post = `${pageA}_1221316769`
export const cdn = "http://127.0.0.1:9/cdn"

/** 2025-01-01 23:59:58 in Asia/Ho_Chi_Minh (16:59:58 UTC), in seconds. */
export const lateSeconds = 1735750798

const batch = <E extends ReadonlyArray<unknown>>(...entry: E) => ({ object: "page", entry })

const messaging = <E extends ReadonlyArray<unknown>>(page: string, time: number, ...events: E) => ({
  id: page,
  time,
  messaging: events
})

const changes = <V>(page: string, time: number, ...values: ReadonlyArray<V>) => ({
  id: page,
  time,
  changes: values.map((value) => ({ field: "feed", value }))
})

const from = <M>(message: M, timestamp = 1735718400123, sender = user) => ({
  sender: { id: sender },
  recipient: { id: pageA },
  timestamp,
  message
})

const attached = (mid: string, ...attachments: ReadonlyArray<object>) => from({ mid, attachments })

const comment = <V>(value: V) => ({
  item: "comment",
  verb: "add",
  post_id: post,
  comment_id: "1221316769_1213590066",
  parent_id: post,
  from: { id: commenter, name: commenterName },
  message: "Có vụ trộm xe ở đường Lê Lợi tối qua",
  created_time: 1735718598,
  post: { id: post, status_type: "mobile_status_update", is_published: true },
  ...value
})

export const bodies = {
  /** §6: a text and an image in one batch. */
  textAndImage: () =>
    batch(
      messaging(
        pageA,
        1735718400500,
        from({ mid: "m_AbC123xyz", text: "Tôi muốn báo tin về ma túy ở chợ" }),
        attached("m_DeF456uvw", { type: "image", payload: { url: `${cdn}/x.jpg` } })
      )
    ),
  /** §6: a button pressed. */
  postback: () =>
    batch(
      messaging(pageA, 1735718500000, {
        sender: { id: user },
        recipient: { id: pageA },
        timestamp: 1735718499500,
        postback: { title: "Gửi tin báo", payload: "START_TIP", mid: "m_JkL012" }
      })
    ),
  quickReply: () =>
    batch(
      messaging(
        pageA,
        1735718400500,
        from({ mid: "m_Qr0001", text: "Ma túy", quick_reply: { payload: "CATEGORY_DRUGS" } })
      )
    ),
  quoting: () =>
    batch(
      messaging(
        pageA,
        1735718400500,
        from({ mid: "m_Rt0002", text: "Bổ sung thêm", reply_to: { mid: "m_AbC123xyz", is_self_reply: true } })
      )
    ),
  media: () =>
    batch(
      messaging(
        pageA,
        1735718400500,
        attached(
          "m_Md0003",
          { type: "video", payload: { url: `${cdn}/clip.mp4` } },
          { type: "audio", payload: { url: `${cdn}/voice.mp4` } },
          { type: "file", payload: { url: `${cdn}/bien-ban.pdf` } },
          { type: "image", payload: { url: `${cdn}/like.png`, sticker_id: 369239263222822 } }
        )
      )
    ),
  fallbacks: () =>
    batch(
      messaging(
        pageA,
        1735718400500,
        attached(
          "m_Fb0004",
          { type: "fallback", payload: null, title: "Vụ việc", url: `${cdn}/tin/vu-viec` },
          { type: "fallback", payload: "", URL: `${cdn}/tin/khac` },
          { type: "fallback", payload: { url: `${cdn}/tin/ben-trong`, title: "Bên trong" } }
        )
      )
    ),
  locations: () =>
    batch(
      messaging(
        pageA,
        1735718400500,
        attached(
          "m_Lc0005",
          { type: "location", title: "Pinned", payload: { coordinates: { lat: 20.2506, long: 105.9745 } } },
          { type: "location", payload: { coordinates: { lat: "20.2507", long: "105.9746" } } }
        )
      )
    ),
  shared: () =>
    batch(
      messaging(
        pageA,
        1735718400500,
        attached(
          "m_Sh0006",
          { type: "reel", payload: { url: `${cdn}/reel/r1`, reel_video_id: 1 } },
          { type: "ig_post", payload: { url: `${cdn}/ig/p2`, title: "Bài đăng" } }
        )
      )
    ),
  /** A text with attachments tinbao cannot read: the text is taken and the attachments noted. */
  unreadableAttachments: () =>
    batch(
      messaging(
        pageA,
        1735718400500,
        from({
          mid: "m_Un0007",
          text: "Kèm tệp lạ",
          attachments: [
            { type: "appointment_booking", payload: {} },
            { type: "post", payload: { title: "không có đường dẫn" } },
            { type: "image", payload: {} },
            { type: "location", payload: { coordinates: { lat: 200, long: 105.9745 } } }
          ]
        })
      )
    ),
  /** Older bodies write ids as numbers. */
  numericIds: () =>
    batch({
      id: Number(pageA),
      time: 1735718400500,
      messaging: [
        {
          sender: { id: Number(user) },
          recipient: { id: Number(pageA) },
          timestamp: 1735718400999,
          message: { mid: "mid.1457764197618:41d102a3e1ae206a38", text: "Id dạng số" }
        }
      ]
    }),
  echo: () =>
    batch(
      messaging(pageB, 1735718700500, {
        sender: { id: pageB },
        recipient: { id: user },
        timestamp: 1735718700123,
        message: {
          is_echo: true,
          app_id: Number("1234567890123456789"),
          metadata: "ack",
          mid: "m_Ec0008",
          text: "Công an phường đã nhận tin"
        }
      })
    ),
  delivered: () =>
    batch(
      messaging(pageA, 1735718800500, {
        sender: { id: user },
        recipient: { id: pageA },
        delivery: { mids: ["m_Out0001", "m_Out0002", "m_Out0001"], watermark: 1735718800000 }
      })
    ),
  deliveredWithoutMids: () =>
    batch({
      id: pageA,
      messaging: [{ sender: { id: user }, recipient: { id: pageA }, delivery: { watermark: "1735718800000" } }]
    }),
  read: () =>
    batch(
      messaging(pageA, 1735718900500, {
        sender: { id: user },
        recipient: { id: pageA },
        timestamp: 1735718900123,
        read: { watermark: 1735718899000 }
      })
    ),
  /** §6: a comment under the page's post. */
  comment: () => batch(changes(pageA, 1735718600, comment({}))),
  reply: () =>
    batch(
      changes(
        pageA,
        1735718700,
        comment({
          comment_id: "1221316769_1213590077",
          parent_id: "1221316769_1213590066",
          message: "Tôi cũng thấy",
          created_time: 1735718699
        })
      )
    ),
  edited: () =>
    batch(
      changes(pageA, 1735718800, comment({ verb: "edited", message: "Có vụ trộm xe máy", created_time: 1735718790 }))
    ),
  removed: () =>
    batch(
      changes(pageA, 1735718900, {
        item: "comment",
        verb: "remove",
        post_id: post,
        comment_id: "1221316769_1213590066",
        parent_id: post,
        from: { id: commenter, name: commenterName }
      })
    ),
  hidden: () => batch(changes(pageA, 1735719000, comment({ verb: "hide", created_time: 1735718999 }))),
  unhidden: () => batch(changes(pageA, 1735719100, comment({ verb: "unhide", created_time: 1735719099 }))),
  olderComment: () =>
    batch(
      changes(
        pageA,
        1735718600,
        comment({
          from: undefined,
          sender_id: olderCommenter,
          sender_name: olderCommenterName,
          comment_id: "1221316769_1213590088"
        })
      )
    ),
  commentWithPhoto: () =>
    batch(
      changes(
        pageA,
        1735718600,
        comment({ comment_id: "1221316769_1213590099", message: "Ảnh hiện trường", photo: `${cdn}/hien-truong.jpg` })
      )
    ),
  /** The page's own comment: an echo. */
  ownComment: () =>
    batch(
      changes(
        pageA,
        1735718600,
        comment({ comment_id: "1221316769_1213590111", from: { id: pageA, name: "Công an phường Đông Thành" } })
      )
    ),
  /** Feed entries time in ms in one library's fixture, while created_time is seconds. */
  commentWithEntryMillis: () =>
    batch(changes(pageA, 1735718600000, comment({ comment_id: "1221316769_1213590122", created_time: 1735718598 }))),
  postItem: () =>
    batch(
      changes(pageA, 1735718600, {
        item: "status",
        verb: "add",
        post_id: post,
        from: { id: pageA },
        message: "Thông báo của phường",
        created_time: 1735718598
      }),
      changes(pageA, 1735718601, { item: "reaction", verb: "add", post_id: post, reaction_type: "like" })
    ),
  unknownItem: () => batch(changes(pageA, 1735718600, { item: "crosspost", verb: "add", post_id: post })),
  unknownField: () => batch({ id: pageA, time: 1735718600, changes: [{ field: "ratings", value: { rating: 5 } }] }),
  unknownVerb: () => batch(changes(pageA, 1735718600, comment({ verb: "block" }))),
  unknownEvent: () =>
    batch(
      messaging(pageA, 1735718400500, {
        sender: { id: user },
        recipient: { id: pageA },
        timestamp: 1735718400123,
        reaction: { mid: "m_AbC123xyz", action: "react", reaction: "love" }
      })
    ),
  standby: () =>
    batch({
      id: pageA,
      time: 1735718400500,
      standby: [from({ mid: "m_Sb0009", text: "Cho ứng dụng khác" })]
    }),
  /** The dashboard's Test button. */
  testButton: () => batch(changes("0", 1735718600, comment({ post_id: "44444444_444", comment_id: "444" }))),
  otherPage: () => batch(messaging("3145728999", 1735718400500, from({ mid: "m_Op0010", text: "Trang khác" }))),
  instagram: () => ({ object: "instagram", entry: [messaging(pageA, 1735718400500, from({ mid: "m_Ig0011" }))] }),
  /** A batch mixing messages, a postback, an echo (of the other page) and comments. */
  mixed: () =>
    batch(
      messaging(
        pageA,
        1735718400500,
        from({ mid: "m_Mx0001", text: "Tin thứ nhất" }),
        {
          sender: { id: otherUser },
          recipient: { id: pageA },
          timestamp: 1735718400600,
          postback: { title: "Gửi tin báo", payload: "START_TIP", mid: "m_Mx0002" }
        },
        from({ mid: "m_Mx0003", text: "Tin của người khác" }, 1735718400700, otherUser)
      ),
      messaging(pageB, 1735718400800, {
        sender: { id: pageB },
        recipient: { id: otherUser },
        timestamp: 1735718400750,
        message: { is_echo: true, mid: "m_Mx0004", text: "Đã nhận" }
      }),
      changes(pageA, 1735718601, comment({}), comment({ verb: "hide", created_time: 1735718600 }))
    ),
  /** A malformed event in a batch: it is described, the others decoded. */
  oneMalformed: () =>
    batch(
      messaging(
        pageA,
        1735718400500,
        from({ mid: "m_Ok0001", text: "Tin tốt" }),
        { sender: { id: { nested: true } }, recipient: { id: pageA }, timestamp: 1735718400600, message: {} },
        "not an event",
        from({ mid: "m_Ok0002", text: "Tin tốt nữa" }, 1735718400700)
      ),
      changes(pageA, 1735718601, comment({ comment_id: undefined }))
    ),
  /** The same instant: a Messenger timestamp in ms, a comment's created_time in seconds. */
  lateMillis: () =>
    batch(
      messaging(pageA, lateSeconds * 1000 + 500, from({ mid: "m_Late01", text: "Gần nửa đêm" }, lateSeconds * 1000))
    ),
  lateSeconds: () =>
    batch(changes(pageA, lateSeconds + 1, comment({ comment_id: "1221316769_1213590133", created_time: lateSeconds })))
}

/**
 * A body as Meta writes it: non-ASCII escaped (`\u00e1`), the way its signature covers it.
 */
export const escaped = (body: object): string =>
  JSON.stringify(body).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)

/** A sender id written as a JSON number too large to read exactly (JSON.stringify cannot write one). */
export const hugeSenderId = (): string =>
  JSON.stringify(bodies.textAndImage()).replace(`"id":"${user}"`, '"id":12345678901234567890')
