/**
 * `@tinbao/web`: the web-form channel, a police website's signed "gửi tin báo" form posting tips to tinbao and
 * taking the replies back. It is the smallest real channel adapter, and the model for the others.
 *
 * @since 0.1.0
 * @packageDocumentation
 */

// Each namespace takes its summary from the comment that opens its module (marked `@module`).
export * as WebFormChannel from "./WebFormChannel.js"
