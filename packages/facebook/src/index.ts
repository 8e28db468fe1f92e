/**
 * `@tinbao/facebook`: tinbao's Facebook channel. `Facebook` serves a Meta app's fanpages: Messenger conversations
 * and comments under the pages' posts come in through the app's one webhook; replies go back on Messenger within
 * Meta's windows, to commenters in private, and in public only when an officer says so.
 *
 * @since 0.1.0
 * @packageDocumentation
 */

// Each namespace takes its summary from the comment that opens its module (marked `@module`).
export * as Facebook from "./Facebook.js"
