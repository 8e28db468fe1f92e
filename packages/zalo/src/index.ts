/**
 * `@tinbao/zalo`: tinbao's Zalo channels. `ZaloOa` is a ward's Official Account (1:1 chats and the OA's group
 * chats, replies within Zalo's free-reply quota, tokens refreshed through the core's `Credentials`); `ZaloBot` is a
 * Zalo Bot Platform bot; `ZaloConnect` connects an OA (OAuth v4 with PKCE) for a server's "connect your OA" page.
 *
 * @since 0.1.0
 * @packageDocumentation
 */

// Each namespace takes its summary from the comment that opens its module (marked `@module`).
export * as ZaloBot from "./ZaloBot.js"
export * as ZaloConnect from "./ZaloConnect.js"
export * as ZaloOa from "./ZaloOa.js"
