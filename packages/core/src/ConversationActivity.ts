/**
 * Each conversation's traffic, for the platforms' reply windows: when the reporter last wrote in a conversation
 * and how many replies went out since. Intake records what reporters send, the dispatcher what it replies, and
 * {@link checkWindow} tells the dispatcher whether the platform still allows a reply.
 *
 * @since 0.2.0
 * @module
 */
export {
  Activity,
  ConversationActivity,
  ConversationActivityError,
  checkWindow,
  directKey,
  layerMemory,
  recordInbound
} from "./internal/messaging/activity.js"
