/**
 * Meta's Graph API errors (`{"error":{"message","type","code","error_subcode","fbtrace_id"}}`, usually with HTTP
 * 400, 403 or 500) and what each means for a reply, in words an officer reading the outbox understands.
 *
 * @internal
 */
import { type Channel, ChannelCheck, ChannelHttp } from "@tinbao/core"
import { Option } from "effect"

/**
 * The codes of platforms.md §5.8, by `"<code>"` or `"<code>/<subcode>"`. `token_expired` stands for "Meta refuses
 * the page's token" (190): a page token has no refresh flow, so the sender marks the page `reconnect` and fails the
 * reply `permanent`; the dispatcher never sees `token_expired`. Code 10 without a subcode is a permission refusal,
 * but the Send API gives it, with 2018xxx subcodes, for a message outside the window: either way a retry cannot
 * help, and the window is what an officer can act on. For a private reply, 10900 means the one reply a comment
 * allows is spent and 10903 that the commenter cannot get one (7 days passed, or their settings): both are the
 * window closing, not a fault. 10904 (the page turned messaging off) needs an administrator: `permanent`.
 *
 * @internal
 */
export const defaultCodes: Readonly<Record<string, Channel.Reason>> = {
  "190": "token_expired",
  "10": "outside_window",
  "10/2018278": "outside_window",
  "10/2018065": "outside_window",
  "10/2018108": "outside_window",
  "10900": "outside_window",
  "10903": "outside_window",
  "10904": "permanent",
  "200": "permanent",
  "230": "permanent",
  "551": "recipient_unavailable",
  "100/2018001": "recipient_unavailable",
  "4": "rate_limited",
  "17": "rate_limited",
  "32": "rate_limited",
  "613": "rate_limited",
  "1": "transient",
  "2": "transient",
  "1200": "transient",
  "100": "permanent",
  "368": "permanent"
}

/** What each reason means to the officer reading the outbox, Vietnamese first. @internal */
export const describe: { readonly [R in Channel.Reason]: string } = {
  bad_signature: "chữ ký không hợp lệ / bad signature",
  forbidden: "không được phép / forbidden",
  bad_request: "yêu cầu không hợp lệ / bad request",
  unsupported_event: "sự kiện không hỗ trợ / unsupported event",
  rate_limited: "Facebook giới hạn tần suất gửi, sẽ thử lại / Facebook's rate limit, retried later",
  token_expired: "Facebook từ chối mã truy cập của trang / Facebook refused the page's access token",
  outside_window:
    "đã hết thời hạn Facebook cho phép trả lời người này / Facebook's window for replying to this person has closed",
  recipient_unavailable:
    "người này hiện không nhận được tin nhắn (đã chặn trang hoặc khóa tài khoản) / the person cannot receive " +
    "messages now (they blocked the page or deactivated their account)",
  transient: "lỗi tạm thời, sẽ thử lại / a temporary failure, retried later",
  permanent: "Facebook từ chối tin nhắn / Facebook refused the message"
}

// Codes whose meaning is more precise than their reason's.
const explained: Readonly<Record<string, string>> = {
  "10900":
    "bình luận này đã được trả lời riêng; Facebook chỉ cho một tin trả lời riêng mỗi bình luận / this comment " +
    "already had its private reply: Facebook allows one per comment",
  "10903":
    "người bình luận không nhận được tin trả lời riêng (quá 7 ngày hoặc do cài đặt của họ) / the commenter cannot " +
    "get a private reply (over 7 days, or their settings)",
  "10904": "trang đã tắt nhắn tin trong phần cài đặt / the page has messaging turned off in its settings",
  "200":
    "ứng dụng thiếu quyền (pages_messaging, hoặc pages_manage_engagement để trả lời công khai) / the app lacks " +
    "a permission (pages_messaging, or pages_manage_engagement for a public reply)",
  "230": "người này không cho phép trang nhắn tin / the person does not let the page message them",
  "368":
    "Facebook coi hành động này là lạm dụng hoặc không được phép / Facebook deems the action abusive or disallowed",
  "100": "tham số không hợp lệ / a parameter Facebook does not accept"
}

// A trace id helps Meta's support find the call; anything else in its place is left out.
const traceOf = (value: unknown) =>
  typeof value === "string" && /^[\w-]{1,64}$/.test(value) ? ` (fbtrace_id ${value})` : ""

/**
 * The error of a Graph API answer that is not a success: its reason from `codes` (the `"<code>/<subcode>"` entry
 * first), the status's when there is no code, `transient` for an unknown code with a 5xx and `permanent` for any
 * other. The message names the call, the code and Meta's trace id, never Meta's own message, which may quote the
 * request. `undefined` for a 2xx without an error.
 *
 * @internal
 */
export const refusal = (
  channel: string,
  codes: Readonly<Record<string, Channel.Reason>>,
  what: string,
  answer: ChannelHttp.Answer
): Channel.ChannelError | undefined => {
  const { status, json } = answer
  const ok = status >= 200 && status < 300
  const error = Option.getOrUndefined(ChannelCheck.jsonObject(json.error))
  if (error === undefined) {
    return ok
      ? undefined
      : ChannelHttp.failure(
          channel,
          ChannelHttp.reasonOfStatus(status),
          `${what}: Facebook answered HTTP ${status}`,
          String(status)
        )
  }
  const code = ChannelHttp.codeOf(error.code)
  if (code === undefined) {
    const reason = ok ? "permanent" : ChannelHttp.reasonOfStatus(status)
    return ChannelHttp.failure(channel, reason, `${what}: Facebook answered HTTP ${status} with an error of no code`)
  }
  const subcode = ChannelHttp.codeOf(error.error_subcode)
  const key = subcode === undefined ? String(code) : `${code}/${subcode}`
  const reason =
    codes[key] ?? codes[String(code)] ?? (status >= 500 ? "transient" : ("permanent" satisfies Channel.Reason))
  const meaning = explained[key] ?? explained[String(code)] ?? describe[reason]
  return ChannelHttp.failure(
    channel,
    reason,
    `${what}: Facebook refused it with code ${key}${traceOf(error.fbtrace_id)}: ${meaning}`,
    key
  )
}
