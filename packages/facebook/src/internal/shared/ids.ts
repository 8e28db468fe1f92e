/**
 * The ids of comment changes. Meta names a comment by `comment_id` whatever happens to it, but intake takes each
 * message id in once: an edit is a message of its own, `<comment id>#edit:<digest of the new text>` (a redelivery of
 * the same edit has the same id; a second, different edit has another), and a reply to it goes to the comment.
 *
 * @internal
 */
import { createHash } from "node:crypto"

const marker = "#edit:"

/** The id of an edit of a comment to `text`. @internal */
export const editId = (commentId: string, text: string): string =>
  `${commentId}${marker}${createHash("sha256").update(text).digest("hex").slice(0, 16)}`

/** The comment a message id names: itself, or the comment an edit changed. @internal */
export const commentIdOf = (platformMessageId: string): string => {
  const at = platformMessageId.indexOf(marker)
  return at === -1 ? platformMessageId : platformMessageId.slice(0, at)
}
