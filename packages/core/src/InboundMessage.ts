/**
 * What a channel adapter makes of a platform's delivery: normalised messages that intake can act on,
 * whatever the platform. The sender's platform id and name are an identity, and so is a direct conversation's
 * id (the sender's platform id): they travel redacted and go to the identity vault, never onto a tip; an error on
 * one of them states the field's rule, never its value. No id, name or text holds a NUL character (U+0000), which
 * PostgreSQL cannot store.
 *
 * @since 0.1.0
 * @module
 */
export {
  Attachment,
  Conversation,
  ConversationKey,
  direct,
  InboundMessage,
  isTipMaterial,
  Kind,
  PlatformTime,
  parseTime,
  Sender
} from "./internal/channel/inboundMessage.js"
