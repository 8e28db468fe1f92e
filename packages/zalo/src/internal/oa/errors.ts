/**
 * Zalo OA's error codes, which arrive inside HTTP 200 answers, and what each means for a reply.
 *
 * @internal
 */
import type { Channel } from "@tinbao/core"

/**
 * The codes of platforms.md §2.5: an expired token is refreshed once and the call retried; a user who does not
 * follow the OA, or has been away too long, or cannot receive this message now, is not retried; rate limits and
 * unknown failures are retried later. Which of -217, -227, -232, -234 and -244 is which is not documented: none of
 * them is retried.
 *
 * @internal
 */
export const defaultCodes: Readonly<Record<string, Channel.Reason>> = {
  "-216": "token_expired",
  "-124": "token_expired",
  "-213": "recipient_unavailable",
  "-230": "outside_window",
  "-217": "outside_window",
  "-227": "outside_window",
  "-232": "outside_window",
  "-234": "outside_window",
  "-244": "outside_window",
  "-32": "rate_limited",
  "-100": "transient",
  "-201": "permanent"
}

/** What each reason means to the officer reading the outbox, Vietnamese first. @internal */
export const describe: { readonly [R in Channel.Reason]: string } = {
  bad_signature: "chữ ký không hợp lệ / bad signature",
  forbidden: "không được phép / forbidden",
  bad_request: "yêu cầu không hợp lệ / bad request",
  unsupported_event: "sự kiện không hỗ trợ / unsupported event",
  rate_limited: "vượt giới hạn gửi, sẽ thử lại / rate limited, retried later",
  token_expired: "access token hết hạn / the access token expired",
  outside_window:
    "người dùng không thể nhận tin này lúc này (ngoài khung tương tác) / the user cannot receive this message now (outside the interaction window)",
  recipient_unavailable:
    "người dùng chưa quan tâm OA hoặc không nhận được tin / the user does not follow the OA or cannot be reached",
  transient: "lỗi tạm thời, sẽ thử lại / a temporary failure, retried later",
  permanent: "Zalo từ chối tin nhắn / Zalo refused the message"
}
